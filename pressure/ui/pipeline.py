"""The per-tick data pipeline of the window: source -> filter -> display unit -> coach -> recorder.

Qt-free on purpose (numpy and the standard library only): the window's 60 Hz timer calls
:meth:`Pipeline.tick` and draws the returned :class:`Frame`, the tests drive it without a
window, and replay reuses it with a different *source*.

A source is anything with

* ``poll() -> Block``  the samples that are new since the last poll (possibly none),
* ``stats() -> SourceStats``  what the status bar shows,
* ``is_live``  True for a sensor (staleness and recording apply), False for a replay.

:class:`LiveSource` wraps the acquisition ``Reader`` and its ``RingBuffer`` (the one hand-off
from the reader thread: the GUI thread reads with its own cursor, no Qt signal per sample).
A replay source is added by the replay module and needs nothing else from here.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, field

import numpy as np

from ..errors import PressureError
from ..samples import FLAG_RECONNECT, Block, to_unit
from .history import OverviewHistory, TraceHistory

log = logging.getLogger(__name__)

STALE_AFTER_S = 0.25  # no sample for longer than this: the readout stops looking live
MAX_WINDOW_SECONDS = 120.0
TRACE_CAPACITY = 1 << 18  # samples kept for the trace: 2 min at 2000 S/s
PACER_CAPACITY = 1 << 14  # one pacer point per tick: ~4.5 min at 60 Hz
COUNTS_CAPACITY = 1 << 13  # raw readings kept for a tare: 4 s at 2000 S/s


@dataclass
class SourceStats:
    """Health of a source, in the words of the status bar."""

    sensor: str = ""
    rate_hz: float = math.nan
    bad_lines: int = 0
    gaps: int = 0
    reconnects: int = 0
    lost: int = 0  # samples the display fell too far behind to read (ring buffer overrun)
    connected: bool = True
    state: str = "streaming"  # reader states: connecting, streaming, disconnected, stopped
    message: str = ""
    calibrated: bool = True


class LiveSource:
    """New samples from a running Reader's ring buffer, read with this consumer's own cursor."""

    is_live = True

    def __init__(self, reader, buffer, sensor: str = "", on_stop=()):
        self.reader = reader
        self.buffer = buffer
        self.sensor = sensor or str(getattr(reader, "url", "") or "sensor")
        self._on_stop = list(on_stop)  # e.g. the built-in simulator's host.stop, after the reader
        self._cursor = 0  # everything the reader wrote since it started belongs to the session
        self._lost = 0
        self._stopped = False
        # Set by whoever polls on a clock (the window: its frame timer): seconds until the next
        # poll, or a negative number if none is planned. The reader then hands its chunks on
        # just before each poll (RingBuffer.expect_read): one wake-up of the reader thread a
        # frame, and no sample waits in the reader for a poll to come.
        self.time_to_next_poll = None

    def poll(self) -> Block:
        if self.time_to_next_poll is not None:
            wait = self.time_to_next_poll()
            self.buffer.expect_read(time.monotonic() + wait if wait >= 0 else 0.0)
        block, self._cursor, lost = self.buffer.read_since(self._cursor)
        if lost:
            self._lost += lost
            log.warning("display fell behind: %d samples not shown", lost)
        return block

    def stats(self) -> SourceStats:
        s = self.reader.stats()
        return SourceStats(
            sensor=self.sensor + (f" ({s.sensor_id})" if getattr(s, "sensor_id", None) and s.sensor_id != self.sensor else ""),
            rate_hz=float(_first(s, ("rate_hz",), math.nan)),
            bad_lines=int(_first(s, ("bad_lines",), 0)) + int(_first(s, ("checksum_errors",), 0)),
            gaps=int(_first(s, ("gaps",), 0)),
            reconnects=int(_first(s, ("reconnects",), 0)),
            lost=self._lost,
            connected=bool(_first(s, ("connected",), True)),
            state=str(_first(s, ("state",), "streaming")),
            message=str(_first(s, ("error",), "") or ""),
            calibrated=bool(_first(s, ("calibrated",), True)),
        )

    @property
    def connected(self) -> bool:
        return bool(_first(self.reader.stats(), ("connected",), True))

    def send(self, command: str) -> None:
        self.reader.send(command)

    # --- calibration (the window's Tare key and calibration dialog) ------------------------------
    def current_calibration(self):
        cal = self.reader.calibration
        if cal is None:
            raise PressureError("the sensor has no calibration yet: calibrate it with a known weight")
        return cal

    def tare(self, raw_mean: float) -> None:
        """Zero the sensor at ``raw_mean`` (mean raw reading with nothing pressing) and keep it."""
        self.set_calibration(self.current_calibration().tared(raw_mean))

    def set_calibration(self, cal) -> None:
        """Use ``cal`` from the next chunk on and store it for this sensor (next runs use it too)."""
        self.reader.set_calibration(cal)
        try:
            from ..calibration import CalibrationStore

            CalibrationStore().save(cal)
        except PressureError as exc:  # the tare works for this session even if it cannot be saved
            log.warning("calibration not saved: %s", exc)

    def recording_meta(self) -> dict | None:
        """What the recording should say about the sensor (None until it streams): its identity,
        rate and the calibration in use (a tare changes it, and the recording notes that)."""
        s = self.reader.stats()
        if getattr(s, "state", "streaming") != "streaming":
            return None
        info = dict(getattr(s, "device_info", {}) or {})
        try:
            rate = float(info["rate"]) if "rate" in info else None
        except (TypeError, ValueError):
            rate = None
        cal = self.reader.calibration
        return {
            "sensor": {"id": getattr(s, "sensor_id", None), "url": str(getattr(self.reader, "url", "")),
                       "format": getattr(s, "format", None), "rate_hz": rate, "device_info": info},
            "calibration": cal.to_dict() if hasattr(cal, "to_dict") else None,
        }

    def stop(self) -> None:
        """Stop the reader (and what it reads from, e.g. the simulator); safe to call twice."""
        if self._stopped:
            return
        self._stopped = True
        self.reader.stop()
        join = getattr(self.reader, "join", None)
        if join is not None:
            join(2.0)
        for stop in self._on_stop:
            try:
                stop()
            except Exception as exc:  # noqa: BLE001 - shutting down: report, carry on
                log.warning("stopping %s: %s", self.sensor, exc)


def _first(obj, names, default):
    for name in names:
        value = obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)
        if value is not None:
            return value
    return default


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


@dataclass
class Marker:
    t: float
    kind: str      # the recording's event kind ("marker" or "threshold")
    text: str


class Pipeline:
    """Drain a source each tick, smooth, convert, coach and record; keep plot histories."""

    def __init__(self, source, routine, filt, *, recorder=None, coach_factory=None,
                 clock=time.monotonic, trace_capacity: int = TRACE_CAPACITY):
        self.source = source
        self.filter = filt
        self.recorder = recorder
        self.recorder_error: str = ""
        self._clock = clock
        self._coach_factory = coach_factory or _default_coach
        self.history = TraceHistory(trace_capacity)
        self.overview = OverviewHistory()
        self.pacer = TraceHistory(PACER_CAPACITY)
        self.counts = TraceHistory(COUNTS_CAPACITY)  # raw sensor readings, for tare and calibration
        self.markers: list[Marker] = []
        self.samples = 0
        self.last_arrival = math.nan   # monotonic time the newest sample reached the reader
        self.last_t = math.nan
        self.last_value = math.nan
        self.last_raw = math.nan
        self.state = None
        self._source_meta = None
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
        self.routine = routine
        self.coach = self._coach_factory(routine)
        self.state = None
        self._n_per_unit = float(to_unit(1.0, routine.unit, routine.area_cm2))  # display units per newton
        if self.recorder is not None and not math.isnan(self.last_t):
            self._record_meta(routine=routine.to_dict(), unit=routine.unit, area_cm2=routine.area_cm2)

    def set_filter(self, filt) -> None:
        """A new filter starts afresh from the next sample (the trace so far keeps its old smoothing)."""
        self.filter = filt
        self._record_meta(filter=filt.describe())

    # --- the tick ----------------------------------------------------------------------------
    def tick(self) -> Frame:
        block = self.source.poll()
        frame = Frame()
        now = self._clock()
        n = len(block)
        if n:
            self._take(block, frame)
        frame.new = n
        frame.t, frame.value, frame.raw, frame.state = self.last_t, self.last_value, self.last_raw, self.state
        if getattr(self.source, "is_live", True):
            frame.age_s = now - self.last_arrival if math.isfinite(self.last_arrival) else math.inf
            frame.stale = not frame.age_s <= STALE_AFTER_S
        else:
            frame.age_s, frame.stale = 0.0, math.isnan(self.last_t)
        # Only a silent source can be disconnected: ask (a lock in the reader) only then.
        frame.connected = True if not frame.stale else bool(getattr(self.source, "connected", True))
        return frame

    def _take(self, block: Block, frame: Frame) -> None:
        smooth_n = self.filter.process(block.t, block.force_n)
        k = self._n_per_unit
        raw = block.force_n * k
        smooth = smooth_n * k
        self.history.append(block.t, raw, smooth)
        self.overview.append(block.t, smooth)
        self.counts.append(block.t, block.raw, block.raw)
        self.samples += len(block)
        arrival = block.arrival[np.isfinite(block.arrival)]
        self.last_arrival = float(arrival[-1]) if arrival.size else self._clock()
        frame.arrivals, frame.times = block.arrival, block.t
        frame.saturated = bool(np.any(block.flags & 1))
        if np.any(block.flags & FLAG_RECONNECT):
            log.info("sensor reconnected at t=%.3f", float(block.t[np.argmax(block.flags & FLAG_RECONNECT)]))
        self.last_t = float(block.t[-1])
        self.last_raw = float(raw[-1])
        finite = np.flatnonzero(np.isfinite(smooth))
        if finite.size:
            self.last_value = float(smooth[finite[-1]])
        if self.recorder is not None:  # samples first, then the events they caused
            self._record(lambda: self.recorder.append(block))
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
    def _record(self, action) -> None:
        try:
            action()
        except PressureError as exc:  # disk full, file removed: keep the display, stop recording
            self.recorder_error = str(exc)
            log.error("recording stopped: %s", exc)
            self.recorder = None

    def _record_event(self, t, kind, text="", data=None) -> None:
        if self.recorder is not None:
            self._record(lambda: self.recorder.add_event(t, kind, text, data))

    def _record_meta(self, **changes) -> None:
        if self.recorder is not None and hasattr(self.recorder, "update_meta"):
            self._record(lambda: self.recorder.update_meta(**changes))

    def _record_coach_event(self, event) -> None:
        """Step changes, thresholds and the routine's end go into the recording as events; the
        band/countdown/ceiling events are for sound only (the samples already show them)."""
        kind = event.kind
        if kind in ("step_start", "step_end", "routine_done", "threshold"):
            data = dict(event.data)
            data["step"] = event.step
            text = str(data.get("label") or data.get("kind") or "")
            if kind == "threshold":
                self.markers.append(Marker(event.t, "threshold", f"PPT {data.get('value', math.nan):.1f} {self.unit}"))
                text = self.markers[-1].text
            self._record_event(event.t, kind, text, data)

    def follow_source(self) -> None:
        """Keep the recording's sensor metadata current (called a few times a second)."""
        get = getattr(self.source, "recording_meta", None)
        if self.recorder is None or get is None:
            return
        meta = get()
        if meta is not None and meta != self._source_meta:
            self._source_meta = meta
            self._record_meta(**meta)

    def close(self) -> None:
        """Close the recording (all samples and events committed); the source is stopped by its owner."""
        recorder, self.recorder = self.recorder, None
        if recorder is not None:
            try:
                recorder.close()
            except PressureError as exc:
                self.recorder_error = str(exc)
                log.error("closing the recording failed: %s", exc)


def _default_coach(routine):
    from ..coach import Coach

    return Coach(routine)
