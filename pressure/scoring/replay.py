"""Running the coach over a recorded trace, re-applying the key presses the live run made.

The one key-replay implementation: ``report`` and the scores (:func:`replay_coach`) and the
replay window (:class:`KeyedCoach`, with snapshots for seeking) both use it."""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from ..coach import Coach


def event_fields(e) -> tuple[float, str, dict]:
    """(t, kind, data) of a recorded event (RecordedEvent, coach Event or a dict)."""
    if isinstance(e, dict):
        return float(e.get("t", math.nan)), str(e.get("kind", "")), dict(e.get("data") or {})
    return float(getattr(e, "t")), str(getattr(e, "kind")), dict(getattr(e, "data", None) or {})


def recorded_keys(events) -> tuple[float | None, list[tuple[float, str]]]:
    """(routine start time, [(t, "threshold"|"start"|"skip")]) from a recording's events.

    Key presses are not stored as such; they are read back from the events the live run
    recorded: a ``threshold`` event is the P key, a ``step_start`` while the coach waits is
    Space, a ``step_skipped`` is Space skipping a running step; the routine started at
    the first ``step_start`` (it may have been started after the recording). A skip is the
    ``step_skipped`` event; files older than that event have only the ``step_end`` marked
    ``skipped``, read as the skip when the file has no ``step_skipped`` at all (never both:
    one skip must not be pressed twice).
    """
    keys, start_t, skipped, legacy = [], None, [], []
    for e in events or ():
        t, kind, data = event_fields(e)
        if not math.isfinite(t):
            continue
        if kind == "step_start":
            start_t = t if start_t is None else start_t
            keys.append((t, "start"))
        elif kind == "threshold":
            keys.append((t, "threshold"))
        elif kind == "step_skipped":
            skipped.append((t, "skip"))
        elif kind == "step_end" and isinstance(data, dict) and data.get("skipped"):
            legacy.append((t, "skip"))
    keys.extend(skipped or legacy)
    keys.sort(key=lambda k: k[0])
    return start_t, keys


class KeyedCoach:
    """A :class:`Coach` that presses the recorded keys itself when the samples reach them."""

    def __init__(self, routine, keys=(), start_t: float | None = None):
        self.coach = Coach(routine, start_t=start_t)
        self.keys = list(keys)
        self._next = 0  # index of the next key not yet applied

    @property
    def state(self):
        return self.coach.state

    @property
    def events(self):
        return self.coach.events

    def advance(self, t: float) -> None:
        self.coach.advance(t)

    def mark_threshold(self, t: float) -> None:
        self.coach.mark_threshold(t)

    def snapshot(self) -> tuple:
        """(the coach's snapshot, the next key to press): see :meth:`Coach.snapshot`."""
        return self.coach.snapshot(), self._next

    def restore(self, snapshot: tuple) -> None:
        coach_snapshot, self._next = snapshot
        self.coach.restore(coach_snapshot)

    def update(self, t, value):
        t = np.asarray(t, dtype=float)
        value = np.asarray(value, dtype=float)
        events = []
        done = 0
        keys = self.keys
        while self._next < len(keys) and t.size and keys[self._next][0] <= t[-1]:
            tk, action = keys[self._next]
            upto = int(np.searchsorted(t, tk, side="right"))
            if upto > done:
                events.extend(self.coach.update(t[done:upto], value[done:upto]).events)
                done = upto
            self._press(tk, action)
            self._next += 1
        state = self.coach.update(t[done:], value[done:])
        if events:  # the events of the earlier pieces belong to this update too
            state = dataclasses.replace(state, events=tuple(events) + state.events)
        return state

    def _press(self, tk: float, action: str) -> None:
        state = self.coach.state
        if state.finished:
            return
        if action == "threshold" and state.step is not None and state.step.kind == "threshold" \
                and not state.waiting_for_key:
            self.coach.mark_threshold(tk)
        elif action == "start" and state.waiting_for_key:
            self.coach.advance(tk)
        elif action == "skip" and not state.waiting_for_key:
            self.coach.advance(tk)


def replay_coach(t: np.ndarray, value: np.ndarray, routine, events=()) -> Coach:
    """Run the coach over a smoothed trace, re-applying the recorded key presses
    (:func:`recorded_keys`); the coach starts at the first recorded ``step_start``, else at the
    first sample."""
    start_t, keys = recorded_keys(events)
    keyed = KeyedCoach(routine, keys, start_t)
    t, value = np.asarray(t, dtype=float), np.asarray(value, dtype=float)
    for a in range(0, t.size, 65536):  # a chunk at a time, as live: its per-sample lists stay small
        keyed.update(t[a:a + 65536], value[a:a + 65536])
    return keyed.coach


def step_spans(coach: Coach, t_end: float) -> list[tuple[int, float, float, bool]]:
    """(step index, start, end, completed) for every step the coach started, in order."""
    spans = []
    open_: dict[int, float] = {}
    for e in coach.events:
        if e.kind == "step_start":
            open_[e.step] = e.t
        elif e.kind == "step_end" and e.step in open_:
            spans.append((e.step, open_.pop(e.step), e.t, True))
    for idx, t0 in open_.items():
        spans.append((idx, t0, t_end, False))
    spans.sort(key=lambda s: (s[1], s[0]))
    return spans
