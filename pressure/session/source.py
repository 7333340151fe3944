"""Where a session's samples come from: the :class:`Source` interface and the live source.

A source is polled by the pipeline once a tick (``poll() -> Block``: what is new since the
last poll) and says what it can do through plain class attributes, so the window and the
pipeline never probe for methods:

* ``is_live``     a sensor: staleness applies, a recording can be made, the reader is paced;
* ``can_seek``    a replay: seek, step, jump to markers;
* ``can_tare``    the Tare key and the calibration dialog work (:meth:`tare`, :meth:`set_calibration`);
* ``recording``   the file a replay plays (None for a live or scripted source);
* ``sensor``      the name the window shows (:data:`SIMULATOR_NAME` for the built-in simulator);
* ``url``         the port a live source reads (None: nothing to reopen);
* :meth:`tap`     a second, independent cursor over the same samples (the recorder's), or None.

Three sources exist: :class:`LiveSource` (a running Reader's ring buffer, here),
:class:`~pressure.session.replay_source.ReplaySource` (a recording on a clock) and
:class:`~pressure.session.scripted.ScriptedSource` (samples pushed by a test).
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

from ..device_status import device_summary
from ..errors import PressureError
from ..samples import Block

log = logging.getLogger(__name__)

SIMULATOR_NAME = "built-in simulator"  # Source.sensor of the built-in simulator (session/live.py)


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
    disconnected_at: float | None = None  # session time the port went away (None while connected)
    device: str = ""  # battery, firmware, low power: what a wireless sensor tells of itself


class Source:
    """The interface every source implements; the defaults are those of a source that only plays."""

    is_live = False
    can_tare = False
    can_seek = False
    recording = None  # the Recording a replay plays
    sensor = ""
    url = None  # the port a live sensor is read from
    connected = True  # a source that can lose its sensor overrides this

    def poll(self) -> Block:
        raise NotImplementedError

    def stats(self) -> SourceStats:
        return SourceStats(sensor=self.sensor)

    def wait(self, timeout: float) -> bool:
        """Block until :meth:`poll` has samples (True) or ``timeout`` passes (False): what a
        front end without a frame timer (``record``, ``stream``) ticks on."""
        return False

    def tap(self, from_now: bool = False):
        """A :class:`Tap` over the same samples with a cursor of its own (None: nothing to record):
        from the first sample, or (``from_now``) from the first one :meth:`poll` has not given yet."""
        return None

    def sensor_meta(self) -> dict | None:
        """The sensor's identity and calibration for the recording (None until it is known)."""
        return None

    def sensor_id(self) -> str:
        """The id a calibration of this sensor is stored under (the name when it has none)."""
        return self.sensor

    def pace(self, next_poll_in) -> None:
        """``next_poll_in()``: seconds until the next poll (negative: none planned); live only."""

    def tare(self, raw_mean: float):
        """Zero at ``raw_mean`` for this session; returns the tared calibration (None: none kept)."""
        raise PressureError("this source cannot be tared")

    def set_calibration(self, cal) -> None:
        raise PressureError("this source has no calibration to set")

    def current_calibration(self):
        raise PressureError("this source has no calibration")

    def device_calibration(self):
        """The device's own calibration (its #ID counts per newton), or None if it gave none."""
        return None

    def stop(self) -> None:
        """Stop whatever feeds the source; safe to call twice."""


class Tap:
    """A consumer's own cursor over a ring buffer (the recorder's: the display never moves it)."""

    def __init__(self, buffer, cursor: int = 0):
        self.buffer = buffer
        self.cursor = cursor

    def wait(self, timeout: float) -> bool:
        return self.buffer.wait(self.cursor, timeout)

    def read(self, timeout: float = 0.0) -> tuple[Block, int]:
        """(new samples, samples overwritten before this cursor got to them); waits up to ``timeout``."""
        if timeout > 0 and not self.buffer.wait(self.cursor, timeout):
            return Block.empty(), 0
        block, self.cursor, lost = self.buffer.read_since(self.cursor)
        return block, lost


def _read_at(wait: float) -> float:
    """The monotonic time of a poll ``wait`` seconds away; 0 when none is planned."""
    return time.monotonic() + wait if wait >= 0 else 0.0


