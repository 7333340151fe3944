"""LiveScorer: running hold numbers for the live score panel, chunk by chunk."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..gaprule import IntervalTracker
from ..zero import OFFSET_SHARE, full_scale
from .metrics import cv_min_mean, cv_pct


@dataclass(frozen=True)
class LiveNumbers:
    """The running numbers of the score panel (current hold so far, and all holds so far)."""

    step_index: int
    in_hold: bool  # a hold step is running and its hold window has begun
    hold_s: float  # seconds in the current (or last) hold window
    time_in_band_pct: float | None
    cv_pct: float | None
    mae_pct: float | None
    session_time_in_band_pct: float | None  # over every hold window so far
    holds_done: int


class _Sums:
    """Time-weighted running sums over one hold window."""

    __slots__ = ("w", "w_in", "s1", "s2", "err")

    def __init__(self):
        self.w = self.w_in = self.s1 = self.s2 = self.err = 0.0

    def add(self, w: np.ndarray, v: np.ndarray, inband: np.ndarray, target: float) -> None:
        self.w += float(w.sum())
        self.w_in += float(w[inband].sum())
        self.s1 += float(np.dot(w, v))
        self.s2 += float(np.dot(w, v * v))
        self.err += float(np.dot(w, np.abs(v - target)))


class LiveScorer:
    """Incremental hold numbers for the live score panel.

    Feed it every chunk of (t, smoothed value in the routine's unit) together with the
    :class:`~pressure.coach.CoachState` that ``coach.update`` returned for that same chunk.
    The numbers follow the definitions of docs/scoring.md, with each interval counted when its
    second sample arrives; the summary at the end comes from :func:`score_trace` (over the
    same smoothed trace and ``coach.events``), which is what reports and replays show.
    """

    def __init__(self, routine):
        self.routine = routine
        self._cv_min_mean = cv_min_mean(routine.unit, routine.area_cm2)
        self._floor = -OFFSET_SHARE * full_scale(routine)  # below it the zero is wrong: no CV
        self.reset()

    def reset(self) -> None:
        self._step = -1
        self._kind = None
        self._target = None
        self._band = None
        self._window_open = False
        self._current = _Sums()
        self._zero_suspect = False  # the current hold read below zero (pressure.zero.below_floor)
        self._session = _Sums()
        self._prev: tuple[float, float] | None = None
        self._gaps = IntervalTracker()  # the coach's gap rule, fed the same samples
        self._holds_done = 0
        self._numbers = LiveNumbers(-1, False, 0.0, None, None, None, None, 0)

    @property
    def numbers(self) -> LiveNumbers:
        return self._numbers

    def update(self, t, value, state) -> LiveNumbers:
        t = np.asarray(t, dtype=float).ravel()
        value = np.asarray(value, dtype=float).ravel()
        ok = np.isfinite(t) & np.isfinite(value)
        t, value = t[ok], value[ok]
        cuts = [(e.t, e) for e in state.events if e.kind in ("step_start", "step_end")]
        i = 0
        for et, e in cuts:
            j = int(np.searchsorted(t, et, side="left"))
            self._feed(t[i:j], value[i:j])
            i = max(i, j)
            if e.kind == "step_start":
                self._start_step(e.step)
            elif e.kind == "step_end" and e.step == self._step and self._kind == "hold":
                self._holds_done += 0 if e.data.get("skipped") else 1  # a skipped hold is not done
                self._kind = None  # the hold is over; its numbers stay on the panel
        self._feed(t[i:], value[i:])
        self._numbers = self._make(state.step_index)
        return self._numbers

    def _start_step(self, index: int) -> None:
        step = self.routine.steps[index]
        self._step, self._kind = index, step.kind
        if step.kind == "hold":
            self._target, self._band = step.target, step.band()
            self._window_open = False
            self._current = _Sums()
            self._zero_suspect = False

    def _feed(self, t: np.ndarray, v: np.ndarray) -> None:
        if t.size == 0:
            return
        prev = self._prev
        self._prev = (float(t[-1]), float(v[-1]))
        limits = self._gaps.limits(t)
        if self._kind != "hold":
            return
        lo, hi = self._band
        if not self._window_open:
            inside = np.flatnonzero((v >= lo) & (v <= hi))
            if not inside.size:
                return
            self._window_open = True
            t, v, limits = t[inside[0]:], v[inside[0]:], limits[inside[0]:]
            prev = None
        if prev is not None:
            t = np.concatenate(([prev[0]], t))
            v = np.concatenate(([prev[1]], v))
            limits = np.concatenate(([np.inf], limits))
        if t.size < 2:
            return
        dt = np.diff(t)
        w = np.where((dt > 0) & (dt <= limits[1:]), dt, 0.0)
        vv = v[:-1]
        inband = (vv >= lo) & (vv <= hi)
        self._current.add(w, vv, inband, self._target)
        self._zero_suspect = self._zero_suspect or bool(np.any(vv < self._floor))
        self._session.add(w, vv, inband, self._target)

    def _make(self, step_index: int) -> LiveNumbers:
        c = self._current
        tib = cv = mae = None
        if c.w > 0:
            mean = c.s1 / c.w
            tib = c.w_in / c.w * 100.0
            var = max(0.0, c.s2 / c.w - mean * mean)
            cv = cv_pct(math.sqrt(var), mean, self._cv_min_mean)  # None near a zero mean
            cv = cv if math.isfinite(cv) and not self._zero_suspect else None
            mae = c.err / c.w / self._target * 100.0 if self._target else None
        s = self._session
        return LiveNumbers(
            step_index=step_index, in_hold=self._kind == "hold" and self._window_open,
            hold_s=c.w, time_in_band_pct=tib, cv_pct=cv, mae_pct=mae,
            session_time_in_band_pct=s.w_in / s.w * 100.0 if s.w > 0 else None,
            holds_done=self._holds_done)
