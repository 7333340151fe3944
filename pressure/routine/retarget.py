"""A routine with a new main target or tolerance: the replay's re-analysis and ``--target``."""

from __future__ import annotations

import dataclasses

from .model import Routine


def retarget(routine, target: float | None = None, tolerance: float | None = None):
    """The routine with a new main target (every target scaled by new / largest) and/or a new
    absolute tolerance on every banded step; a ceiling below a new target is raised to it."""
    targets = [s.target for s in routine.steps if s.target]
    factor = target / max(targets) if target and targets else 1.0
    steps = []
    for s in routine.steps:
        changes = {}
        if s.target is not None and factor != 1.0:
            changes["target"] = s.target * factor
        if tolerance is not None and s.band() is not None:
            changes["tolerance"] = tolerance
        steps.append(dataclasses.replace(s, **changes) if changes else s)
    ceiling = routine.ceiling
    top = max([s.target for s in steps if s.target] or [0.0])
    if ceiling is not None and top > ceiling:
        ceiling = top * 1.2
    return Routine(routine.name, tuple(steps), unit=routine.unit, area_cm2=routine.area_cm2,
                   ceiling=ceiling, description=routine.description)
