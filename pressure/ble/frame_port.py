"""The port side of a Bluetooth sensor: what the reader's port loop reads, as from a serial port.

A buffer of frames (:mod:`pressure.wireformats.ble`) that the link's callbacks fill on the
link's thread and the reader thread empties; ``read`` waits up to the port's timeout, and raises
OSError once the link is lost and everything before the loss was read (the port loop then
treats it as an unplugged cable: a gap and a reconnect).
"""

from __future__ import annotations

import logging
import threading

from ..wireformats import ble as frames

log = logging.getLogger(__name__)


class FramePort:
    def __init__(self, name: str, timeout: float) -> None:
        self.name = name
        self.timeout = timeout
        self._buf = bytearray()
        self._cond = threading.Condition()
        self._lost: str | None = None
        self._cancel = False
        self._closed = False

    # -- what the port loop uses ---------------------------------------------------------------

    @property
    def in_waiting(self) -> int:
        with self._cond:
            return len(self._buf)

    def read(self, size: int = 1) -> bytes:
        with self._cond:
            if not self._buf and self._lost is None and not self._cancel:
                self._cond.wait(self.timeout)
            self._cancel = False
            if self._buf:
                out = bytes(self._buf[:size])
                del self._buf[:size]
                return out
            if self._lost is not None:
                raise OSError(self._lost)
            return b""

    def flush(self) -> None:
        """Writes are handed to the link's loop at once; nothing waits here."""

    def cancel_read(self) -> None:
        with self._cond:
            self._cancel = True
            self._cond.notify_all()

    def _emit(self, kind: bytes, payload: bytes = b"") -> None:
        if len(payload) > frames.MAX_PAYLOAD:  # larger than any ATT value: not from a sensor
            log.warning("%s: %d-byte %s dropped", self.name, len(payload), kind.decode())
            return
        with self._cond:
            self._buf += frames.frame(kind, payload)
            self._cond.notify_all()

    def _connection_lost(self, reason: str) -> None:
        with self._cond:
            if self._lost is None:
                self._lost = f"Bluetooth connection lost ({reason})"
            self._cond.notify_all()
