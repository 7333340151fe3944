"""Replay a recording through the live window's pipeline: a clocked source, fast seeks, re-analysis.

Qt-free (numpy and the standard library), so every timing rule is tested with a fake clock.

* :class:`ReplaySource` is a pipeline source: ``poll()`` returns the samples whose time falls
  between the last position and the position now, which advances by wall-clock dt x speed.
  The clock is injectable (a callable returning monotonic seconds).
* :class:`KeyedCoach` wraps the coach and re-applies the key presses the live run recorded
  (Space, P) at their times, exactly as :func:`pressure.scoring.replay_coach` does, so a replay
  runs the routine the way the session ran it.
* :class:`Analysis` is one exact pass over the whole file (filter + coach, in the display
  unit) that keeps the smoothed trace and a copy of the filter and coach every
  ``CHECKPOINT_S``. The window runs it in a background thread; it is what makes a seek in a
  one-hour file cheap: restore the checkpoint before the target and run at most
  ``CHECKPOINT_S`` of samples, instead of the coach over everything from the start (the coach
  costs ~7 us per sample in Python: 25 s for an hour at 1 kHz).
* :class:`ReplayPipeline` is the window's :class:`~pressure.ui.pipeline.Pipeline` plus
  ``seek``, ``step_frame``, ``next_marker``/``next_step`` and re-analysis (a new filter or
  routine recomputes the visible window and restarts the analysis).

Before the analysis has reached a seek target the seek is still quick but approximate: the
coach is fast-forwarded on a decimated trace (every ``COLD_DT_S``) from the last checkpoint,
and the filter is warmed from a few seconds before the visible window (the filters forget
their past within ~1 s, see ``Filter.lag_hint_s``). The smoothed values shown are then exact;
only step boundaries may be off by up to ``COLD_DT_S``.
"""

from __future__ import annotations

import copy
import logging
import math
import threading
import time
from dataclasses import dataclass

import numpy as np

from ..coach import Coach
from ..markers import kept_markers
from ..samples import FLAG_GAP_BEFORE, Block, to_unit
from .pipeline import Marker, Pipeline, SourceStats

log = logging.getLogger(__name__)

MIN_SPEED, MAX_SPEED = 0.25, 16.0
SPEEDS = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0)
CHECKPOINT_S = 1.0     # a copy of filter + coach this often (recording time)
ANALYSIS_CHUNK_S = 0.25  # the analysis feeds the coach in chunks like the live reader does
COLD_DT_S = 0.2        # decimated fast-forward before the analysis arrives (< coach.GAP_S)
WARM_MIN_S = 3.0       # the filter is warmed at least this long before the first sample shown
FRAME_S = 1.0 / 60.0   # one display frame, for step_frame
MAX_POLL_S = 2.0       # at most this much wall time is caught up in one poll (a stalled GUI)


# ---------------------------------------------------------------- recorded key presses

def recorded_keys(events) -> tuple[float | None, list[tuple[float, str]]]:
    """(routine start time, [(t, "threshold"|"start"|"skip")]) from a recording's events.

    Same reading as ``scoring.replay_coach``: a ``threshold`` event is the P key, a
    ``step_start`` while the coach waits is Space, a ``step_end`` marked ``skipped`` is Space
    skipping a step; the routine started at the first ``step_start``.
    """
    keys, start_t = [], None
    for e in events or ():
        t, kind, data = float(e.t), e.kind, (e.data or {})
        if not math.isfinite(t):
            continue
        if kind == "step_start":
            start_t = t if start_t is None else start_t
            keys.append((t, "start"))
        elif kind == "threshold":
            keys.append((t, "threshold"))
        elif kind == "step_end" and isinstance(data, dict) and data.get("skipped"):
            keys.append((t, "skip"))
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
            import dataclasses

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


def keys_for(recording, routine) -> tuple[float | None, list]:
    """The recorded keys, if the file's routine is ``routine`` (same steps); else none."""
    from ..scoring import routine_of_recording_matches

    if routine_of_recording_matches(recording, routine):
        return recorded_keys(recording.events)
    return None, []


# ---------------------------------------------------------------- the source

