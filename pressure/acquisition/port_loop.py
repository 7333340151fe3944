"""The port loop: open, read chunks, close; back off and reconnect when the port vanishes.

The only part of the reader that touches the transport. Like pyserial's
``serial.threaded.ReaderThread`` it hands every chunk of bytes to a handler and tells it when
the connection was made or lost; it never looks inside the bytes. It reads whatever the port
holds (never byte by byte); with a ``read_interval`` it first lets bytes gather, as long as
the pacing rule says (:mod:`pressure.acquisition.pacing`), and it sends a polled gauge's
request on time.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from typing import Callable

from .. import transport
from ..errors import PressureError
from .pacing import PacingRule

log = logging.getLogger(__name__)

READ_TIMEOUT = 0.02        # s: how long one read waits; bounds how fast stop() takes effect
BACKOFF_FIRST = 0.1        # s: first retry after the port vanished ...
BACKOFF_MAX = 1.0          # ... doubling up to this
SETTLE_S = 0.1             # s: after connecting, what arrives this soon is still the old backlog


class PortLoop:
    """Reads ``url`` in a daemon thread and hands the bytes to ``handler``.

    The handler has ``connection_made(first, usb_serial)``, ``data_received(data, arrival)``,
    ``idle(now)``, ``connection_lost(reason, now)``, ``open_failed(error, first)`` and
    ``finished(error)`` (error None: stopped as asked).
    """

    def __init__(self, url: str, handler, baudrate: int = 115200, poll: bytes | None = None,
                 poll_rate: float | None = None, read_interval: float = 0.0) -> None:
        self.url = url
        self.handler = handler
        self.baudrate = baudrate
        self.poll = poll
        self.poll_rate = poll_rate
        self.read_interval = float(read_interval)
        self.next_read_at: Callable[[], float | None] | None = None  # set by Reader.pace
        self._write_lock = threading.Lock()  # one writer on the port at a time
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.port = None

    def open(self):
        timeout = READ_TIMEOUT
        if self.poll_rate:
            timeout = min(timeout, 0.5 / self.poll_rate)
        return transport.open_port(self.url, baudrate=self.baudrate, timeout=timeout)

    def start(self, retry: bool) -> None:
        if self._thread is not None:
            raise RuntimeError("reader already started")
        if not retry:
            self.port = self.open()
        self._thread = threading.Thread(target=self._run, name=f"reader {self.url}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        port = self.port
        if port is not None:
            try:
                port.cancel_read()  # wake a read that is waiting for bytes
            except Exception:  # noqa: BLE001 - not every port type can; the timeout is short
                pass

    def join(self, timeout: float | None) -> bool:
        if self._thread is None:
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def write(self, data: bytes) -> None:
        port = self.port
        if port is None:
            raise PressureError(f"sensor at {self.url} is not connected")
        with self._write_lock:
            try:
                transport.write(port, data)
            except Exception as exc:  # noqa: BLE001
                if transport.is_port_gone(exc):
                    raise PressureError(f"cannot write to {self.url}: {exc}") from None
                raise

    # -- the thread --------------------------------------------------------------------------

    def _run(self) -> None:
        backoff = BACKOFF_FIRST
        first = True
        while not self._stop.is_set():
            if self.port is None:
                try:
                    self.port = self.open()
                except transport.PortError as exc:
                    self.handler.open_failed(str(exc), first)
                    self._stop.wait(backoff)
                    backoff = min(backoff * 2, BACKOFF_MAX)
                    continue
            backoff = BACKOFF_FIRST
            # What waited in the port before this connection is old: a device that streamed
            # while nobody read left its samples there (seconds old; read as live they put an old
            # value at t=0 and a phantom gap after it). The session begins with the next bytes.
            try:
                dropped = transport.discard_waiting(self.port, SETTLE_S)
                if dropped:
                    log.info("%s: %d bytes that waited before the connection discarded", self.url, dropped)
            except Exception as exc:  # noqa: BLE001 - a port gone already: the read loop finds out
                log.debug("could not discard what waited in %s: %s", self.url, exc)
            # Looked up once per connection, before samples flow (listing ports scans the system).
            self.handler.connection_made(first, transport.usb_serial_number(self.url))
            first = False
            try:
                self._read_loop(self.port)
            except Exception as exc:  # noqa: BLE001 - sorted below
                if not transport.is_port_gone(exc):
                    self._close()
                    log.exception("reader thread failed")
                    self.handler.finished(f"reader failed: {exc}")
                    return
                if self._stop.is_set():
                    break
                log.warning("%s vanished: %s", self.url, exc)
                self._close()
                self.handler.connection_lost(str(exc), time.monotonic())
        self._close()
        self.handler.finished(None)

    def _read_loop(self, port) -> None:
        period = 1.0 / self.poll_rate if self.poll else None
        next_poll = time.monotonic()
        while not self._stop.is_set():
            if period is not None:
                now = time.monotonic()
                if now >= next_poll:
                    self.write(self.poll)
                    next_poll = max(next_poll + period, now)  # never a burst to catch up
            data = transport.read_chunk(port)
            arrival = time.monotonic()
            if data and self.read_interval > 0:
                if self._gather(arrival, next_poll if period is not None else math.inf):
                    break  # stopped
                data += transport.read_waiting(port)
            if data:
                self.handler.data_received(data, arrival)
            else:
                self.handler.idle(arrival)

    def _gather(self, arrival: float, next_poll: float) -> bool:
        """Wait while bytes gather (read_interval > 0), as long as the pacing rule says;
        gathering never delays a polled gauge's next request. True if the reader was stopped."""
        rule = PacingRule(self.read_interval)
        while True:
            due_of = self.next_read_at
            due = due_of() if due_of is not None else None
            now = time.monotonic()
            wait = min(rule.hold_until(arrival, now, due), next_poll) - now
            if wait <= 0:
                return False
            if self._stop.wait(wait):
                return True

    def _close(self) -> None:
        port, self.port = self.port, None
        if port is not None:
            try:
                port.close()
            except Exception:  # noqa: BLE001 - closing a vanished port may fail; it is gone anyway
                pass
