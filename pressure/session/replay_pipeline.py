"""The live window's pipeline on a :class:`~pressure.session.replay_source.ReplaySource`: seek,
frame steps, jumps to markers and steps, and re-analysis (a new filter or routine recomputes the
visible window and restarts the :class:`~pressure.session.analysis.Analysis`).

Before the analysis has reached a seek target the seek is still quick but approximate: the
coach is fast-forwarded on a decimated trace (every ``COLD_DT_S``) from the last checkpoint,
and the filter is warmed from a few seconds before the visible window (the filters forget
their past within about a second, see ``Filter.lag_hint_s``). The smoothed values shown are
then exact; only step boundaries may be off by up to ``COLD_DT_S``.
"""

from __future__ import annotations

import copy
import math
import time

import numpy as np

from ..scoring.replay import KeyedCoach
from .analysis import CHECKPOINT_S, Analysis, Checkpoint
from .gaps import GapFinder
from ..markers import kept_markers
from .pipeline import Marker, Pipeline
from .replay_runs import RunsCoach, recording_spans
from .replay_source import ReplaySource, keys_for
from .trace import SessionTrace

COLD_DT_S = 0.2        # decimated fast-forward before the analysis arrives (< coach.GAP_S)
WARM_MIN_S = 3.0       # the filter is warmed at least this long before the first sample shown
FRAME_S = 1.0 / 60.0   # one display frame, for step_frame


