"""Routines as data: a sequence of steps (ramp, hold, release, rest, threshold), built-ins, TOML.

A routine is what the therapist means to do to a tender spot: press up to a target, hold it
within a band for a time, let go, rest, and again. Keeping it as plain frozen data (no
behaviour beyond validation and unit conversion) lets the coach run it live, the scorer judge
a recording against it, and the recorder store it in the session file, all from one
description that round-trips through JSON and TOML.

Values are written in the routine's own display unit (``unit``; pressure units need the contact
area ``area_cm2``). :meth:`Routine.converted` gives the same routine in another display unit.
The file format is documented in ``docs/routines.md``.
"""

from __future__ import annotations

import json
import logging
import math
import re
from dataclasses import dataclass, field, fields
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

from .errors import PressureError
from .samples import from_unit, is_pressure_unit, normalize_unit, to_unit

log = logging.getLogger(__name__)

STEP_KINDS = ("ramp", "hold", "release", "rest", "threshold")
ON_LEAVE = ("pause", "reset", "record")
ADVANCE = ("auto", "key")
DEFAULT_TOLERANCE_PCT = 10.0  # a band of +/- 10 % of the target when a step gives none
MAX_FILE_BYTES = 1 << 20  # a routine is a few hundred bytes; refuse to parse anything huge

# Which numeric fields each kind takes: "required", "optional"; anything else is refused, so a
# typo such as a duration on a ramp is reported instead of being silently ignored.
_FIELDS_BY_KIND: dict[str, dict[str, str]] = {
    "ramp": {"target": "required", "tolerance": "optional", "rate": "optional"},
    "hold": {"target": "required", "tolerance": "optional", "duration": "required"},
    "release": {"duration": "optional"},
    "rest": {"duration": "required"},
    "threshold": {"rate": "required", "target": "optional", "duration": "optional"},
}
_NUMERIC = ("target", "tolerance", "duration", "rate")


class RoutineError(PressureError):
    """A routine that cannot be run. ``step`` (index) and ``key`` say where, when known, so the
    file loader can point at the line."""

    def __init__(self, message: str, step: int | None = None, key: str | None = None):
        super().__init__(message)
        self.step = step
        self.key = key


def _number(value, what: str, *, step: int | None = None, key: str | None = None) -> float:
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
        _validate_step(self, None)

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


def _validate_step(step: Step, index: int | None) -> None:
    where = "" if index is None else f"step {index + 1} ({step.kind}): "
    if step.kind not in STEP_KINDS:
        raise RoutineError(
            f"{where}unknown step kind {step.kind!r}; choose one of {', '.join(STEP_KINDS)}", index, "kind"
        )
    allowed = _FIELDS_BY_KIND[step.kind]
    for name in _NUMERIC:
        value = getattr(step, name)
        if value is None:
            if allowed.get(name) == "required":
                raise RoutineError(f"{where}a {step.kind} step needs a {name}", index, None)
            continue
        if name not in allowed:
            raise RoutineError(f"{where}a {step.kind} step takes no {name}", index, name)
        value = _number(value, f"{where}{name}", step=index, key=name)
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


