"""The runs of a session: which routine runs, in which unit, and every run since the start.

A routine set or restarted mid-session starts a new :class:`Run` (recorded as a ``routine``
event); each run is scored on its own (:mod:`pressure.session.scores`) from the session's
whole trace (:meth:`Runs.session_values`). A part of :class:`~pressure.session.pipeline.Pipeline`,
which holds the histories, the trace and the coach this reads and replaces.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..samples import to_unit


@dataclass
class Run:
    """One run of a routine: from the moment it was set (or restarted) to the next run."""

    start_t: float    # session time it started (-inf: before the first sample)
    routine: object
    coach: object


class Runs:
    """The pipeline's routine, unit and runs (a mixin of Pipeline)."""

    # --- configuration -----------------------------------------------------------------------
    @property
    def unit(self) -> str:
        return self.routine.unit

    @property
    def area_cm2(self):
        return self.routine.area_cm2

    def set_routine(self, routine) -> None:
        """Start a routine from its first step; the trace is rescaled if the unit changes."""
        if self.routine is not None and self.history and (routine.unit, routine.area_cm2) != (self.unit, self.area_cm2):
            factor = float(to_unit(1.0, routine.unit, routine.area_cm2)) / float(to_unit(1.0, self.unit, self.area_cm2))
            self.history.scale(factor)
            self.overview.scale(factor)
            self.pacer.clear()
        previous = self.routine
        self.routine = routine
        self.coach = self._coach_factory(routine)
        self.state = None
        self._units_per_newton = float(to_unit(1.0, routine.unit, routine.area_cm2))
        started = not math.isnan(self.last_t)
        self.runs.append(Run(self.last_t if started else -math.inf, routine, self.coach))
        if started:  # a new run mid-session: the recording says where, and what ran before
            self._record_event(self.last_t, "routine", routine.name,
                               {"routine": routine.to_dict(), "run": len(self.runs) - 1,
                                "previous": previous.to_dict() if previous is not None else None})
            self._record_meta(routine=routine.to_dict(), unit=routine.unit, area_cm2=routine.area_cm2)

    def session_values(self, t0: float = -math.inf, t1: float = math.inf, routine=None):
        """(t, smoothed value in ``routine``'s unit, default the current one) of the whole
        session between ``t0`` and ``t1``: what scores are made of."""
        routine = routine or self.routine
        t, v = self.trace.between(t0, t1)
        return np.array(t), np.asarray(to_unit(v, routine.unit, routine.area_cm2), dtype=float)