class ReplayPipeline(Pipeline):
    """The live pipeline on a :class:`ReplaySource`, plus seek, stepping and re-analysis."""

    def __init__(self, source: ReplaySource, routine, filt, *, clock=time.monotonic, window_s: float = 30.0):
        self.recording = source.recording
        self.window_s = float(window_s)  # how much trace a seek fills (the longest window shown)
        self.analysis: Analysis | None = None
        self.exact = True  # False after a seek that had to fast-forward the coach
        self._keys: tuple = (None, [])
        self.spans: list = []  # the file's runs, each with its routine (empty: one routine throughout)
        self.analysed_routine = routine  # the routine the file is analysed with (the runs' last)
        super().__init__(source, routine, filt, clock=clock, coach_factory=self._make_coach)
        self.overview = RecordingOverview(self.recording, self._units_per_newton)
        # every marker of the file from the start (the trace view draws them all in one call),
        # so the overview shows where they are before playback gets there
        self.markers = sorted((Marker(e.t, e.kind, e.text or e.kind) for e in
                               kept_markers(self.recording.events, ("marker", "threshold", "tare", "pain", "site"))),
                              key=lambda m: m.t)  # pain and site: the clinical record (docs/clinical.md)
        self._new_analysis()
        self.seek(source.position)

    def _record_coach_event(self, event) -> None:
        """Nothing to record, and the file's own markers already hold its thresholds."""

    # --- coach and analysis ------------------------------------------------------------------
    def _make_coach(self, routine):
        """The coach over the file: each run with its own routine when ``routine`` is the
        file's own and it ran several (:mod:`~pressure.session.replay_runs`)."""
        self.analysed_routine = routine
        self.spans = recording_spans(self.recording, routine)
        if self.spans:
            return RunsCoach(self.spans, self.recording.events)
        self._keys = keys_for(self.recording, routine)
        return KeyedCoach(routine, self._keys[1], self._keys[0])

    def _fresh_coach(self):
        if self.spans:
            return RunsCoach(self.spans, self.recording.events)
        return KeyedCoach(self.analysed_routine, self._keys[1], self._keys[0])

    def _restored_coach(self, cp: Checkpoint):
        coach = self._fresh_coach()
        coach.restore(cp.coach)
        return coach

    def _new_analysis(self) -> Analysis:
        if self.analysis is not None:
            self.analysis.cancel()
        self.analysis = Analysis(self.recording, self.analysed_routine, self.filter, self._keys[1], self._keys[0],
                                 coach=self._fresh_coach())
        return self.analysis

    def _follow_run(self) -> None:
        """The routine shown is the one of the run being played (its band, steps, title)."""
        if self.spans and self.coach.routine is not self.routine:
            self.routine = self.coach.routine

    def tick(self):
        frame = super().tick()
        if self.spans and self.coach.routine is not self.routine:
            self._follow_run()
            frame.state = self.state
        return frame

    def set_routine(self, routine) -> None:
        """Re-analysis with another routine (target, tolerance): recompute what is shown."""
        super().set_routine(routine)  # rescales the overview if the unit changed
        if self.analysis is None:  # still in __init__ (the analysis comes after the first routine)
            return
        self._new_analysis()
        self.seek(self.source.position)

    def set_filter(self, filt) -> None:
        """Re-analysis with another filter: the visible trace is smoothed again at once."""
        super().set_filter(filt)
        self._new_analysis()
        self.seek(self.source.position)

    # --- seeking ---------------------------------------------------------------------------
    def seek(self, t: float) -> None:
        """Show the recording at ``t``: the window ending there, filter and coach as at ``t``."""
        rec = self.recording
        src = self.source
        i1 = src.seek(t)
        self.trace = SessionTrace()  # what was played from here on (the file itself is the session)
        self.history.clear()
        self.pacer.clear()
        self.counts.clear()
        if i1 == 0:
            self.filter.reset()
            self.coach = self._fresh_coach()
            self._follow_run()
            self.state, self.last_t, self.last_value, self.last_raw = None, math.nan, math.nan, math.nan
            return
        t_end = float(rec.t[i1 - 1])
        i0 = int(np.searchsorted(rec.t, t_end - self.window_s, side="left"))
        k = self._units_per_newton
        an = self.analysis
        cp = an.checkpoint_before(i1) if an is not None else None
        if cp is not None and i1 - cp.index <= (CHECKPOINT_S + 1.0) * (rec.rate_hz or 1000.0):
            filt, coach = copy.deepcopy(cp.filter), self._restored_coach(cp)
            ts = rec.t[cp.index:i1]
            y = filt.process(ts, rec.force_n[cp.index:i1]) * k
            ok = np.isfinite(y)
            coach.update(ts[ok], y[ok])
            lo = min(i0, cp.index)
            smooth = np.concatenate((an.smooth[lo:cp.index], y))[i0 - lo:]
            self.exact = True
        else:
            filt, coach, smooth = self._cold_seek(cp, i0, i1)
            self.exact = False
        self.filter, self.coach = filt, coach
        self._follow_run()
        self.state = coach.state
        raw = rec.force_n[i0:i1] * k
        self.history.append(rec.t[i0:i1], raw, smooth)
        self.counts.append(rec.t[i0:i1], rec.raw[i0:i1], rec.raw[i0:i1])
        self.last_t = t_end
        self.last_raw = float(raw[-1])
        finite = np.flatnonzero(np.isfinite(smooth))
        self.last_value = float(smooth[finite[-1]]) if finite.size else math.nan
        pacer = self.state.pacer
        p = np.array([math.nan if pacer is None else float(pacer)])
        self.pacer.append(np.array([t_end]), p, p)

    def _cold_seek(self, cp, i0: int, i1: int):
        """Before the analysis got here: warm a fresh filter, fast-forward the coach decimated."""
        rec = self.recording
        k = self._units_per_newton
        filt = copy.deepcopy(self.filter)
        filt.reset()
        warm_s = max(WARM_MIN_S, 5.0 * filt.lag_hint_s)
        w0 = int(np.searchsorted(rec.t, float(rec.t[i0]) - warm_s, side="left"))
        y = filt.process(rec.t[w0:i1], rec.force_n[w0:i1]) * k
        smooth = y[i0 - w0:]
        if cp is not None:
            coach, start = self._restored_coach(cp), cp.index
        else:
            coach, start = self._fresh_coach(), 0
        # decimated, one sample per COLD_DT_S, up to where the exact smoothed values begin
        t_start = float(rec.t[start]) if start < len(rec) else float(rec.t[-1])
        t_w = float(rec.t[w0])
        if t_w > t_start:
            grid = np.arange(t_start, t_w, COLD_DT_S)
            idx = np.searchsorted(rec.t, grid, side="left")
            # the raw value stands in for the smoothed one there (only step timing depends on it)
            vals = rec.force_n[np.minimum(idx, len(rec) - 1)] * k
            coach.update(rec.t[np.minimum(idx, len(rec) - 1)], vals)
        ok = np.isfinite(y)
        coach.update(rec.t[w0:i1][ok], y[ok])
        return filt, coach, smooth

    # --- navigation ------------------------------------------------------------------------
    def step_frame(self, direction: int) -> None:
        """One display frame (1/60 s of recording) forward or back; playback pauses."""
        self.source.pause()
        t = self.source.position + (FRAME_S if direction > 0 else -FRAME_S)
        if direction > 0:  # forward: just let the samples through (no re-seek needed)
            self.source.position = min(t, self.source.t_end)
        else:
            self.seek(t)

    def _times(self, kinds) -> list[float]:
        return sorted(e.t for e in self.recording.events if e.kind in kinds)

    def next_marker(self, direction: int = 1) -> float | None:
        return self._jump(self._times(("marker", "threshold")), direction)

    def next_step(self, direction: int = 1) -> float | None:
        times = [e.t for e in (self.analysis.coach.events if self.analysis and self.analysis.finished else ())
                 if e.kind == "step_start"] or self._times(("step_start",))
        return self._jump(sorted(times), direction)

    def _jump(self, times: list[float], direction: int) -> float | None:
        pos = self.source.position
        if direction > 0:
            later = [t for t in times if t > pos + 1e-6]
            target = later[0] if later else None
        else:
            earlier = [t for t in times if t < pos - 0.5]  # a little back: not the one just passed
            target = earlier[-1] if earlier else None
        if target is not None:
            self.seek(target)
        return target


