"""The reader thread: port chunks -> wire parser -> time base -> calibration -> RingBuffer.

One daemon thread per sensor. It reads whatever the port holds (never byte by byte), parses
the whole chunk with numpy, stamps it, calibrates it and appends it to the ring buffer in one
hand-off, so a sample reaches consumers within a millisecond or two of arriving.

Nothing is hidden: bad lines, checksum errors, sequence gaps, stalls, saturated readings,
device restarts and reconnects are counted in :class:`ReaderStats` and marked on the samples
that follow them (``FLAG_*`` in :mod:`pressure.samples`). A line that cannot be parsed is
counted and skipped; it never stops the stream and never becomes a number. When the port
vanishes the reader says so at once (state ``disconnected``), retries with a short backoff and
carries on, on the same session time base, when the port comes back.

Status listeners are called from the reader thread: a GUI must hand the news to its own
thread (a queued signal) instead of touching widgets there.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import deque
from dataclasses import dataclass, field, replace
from typing import Callable

import numpy as np

from .. import transport, wire
from ..buffer import RingBuffer
from ..errors import PressureError
from ..samples import (FLAG_GAP_BEFORE, FLAG_RECONNECT, FLAG_RESTART, FLAG_SATURATED, FORCE_UNITS,
                      Block)
from ..timebase import FEW, ArrivalClock, DeviceClock

log = logging.getLogger(__name__)

READ_TIMEOUT = 0.02        # s: how long one read waits; bounds how fast stop() takes effect
BACKOFF_FIRST = 0.1        # s: first retry after the port vanished ...
BACKOFF_MAX = 1.0          # ... doubling up to this
ID_WAIT = 0.5              # s: how long the first samples wait for the '#ID' reply
RATE_WINDOW = 2.0          # s: window over which rate_hz is measured
# With a read_interval and a consumer that says when it reads next (RingBuffer.expect_read):
HOLD_LEAD_S = 0.002        # s: hand a chunk on this long before the consumer reads
HOLD_MIN_S = 0.001         # s: the shortest hold (a late consumer must not make it wake per line)
POLL_GRACE_S = 0.003       # s: lines after the hand-off wait this long past the read for the next moment
PACE_FORGOTTEN_S = 0.5     # s: a consumer this late has stopped reading on its clock: hold read_interval
STATES = ("connecting", "streaming", "disconnected", "stopped")


@dataclass(frozen=True)
class ReaderStats:
    """A snapshot of the reader's health; cheap to take, safe to pass between threads."""

    url: str
    state: str = "connecting"
    connected: bool = False
    format: str = "auto"
    samples: int = 0
    bad_lines: int = 0
    checksum_errors: int = 0
    gaps: int = 0              # samples marked FLAG_GAP_BEFORE (lost samples, stalls, reconnects)
    lost_samples: int = 0      # samples missing according to the sequence numbers
    stalls: int = 0            # silences much longer than the sample interval
    saturated: int = 0
    reconnects: int = 0
    restarts: int = 0
    rate_hz: float = 0.0
    last_sample_monotonic: float | None = None
    last_seq: int | None = None  # the device's sequence number of the newest sample (own protocol)
    sensor_id: str | None = None
    device_info: dict = field(default_factory=dict)
    calibrated: bool = False
    calibration_source: str = ""  # "given", "store", "device", "unit", "" (raw counts as is)
    last_message: str | None = None  # the device's last reply ("OK TARE offset=8400", "ERR ...")
    error: str | None = None

    def summary(self) -> dict:
        """The counts a user needs to judge a run (``stream`` prints this at the end)."""
        return {k: getattr(self, k) for k in (
            "url", "format", "sensor_id", "samples", "bad_lines", "checksum_errors", "gaps",
            "lost_samples", "stalls", "saturated", "reconnects", "restarts", "rate_hz", "calibrated",
            "error")}


def parse_id(text: str) -> dict:
    """``ID model=pressure-sim fw=1.0 serial=SIM1`` -> {'model': 'pressure-sim', ...}."""
    info = {}
    for word in text.split()[1:]:
        key, sep, value = word.partition("=")
        if sep and key:
            info[key] = value
    return info


