"""The reader thread: port chunks -> wire parser -> time base -> calibration -> RingBuffer.

One daemon thread per sensor. It reads whatever the port holds (never byte by byte), parses
the whole chunk with numpy, stamps it, calibrates it and appends it to the ring buffer in one
hand-off, so a sample reaches consumers within a millisecond or two of arriving.

Nothing is hidden: bad lines, checksum errors, sequence gaps, stalls, saturated readings,
device restarts and reconnects are counted in :class:`ReaderStats` and marked on the samples
that follow them (``FLAG_*`` in :mod:`pressure.samples`). A line that cannot be parsed is
counted and skipped; it never stops the stream and never becomes a number. When the port
vanishes the reader says so at once (state ``disconnected``, ``disconnected_at`` the session
time of the loss), retries with a short backoff and carries on, on the same session time
base, when the port comes back.

:class:`Reader` is the facade over the parts: the port loop (:mod:`.port_loop`), the device
conversation (:mod:`.conversation`), the calibration choice (:mod:`.calibration_choice`), the
stamper (:mod:`.stamper`), the pacing rule (:mod:`.pacing`) and the counters (:mod:`.stats`).

Status listeners are called from the reader thread: a GUI must hand the news to its own
thread (a queued signal) instead of touching widgets there.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Callable

from .. import wire
from ..buffer import RingBuffer
from ..errors import PressureError
from .calibration_choice import CalibrationChoice
from .conversation import DeviceConversation
from .port_loop import PortLoop
from .stamper import Stamper
from .stats import ReaderStats, StatsKeeper

log = logging.getLogger(__name__)

STATES = ("connecting", "streaming", "disconnected", "stopped")


def _ble_format(url, fmt: str) -> str:
    """A Bluetooth sensor speaks the framed stream of its port (pressure/wireformats/ble.py)."""
    from ..ble.url import is_ble_url

    if not is_ble_url(url):
        return fmt
    if fmt not in ("auto", wire.BLE_FORMAT):
        raise PressureError(f"a Bluetooth sensor speaks its own protocol: drop --format {fmt}")
    return wire.BLE_FORMAT


class Reader:
    """Reads one sensor in a daemon thread and appends calibrated blocks to ``buffer``."""

    def __init__(self, url: str, buffer: RingBuffer, fmt: str = "auto", calibration=None,
                 baudrate: int = 115200, poll: bytes | None = None, poll_rate: float | None = None,
                 field: str | None = None, input_unit: str = "N", store=None,
                 read_interval: float = 0.0) -> None:
        fmt = _ble_format(url, fmt)
        if fmt != "auto" and fmt not in wire.FORMATS and fmt != wire.BLE_FORMAT:
            raise PressureError(f"unknown format {fmt!r}; choose auto or one of {', '.join(wire.FORMATS)}")
        if poll_rate is not None and not poll:
            raise PressureError("a poll rate needs a poll request (--poll)")
        if poll and not (poll_rate and poll_rate > 0):
            raise PressureError("polling needs a poll rate above 0 Hz")
        self.url = url
        self.buffer = buffer
        self.fmt = fmt
        self.baudrate = baudrate
        self.poll = bytes(poll) if poll else None
        self.poll_rate = poll_rate
        self.field = field
        self.input_unit = input_unit
        self.store = store
        self._stats = StatsKeeper(url, fmt)
        self._cal = CalibrationChoice(url, calibration, store)
        self._stamper = Stamper()
        # With read_interval > 0 the thread, woken by a chunk's first bytes, waits until
        # read_interval after them (or as the consumer's pace says) and takes everything that
        # came meanwhile in the same read: at 1000 lines/s it wakes ~1/read_interval times a
        # second instead of once a line (each wake-up takes the interpreter lock from the window).
        # The samples' ``arrival`` is then the moment the chunk's first bytes were read, so a
        # latency measured from it includes the whole wait. 0 (the default): read line by line.
        self._loop = PortLoop(url, self, baudrate=baudrate, poll=self.poll, poll_rate=poll_rate,
                              read_interval=read_interval)
        self._conversation = DeviceConversation(
            url, fmt, wire.make_parser(fmt, field=field, input_unit=input_unit), self._loop.write,
            self._deliver, self._stats, self._cal, self._stamper)
        self._listeners: list[Callable[[ReaderStats], None]] = []
        self._fresh = threading.Event()  # set once what waited in the port at connect is gone

    # -- public API --------------------------------------------------------------------------

    def start(self, retry: bool = False) -> None:
        """Open the port and start reading.

        The first open happens here, in the caller's thread, so an unreachable port is a
        PortError at once (the command line says so and exits); with ``retry=True`` the thread
        keeps trying instead (a window waiting for a sensor to be plugged in).
        """
        self._loop.start(retry)

    def wait_fresh(self, timeout: float | None = None) -> bool:
        """Wait until the port is connected and what waited in it has been thrown away: bytes
        the device sends from now on are the session's (True), or the timeout (False)."""
        return self._fresh.wait(timeout)

    def stop(self) -> None:
        """Ask the thread to finish; returns at once (``join`` waits)."""
        self._loop.stop()

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the thread; True if it has finished."""
        return self._loop.join(timeout)

    def stats(self) -> ReaderStats:
        return self._stats.snapshot()

    @property
    def device_info(self) -> dict:
        return dict(self.stats().device_info)

    @property
    def calibration(self):
        return self._cal.calibration

    def set_calibration(self, cal) -> None:
        """Use ``cal`` from the next chunk on (e.g. after a tare in the window)."""
        self._cal.give(cal)
        self._stats.update(calibrated=cal is not None, calibration_source=self._cal.source)

    def send(self, command: str) -> None:
        """Send one command line to the device (``TARE``, ``RATE 500``, ``ID?``); thread-safe."""
        self._loop.write((command.rstrip("\r\n") + "\n").encode("ascii", "replace"))

    def add_status_listener(self, callback: Callable[[ReaderStats], None]) -> None:
        """``callback(stats)`` on every change of state (called from the reader thread)."""
        self._listeners.append(callback)

    def pace(self, next_read_at: Callable[[], float | None] | None) -> None:
        """Hand chunks on just before the consumer's next read (with a ``read_interval``).

        ``next_read_at()`` returns the ``time.monotonic()`` of the consumer's next read, or 0
        or None when it is not known; it is called from the reader thread, so it must only
        read a value (no Qt). ``pace(None)`` stops pacing: chunks wait ``read_interval``.
        """
        self._loop.next_read_at = next_read_at

    @property
    def read_interval(self) -> float:
        return self._loop.read_interval

    @read_interval.setter
    def read_interval(self, value: float) -> None:
        self._loop.read_interval = float(value)

    # -- what the port loop tells ------------------------------------------------------------

    def connection_made(self, first: bool, usb_serial: str | None = None) -> None:
        if not first:
            self._stamper.reconnected()
            self._stats.update(reconnects=self._stats.current.reconnects + 1)
            log.info("%s is back", self.url)
        self._set_state("streaming", connected=True, error=None, disconnected_at=None)
        self._conversation.connection_made(time.monotonic(), usb_serial)
        self._fresh.set()

    def data_received(self, data: bytes, arrival: float) -> None:
        self._conversation.data_received(data, arrival)

    def idle(self, now: float) -> None:
        self._conversation.idle(now)

    def connection_lost(self, reason: str, now: float) -> None:
        self._conversation.connection_lost()
        t = self._stamper.disconnected(now)
        self._set_state("disconnected", connected=False, error=f"{self.url} disconnected: {reason}",
                        disconnected_at=t, disconnects=self._stats.current.disconnects + 1)

    def open_failed(self, error: str, first: bool) -> None:
        self._set_state("connecting" if first else "disconnected", error=error)

    def finished(self, error: str | None) -> None:
        if error is None:
            self._conversation.flush(force=True)
            self._set_state("stopped", connected=False)
        else:
            self._set_state("stopped", connected=False, error=error)

    # -- one chunk ---------------------------------------------------------------------------

    def _deliver(self, parsed, arrival: float, restart_at: list[int] = ()) -> None:
        """Stamp, flag, calibrate and hand on one chunk's samples."""
        current = self._stats.current
        if current.sensor_id is None or (self._cal.calibration is None and parsed.unit != "counts"):
            # (a Bluetooth device names itself before its first sample, without a unit)
            self._conversation.resolve_calibration(current.device_info, parsed.unit)
        force, calibrated = self._cal.force_n(parsed.value, parsed.unit)
        # ``arrival`` on the samples is the moment they are handed on (read + parse + stamp),
        # so latency measured from it is what a consumer can see at best; the time base used
        # the moment the bytes were read. With a read_interval the reader held the chunk on
        # purpose: then the moment its first bytes were read (the wait counts as latency).
        handoff = arrival if self._loop.read_interval > 0 else time.monotonic()
        stamp = self._stamper.stamp(parsed, arrival, restart_at, force, handoff)
        self.buffer.append(stamp.block)
        self._stats.add_chunk(arrival, len(parsed), stamp.counts(),
                              int(parsed.seq[-1]) if parsed.seq is not None else None)
        if calibrated != self._stats.current.calibrated:
            self._stats.update(calibrated=calibrated)

    def _set_state(self, state: str, **changes) -> None:
        stats = self._stats.update(state=state, **changes)
        for callback in list(self._listeners):
            try:
                callback(stats)
            except Exception:  # noqa: BLE001 - a listener's bug must not kill the reader
                log.exception("status listener failed")