@dataclass(frozen=True)
class Routine:
    """A named sequence of steps with the unit its values are written in and a safety ceiling."""

    name: str
    steps: tuple[Step, ...]
    unit: str = "N"
    area_cm2: float | None = None
    ceiling: float | None = None
    description: str = ""

    def __post_init__(self):
        if not isinstance(self.name, str) or not self.name.strip():
            raise RoutineError("a routine needs a name", None, "name")
        if not isinstance(self.description, str):
            raise RoutineError("description must be text", None, "description")
        if not isinstance(self.unit, str):
            raise RoutineError(f"unit must be text, not {self.unit!r}", None, "unit")
        try:
            unit = normalize_unit(self.unit)
        except PressureError as exc:
            raise RoutineError(str(exc), None, "unit") from None
        object.__setattr__(self, "unit", unit)
        object.__setattr__(self, "steps", tuple(self.steps))
        if self.area_cm2 is not None:
            area = _number(self.area_cm2, "area_cm2", key="area_cm2")
            if area <= 0:
                raise RoutineError(f"area_cm2 must be greater than 0, not {area:g}", None, "area_cm2")
        if is_pressure_unit(unit) and self.area_cm2 is None:
            raise RoutineError(f"unit {unit} is a pressure: the routine needs area_cm2 (the contact area)",
                               None, "unit")
        if self.ceiling is not None:
            ceiling = _number(self.ceiling, "ceiling", key="ceiling")
            if ceiling <= 0:
                raise RoutineError(f"ceiling must be greater than 0, not {ceiling:g}", None, "ceiling")
        if not self.steps:
            raise RoutineError("a routine needs at least one step", None, "steps")
        for i, step in enumerate(self.steps):
            if not isinstance(step, Step):
                raise RoutineError(f"step {i + 1} is not a Step", i, None)
            if self.ceiling is not None and step.target is not None and step.target > self.ceiling:
                raise RoutineError(
                    f"step {i + 1} ({step.kind}): target {step.target:g} {unit} is above the "
                    f"ceiling {self.ceiling:g} {unit}", i, "target")

    # -- conversion -------------------------------------------------------------------------
    def to_dict(self) -> dict:
        """Plain JSON-able dict; :meth:`from_dict` gives back an equal routine."""
        out: dict = {"name": self.name, "unit": self.unit}
        if self.area_cm2 is not None:
            out["area_cm2"] = self.area_cm2
        if self.ceiling is not None:
            out["ceiling"] = self.ceiling
        if self.description:
            out["description"] = self.description
        out["steps"] = [s.to_dict() for s in self.steps]
        return out

    @classmethod
    def from_dict(cls, d) -> "Routine":
        """Build and validate a routine from a dict (parsed TOML or JSON).

        Step tolerances may be written as ``"10%"`` (of the step's target) or as a number.
        Raises :class:`RoutineError` with ``step``/``key`` set to the offending place.
        """
        if not isinstance(d, dict):
            raise RoutineError(f"a routine must be a table of keys, not {type(d).__name__}")
        known = {"name", "unit", "area_cm2", "ceiling", "description", "steps"}
        for key in d:
            if key not in known:
                raise RoutineError(f"unknown key {key!r}; a routine has {', '.join(sorted(known))}", None, key)
        for key in ("name", "unit", "description"):
            if key in d and not isinstance(d[key], str):
                raise RoutineError(f"{key} must be text, not {d[key]!r}", None, key)
        if "name" not in d:
            raise RoutineError("a routine needs a name", None, None)
        raw_steps = d.get("steps")
        if not isinstance(raw_steps, list) or not raw_steps:
            raise RoutineError("a routine needs at least one [[steps]] table", None, "steps" if "steps" in d else None)
        steps = tuple(_step_from_dict(s, i) for i, s in enumerate(raw_steps))
        kwargs = {}
        for key in ("area_cm2", "ceiling"):
            if d.get(key) is not None:
                kwargs[key] = _number(d[key], key, key=key)
        return cls(name=d["name"], steps=steps, unit=d.get("unit", "N"),
                   description=d.get("description", ""), **kwargs)

    def to_json(self) -> str:
        return json.dumps(self.to_dict())

    def to_toml(self) -> str:
        """The routine as a TOML file in the format :func:`load_routine_file` reads."""
        d = self.to_dict()
        lines = []
        for key in ("name", "unit", "area_cm2", "ceiling", "description"):
            if key in d:
                lines.append(f"{key} = {_toml_value(d[key])}")
        for step in d["steps"]:
            lines.append("")
            lines.append("[[steps]]")
            lines.extend(f"{k} = {_toml_value(v)}" for k, v in step.items())
        return "\n".join(lines) + "\n"

    def converted(self, unit: str, area_cm2: float | None = None) -> "Routine":
        """The same routine with every value in another display unit.

        The contact area used is ``area_cm2`` when given (the real tip or thumb), else the
        routine's own. Values go through newtons with that one area, so kPa -> kPa is unchanged
        whatever the area, and N -> kPa divides by the area.
        """
        unit = normalize_unit(unit)
        area = area_cm2 if area_cm2 is not None else self.area_cm2
        if unit == self.unit and area == self.area_cm2:
            return self

        def conv(v):
            return None if v is None else float(to_unit(from_unit(v, self.unit, area), unit, area))

        steps = tuple(
            Step(kind=s.kind, target=conv(s.target), tolerance=conv(s.tolerance), duration=s.duration,
                 rate=conv(s.rate), on_leave=s.on_leave, advance=s.advance, label=s.label)
            for s in self.steps
        )
        return Routine(name=self.name, steps=steps, unit=unit, area_cm2=area,
                       ceiling=conv(self.ceiling), description=self.description)

    def holds(self) -> list[int]:
        """Indices of the hold steps (what scoring judges)."""
        return [i for i, s in enumerate(self.steps) if s.kind == "hold"]


