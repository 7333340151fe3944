"""Step: one step of a routine (ramp, hold, release, rest, threshold), its validation, and
building one from a dict (parsed TOML or JSON) with the offending key named on any error."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

from ..errors import PressureError

STEP_KINDS = ("ramp", "hold", "release", "rest", "threshold")
ON_LEAVE = ("pause", "reset", "record")
ADVANCE = ("auto", "key")
DEFAULT_TOLERANCE_PCT = 10.0  # a band of +/- 10 % of the target when a step gives none

# Which numeric fields each kind takes: "required", "optional"; anything else is refused, so a
# typo such as a duration on a ramp is reported instead of being silently ignored.
FIELDS_BY_KIND: dict[str, dict[str, str]] = {
    "ramp": {"target": "required", "tolerance": "optional", "rate": "optional"},
    "hold": {"target": "required", "tolerance": "optional", "duration": "required"},
    "release": {"duration": "optional"},
    "rest": {"duration": "required"},
    "threshold": {"rate": "required", "target": "optional", "duration": "optional"},
}
NUMERIC = ("target", "tolerance", "duration", "rate")


class RoutineError(PressureError):
    """A routine that cannot be run. ``step`` (index) and ``key`` say where, when known, so the
    file loader can point at the line."""

    def __init__(self, message: str, step: int | None = None, key: str | None = None):
        super().__init__(message)
        self.step = step
        self.key = key


def number(value, what: str, *, step: int | None = None, key: str | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise RoutineError(f"{what} must be a number, not {value!r}", step, key)
    value = float(value)
    if not math.isfinite(value):
        raise RoutineError(f"{what} must be a finite number, not {value!r}", step, key)
    return value


def parse_tolerance(text, target: float) -> float:
    """A tolerance as the user writes it -> an absolute value in the target's unit.

    ``"10%"`` is a percentage of the target (0.1 * target), ``"2"`` or ``2`` is absolute.
    """
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        value, percent = float(text), False
    elif isinstance(text, str):
        s = text.strip()
        percent = s.endswith("%")
        try:
            value = float(s[:-1] if percent else s)
        except ValueError:
            raise PressureError(
                f"tolerance {text!r} is neither a percentage of the target (like '10%') "
                "nor an absolute value (like '2')"
            ) from None
    else:
        raise PressureError(f"tolerance must be a percentage like '10%' or a number, not {text!r}")
    if not math.isfinite(value) or value < 0:
        raise PressureError(f"tolerance {text!r} must be zero or positive")
    if percent:
        if value > 100:
            raise PressureError(f"tolerance {text!r} is more than 100 % of the target")
        return float(target) * value / 100.0
    return value


@dataclass(frozen=True)
class Step:
    """One step of a routine. Which fields a kind uses is listed in ``docs/routines.md``.

    target     routine unit; ramp/hold (threshold: optional cap for the pacer line)
    tolerance  absolute, routine unit; the band is target +/- tolerance (None: 10 % of target)
    duration   s; hold: time in band to accumulate; rest: wall time; release/threshold: max time
    rate       routine unit per second; a paced ramp's pacer line, a threshold trial's ramp
    on_leave   hold: "pause" (leaving the band stops the timer), "reset" (sets it to 0),
               "record" (the timer keeps running; leaving is only logged)
    advance    "auto": the step starts when the previous one ends; "key": it waits for the key
    """

    kind: str
    target: float | None = None
    tolerance: float | None = None
    duration: float | None = None
    rate: float | None = None
    on_leave: str = "pause"
    advance: str = "auto"
    label: str = ""

    def __post_init__(self):
        validate_step(self, None)

    def band(self) -> tuple[float, float] | None:
        """(low, high) of the target band, or None for a step without a target band."""
        if self.kind not in ("ramp", "hold") or self.target is None:
            return None
        tol = self.effective_tolerance()
        return (self.target - tol, self.target + tol)

    def effective_tolerance(self) -> float | None:
        if self.target is None:
            return None
        if self.tolerance is not None:
            return self.tolerance
        return self.target * DEFAULT_TOLERANCE_PCT / 100.0

    def to_dict(self) -> dict:
        """Only the fields that differ from the defaults (small, readable session metadata)."""
        out: dict = {"kind": self.kind}
        for f in fields(self):
            if f.name == "kind":
                continue
            value = getattr(self, f.name)
            if value != f.default:
                out[f.name] = value
        return out


def validate_step(step: Step, index: int | None) -> None:
    where = "" if index is None else f"step {index + 1} ({step.kind}): "
    if step.kind not in STEP_KINDS:
        raise RoutineError(
            f"{where}unknown step kind {step.kind!r}; choose one of {', '.join(STEP_KINDS)}", index, "kind"
        )
    allowed = FIELDS_BY_KIND[step.kind]
    for name in NUMERIC:
        value = getattr(step, name)
        if value is None:
            if allowed.get(name) == "required":
                raise RoutineError(f"{where}a {step.kind} step needs a {name}", index, None)
            continue
        if name not in allowed:
            raise RoutineError(f"{where}a {step.kind} step takes no {name}", index, name)
        value = number(value, f"{where}{name}", step=index, key=name)
        if name in ("duration", "rate") and value <= 0:
            raise RoutineError(f"{where}{name} must be greater than 0, not {value:g}", index, name)
        if name in ("target", "tolerance") and value < 0:
            raise RoutineError(f"{where}{name} must not be negative, not {value:g}", index, name)
    if step.kind in ("ramp", "hold") and step.target == 0 and step.tolerance is None:
        raise RoutineError(f"{where}a target of 0 needs an absolute tolerance", index, "target")
    if step.on_leave not in ON_LEAVE:
        raise RoutineError(f"{where}on_leave must be one of {', '.join(ON_LEAVE)}, not {step.on_leave!r}",
                           index, "on_leave")
    if step.advance not in ADVANCE:
        raise RoutineError(f"{where}advance must be one of {', '.join(ADVANCE)}, not {step.advance!r}",
                           index, "advance")
    if not isinstance(step.label, str):
        raise RoutineError(f"{where}label must be text, not {step.label!r}", index, "label")


def step_from_dict(s, index: int) -> Step:
    if not isinstance(s, dict):
        raise RoutineError(f"step {index + 1} must be a table of keys, not {s!r}", index, None)
    known = {f.name for f in fields(Step)}
    s = {k: v for k, v in s.items() if not (v is None and k in NUMERIC)}  # JSON null = absent
    for key in s:
        if key not in known:
            raise RoutineError(f"step {index + 1}: unknown key {key!r}; a step has {', '.join(sorted(known))}",
                               index, key)
    kind = s.get("kind")
    if kind is None:
        raise RoutineError(f"step {index + 1} needs a kind ({', '.join(STEP_KINDS)})", index, None)
    if not isinstance(kind, str) or kind not in STEP_KINDS:
        raise RoutineError(f"step {index + 1}: unknown step kind {kind!r}; choose one of {', '.join(STEP_KINDS)}",
                           index, "kind")
    allowed = FIELDS_BY_KIND[kind]
    if "on_leave" in s and kind != "hold":
        raise RoutineError(f"step {index + 1} ({kind}): on_leave applies to hold steps only", index, "on_leave")
    for key in ("on_leave", "advance", "label"):
        if key in s and not isinstance(s[key], str):
            raise RoutineError(f"step {index + 1} ({kind}): {key} must be text, not {s[key]!r}", index, key)
    values: dict = {}
    for key in NUMERIC:
        if key not in s:
            continue
        if key not in allowed:
            raise RoutineError(f"step {index + 1} ({kind}): a {kind} step takes no {key}", index, key)
        if key == "tolerance":
            continue
        values[key] = number(s[key], f"step {index + 1} ({kind}): {key}", step=index, key=key)
    if "tolerance" in s:
        target = values.get("target")
        tol = s["tolerance"]
        if isinstance(tol, str) and tol.strip().endswith("%") and target is None:
            raise RoutineError(f"step {index + 1} ({kind}): a tolerance in % needs a target", index, "tolerance")
        try:
            values["tolerance"] = parse_tolerance(tol, target or 0.0)
        except PressureError as exc:
            raise RoutineError(f"step {index + 1} ({kind}): {exc}", index, "tolerance") from None
    step_kwargs = {k: s[k] for k in ("on_leave", "advance", "label") if k in s}
    try:
        return Step(kind=kind, **values, **step_kwargs)
    except RoutineError as exc:
        msg = str(exc)
        raise RoutineError(f"step {index + 1} ({kind}): {msg}", index, exc.key) from None