class RecordingOverview:
    """The whole recording's min/max per bucket, computed once: replay shows the overview of
    the entire file from the first frame (so a click can jump anywhere). It offers what the
    window reads from ``OverviewHistory``: ``curve()``, ``span``, ``len``, ``scale``."""

    MAX_BUCKETS = 2048

    def __init__(self, recording, factor: float):
        n = len(recording)
        self._x = np.empty(0)
        self._y = np.empty(0)
        self._span = (0.0, float(recording.t[-1]) if n else 0.0)
        if n == 0:
            return
        per = max(1, -(-n // self.MAX_BUCKETS))
        m = n // per
        body = recording.force_n[: m * per].reshape(m, per)
        tb = recording.t[: m * per].reshape(m, per)
        lo, hi, tc = np.nanmin(body, axis=1), np.nanmax(body, axis=1), tb.mean(axis=1)
        if m * per < n:
            rest = recording.force_n[m * per:]
            lo = np.append(lo, np.nanmin(rest))
            hi = np.append(hi, np.nanmax(rest))
            tc = np.append(tc, recording.t[m * per:].mean())
        self._x = np.repeat(tc, 2)
        self._y = np.empty(2 * len(lo))
        self._y[0::2], self._y[1::2] = lo * factor, hi * factor
        # missing data (the live plot's rule, gaps.GapFinder): a break before the bucket
        # after the gap, and after a bucket with the gap inside it (its centre is in the hole)
        after = GapFinder().find(recording.t)
        if after.size:
            b = after // per
            cut = np.unique(np.concatenate((2 * b, 2 * b[after % per != 0] + 2)))
            cut = cut[(cut > 0) & (cut < len(self._x))]
            self._x, self._y = np.insert(self._x, cut, np.nan), np.insert(self._y, cut, np.nan)

    def __len__(self) -> int:
        return int(np.count_nonzero(np.isfinite(self._x))) // 2

    def append(self, t, values) -> None:  # the whole file is in already
        pass

    def scale(self, factor: float) -> None:
        self._y = self._y * factor

    def curve(self):
        return self._x, self._y

    @property
    def span(self) -> tuple[float, float]:
        return self._span