class Reader:
    """Reads one sensor in a daemon thread and appends calibrated blocks to ``buffer``."""

    def __init__(self, url: str, buffer: RingBuffer, fmt: str = "auto", calibration=None,
                 baudrate: int = 115200, poll: bytes | None = None, poll_rate: float | None = None,
                 field: str | None = None, input_unit: str = "N", store=None,
                 read_interval: float = 0.0) -> None:
        if fmt != "auto" and fmt not in wire.FORMATS:
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
        # With read_interval > 0 the thread, woken by a chunk's first bytes, waits until
        # read_interval after them and takes everything that came meanwhile in the same read:
        # at 1000 lines/s it wakes ~1/read_interval times a second instead of once a line (a
        # display at 60 Hz loses nothing; each wake-up costs the interpreter lock and ~100 us).
        # The samples' ``arrival`` is then the moment the chunk's first bytes were read, so a
        # latency measured from it includes the whole wait. 0 (the default): read line by line.
        self.read_interval = float(read_interval)
        self._parser = wire.make_parser(fmt, field=field, input_unit=input_unit)
        self._device_clock = DeviceClock()
        self._arrival_clock = ArrivalClock()
        self._calibration = calibration
        self._cal_source = "given" if calibration is not None else ""
        self._lock = threading.Lock()          # guards _stats and the calibration
        self._write_lock = threading.Lock()    # one writer on the port at a time
        self._stats = ReaderStats(url=url, format=fmt)  # what changes rarely (state, info)
        # What changes with every chunk: plain numbers, merged into the snapshot by stats().
        self._counts = {k: 0 for k in ("samples", "bad_lines", "checksum_errors", "gaps",
                                       "lost_samples", "stalls", "saturated", "restarts")}
        self._counts.update(last_sample_monotonic=None, last_seq=None)
        self._listeners: list[Callable[[ReaderStats], None]] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._port = None
        self._rate_marks: deque[tuple[float, int]] = deque()
        self._pending_flags = 0                # flags for the next sample (reconnect, restart)
        # parsed chunks waiting for the '#ID' reply, with the samples a restart was announced before
        self._held: list[tuple[object, float, list[int]]] = []
        self._id_deadline: float | None = None
        self._id_asked = False
        self._saw_samples = False               # samples since the start or the last banner
        # When the bytes of the first samples began arriving: the arrival of the first chunk fed
        # to the parser while it gave no samples yet (auto detection holding its first lines,
        # or after a reconnect). The time base spreads that first burst over the span instead
        # of bunching it at a guessed interval. None once samples were stamped.
        self._first_arrival: float | None = None
        self._stamped_any = False
        self._device_serial: str | None = None  # the serial the device gave in its '#ID'
        self._usb_serial: str | None = None     # the USB adapter's serial number, if any

    # -- public API --------------------------------------------------------------------------

    def start(self, retry: bool = False) -> None:
        """Open the port and start reading.

        The first open happens here, in the caller's thread, so an unreachable port is a
        PortError at once (the command line says so and exits); with ``retry=True`` the thread
        keeps trying instead (a window waiting for a sensor to be plugged in).
        """
        if self._thread is not None:
            raise RuntimeError("reader already started")
        if not retry:
            self._port = self._open()
        self._thread = threading.Thread(target=self._run, name=f"reader {self.url}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Ask the thread to finish; returns at once (``join`` waits)."""
        self._stop.set()
        port = self._port
        if port is not None:
            try:
                port.cancel_read()  # wake a read that is waiting for bytes
            except Exception:  # noqa: BLE001 - not every port type can; the timeout is short
                pass

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the thread; True if it has finished."""
        if self._thread is None:
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def stats(self) -> ReaderStats:
        with self._lock:
            stats = replace(self._stats, **self._counts)
        return replace(stats, rate_hz=self._rate())

    @property
    def device_info(self) -> dict:
        return dict(self.stats().device_info)

    @property
    def calibration(self):
        with self._lock:
            return self._calibration

    def set_calibration(self, cal) -> None:
        """Use ``cal`` from the next chunk on (e.g. after a tare in the window)."""
        with self._lock:
            self._calibration = cal
            self._cal_source = "given" if cal is not None else ""
            self._stats = replace(self._stats, calibrated=cal is not None, calibration_source=self._cal_source)

    def send(self, command: str) -> None:
        """Send one command line to the device (``TARE``, ``RATE 500``, ``ID?``); thread-safe."""
        self._write((command.rstrip("\r\n") + "\n").encode("ascii", "replace"))

    def add_status_listener(self, callback: Callable[[ReaderStats], None]) -> None:
        """``callback(stats)`` on every change of state (called from the reader thread)."""
        self._listeners.append(callback)

    # -- the thread --------------------------------------------------------------------------

    def _open(self):
        timeout = READ_TIMEOUT
        if self.poll_rate:
            timeout = min(timeout, 0.5 / self.poll_rate)
        return transport.open_port(self.url, baudrate=self.baudrate, timeout=timeout)

    def _run(self) -> None:
        backoff = BACKOFF_FIRST
        first = True
        while not self._stop.is_set():
            if self._port is None:
                try:
                    self._port = self._open()
                except transport.PortError as exc:
                    self._set_state("disconnected" if not first else "connecting", error=str(exc))
                    self._stop.wait(backoff)
                    backoff = min(backoff * 2, BACKOFF_MAX)
                    continue
                if not first:
                    self._on_reconnected()
            backoff = BACKOFF_FIRST
            first = False
            self._on_connected()
            try:
                self._read_loop(self._port)
            except Exception as exc:  # noqa: BLE001 - sorted below
                if not transport.is_port_gone(exc):
                    self._close()
                    self._set_state("stopped", connected=False, error=f"reader failed: {exc}")
                    log.exception("reader thread failed")
                    return
                if self._stop.is_set():
                    break
                log.warning("%s vanished: %s", self.url, exc)
                self._close()
                self._on_disconnected(str(exc))
        self._close()
        self._flush_held(force=True)
        self._set_state("stopped", connected=False)

    def _read_loop(self, port) -> None:
        period = 1.0 / self.poll_rate if self.poll else None
        next_poll = time.monotonic()
        while not self._stop.is_set():
            if period is not None:
                now = time.monotonic()
                if now >= next_poll:
                    self._write(self.poll)
                    next_poll = max(next_poll + period, now)  # never a burst to catch up
            data = transport.read_chunk(port)
            arrival = time.monotonic()
            if data and self.read_interval > 0:
                if self._gather(arrival, next_poll if period is not None else math.inf):
                    break  # stopped
                data += transport.read_waiting(port)
            if data:
                self._handle(data, arrival)
            elif self._held and self._id_deadline is not None and arrival >= self._id_deadline:
                self._flush_held(force=True)

    def _gather(self, arrival: float, next_poll: float) -> bool:
        """Wait while bytes gather (read_interval > 0), until :meth:`_hold_until` says hand on;
        gathering never delays a polled gauge's next request. True if the reader was stopped."""
        while True:
            wait = min(self._hold_until(arrival, time.monotonic()), next_poll) - time.monotonic()
            if wait <= 0:
                return False
            if self._stop.wait(wait):
                return True

    def _hold_until(self, arrival: float, now: float) -> float:
        """Until when to gather bytes whose first ones arrived at ``arrival`` (read_interval > 0).

        At most ``read_interval``. If the buffer's consumer said when it reads next
        (``RingBuffer.expect_read``): until just before that moment (HOLD_LEAD_S), so the
        window's timer finds every sample that came before it and the reader wakes once a frame.
        Lines that come after that hand-off point missed this read anyway: they wait until just
        after it (POLL_GRACE_S), when the consumer has named its next read, and go on with that
        read's lines (one hand-off a frame, none while the window draws). When the moment has
        passed and no new one was named (the consumer is late) lines go on after HOLD_MIN_S."""
        longest = arrival + self.read_interval
        due = self.buffer.next_read_at
        if due <= 0 or arrival - due > PACE_FORGOTTEN_S:  # no consumer on a clock (any more)
            return longest
        if now < due - HOLD_LEAD_S:
            return min(longest, due - HOLD_LEAD_S)
        if arrival >= due - HOLD_LEAD_S and now < due + POLL_GRACE_S:
            return min(longest, due + POLL_GRACE_S)
        return min(longest, max(arrival + HOLD_MIN_S, now))

    def _close(self) -> None:
        port, self._port = self._port, None
        if port is not None:
            try:
                port.close()
            except Exception:  # noqa: BLE001 - closing a vanished port may fail; it is gone anyway
                pass

    def _write(self, data: bytes) -> None:
        port = self._port
        if port is None:
            raise PressureError(f"sensor at {self.url} is not connected")
        with self._write_lock:
            try:
                transport.write(port, data)
            except Exception as exc:  # noqa: BLE001
                if transport.is_port_gone(exc):
                    raise PressureError(f"cannot write to {self.url}: {exc}") from None
                raise

    def _on_connected(self) -> None:
        # Looked up once per connection, before samples flow (listing ports scans the system).
        self._usb_serial = transport.usb_serial_number(self.url)
        self._set_state("streaming", connected=True, error=None)
        self._id_asked = False
        self._maybe_ask_id()

    def _on_disconnected(self, reason: str) -> None:
        arrival = time.monotonic()
        self._parser.reset()
        self._first_arrival, self._stamped_any = None, False
        self._device_clock.mark_reconnect(arrival)
        self._arrival_clock.mark_reconnect(arrival)
        self._set_state("disconnected", connected=False, error=f"{self.url} disconnected: {reason}")

    def _on_reconnected(self) -> None:
        self._pending_flags |= FLAG_RECONNECT | FLAG_GAP_BEFORE
        with self._lock:
            self._stats = replace(self._stats, reconnects=self._stats.reconnects + 1)
        log.info("%s is back", self.url)

    def _maybe_ask_id(self) -> None:
        """Ask the own protocol's device who it is (once per connection)."""
        detected = self._detected_format()
        if self._id_asked or detected not in ("pressure", "auto") or self.fmt not in ("pressure", "auto"):
            return
        if self.fmt == "auto" and detected != "pressure":
            return
        self._id_asked = True
        try:
            self._write(b"ID?\n")
        except PressureError:
            return
        if self._calibration is None and self._id_deadline is None:
            self._id_deadline = time.monotonic() + ID_WAIT

    def _detected_format(self) -> str:
        return getattr(self._parser, "format", None) or self.fmt

    # -- one chunk ---------------------------------------------------------------------------

    def _handle(self, data: bytes, arrival: float) -> None:
        parsed = self._parser.feed(data)
        if parsed.messages:
            restart_at = self._on_messages(parsed)
        else:
            restart_at = []
            self._saw_samples = self._saw_samples or len(parsed) > 0
        fmt = self._detected_format()
        if fmt != self._stats.format:
            with self._lock:
                self._stats = replace(self._stats, format=fmt)
            self._maybe_ask_id()
        if parsed.bad_lines or parsed.checksum_errors:
            with self._lock:
                self._counts["bad_lines"] += parsed.bad_lines
                self._counts["checksum_errors"] += parsed.checksum_errors
        if len(parsed) == 0:
            if parsed.messages:
                # a banner or a reply: the samples' bytes begin after it
                self._first_arrival = None
            elif not self._stamped_any and self._first_arrival is None:
                self._first_arrival = arrival
            if restart_at:
                self._carry_restart(parsed)
            return
        if self._held or (self._id_deadline is not None and self._calibration is None
                          and parsed.unit == "counts" and arrival < self._id_deadline):
            self._held.append((parsed, arrival, restart_at))
            if arrival >= self._id_deadline:
                self._flush_held(force=True)
            return
        self._deliver(parsed, arrival, restart_at)

    def _flush_held(self, force: bool = False) -> None:
        if not self._held:
            return
        held, self._held = self._held, []
        self._id_deadline = None
        for parsed, arrival, restart_at in held:
            self._deliver(parsed, arrival, restart_at)

    def _carry_restart(self, parsed) -> None:
        """A restart announced after the last sample that arrived: it applies to the next one."""
        if self._held:
            last, _, marks = self._held[-1]
            marks.append(len(last))  # after the last held sample
        elif parsed.seq is not None:
            self._device_clock.mark_restart()
        else:
            self._pending_flags |= FLAG_RESTART | FLAG_GAP_BEFORE

    def _on_messages(self, parsed) -> list[int]:
        """Act on the chunk's messages; the indices of the samples a restart came just before.

        ``#BOOT`` is a restart of the own protocol's device (its clock begins a new run at
        that sample); a text device that prints its banner again after sending samples has
        restarted too (several banner lines in a row are one restart).
        """
        restart_at = []
        saw, before = self._saw_samples, 0
        text = self._detected_format() not in ("pressure",)
        for message, pos in zip(parsed.messages, parsed.message_pos):
            if pos > before:
                saw, before = True, pos
            word = message.split(" ", 1)[0]
            if word == "BOOT":
                restart_at.append(pos)
                log.info("%s: device restarted (%s)", self.url, message)
                self._id_asked = False
                self._maybe_ask_id()
            else:
                if text and word != "ID":
                    if saw:
                        restart_at.append(pos)
                        with self._lock:
                            self._counts["restarts"] += 1
                    saw = False
                self._on_message(message, word)
        self._saw_samples = saw or len(parsed) > before
        return restart_at

    def _on_message(self, message: str, word: str) -> None:
        if word == "ID":
            info = parse_id(message)
            with self._lock:
                self._stats = replace(self._stats, device_info=info)
            self._resolve_calibration(info)
            self._flush_held()
        else:
            log.debug("%s: %s", self.url, message)
        if word in ("OK", "ERR"):
            with self._lock:
                self._stats = replace(self._stats, last_message=message)
        if message.startswith("OK TARE"):
            # The device now subtracts its tare itself: raw reads ~0 with nothing pressed, so
            # the device's own calibration has zero 0 from the next sample on. Ask it to confirm.
            with self._lock:
                info = dict(self._stats.device_info, offset="0")
                self._stats = replace(self._stats, device_info=info)
                source = self._cal_source
            if source == "device":
                self._resolve_calibration(info)
            elif source in ("store", "given"):
                log.warning("%s: the device tared itself; the calibration in use (%s) may now be off",
                            self.url, source)
            try:
                self._write(b"ID?\n")
            except PressureError:
                pass

    def _resolve_calibration(self, info: dict | None = None, unit: str | None = None) -> None:
        """Pick the calibration when none was given: stored > device's own > unit conversion."""
        from .. import calibration as calmod

        info = info or {}
        sensor_id = info.get("serial") or self._usb_serial or self.url
        with self._lock:
            given = self._cal_source == "given"
        serial = info.get("serial")
        if serial and self._device_serial and serial != self._device_serial:
            log.warning("%s: another sensor answers now (%s, was %s)%s", self.url, serial,
                        self._device_serial, "; keeping the calibration in use" if given else "")
        if serial:
            self._device_serial = serial
        cal, source = None, ""
        if not given:
            store = self.store
            if store is None:
                store = calmod.CalibrationStore()
            try:
                cal = store.load(sensor_id)
            except PressureError as exc:
                log.warning("stored calibration for %s unusable: %s", sensor_id, exc)
                cal = None
            if cal is not None:
                source = "store"
            elif info and "counts_per_n" in info:
                try:
                    cal, source = calmod.from_device(info, sensor_id=sensor_id), "device"
                except PressureError as exc:
                    log.warning("device calibration of %s unusable: %s", sensor_id, exc)
            if cal is None and unit is not None and unit != "counts":
                cal, source = calmod.default_for_unit(unit, sensor_id=sensor_id), "unit"
        with self._lock:
            if not given:
                self._calibration, self._cal_source = cal, source
            self._stats = replace(self._stats, sensor_id=sensor_id,
                                  calibrated=self._calibration is not None,
                                  calibration_source=self._cal_source)

    def _force_n(self, parsed) -> tuple[np.ndarray, bool]:
        with self._lock:
            cal = self._calibration
        value = parsed.value
        if cal is None:
            if parsed.unit == "counts":
                return value.copy(), False  # uncalibrated: stats say so; counts pass as they are
            return value * FORCE_UNITS[parsed.unit], True
        raw_unit = getattr(cal, "raw_unit", parsed.unit)
        if parsed.unit != raw_unit and parsed.unit in FORCE_UNITS and raw_unit in FORCE_UNITS:
            value = value * (FORCE_UNITS[parsed.unit] / FORCE_UNITS[raw_unit])
        return np.asarray(cal.apply(value), dtype=np.float64), True

    def _deliver(self, parsed, arrival: float, restart_at: list[int] = ()) -> None:
        """Stamp, flag, calibrate and hand on one chunk's samples.

        At 1000 samples/s a chunk holds 1-3 samples, so what costs here is the fixed work per
        call, not per sample: flag work is skipped when the time base says the chunk is clean,
        and the saturation test on a few values is done without numpy.
        """
        n = len(parsed)
        if self._stats.sensor_id is None:
            self._resolve_calibration(self._stats.device_info, parsed.unit)
        flags = np.zeros(n, dtype=np.uint8)
        lost = restarts = stalls = 0
        flagged = False  # some flag set (else no need to count gaps)
        if parsed.seq is not None:
            stamped = self._device_clock.stamp(parsed.seq, parsed.device_us, arrival, restart_at)
            t = stamped.t
            if not stamped.clean:
                flags[stamped.gap_before] |= FLAG_GAP_BEFORE
                flags[stamped.restart] |= FLAG_RESTART
                lost, restarts, stalls = stamped.lost, stamped.restarts, stamped.stalls
                flagged = True
        else:
            first_arrival, self._first_arrival = self._first_arrival, None
            t = self._arrival_clock.stamp(n, arrival, first_arrival_s=first_arrival)
            self._stamped_any = True
            if self._arrival_clock.stalled:
                flags[0] |= FLAG_GAP_BEFORE
                stalls = 1
                flagged = True
        if self._pending_flags:
            flags[0] |= self._pending_flags
            self._pending_flags = 0
            flagged = True
        if parsed.seq is None:
            for i in restart_at:  # a text device's banner: it restarted before sample i
                if i < n:
                    flags[i] |= FLAG_RESTART | FLAG_GAP_BEFORE
                    flagged = True
                else:
                    self._pending_flags |= FLAG_RESTART | FLAG_GAP_BEFORE
        force, calibrated = self._force_n(parsed)
        saturated = 0
        if parsed.unit == "counts" and self._may_saturate(parsed.value):
            sat = (parsed.value <= wire.RAW_MIN) | (parsed.value >= wire.RAW_MAX)
            saturated = int(np.count_nonzero(sat))
            if saturated:
                flags[sat] |= FLAG_SATURATED
        # ``arrival`` on the samples is the moment they are handed on (read + parse + stamp),
        # so latency measured from it is what a consumer can see at best; the time base above
        # used the moment the bytes were read. With a read_interval the reader held the chunk
        # on purpose: then the moment its first bytes were read (the wait counts as latency).
        handoff = arrival if self.read_interval > 0 else time.monotonic()
        self.buffer.append(Block(t=t, raw=parsed.value, force_n=force, flags=flags,
                                 arrival=np.full(n, handoff)))
        gaps = int(np.count_nonzero(flags & FLAG_GAP_BEFORE)) if flagged else 0
        with self._lock:
            self._rate_marks.append((arrival, n))
            while arrival - self._rate_marks[0][0] > RATE_WINDOW:
                self._rate_marks.popleft()
            c = self._counts
            c["samples"] += n
            c["gaps"] += gaps
            c["lost_samples"] += lost
            c["restarts"] += restarts
            c["stalls"] += stalls
            c["saturated"] += saturated
            c["last_sample_monotonic"] = arrival
            if parsed.seq is not None:
                c["last_seq"] = int(parsed.seq[-1])
            if calibrated != self._stats.calibrated:
                self._stats = replace(self._stats, calibrated=calibrated)

    @staticmethod
    def _may_saturate(value: np.ndarray) -> bool:
        """Whether any count sits at an ADC limit; a few values are looked at without numpy."""
        if value.shape[0] > FEW:
            return True  # the vectorised test decides
        few = value.tolist()
        return min(few) <= wire.RAW_MIN or max(few) >= wire.RAW_MAX

    def _rate(self) -> float:
        now = time.monotonic()
        with self._lock:
            items = [m for m in self._rate_marks if now - m[0] <= RATE_WINDOW]
        if len(items) < 2:
            return 0.0
        span = items[-1][0] - items[0][0]
        return sum(n for _, n in items[1:]) / span if span > 0 else 0.0

    def _set_state(self, state: str, **changes) -> None:
        with self._lock:
            self._stats = replace(self._stats, state=state, **changes)
            stats = self._stats
        for callback in list(self._listeners):
            try:
                callback(stats)
            except Exception:  # noqa: BLE001 - a listener's bug must not kill the reader
                log.exception("status listener failed")
