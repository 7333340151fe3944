"""The per-tick pipeline: source -> filter -> display unit -> coach -> live scorer.

Qt-free on purpose (numpy and the standard library only): the window's 60 Hz timer calls
:meth:`Pipeline.tick` and draws the returned :class:`Frame`; ``record`` and ``stream`` tick it
without a window; the tests drive it with a scripted source and a fake clock; replay gives it a
replay source. Live and replay differ by the :class:`~pressure.session.source.Source` only.

The pipeline never writes samples: the :class:`~pressure.session.recorder.Recorder` reads them
on its own thread with its own cursor. The pipeline hands it the events the session makes
(markers, steps, thresholds, a routine change) through the recorder's queue.

Scores come from :attr:`Pipeline.trace`, the whole session, never from the plot's history;
every run of a routine (a routine set or restarted mid-session starts a new one, recorded as a
``routine`` event) is scored on its own (:mod:`pressure.session.scores`).

The pipeline's parts, one module each: the tick itself (here), the runs of routines
(:mod:`~pressure.session.runs`), what the keys mark (:mod:`~pressure.session.marks`) and what
goes to the recorder (:mod:`~pressure.session.recording_link`).
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, field

import numpy as np

from ..gaprule import IntervalTracker
from ..samples import FLAG_RECONNECT, FLAG_SATURATED, Block
from .history import OverviewHistory, TraceHistory
from .marks import Marker, Marks
from .recording_link import RecordingLink
from .runs import Run, Runs
from .source import LiveSource, Source, SourceStats  # noqa: F401 - the names the pipeline's users import
from .trace import SessionTrace
from .zero_watch import zero_cue

log = logging.getLogger(__name__)

# No sample for longer than the sensor's gap limit (pressure.gaprule: 5 of its intervals, at
# least this): the readout stops looking live. A polled gauge at 2 S/s is live for 2.5 s.
STALE_AFTER_S = 0.25
MAX_WINDOW_SECONDS = 120.0
TRACE_CAPACITY = 1 << 18  # samples kept for the trace: 2 min at 2000 S/s
PACER_CAPACITY = 1 << 14  # one pacer point per tick: ~4.5 min at 60 Hz
COUNTS_CAPACITY = 1 << 13  # raw readings kept for a tare: 4 s at 2000 S/s


@dataclass
class Frame:
    """What one tick produced: everything the window needs to draw, nothing Qt."""

    new: int = 0                 # samples drained this tick
    t: float = math.nan          # session time of the newest sample
    value: float = math.nan      # newest smoothed value, display unit
    raw: float = math.nan        # newest unsmoothed value, display unit
    state: object = None         # the coach's state after the newest sample
    events: list = field(default_factory=list)  # coach events of this tick
    stale: bool = True           # no sample for longer than gap_limit_s (or none yet)
    gap_limit_s: float = STALE_AFTER_S  # the sensor's gap limit now (pressure.gaprule)
    connected: bool = True
    age_s: float = math.inf      # seconds since the newest sample arrived
    arrivals: np.ndarray = field(default_factory=lambda: np.empty(0))  # arrival times of the new samples
    times: np.ndarray = field(default_factory=lambda: np.empty(0))  # session times of the new samples
    saturated: bool = False      # a new sample sat at the ADC limit
    block: Block | None = None   # the new samples themselves (stream prints them)
    smoothed: np.ndarray = field(default_factory=lambda: np.empty(0))  # their smoothed values, display unit


class Pipeline(Runs, Marks, RecordingLink):
    """Drain a source each tick, smooth, convert and coach; keep the session and plot histories.

    ``recorder``: a :class:`~pressure.session.recorder.Recorder`, or a RecordingWriter that is
    then recorded by a Recorder over the source's own tap."""

    def __init__(self, source, routine, filt, *, recorder=None, coach_factory=None,
                 clock=time.monotonic, trace_capacity: int = TRACE_CAPACITY):
        self.source = source
        self.filter = filt
        from .recorder import Recorder

        if recorder is not None and not isinstance(recorder, Recorder):
            recorder = Recorder(recorder, source)
        self.recorder = recorder
        self.record_steps = True  # False: a session without a routine (record, stream): no step events
        self._failed_recorder = None
        self.recorder_error: str = ""
        self._clock = clock
        self._coach_factory = coach_factory or _default_coach
        self.history = TraceHistory(trace_capacity)
        self.overview = OverviewHistory()
        self.pacer = TraceHistory(PACER_CAPACITY)
        self.counts = TraceHistory(COUNTS_CAPACITY)  # raw sensor readings, for tare and calibration
        self.trace = SessionTrace()  # the whole session, smoothed newtons: what scores are made of
        self.gaps = IntervalTracker()  # the sensor's interval and gap limit (the readout's staleness)
        self.runs: list[Run] = []
        self.markers: list[Marker] = []
        self.samples = 0
        self.last_arrival = math.nan   # monotonic time the newest sample reached the reader
        self.last_t = math.nan
        self.last_value = math.nan
        self.last_raw = math.nan
        self.state = None
        self.routine = None
        self.coach = None
        self._before_tick: list = []  # callables() at the start of each tick
        self._listeners: list = []  # callables(frame) with each tick's frame
        self.set_routine(routine)

    def subscribe(self, on_frame=None, *, before_tick=None) -> None:
        """Call ``on_frame(frame)`` with every tick's frame (its samples and coach events) and
        ``before_tick()`` as each tick starts, in the ticking thread: a listener may change the
        routine there (a classroom station takes the instructor's start) and that tick coaches it."""
        if on_frame is not None:
            self._listeners.append(on_frame)
        if before_tick is not None:
            self._before_tick.append(before_tick)

    def unsubscribe(self, on_frame=None, *, before_tick=None) -> None:
        if on_frame is not None:
            self._listeners.remove(on_frame)
        if before_tick is not None:
            self._before_tick.remove(before_tick)

    def set_filter(self, filt) -> None:
        """A new filter starts afresh from the next sample (the trace so far keeps its old smoothing)."""
        self.filter = filt
        self._record_meta(filter=filt.describe())

    # --- the tick ----------------------------------------------------------------------------
    def tick(self) -> Frame:
        for call in self._before_tick:
            call()
        self._check_recorder()
        block = self.source.poll()
        frame = Frame()
        now = self._clock()
        n = len(block)
        if n:
            self._take(block, frame)
        frame.new = n
        frame.t, frame.value, frame.raw, frame.state = self.last_t, self.last_value, self.last_raw, self.state
        if self.source.is_live:
            frame.age_s = now - self.last_arrival if math.isfinite(self.last_arrival) else math.inf
            frame.gap_limit_s = max(STALE_AFTER_S, self.gaps.limit)
            frame.stale = not frame.age_s <= frame.gap_limit_s
        else:
            frame.age_s, frame.stale = 0.0, math.isnan(self.last_t)
        # Only a silent source can be disconnected: ask (a lock in the reader) only then.
        frame.connected = True if not frame.stale else bool(self.source.connected)
        for listener in self._listeners:
            listener(frame)
        return frame

    def _take(self, block: Block, frame: Frame) -> None:
        smooth_n = self.filter.process(block.t, block.force_n)
        k = self._units_per_newton
        raw = block.force_n * k
        smooth = smooth_n * k
        self.trace.append(block.t, smooth_n)
        self.history.append(block.t, raw, smooth)
        self.overview.append(block.t, smooth)
        self.counts.append(block.t, block.raw, block.force_n)  # raw for a tare, force for its steadiness
        self.samples += len(block)
        self.gaps.limits(block.t[np.isfinite(block.t)])
        arrival = block.arrival[np.isfinite(block.arrival)]
        self.last_arrival = float(arrival[-1]) if arrival.size else self._clock()
        frame.arrivals, frame.times = block.arrival, block.t
        frame.block, frame.smoothed = block, smooth
        frame.saturated = bool(np.any(block.flags & FLAG_SATURATED))
        if np.any(block.flags & FLAG_RECONNECT):
            log.info("sensor reconnected at t=%.3f", float(block.t[np.argmax(block.flags & FLAG_RECONNECT)]))
        self.last_t = float(block.t[-1])
        self.last_raw = float(raw[-1])
        finite = np.flatnonzero(np.isfinite(smooth))
        if finite.size:
            self.last_value = float(smooth[finite[-1]])
        self._feed_coach(block.t, smooth, frame)

    def _feed_coach(self, t: np.ndarray, values: np.ndarray, frame: Frame) -> None:
        """Every sample goes to the coach (one call per tick), so its hold timer is as exact as the data."""
        ok = np.isfinite(values)  # NaN: a sample the filter skipped; the coach sees the next real one
        state = self.coach.update(t if ok.all() else t[ok], values if ok.all() else values[ok])
        state = zero_cue(state, self.routine)  # below zero: never an in-band cue such as HOLD
        self.state = state
        frame.events.extend(state.events)
        pacer = state.pacer
        p = np.array([math.nan if pacer is None else float(pacer)])
        self.pacer.append(np.array([self.last_t]), p, p)
        for event in state.events:
            self._record_coach_event(event)



def _default_coach(routine):
    from ..coach import Coach

    return Coach(routine)