def _toml_value(v) -> str:
    if isinstance(v, str):
        # TOML basic string: escape the quote, the backslash and every control character
        # (TOML also forbids a raw DEL, which JSON allows).
        out = []
        for ch in v:
            if ch in '"\\':
                out.append("\\" + ch)
            elif ord(ch) < 0x20 or ord(ch) == 0x7F:
                out.append(f"\\u{ord(ch):04x}")
            else:
                out.append(ch)
        return '"' + "".join(out) + '"'
    if isinstance(v, bool):
        return "true" if v else "false"
    return repr(float(v)) if isinstance(v, float) else str(v)


def _step_from_dict(s, index: int) -> Step:
    if not isinstance(s, dict):
        raise RoutineError(f"step {index + 1} must be a table of keys, not {s!r}", index, None)
    known = {f.name for f in fields(Step)}
    s = {k: v for k, v in s.items() if not (v is None and k in _NUMERIC)}  # JSON null = absent
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
    allowed = _FIELDS_BY_KIND[kind]
    if "on_leave" in s and kind != "hold":
        raise RoutineError(f"step {index + 1} ({kind}): on_leave applies to hold steps only", index, "on_leave")
    for key in ("on_leave", "advance", "label"):
        if key in s and not isinstance(s[key], str):
            raise RoutineError(f"step {index + 1} ({kind}): {key} must be text, not {s[key]!r}", index, key)
    values: dict = {}
    for key in _NUMERIC:
        if key not in s:
            continue
        if key not in allowed:
            raise RoutineError(f"step {index + 1} ({kind}): a {kind} step takes no {key}", index, key)
        if key == "tolerance":
            continue
        values[key] = _number(s[key], f"step {index + 1} ({kind}): {key}", step=index, key=key)
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


# -- files ----------------------------------------------------------------------------------

_TOML_POS = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_TABLE_HEADER = re.compile(r"^\s*\[")
_STEPS_HEADER = re.compile(r"^\s*\[\[\s*steps\s*\]\]")


def _find_line(text: str, step: int | None, key: str | None) -> int | None:
    """1-based line of ``key`` in the ``step``-th [[steps]] table (or at the top level), or of
    that table's header when the key is missing there; None when the text has no such place."""
    lines = text.splitlines()
    if step is None:
        start, end = 0, next((i for i, l in enumerate(lines) if _TABLE_HEADER.match(l)), len(lines))
        header = None
    else:
        headers = [i for i, l in enumerate(lines) if _STEPS_HEADER.match(l)]
        if step >= len(headers):  # e.g. steps written as an inline array
            key_line = _find_line(text, None, "steps")
            return key_line
        header = headers[step]
        start = header + 1
        end = next((i for i in range(start, len(lines)) if _TABLE_HEADER.match(lines[i])), len(lines))
    if key:
        pattern = re.compile(r'^\s*["\']?' + re.escape(key) + r'["\']?\s*=')
        for i in range(start, end):
            if pattern.match(lines[i]):
                return i + 1
    return None if header is None else header + 1


