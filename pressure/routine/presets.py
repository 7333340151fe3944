"""The built-in routines, looking a routine up by name or path, and the single-hold routine.

A name and a path are different things: a routine's name (from a recording, a reference, the
settings) is looked up among the built-ins and in the routines folder and is never opened as a
path; a path is opened only where the user typed one (``--routine path/to/file.toml``), because
a name taken as a path could point at a FIFO (a hang) or a device.
"""

from __future__ import annotations

from pathlib import Path

from .. import paths
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


MAX_NAME_CHARS = 200  # a routine's name is a few words; anything longer is no name of ours


def _shown(name) -> str:
    text = str(name)
    return repr(text if len(text) <= 60 else text[:60] + "...")


def find_routine(name) -> Routine | None:
    """The routine called ``name``: a built-in (by key or full name, any case) or
    ``<routines folder>/<name>.toml``. None if there is none. Never opens ``name`` as a path."""
    key = str(name).strip()
    if not key or len(key) > MAX_NAME_CHARS or any(c in key for c in "/\\\0") or key in (".", ".."):
        return None
    low = key.casefold()
    if low in BUILTIN_ROUTINES:
        return BUILTIN_ROUTINES[low]
    for routine in BUILTIN_ROUTINES.values():
        if routine.name.casefold() == low:
            return routine
    folder = paths.routines_dir()
    candidate = folder / (key if low.endswith(".toml") else key + ".toml")
    try:
        if not candidate.is_file():  # a FIFO or device there is not a routine file
            return None
    except OSError:
        return None
    return load_routine_file(candidate)


def get_routine(name_or_path: str, *, path_ok: bool = True) -> Routine:
    """A routine by name (see find_routine), else, with ``path_ok`` (the user typed it), the
    routine TOML file at that path."""
    found = find_routine(name_or_path)
    if found is not None:
        return found
    key = str(name_or_path).strip()
    if path_ok and len(key) <= 4096 and "\0" not in key:
        path = Path(key).expanduser()
        try:
            looks_like_path = path.suffix.lower() == ".toml" or path.exists() or "/" in key or "\\" in key
        except OSError:
            looks_like_path = True
        if looks_like_path:
            return load_routine_file(path)
    raise PressureError(
        f"unknown routine {_shown(name_or_path)}; use a built-in ({', '.join(BUILTIN_ROUTINES)}), "
        f"a routine file's name in {paths.routines_dir()}, or the path of a .toml routine file"
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
