"""Replaying a session of several runs: each run with its own routine, as it ran live.

A live session starts a new run when the routine is changed or restarted (a ``routine`` event
in the file). Replay must show each part of the file with the routine that ran then: its band,
its steps, "step 3/5" of *that* routine, not the last routine's over the whole file.
:class:`RunsCoach` is the :class:`~pressure.scoring.replay.KeyedCoach` of each run in turn: a
fresh coach of the run's routine from the run's start, with the keys pressed during it. Its
snapshots name the run, so the replay's checkpoints and seeks land in the right one.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from ..scoring.replay import KeyedCoach, recorded_keys


def recording_spans(recording, routine) -> list:
    """The runs of ``recording`` when ``routine`` is its own (the last one set) and there are
    several, each routine in ``routine``'s unit; [] otherwise (one run, or another routine:
    the replay then runs that one routine over the whole file)."""
    from ..scoring import routine_of_recording
    from ..scoring.runs import recording_runs

    if not any(e.kind == "routine" for e in recording.events):
        return []
    own = routine_of_recording(recording)
    if own is None or own != routine:
        return []
    spans = recording_runs(recording, routine)
    out = []
    for span in spans:
        r = span.routine
        if (r.unit, r.area_cm2) != (routine.unit, routine.area_cm2):
            r = r.converted(routine.unit, routine.area_cm2)
        out.append(dataclasses.replace(span, routine=r))
    return out if len(out) > 1 else []


class RunsCoach:
    """One :class:`KeyedCoach` per run, switched as the samples cross a run's start."""

    def __init__(self, spans, events):
        self.spans = list(spans)
        self._events = [e for e in events if math.isfinite(float(e.t))]
        self._run = 0
        self.keyed = self._keyed_for(0)

    def _keyed_for(self, i: int) -> KeyedCoach:
        span = self.spans[i]
        start_t, keys = recorded_keys([e for e in self._events if span.start_t <= float(e.t) < span.end_t])
        # the first run starts where the file says; a later one at its first sample, as live
        return KeyedCoach(span.routine, keys, start_t if i == 0 else None)

    # --- what the replay pipeline reads ----------------------------------------------------
    @property
    def run(self) -> int:
        return self._run

    @property
    def routine(self):
        return self.spans[self._run].routine

    @property
    def coach(self):
        return self.keyed.coach

    @property
    def state(self):
        return self.keyed.state

    @property
    def events(self):
        """The current run's events (step numbers are of its routine)."""
        return self.keyed.events

    def advance(self, t: float) -> None:
        self.keyed.advance(t)

    def mark_threshold(self, t: float) -> None:
        self.keyed.mark_threshold(t)

    # --- feeding ---------------------------------------------------------------------------
    def update(self, t, value):
        t = np.asarray(t, dtype=float)
        value = np.asarray(value, dtype=float)
        events: list = []
        done = 0
        while self._run + 1 < len(self.spans) and t.size and t[-1] > self.spans[self._run].end_t:
            cut = int(np.searchsorted(t, self.spans[self._run].end_t, side="right"))
            if cut > done:
                events.extend(self.keyed.update(t[done:cut], value[done:cut]).events)
            done = max(done, cut)
            self._run += 1
            self.keyed = self._keyed_for(self._run)
        state = self.keyed.update(t[done:], value[done:])
        if events:
            state = dataclasses.replace(state, events=tuple(events) + state.events)
        return state

    # --- checkpoints ---------------------------------------------------------------------------
    def snapshot(self) -> tuple:
        """(the coach's snapshot, (run, next key)): the shape the replay's checkpoints keep."""
        coach_snapshot, next_key = self.keyed.snapshot()
        return coach_snapshot, (self._run, next_key)

    def restore(self, snapshot: tuple) -> None:
        coach_snapshot, (run, next_key) = snapshot
        if run != self._run:
            self._run = run
            self.keyed = self._keyed_for(run)
        self.keyed.restore((coach_snapshot, next_key))
