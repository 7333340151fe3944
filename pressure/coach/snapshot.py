"""Cheap checkpoints of a coach: replay seeks restore the nearest one instead of running again."""

from __future__ import annotations

import dataclasses
from collections import deque
from dataclasses import dataclass

import numpy as np

from ..routine import Routine

# The coach's containers; everything else it holds is an immutable value (numbers, tuples, the
# frozen routine and state), which a snapshot shares instead of copying.
CONTAINERS = ("_countdown_done", "_thresholds", "_all_events", "_new_events", "_actions", "_history",
              "_gaps", "_peak_t", "_peak_v")


@dataclass(frozen=True)
class CoachSnapshot:
    """A coach at one moment (:meth:`Coach.snapshot`), to go on from with :meth:`Coach.restore`.

    Small by sharing: the immutable values, the routine, the state, the events (the coach only
    ever appends to its list, so ``events[:n_events]`` is the list as it was) and the sample
    arrays of ``history`` (never changed in place) are referenced, not copied.
    """

    routine: Routine
    values: tuple                     # (attribute, value) pairs of the immutable attributes
    countdown_done: frozenset
    thresholds: tuple
    events: list                      # shared with the coach; only the first n_events count
    n_events: int
    new_events: tuple
    actions: tuple
    history: tuple                    # ((t, value), ...) the samples kept for threshold look-ups
    gaps: object = None               # the coach's IntervalTracker (a copy of its own)
    peaks: tuple = ((), ())           # the threshold trial's peak rises (t, value)

    def with_history(self, pairs) -> "CoachSnapshot":
        """The same snapshot remembering other (t, value) arrays for threshold look-ups, e.g.
        views of a whole file's arrays instead of the coach's own copies (replay checkpoints)."""
        return dataclasses.replace(self, history=tuple((np.asarray(t), np.asarray(v)) for t, v in pairs))


def take(coach) -> CoachSnapshot:
    values = tuple((k, v) for k, v in vars(coach).items() if k not in CONTAINERS and k != "routine")
    return CoachSnapshot(coach.routine, values, frozenset(coach._countdown_done), tuple(coach._thresholds),
                         coach._all_events, len(coach._all_events), tuple(coach._new_events),
                         tuple(coach._actions), tuple(coach._history),
                         coach._gaps.copy(), (tuple(coach._peak_t), tuple(coach._peak_v)))


def restore(coach, snapshot: CoachSnapshot) -> None:
    if snapshot.routine != coach.routine:
        raise ValueError("a coach snapshot restores only a coach of the same routine")
    for name, value in snapshot.values:
        setattr(coach, name, value)
    coach._countdown_done = set(snapshot.countdown_done)
    coach._thresholds = list(snapshot.thresholds)
    coach._all_events = list(snapshot.events[:snapshot.n_events])
    coach._new_events = list(snapshot.new_events)
    coach._actions = list(snapshot.actions)
    coach._history = deque(snapshot.history)
    coach._gaps = snapshot.gaps.copy()
    coach._peak_t, coach._peak_v = list(snapshot.peaks[0]), list(snapshot.peaks[1])