class ReplaySource:
    """Samples of a recording as time passes on ``clock`` x ``speed`` (see the module docstring)."""

    is_live = False
    connected = True

    def __init__(self, recording, clock=time.monotonic, speed: float = 1.0, start: float = 0.0,
                 playing: bool = True):
        self.recording = recording
        self._clock = clock
        self.speed = self._check_speed(speed)
        self.playing = bool(playing)
        self.t_first = float(recording.t[0]) if len(recording) else 0.0
        self.t_end = float(recording.t[-1]) if len(recording) else 0.0
        self.position = self.t_first
        self._cursor = 0
        self._last_clock = clock()
        self._gaps = int(np.count_nonzero(recording.flags & FLAG_GAP_BEFORE))
        self._reconnects = sum(1 for e in recording.events if e.kind == "reconnect")
        # the first poll delivers the samples at ``start`` itself (a seek shows them at once)
        self.position = min(max(float(start), self.t_first), self.t_end)
        self._cursor = int(np.searchsorted(recording.t, self.position, side="left"))

    @staticmethod
    def _check_speed(speed: float) -> float:
        speed = float(speed)
        if not (MIN_SPEED <= speed <= MAX_SPEED):
            from ..errors import PressureError

            raise PressureError(f"speed must be between {MIN_SPEED:g}x and {MAX_SPEED:g}x, not {speed:g}")
        return speed

    # --- control ---------------------------------------------------------------------------
    @property
    def at_end(self) -> bool:
        return self._cursor >= len(self.recording)

    def _sync(self) -> None:
        """Move the position by the wall time passed since the last call (if playing)."""
        now = self._clock()
        dt = min(max(0.0, now - self._last_clock), MAX_POLL_S)
        self._last_clock = now
        if self.playing:
            self.position = min(self.position + dt * self.speed, self.t_end)
            if self.position >= self.t_end and self.at_end:
                self.playing = False

    def play(self) -> None:
        self._sync()
        if self.at_end:
            return
        self.playing = True

    def pause(self) -> None:
        self._sync()
        self.playing = False

    def toggle(self) -> None:
        if self.playing:
            self.pause()
        else:
            self.play()

    def set_speed(self, speed: float) -> None:
        self._sync()  # the time so far was played at the old speed
        self.speed = self._check_speed(speed)

    def seek(self, t: float) -> int:
        """Jump to ``t`` (clamped to the file); the next poll starts after it. Returns the
        index one past the last sample at or before ``t``."""
        self._sync()
        t = min(max(float(t), self.t_first), self.t_end)
        self.position = t
        self._cursor = int(np.searchsorted(self.recording.t, t, side="right"))
        return self._cursor

    # --- the source interface ----------------------------------------------------------------
    def poll(self) -> Block:
        self._sync()
        end = int(np.searchsorted(self.recording.t, self.position, side="right"))
        a, self._cursor = self._cursor, max(self._cursor, end)
        return self.recording._block(a, self._cursor) if self._cursor > a else Block.empty()

    def stats(self) -> SourceStats:
        rec = self.recording
        return SourceStats(sensor=f"replay: {rec.path.name}", rate_hz=float(rec.rate_hz or math.nan),
                           gaps=self._gaps, reconnects=self._reconnects, state="replay",
                           message=str(rec.path))

    def stop(self) -> None:
        self.playing = False


# ---------------------------------------------------------------- the exact background pass

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

    def __init__(self, recording, routine, filt, keys=(), start_t=None):
        self.recording = recording
        self.routine = routine
        self.factor = float(to_unit(1.0, routine.unit, routine.area_cm2))
        self.smooth = np.full(len(recording), np.nan)
        self.done = 0  # samples analysed
        self.checkpoints: list[Checkpoint] = []
        self._filter = copy.deepcopy(filt)
        self._filter.reset()
        self._coach = KeyedCoach(routine, keys, start_t)
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


# ---------------------------------------------------------------- the pipeline with seek

class ReplayPipeline(Pipeline):
    """The live pipeline on a :class:`ReplaySource`, plus seek, stepping and re-analysis."""

    def __init__(self, source: ReplaySource, routine, filt, *, clock=time.monotonic, window_s: float = 30.0):
        self.recording = source.recording
        self.window_s = float(window_s)  # how much trace a seek fills (the longest window shown)
        self.analysis: Analysis | None = None
        self.exact = True  # False after a seek that had to fast-forward the coach
        self._keys: tuple = (None, [])
        super().__init__(source, routine, filt, clock=clock, coach_factory=self._make_coach)
        self.overview = RecordingOverview(self.recording, self._n_per_unit)
        # every marker of the file from the start (the trace view draws them all in one call),
        # so the overview shows where they are before playback gets there
        self.markers = sorted((Marker(e.t, e.kind, e.text or e.kind) for e in
                               kept_markers(self.recording.events, ("marker", "threshold"))), key=lambda m: m.t)
        self._new_analysis()
        self.seek(source.position)

    def _record_coach_event(self, event) -> None:
        """Nothing to record, and the file's own markers already hold its thresholds."""

    # --- coach and analysis ------------------------------------------------------------------
    def _make_coach(self, routine):
        self._keys = keys_for(self.recording, routine)
        return KeyedCoach(routine, self._keys[1], self._keys[0])

    def _restored_coach(self, cp: Checkpoint):
        coach = KeyedCoach(self.routine, self._keys[1], self._keys[0])
        coach.restore(cp.coach)
        return coach

    def _new_analysis(self) -> Analysis:
        if self.analysis is not None:
            self.analysis.cancel()
        self.analysis = Analysis(self.recording, self.routine, self.filter, self._keys[1], self._keys[0])
        return self.analysis

    def set_routine(self, routine) -> None:
        """Re-analysis with another routine (target, tolerance): recompute what is shown."""
        super().set_routine(routine)  # rescales the overview if the unit changed
        if getattr(self, "analysis", None) is None:  # still in __init__
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
        self.history.clear()
        self.pacer.clear()
        self.counts.clear()
        if i1 == 0:
            self.filter.reset()
            self.coach = self._make_coach(self.routine)
            self.state, self.last_t, self.last_value, self.last_raw = None, math.nan, math.nan, math.nan
            return
        t_end = float(rec.t[i1 - 1])
        i0 = int(np.searchsorted(rec.t, t_end - self.window_s, side="left"))
        k = self._n_per_unit
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
        k = self._n_per_unit
        filt = copy.deepcopy(self.filter)
        filt.reset()
        warm_s = max(WARM_MIN_S, 5.0 * filt.lag_hint_s)
        w0 = int(np.searchsorted(rec.t, float(rec.t[i0]) - warm_s, side="left"))
        y = filt.process(rec.t[w0:i1], rec.force_n[w0:i1]) * k
        smooth = y[i0 - w0:]
        if cp is not None:
            coach, start = self._restored_coach(cp), cp.index
        else:
            coach, start = self._make_coach(self.routine), 0
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

    def __len__(self) -> int:
        return len(self._x) // 2

    def append(self, t, values) -> None:  # the whole file is in already
        pass

    def scale(self, factor: float) -> None:
        self._y = self._y * factor

    def curve(self):
        return self._x, self._y

    @property
    def span(self) -> tuple[float, float]:
        return self._span
