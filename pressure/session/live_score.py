"""The live scorer stage of the session: the current hold's numbers as the samples come.

Fed each tick with the tick's new smoothed samples and the coach state of that same tick
(:class:`~pressure.scoring.LiveScorer`, the definitions of docs/scoring.md). When the coach is
replaced (a routine set or restarted: a new run) or a replay jumped, it starts again from the
current step's start: live from the whole session's trace, in replay from the file's analysis
around what is shown. Qt-free; the window's score panel only shows :attr:`numbers`.
"""

from __future__ import annotations

import dataclasses
import math
from types import SimpleNamespace

import numpy as np

from ..scoring import LiveScorer


class LiveScore:
    def __init__(self):
        self.scorer = None
        self._coach = None
        self._last_t = math.nan
        self._holds_before = 0  # holds finished before the point a rebuild started from
        self.numbers = None
        self._forget_waiting()

    def on_frame(self, p, frame, score: bool = True) -> str:
        """Take a tick's frame of pipeline ``p``: "rebuilt" (started again: the routine's mode may
        have changed), "updated" (new numbers), "waiting" (``score`` False: the frame's samples
        wait for the next frame scored) or "" (nothing new).

        Samples that wait are scored with the next frame in one piece, with every coach event
        since; the scorer cuts at the events' times, so the numbers are the same."""
        if p.coach is not self._coach or self.scorer is None or self.scorer.routine is not p.routine:
            self.rebuild(p)
            return "rebuilt"
        if frame.new and frame.state is not None:
            self._waiting_n += frame.new
            self._waiting_events.extend(frame.state.events)
            self._waiting_state = frame.state
            return self._score_waiting(p) if score else "waiting"
        if self._waiting_n:  # a frame without samples: what waits is scored now
            return self._score_waiting(p)
        if math.isfinite(p.last_t) and p.last_t != self._last_t and not frame.new:
            self.rebuild(p)  # the replay jumped
            return "rebuilt"
        return ""

    def _score_waiting(self, p) -> str:
        t, _raw, smooth = p.history.window(-np.inf)
        n = min(self._waiting_n, len(t))
        state = self._waiting_state
        if len(self._waiting_events) != len(state.events):  # events of frames that waited too
            state = SimpleNamespace(events=tuple(self._waiting_events), step_index=state.step_index)
        self._set(self.scorer.update(t[len(t) - n:], smooth[len(t) - n:], state))
        self._last_t = float(t[-1]) if len(t) else math.nan
        self._forget_waiting()
        return "updated"

    def _forget_waiting(self) -> None:
        self._waiting_n = 0
        self._waiting_events: list = []
        self._waiting_state = None

    def rebuild(self, p) -> None:
        """Start again from the current step's start."""
        self._coach = p.coach
        self._forget_waiting()
        self.scorer = LiveScorer(p.routine)
        self._last_t = p.last_t
        state = p.state
        self._holds_before = 0
        if state is None or not math.isfinite(p.last_t):
            self._set(self.scorer.numbers)
            return
        starts = [e for e in p.coach.events if e.kind == "step_start" and e.t <= p.last_t]
        holds_before = sum(1 for e in p.coach.events if e.kind == "step_end" and e.t <= p.last_t
                           and p.routine.steps[e.step].kind == "hold" and not e.data.get("skipped"))
        t0 = starts[-1].t if starts else -np.inf
        if p.source.is_live:  # the whole session: a step longer than the plot's history counts whole
            t, smooth = p.session_values(t0)
        else:  # a replay holds the file's exact analysis around what is shown
            t, _raw, smooth = p.history.window(t0)
        fake = SimpleNamespace(events=(starts[-1],) if starts else (), step_index=state.step_index)
        self._holds_before = holds_before
        self._set(self.scorer.update(t, smooth, fake))

    def _set(self, numbers) -> None:
        if self._holds_before:
            numbers = dataclasses.replace(numbers, holds_done=numbers.holds_done + self._holds_before)
        self.numbers = numbers
