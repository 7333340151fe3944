"""The replay's exact analysis: one pass over the whole file (filter + coach, in the display
unit) that keeps the smoothed trace and a copy of the filter and coach every ``CHECKPOINT_S``.

The window runs it in slices between frames; it is what makes a seek in a one-hour file cheap:
restore the checkpoint before the target and run at most ``CHECKPOINT_S`` of samples, instead
of the coach over everything from the start (the coach is Python per sample).
"""

from __future__ import annotations

import copy
import math
import threading
import time
from dataclasses import dataclass

import numpy as np

from ..samples import to_unit
from ..scoring.replay import KeyedCoach

CHECKPOINT_S = 1.0     # a copy of filter + coach this often (recording time)
ANALYSIS_CHUNK_S = 0.25  # the analysis feeds the coach in chunks like the live reader does


def checkpoint_snapshot(keyed, t, smooth, index: int) -> tuple:
    """A snapshot of a (keyed) coach for a checkpoint at sample ``index``: its remembered
    samples (the last ``HISTORY_S`` s, for threshold key look-ups) are views of the file's
    arrays instead of the coach's copies, so an hour of checkpoints shares one copy of the file
    (its own copies would add up to ~60 MB) and a checkpoint costs a few kB."""
    from ..coach import HISTORY_S

    coach_snapshot, next_key = keyed.snapshot()
    if index > 0:
        a = int(np.searchsorted(t, float(t[index - 1]) - HISTORY_S - 0.5, side="left"))
        ts, vs = t[a:index], smooth[a:index]
        ok = np.isfinite(vs)
        coach_snapshot = coach_snapshot.with_history([(ts[ok], vs[ok]) if not ok.all() else (ts, vs)])
    return coach_snapshot, next_key


@dataclass
class Checkpoint:
    index: int     # samples [0, index) are behind this state
    t: float
    filter: object
    coach: tuple   # KeyedCoach.snapshot(): restore it into a fresh coach of the same routine


class Analysis:
    """Filter + coach over the whole file once; keeps the smoothed trace and checkpoints.

    ``run_for(seconds)`` works for a slice of time (the window calls it between frames),
    ``step(n)`` does at most ``n`` samples (tests), ``run()`` goes to the end. A new filter or routine makes a new Analysis.
    """

    def __init__(self, recording, routine, filt, keys=(), start_t=None, coach=None):
        self.recording = recording
        self.routine = routine
        self.factor = float(to_unit(1.0, routine.unit, routine.area_cm2))
        self.smooth = np.full(len(recording), np.nan)
        self.done = 0  # samples analysed
        self.checkpoints: list[Checkpoint] = []
        self._filter = copy.deepcopy(filt)
        self._filter.reset()
        # coach: a fresh keyed coach of its own (a session of several runs: a RunsCoach)
        self._coach = coach if coach is not None else KeyedCoach(routine, keys, start_t)
        self._next_cp = -math.inf
        self._cancel = threading.Event()
        self.finished = len(recording) == 0
        self.coach = self._coach

    @property
    def fraction(self) -> float:
        n = len(self.recording)
        return 1.0 if n == 0 else self.done / n

    def cancel(self) -> None:
        self._cancel.set()

    def step(self, max_samples: int) -> bool:
        """Analyse up to ``max_samples`` more; True when the whole file is done."""
        rec = self.recording
        n = len(rec)
        stop = min(n, self.done + max(1, int(max_samples)))
        rate = rec.rate_hz or 1000.0
        chunk = max(1, int(ANALYSIS_CHUNK_S * rate))
        i = self.done
        while i < stop and not self._cancel.is_set():
            t_i = float(rec.t[i])
            if t_i >= self._next_cp:
                snapshot = checkpoint_snapshot(self._coach, rec.t, self.smooth, i)
                self.checkpoints.append(Checkpoint(i, t_i, copy.deepcopy(self._filter), snapshot))
                self._next_cp = t_i + CHECKPOINT_S
            j = min(stop, i + chunk)
            cp_index = int(np.searchsorted(rec.t, self._next_cp, side="left"))
            if i < cp_index < j:
                j = cp_index
            t = rec.t[i:j]
            y = self._filter.process(t, rec.force_n[i:j]) * self.factor
            self.smooth[i:j] = y
            ok = np.isfinite(y)
            self._coach.update(t[ok], y[ok])
            i = j
            self.done = j
        self.finished = self.done >= n
        return self.finished

    def run(self) -> None:
        while not self.finished and not self._cancel.is_set():
            self.step(20_000)

    def run_for(self, seconds: float, clock=time.perf_counter) -> bool:
        """Analyse for about ``seconds`` (the window calls this between frames). True when done."""
        end = clock() + seconds
        while not self.finished and clock() < end:
            self.step(500)
        return self.finished

    def checkpoint_before(self, index: int) -> Checkpoint | None:
        """The latest checkpoint at or before sample ``index`` (None if none yet)."""
        cps = self.checkpoints
        lo, hi = 0, len(cps)
        while lo < hi:
            mid = (lo + hi) // 2
            if cps[mid].index <= index:
                lo = mid + 1
            else:
                hi = mid
        return cps[lo - 1] if lo else None