class LiveSource(Source):
    """New samples from a running Reader's ring buffer, read with this consumer's own cursor."""

    is_live = True
    can_tare = True

    def __init__(self, reader, buffer, sensor: str = "", on_stop=()):
        self.reader = reader
        self.buffer = buffer
        self.sensor = sensor or str(reader.url or "sensor")
        self._on_stop = list(on_stop)  # e.g. the built-in simulator's host.stop, after the reader
        self._tap = Tap(buffer)  # everything the reader wrote since it started belongs to the session
        self._lost = 0
        self._stopped = False
        self.time_to_next_poll = None
        self.next_read_at = 0.0  # time.monotonic() of the next poll; 0: not known

    def pace(self, next_poll_in) -> None:
        """The window polls on its frame timer: the reader hands its chunks on just before each
        poll, so no sample waits in the reader for a poll to come (one wake-up a frame).

        ``next_poll_in`` (the window's timer) is asked only here, in the polling thread; the reader
        thread reads the resulting float, never the timer itself (Qt objects are not thread-safe)."""
        self.time_to_next_poll = next_poll_in
        self.reader.pace(lambda: self.next_read_at)

    def poll(self) -> Block:
        if self.time_to_next_poll is not None:
            self.next_read_at = _read_at(self.time_to_next_poll())
        block, lost = self._tap.read()
        if lost:
            self._lost += lost
            log.warning("display fell behind: %d samples not shown", lost)
        return block

    def tap(self, from_now: bool = False) -> Tap:
        return Tap(self.buffer, self._tap.cursor if from_now else 0)

    def wait(self, timeout: float) -> bool:
        return self._tap.wait(timeout)

    def stats(self) -> SourceStats:
        s = self.reader.stats()
        sensor_id = s.sensor_id
        return SourceStats(
            sensor=self.sensor + (f" ({sensor_id})" if sensor_id and sensor_id != self.sensor else ""),
            rate_hz=float(s.rate_hz), bad_lines=int(s.bad_lines) + int(s.checksum_errors),
            gaps=int(s.gaps), reconnects=int(s.reconnects), lost=self._lost,
            connected=bool(s.connected), state=str(s.state), message=str(s.error or ""),
            calibrated=bool(s.calibrated),
            disconnected_at=s.disconnected_at,  # session time the port went away (None: connected)
            device=device_summary(s.device_info),
        )

    @property
    def connected(self) -> bool:
        return bool(self.reader.stats().connected)

    @property
    def url(self) -> str | None:
        return self.reader.url

    def sensor_id(self) -> str:
        return str(self.reader.stats().sensor_id or self.sensor)

    def send(self, command: str) -> None:
        self.reader.send(command)

    # --- calibration (the window's Tare key and calibration dialog) ------------------------------
    def current_calibration(self):
        cal = self.reader.calibration
        if cal is None:
            raise PressureError("the sensor has no calibration yet: calibrate it with a known weight")
        return cal

    def device_calibration(self):
        from ..calibration import from_device

        info = self.reader.device_info
        if not info or "counts_per_n" not in info:
            return None
        try:
            return from_device(info, sensor_id=self.sensor_id())
        except PressureError:
            return None

    def tare(self, raw_mean: float):
        """Zero the sensor at ``raw_mean`` for this session only; returns the tared calibration.

        A tare is part of the session (the pipeline records it as an event), never the sensor's
        stored zero: a tare pressed under load would otherwise shift every later session's zero
        and make the ceiling sound late. Only the calibration dialog stores (set_calibration)."""
        cal = self.current_calibration()
        if self.reader.device_info.get("tare") == "device" and cal.zero == 0:
            # a Bluetooth sensor zeroes itself (its own command): its readings step to ~0
            self.reader.send("TARE")
            return cal
        cal = cal.tared(raw_mean)
        self.reader.set_calibration(cal)
        return cal

    def set_calibration(self, cal) -> None:
        """Use ``cal`` from the next chunk on and store it for this sensor (next runs use it too)."""
        self.reader.set_calibration(cal)
        try:
            from ..calibration import CalibrationStore

            CalibrationStore().save(cal)
        except PressureError as exc:  # the tare works for this session even if it cannot be saved
            log.warning("calibration not saved: %s", exc)

    def sensor_meta(self) -> dict | None:
        from .meta import sensor_meta

        if self.reader.stats().state != "streaming":
            return None
        return sensor_meta(self.reader)


    def stop(self) -> None:
        """Stop the reader (and what it reads from, e.g. the simulator); safe to call twice."""
        if self._stopped:
            return
        self._stopped = True
        self.reader.stop()
        self.reader.join(2.0)
        for stop in self._on_stop:
            try:
                stop()
            except Exception as exc:  # noqa: BLE001 - shutting down: report, carry on
                log.warning("stopping %s: %s", self.sensor, exc)
