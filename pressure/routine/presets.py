"""The built-in routines, looking a routine up by name or path, and the single-hold routine."""

from __future__ import annotations

from pathlib import Path

from ..errors import PressureError
from ..samples import normalize_unit
from .model import Routine
from .steps import Step, number, parse_tolerance
from .tomlfile import load_routine_file


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


# The one default hold (s) for a single hold: the command line and the Settings dialog both use it.
DEFAULT_HOLD_S = 60.0


def single_hold(target, tolerance="10%", hold=DEFAULT_HOLD_S, ceiling=None, unit="N", area_cm2=None) -> Routine:
    """One ramp to ``target``, one hold of ``hold`` seconds in target +/- tolerance, release."""
    target = number(target, "target")
    if target <= 0:
        raise PressureError(f"target must be greater than 0, not {target:g}")
    tol = parse_tolerance(tolerance, target)
    hold = number(hold, "hold")
    if hold <= 0:
        raise PressureError(f"hold must be greater than 0 seconds, not {hold:g}")
    unit = normalize_unit(unit)
    tol_text = tolerance if isinstance(tolerance, str) else f"{tol:g}"
    return Routine(
        name=f"Hold {target:g} {unit} +/- {tol_text} for {hold:g} s",
        unit=unit,
        area_cm2=area_cm2,
        ceiling=None if ceiling is None else number(ceiling, "ceiling"),
        steps=(
            Step("ramp", target=target, tolerance=tol, label="press"),
            Step("hold", target=target, tolerance=tol, duration=hold, label="hold"),
            Step("release", label="release"),
        ),
    )
