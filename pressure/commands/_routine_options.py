"""Shared command-line options for what to hold: ``--routine`` or a single ``--target`` hold.

Used by the live window, replay and report commands so the same words mean the same thing
everywhere. The display unit (``--unit``, ``--area``) lives here too because targets are written
in it: the routine returned by :func:`routine_from_args` is already converted to that unit.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import math

from ..errors import PressureError
from ..routine import BUILTIN_ROUTINES, DEFAULT_HOLD_S, Routine, get_routine, single_hold
from ..samples import CONTACT_AREAS, DISPLAY_UNITS, is_pressure_unit, normalize_unit

log = logging.getLogger(__name__)

DEFAULT_TOLERANCE = "10%"


def area_words() -> list[str]:
    """The words one types for ``--area``: the first word of each contact name."""
    return [name.split()[0].lower() for name in CONTACT_AREAS]


def parse_area(text: str) -> float:
    """``--area``: square centimetres (``2.5``) or a contact name from CONTACT_AREAS, by any
    unambiguous start of it (``thumb``, ``algometer``)."""
    s = str(text).strip()
    try:
        value = float(s)
    except ValueError:
        key = s.lower()
        matches = [area for name, area in CONTACT_AREAS.items() if name.lower().startswith(key)] if key else []
        if len(matches) == 1:
            return matches[0]
        names = ", ".join(area_words())
        raise PressureError(f"--area {text!r}: give square centimetres (like 1.5) or one of: {names}") from None
    if not math.isfinite(value) or value <= 0:
        raise PressureError(f"--area must be greater than 0 cm2, not {text}")
    return value


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"not a finite number: {text!r}")
    return value


def add_routine_options(parser: argparse.ArgumentParser) -> None:
    g = parser.add_argument_group("what to hold (targets are in --unit)")
    g.add_argument("--routine", metavar="NAME|FILE",
                   help=f"a built-in routine ({', '.join(BUILTIN_ROUTINES)}) or a routine .toml file")
    g.add_argument("--target", type=_number, metavar="VALUE",
                   help="a single hold at this value (instead of --routine)")
    g.add_argument("--tolerance", metavar="TOL",
                   help=f"band around --target: a percentage like 10%% or an absolute value like 2 "
                        f"(default {DEFAULT_TOLERANCE.replace('%', '%%')})")
    g.add_argument("--hold", type=_number, metavar="SECONDS",
                   help=f"time to hold in the band with --target (default {DEFAULT_HOLD_S:g})")
    g.add_argument("--ceiling", type=_number, metavar="VALUE",
                   help="safety ceiling: an alarm above it (overrides the routine's own)")
    g.add_argument("--unit", default=None, metavar="UNIT",
                   help=f"display unit: {', '.join(DISPLAY_UNITS)} (default: the routine's own, else N)")
    g.add_argument("--area", metavar="CM2|NAME",
                   help="contact area for pressure units: cm2 or a contact name "
                        "(algometer, thumb, elbow, tool)")


def display_unit_from_args(args, routine: Routine | None = None) -> tuple[str, float | None]:
    """The display unit and contact area: ``--unit``, else the routine's own unit, else N. A
    pressure unit without ``--area`` is an error unless the routine brings its own area."""
    given = getattr(args, "unit", None)
    unit = normalize_unit(given or (routine.unit if routine is not None else "N"))
    area = parse_area(args.area) if getattr(args, "area", None) is not None else None
    if area is None and routine is not None:
        area = routine.area_cm2
    if is_pressure_unit(unit) and area is None:
        raise PressureError(f"--unit {unit} is a pressure: give the contact area with --area (cm2 or a name)")
    return unit, area


def routine_from_args(args) -> Routine | None:
    """The routine the options ask for, in the display unit; None when neither --routine nor
    --target is given. A routine stays in its own unit unless --unit (or --area) is given."""
    name = getattr(args, "routine", None)
    target = getattr(args, "target", None)
    tolerance = getattr(args, "tolerance", None)
    hold = getattr(args, "hold", None)
    ceiling = getattr(args, "ceiling", None)
    if name is not None and target is not None:
        raise PressureError("give either --routine or --target, not both")
    if name is None and target is None:
        for flag, value in (("--tolerance", tolerance), ("--hold", hold)):
            if value is not None:
                raise PressureError(f"{flag} needs --target (a single hold)")
        display_unit_from_args(args)  # still check --unit/--area
        return None
    if ceiling is not None and ceiling <= 0:
        raise PressureError(f"--ceiling must be greater than 0, not {ceiling:g}")
    if name is not None:
        for flag, value in (("--tolerance", tolerance), ("--hold", hold)):
            if value is not None:
                raise PressureError(f"{flag} applies to a single hold from --target; "
                                    "with --routine the routine sets it (edit a copy of the routine file)")
        routine = get_routine(name)
        unit, area = display_unit_from_args(args, routine)
        routine = routine.converted(unit, area)
        if ceiling is not None:
            try:
                routine = dataclasses.replace(routine, ceiling=ceiling)
            except PressureError as exc:
                raise PressureError(f"--ceiling {ceiling:g}: {exc}") from None
        return routine
    unit, area = display_unit_from_args(args)
    if target <= 0:
        raise PressureError(f"--target must be greater than 0, not {target:g}")
    if ceiling is not None and ceiling < target:
        raise PressureError(f"--ceiling {ceiling:g} is below --target {target:g}")
    return single_hold(target, tolerance if tolerance is not None else DEFAULT_TOLERANCE,
                       hold if hold is not None else DEFAULT_HOLD_S, ceiling=ceiling, unit=unit, area_cm2=area)