def load_routine_file(path) -> Routine:
    """Read a routine from a TOML file; any problem is a RoutineError naming the file and line."""
    path = Path(path)
    try:
        if path.is_dir():
            raise RoutineError(f"{path} is a folder, not a routine file")
        with open(path, "rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise RoutineError(f"no such routine file: {path}") from None
    except OSError as exc:
        raise RoutineError(f"cannot read routine file {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_FILE_BYTES:
        raise RoutineError(f"{path}: too large for a routine file (over {MAX_FILE_BYTES // 1024} KB)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise RoutineError(f"{path}, line {line}: not UTF-8 text") from None
    try:
        parsed = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = _TOML_POS.search(msg)
        if m:
            raise RoutineError(f"{path}, line {m.group(1)}, column {m.group(2)}: {msg[:m.start()]}") from None
        raise RoutineError(f"{path}: {msg}") from None
    try:
        routine = Routine.from_dict(parsed)
    except RoutineError as exc:
        line = _find_line(text, exc.step, exc.key)
        where = f"{path}, line {line}" if line else f"{path}"
        raise RoutineError(f"{where}: {exc}", exc.step, exc.key) from None
    log.debug("loaded routine %r from %s", routine.name, path)
    return routine


# -- built-ins ------------------------------------------------------------------------------

def _repeat(n: int, steps: list[Step]) -> tuple[Step, ...]:
    out = []
    for i in range(n):
        for s in steps:
            label = f"{s.label} {i + 1}/{n}" if s.label else ""
            out.append(Step(kind=s.kind, target=s.target, tolerance=s.tolerance, duration=s.duration,
                            rate=s.rate, on_leave=s.on_leave, advance=s.advance, label=label))
    return tuple(out)


BUILTIN_ROUTINES: dict[str, Routine] = {
    "ischemic": Routine(
        name="Ischemic compression, 3 x 60 s",
        unit="N",
        ceiling=60.0,
        description="Three 60 s holds at 30 N +/- 10 % with 30 s rests; leaving the band pauses the timer.",
        steps=_repeat(3, [
            Step("ramp", target=30.0, tolerance=3.0, label="press"),
            Step("hold", target=30.0, tolerance=3.0, duration=60.0, on_leave="pause", label="hold"),
            Step("release", duration=10.0, label="release"),
            Step("rest", duration=30.0, label="rest"),
        ]),
    ),
    "ppt": Routine(
        name="Pressure-pain threshold, 3 trials",
        unit="kPa",
        area_cm2=1.0,
        ceiling=1000.0,
        description=("Ramp at 50 kPa/s with a 1 cm2 tip until the patient reports pain; the key marks "
                     "the threshold. Three trials with 30 s rests; the mean is the PPT."),
        steps=_repeat(3, [
            Step("threshold", rate=50.0, advance="key", label="trial"),
            Step("release", duration=10.0, label="release"),
            Step("rest", duration=30.0, label="rest"),
        ]),
    ),
    "steady": Routine(
        name="Steady-hold practice, 5 x 20 s",
        unit="N",
        ceiling=60.0,
        description="Student practice: five 20 s holds at 30 N +/- 5 %; leaving the band resets the timer.",
        steps=_repeat(5, [
            Step("ramp", target=30.0, tolerance=1.5, label="press"),
            Step("hold", target=30.0, tolerance=1.5, duration=20.0, on_leave="reset", label="hold"),
            Step("release", duration=10.0, label="release"),
            Step("rest", duration=10.0, label="rest"),
        ]),
    ),
    "trapezoid": Routine(
        name="Trapezoid loading cycle",
        unit="N",
        ceiling=80.0,
        description="Ramp up at 10 N/s to 40 N, plateau 20 s, ramp down at 10 N/s, rest.",
        steps=(
            Step("ramp", target=40.0, tolerance=4.0, rate=10.0, label="ramp up"),
            Step("hold", target=40.0, tolerance=4.0, duration=20.0, on_leave="record", label="plateau"),
            Step("ramp", target=0.0, tolerance=2.0, rate=10.0, label="ramp down"),
            Step("rest", duration=20.0, label="rest"),
        ),
    ),
}


def routine_names() -> list[str]:
    return list(BUILTIN_ROUTINES)


def get_routine(name_or_path: str) -> Routine:
    """A built-in routine by name (case-insensitive) or a routine TOML file by path."""
    key = str(name_or_path).strip()
    if key.lower() in BUILTIN_ROUTINES:
        return BUILTIN_ROUTINES[key.lower()]
    path = Path(key).expanduser()
    if path.suffix.lower() == ".toml" or path.exists() or "/" in key or "\\" in key:
        return load_routine_file(path)
    raise PressureError(
        f"unknown routine {name_or_path!r}; use a built-in ({', '.join(BUILTIN_ROUTINES)}) "
        "or the path of a .toml routine file"
    )


def single_hold(target, tolerance="10%", hold=60.0, ceiling=None, unit="N", area_cm2=None) -> Routine:
    """One ramp to ``target``, one hold of ``hold`` seconds in target +/- tolerance, release."""
    target = _number(target, "target")
    if target <= 0:
        raise PressureError(f"target must be greater than 0, not {target:g}")
    tol = parse_tolerance(tolerance, target)
    hold = _number(hold, "hold")
    if hold <= 0:
        raise PressureError(f"hold must be greater than 0 seconds, not {hold:g}")
    unit = normalize_unit(unit)
    tol_text = tolerance if isinstance(tolerance, str) else f"{tol:g}"
    return Routine(
        name=f"Hold {target:g} {unit} +/- {tol_text} for {hold:g} s",
        unit=unit,
        area_cm2=area_cm2,
        ceiling=None if ceiling is None else _number(ceiling, "ceiling"),
        steps=(
            Step("ramp", target=target, tolerance=tol, label="press"),
            Step("hold", target=target, tolerance=tol, duration=hold, label="hold"),
            Step("release", label="release"),
        ),
    )
