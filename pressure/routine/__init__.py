"""Routines as data: a sequence of steps (ramp, hold, release, rest, threshold), built-ins, TOML.

A routine is what the therapist means to do to a tender spot: press up to a target, hold it
within a band for a time, let go, rest, and again. Keeping it as plain frozen data (no
behaviour beyond validation and unit conversion) lets the coach run it live, the scorer judge
a recording against it, and the recorder store it in the session file, all from one
description that round-trips through JSON and TOML.

Values are written in the routine's own display unit (``unit``; pressure units need the contact
area ``area_cm2``). :meth:`Routine.converted` gives the same routine in another display unit.
The file format is documented in ``docs/routines.md``.

    steps.py     Step, RoutineError, tolerances, per-kind field rules
    model.py     Routine: validation, dict/JSON, unit conversion
    tomlfile.py  routine files: TOML read (line-numbered errors)
    tomlwrite.py routine files: TOML write (from the routine's dict)
    presets.py   BUILTIN_ROUTINES, get_routine, single_hold
    retarget.py  retarget: the same routine at a new target or tolerance
"""

from .presets import BUILTIN_ROUTINES, DEFAULT_HOLD_S, get_routine, routine_names, single_hold
from .model import Routine
from .retarget import retarget
from .steps import (
    ADVANCE, DEFAULT_TOLERANCE_PCT, ON_LEAVE, STEP_KINDS, RoutineError, Step, parse_tolerance,
)
from .tomlfile import MAX_FILE_BYTES, load_routine_file

__all__ = [
    "ADVANCE", "BUILTIN_ROUTINES", "DEFAULT_TOLERANCE_PCT", "MAX_FILE_BYTES", "ON_LEAVE",
    "STEP_KINDS", "Routine", "RoutineError", "Step", "get_routine", "load_routine_file",
    "parse_tolerance", "retarget", "routine_names", "single_hold", "DEFAULT_HOLD_S",
]
