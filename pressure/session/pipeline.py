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
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, field

import numpy as np

from ..errors import PressureError
from ..samples import FLAG_RECONNECT, FLAG_SATURATED, Block, to_unit
from .history import OverviewHistory, TraceHistory
from .source import LiveSource, Source, SourceStats  # noqa: F401 - the names the pipeline's users import
from .trace import SessionTrace

log = logging.getLogger(__name__)

STALE_AFTER_S = 0.25  # no sample for longer than this: the readout stops looking live
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
    stale: bool = True           # no sample for > STALE_AFTER_S (or none yet)
    connected: bool = True
    age_s: float = math.inf      # seconds since the newest sample arrived
    arrivals: np.ndarray = field(default_factory=lambda: np.empty(0))  # arrival times of the new samples
    times: np.ndarray = field(default_factory=lambda: np.empty(0))  # session times of the new samples
    saturated: bool = False      # a new sample sat at the ADC limit
    block: Block | None = None   # the new samples themselves (stream prints them)
    smoothed: np.ndarray = field(default_factory=lambda: np.empty(0))  # their smoothed values, display unit


@dataclass
class Run:
    """One run of a routine: from the moment it was set (or restarted) to the next run."""

    start_t: float    # session time it started (-inf: before the first sample)
    routine: object
    coach: object


@dataclass
class Marker:
    t: float
    kind: str      # the recording's event kind ("marker" or "threshold")
    text: str


