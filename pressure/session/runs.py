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
from .retarget import retarget


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

    def _rescale_for(self, routine) -> float:
        """Rescale what the plots hold to ``routine``'s unit; new unit per old unit."""
        if self.routine is None or (routine.unit, routine.area_cm2) == (self.unit, self.area_cm2):
            return 1.0
        factor = float(to_unit(1.0, routine.unit, routine.area_cm2)) / float(to_unit(1.0, self.unit, self.area_cm2))
        if self.history:
            self.history.scale(factor)
            self.overview.scale(factor)
            self.pacer.clear()
        return factor

    def can_amend(self, routine) -> bool:
        """True when ``routine`` has the running routine's steps (kinds in order): a new
        ceiling, target, tolerance, duration or unit that :meth:`amend_routine` takes in place."""
        return self.routine is not None and [s.kind for s in routine.steps] == [s.kind for s in self.routine.steps]

    def amend_routine(self, routine) -> None:
        """Go on with ``routine`` in the same run: the running step and its time left stay (a
        Settings OK must never restart a hold). The recording gets a ``meta_change`` event
        (text ``routine``) and the new routine in its metadata; the run's routine becomes this one."""
        if not self.can_amend(routine):
            raise ValueError("amend_routine needs a routine with the same steps; set_routine starts a new run")
        if routine == self.routine:
            return
        previous = self.routine
        factor = self._rescale_for(routine)
        retarget(self.coach, routine, factor)
        self.state = self.coach.state if self.state is not None else None
        self.routine = routine
        self._units_per_newton = float(to_unit(1.0, routine.unit, routine.area_cm2))
        if math.isfinite(self.last_value):
            self.last_value *= factor
        if math.isfinite(self.last_raw):
            self.last_raw *= factor
        self.runs[-1].routine = routine
        if not math.isnan(self.last_t):
            self._record_event(self.last_t, "meta_change", "routine",
                               {"changes": {"routine": routine.to_dict()}, "run": len(self.runs) - 1,
                                "previous": {"routine": previous.to_dict()}})
        self._record_meta(routine=routine.to_dict(), unit=routine.unit, area_cm2=routine.area_cm2)

    def set_routine(self, routine) -> None:
        """Start a routine from its first step; the trace is rescaled if the unit changes."""
        self._rescale_for(routine)
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