class Pipeline:
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
        self.set_routine(routine)

    # --- configuration -----------------------------------------------------------------------
    @property
    def unit(self) -> str:
        return self.routine.unit

    @property
    def area_cm2(self):
        return self.routine.area_cm2

    def set_routine(self, routine) -> None:
        """Start a routine from its first step; the trace is rescaled if the unit changes."""
        if self.routine is not None and self.history and (routine.unit, routine.area_cm2) != (self.unit, self.area_cm2):
            factor = float(to_unit(1.0, routine.unit, routine.area_cm2)) / float(to_unit(1.0, self.unit, self.area_cm2))
            self.history.scale(factor)
            self.overview.scale(factor)
            self.pacer.clear()
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

    def set_filter(self, filt) -> None:
        """A new filter starts afresh from the next sample (the trace so far keeps its old smoothing)."""
        self.filter = filt
        self._record_meta(filter=filt.describe())

    # --- the tick ----------------------------------------------------------------------------
    def tick(self) -> Frame:
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
            frame.stale = not frame.age_s <= STALE_AFTER_S
        else:
            frame.age_s, frame.stale = 0.0, math.isnan(self.last_t)
        # Only a silent source can be disconnected: ask (a lock in the reader) only then.
        frame.connected = True if not frame.stale else bool(self.source.connected)
        return frame

    def _take(self, block: Block, frame: Frame) -> None:
        smooth_n = self.filter.process(block.t, block.force_n)
        k = self._units_per_newton
        raw = block.force_n * k
        smooth = smooth_n * k
        self.trace.append(block.t, smooth_n)
        self.history.append(block.t, raw, smooth)
        self.overview.append(block.t, smooth)
        self.counts.append(block.t, block.raw, block.raw)
        self.samples += len(block)
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
        self.state = state
        frame.events.extend(state.events)
        pacer = state.pacer
        p = np.array([math.nan if pacer is None else float(pacer)])
        self.pacer.append(np.array([self.last_t]), p, p)
        for event in state.events:
            self._record_coach_event(event)

    # --- keys ---------------------------------------------------------------------------------
    def add_marker(self, text: str) -> Marker | None:
        """A marker at the newest sample's time (None before the first sample)."""
        if math.isnan(self.last_t):
            return None
        marker = Marker(self.last_t, "marker", text)
        self.markers.append(marker)
        self._record_event(marker.t, "marker", text)
        return marker

    def note_tare(self, zero: float) -> Marker | None:
        """A tare (zero) was applied at the newest sample: a marker on the trace and a ``tare``
        event in the recording, so the step it makes in the readings is explained, not hidden."""
        if math.isnan(self.last_t):
            return None
        marker = Marker(self.last_t, "tare", "tare (zero)")
        self.markers.append(marker)
        self._record_event(marker.t, "tare", "tare (zero)", {"zero": float(zero)})
        return marker

    def undo_marker(self) -> Marker | None:
        """Ctrl+Z / Backspace: take back the last marker key press (None if there is none).
        Recorded as a ``marker_undone`` event (pressure.markers), never erased from the log."""
        from ..markers import UNDONE

        for i in range(len(self.markers) - 1, -1, -1):
            marker = self.markers[i]
            if marker.kind == "marker":
                del self.markers[i]
                t = self.last_t if not math.isnan(self.last_t) else marker.t
                self._record_event(t, UNDONE, marker.text, {"t": marker.t, "text": marker.text})
                return marker
        return None

    def advance(self) -> None:
        """Space / the foot pedal: start the step that waits for the key, or skip the current one.

        The coach's step events arrive with the next tick's frame (and are recorded then)."""
        self.coach.advance(self.last_t if not math.isnan(self.last_t) else 0.0)

    def threshold_running(self) -> bool:
        state = self.state
        return (state is not None and state.step is not None and state.step.kind == "threshold"
                and not state.waiting_for_key and not state.finished)

    def mark_threshold(self) -> bool:
        """P: the patient reports pain. False (nothing done) unless a threshold trial is running;
        the coach's ``threshold`` event (with the value) arrives with the next frame."""
        if math.isnan(self.last_t) or not self.threshold_running():
            return False
        self.coach.mark_threshold(self.last_t)
        return True

    def raw_mean(self, seconds: float = 0.5) -> float:
        """Mean raw reading (sensor units, e.g. ADC counts) of the last ``seconds``: what a tare
        or a known-weight calibration needs."""
        recent = self.counts.recent(seconds, "raw")
        recent = recent[np.isfinite(recent)]
        if recent.size == 0:
            raise PressureError("no recent samples to measure: is the sensor connected?")
        return float(recent.mean())

    # --- recording -------------------------------------------------------------------------------
    def _check_recorder(self) -> None:
        """A recorder that failed (disk full, file removed) stops; the display carries on."""
        if self.recorder is not None and self.recorder.error:
            self.recorder_error = self.recorder.error
            self._failed_recorder, self.recorder = self.recorder, None

    def _record(self, action) -> None:
        try:
            action()
        except PressureError as exc:
            self.recorder_error = str(exc)
            log.error("recording stopped: %s", exc)
            self._failed_recorder, self.recorder = self.recorder, None

    def _record_event(self, t, kind, text="", data=None) -> None:
        if self.recorder is not None:
            self._record(lambda: self.recorder.add_event(t, kind, text, data))

    def _record_meta(self, **changes) -> None:
        if self.recorder is not None:
            self._record(lambda: self.recorder.update_meta(**changes))

    def _record_coach_event(self, event) -> None:
        """Step changes, thresholds and the routine's end go into the recording as events; the
        band/countdown/ceiling events are for sound only (the samples already show them)."""
        kind = event.kind
        if kind in ("step_start", "step_end", "step_skipped", "routine_done", "threshold") and self.record_steps:
            data = dict(event.data)
            data["step"] = event.step
            text = str(data.get("label") or data.get("kind") or "")
            if kind == "threshold":
                self.markers.append(Marker(event.t, "threshold", f"PPT {data.get('value', math.nan):.1f} {self.unit}"))
                text = self.markers[-1].text
            self._record_event(event.t, kind, text, data)

    def follow_source(self) -> None:
        """Notice a failed recorder (called a few times a second; the recorder itself follows
        the sensor's identity and calibration on its own thread)."""
        self._check_recorder()

    def close(self) -> None:
        """Close the recording (all samples and events committed); the source is stopped by its owner."""
        recorder, self.recorder = self.recorder or self._failed_recorder, None
        self._failed_recorder = None
        if recorder is not None:
            try:
                recorder.close()
            except PressureError as exc:
                self.recorder_error = str(exc)
                log.error("closing the recording failed: %s", exc)


def _default_coach(routine):
    from ..coach import Coach

    return Coach(routine)
