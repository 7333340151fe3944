"""The stream a Bluetooth port hands the reader: framed notifications, adverts and messages.

A Bluetooth sensor is not a byte stream, so its port (:mod:`pressure.ble.port`) turns what the
link delivers into frames, and this parser turns the frames into samples, the same way every
serial format is parsed: the reader, time base and ring buffer above it do not know which link
brought the samples. One frame::

    0xB1  kind (1 ASCII byte)  length (uint16 little-endian)  payload

``P`` the device protocol and its options (``forceboard lbf_per_count=0.01``), first on every
connection; ``I`` device facts as ``key=value`` words (merged, then passed on as one ``ID ...``
message, the conversation's device info); ``N`` a notification: the control command last
written (one byte: a Progressor reply does not say what it answers) + the notification;
``A`` an advertisement: company id (uint16 little-endian) + manufacturer data; ``M`` a message
for the conversation (``OK TARE``, ``ERR TARE ...``).

The device protocols are decoded by :mod:`.progressor`, :mod:`.forceboard` and
:mod:`.scale_adverts`; a frame or notification that does not decode is counted in
``bad_lines``, never turned into a number.
"""

from __future__ import annotations

import logging
import struct

import numpy as np

from ..errors import PressureError
from . import forceboard, progressor
from .base import Parsed
from .scale_adverts import AdvertLayout, weight

log = logging.getLogger(__name__)

MAGIC = 0xB1
HEADER = struct.Struct("<BcH")
MAX_PAYLOAD = 1024
PROTOCOLS = {"progressor": "kgf", "forceboard": "lbf", "whc06": None}
FORMAT = "ble"


def frame(kind: bytes, payload: bytes = b"") -> bytes:
    """One frame (the port's side)."""
    if len(payload) > MAX_PAYLOAD:
        raise ValueError("BLE frame payload too long")
    return HEADER.pack(MAGIC, kind, len(payload)) + payload


def words(text: str) -> dict[str, str]:
    out = {}
    for word in text.split():
        key, sep, value = word.partition("=")
        if sep and key:
            out[key] = value
    return out


def lbf_per_count(options: dict) -> float:
    """The Force Board's pounds per count from the options (PressureError when not a number > 0)."""
    text = options.get("lbf_per_count", "0.01")
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not (0 < value < 1000):
        raise PressureError(f"lbf_per_count={text} must be a number above 0")
    return value


class BleFrameParser:
    """Frames -> :class:`Parsed`; keeps a cut frame for the next feed, like the line parsers."""

    def __init__(self) -> None:
        self._pending = b""
        self.protocol: str | None = None
        self.info: dict[str, str] = {}
        self._lbf_per_count = 1.0
        self._layout = AdvertLayout()
        self._seq = 0  # Progressor records counted, the sequence the device clock is checked by

    @property
    def format(self) -> str:
        return f"{FORMAT}-{self.protocol}" if self.protocol else FORMAT

    @property
    def unit(self) -> str:
        if self.protocol == "whc06":
            return self._layout.unit
        return PROTOCOLS.get(self.protocol or "", None) or "kgf"

    def feed(self, data: bytes) -> Parsed:
        buf = self._pending + bytes(data)
        values: list[float] = []
        us: list[int] = []
        messages: list[str] = []
        positions: list[int] = []
        bad = 0
        i = 0
        while len(buf) - i >= HEADER.size:
            if buf[i] != MAGIC:
                j = buf.find(bytes([MAGIC]), i + 1)
                bad += 1  # bytes that are no frame: one bad "line" up to the next frame
                i = j if j >= 0 else len(buf)
                continue
            _, kind, length = HEADER.unpack_from(buf, i)
            if length > MAX_PAYLOAD:
                bad += 1
                i += 1
                continue
            end = i + HEADER.size + length
            if end > len(buf):
                break
            payload = buf[i + HEADER.size:end]
            i = end
            bad += self._frame(kind, payload, values, us, messages, positions)
        self._pending = buf[i:]
        return self._result(values, us, messages, positions, bad)

    def _frame(self, kind: bytes, payload: bytes, values, us, messages, positions) -> int:
        if kind == b"P":
            text = payload.decode("ascii", "replace").split()
            name = text[0] if text else ""
            if name not in PROTOCOLS:
                log.warning("unknown Bluetooth protocol %r", name)
                return 1
            self.protocol = name
            opts = words(" ".join(text[1:]))
            try:  # the port checked these when it opened; a bad one here is a bad frame
                if name == "forceboard":
                    self._lbf_per_count = lbf_per_count(opts)
                elif name == "whc06":
                    self._layout = AdvertLayout.from_words(opts)
            except PressureError as exc:
                log.warning("Bluetooth protocol options: %s", exc)
                return 1
            return 0
        if kind == b"I":
            return self._info(words(payload.decode("utf-8", "replace")), values, messages, positions)
        if kind == b"M":
            messages.append(payload.decode("utf-8", "replace").strip())
            positions.append(len(values))
            return 0
        if kind == b"N" and payload:
            return self._notification(payload[0], payload[1:], values, us, messages, positions)
        if kind == b"A" and len(payload) >= 2 and self.protocol == "whc06":
            company = int.from_bytes(payload[:2], "little")
            w = weight(self._layout, company, payload[2:])
            if w is not None:
                values.append(w)
            return 0  # another device's advertisement is not an error
        return 1

    def _notification(self, context, body, values, us, messages, positions) -> int:
        if self.protocol == "progressor":
            d = progressor.decode(body, context)
            values.extend(d.kg)
            us.extend(d.us)
            if d.info:
                self._info(d.info, values, messages, positions)
            return d.bad
        if self.protocol == "forceboard":
            d = forceboard.decode(body, self._lbf_per_count)
            values.extend(d.lbf)
            return d.bad
        return 1

    def _info(self, new: dict[str, str], values, messages, positions) -> int:
        if any(self.info.get(k) != v for k, v in new.items()):
            self.info.update(new)
            messages.append("ID " + " ".join(f"{k}={v}" for k, v in self.info.items()))
            positions.append(len(values))
        return 0

    def _result(self, values, us, messages, positions, bad) -> Parsed:
        clocked = self.protocol == "progressor"
        n = len(values)
        seq = None
        device_us = None
        if clocked:
            seq = np.arange(self._seq, self._seq + n, dtype=np.int64) & 0xFFFFFFFF
            self._seq += n
            device_us = np.asarray(us, dtype=np.int64) if n else np.empty(0, np.int64)
        return Parsed(value=np.asarray(values, dtype=np.float64), unit=self.unit, seq=seq,
                      device_us=device_us, bad_lines=bad, messages=messages, message_pos=positions)

    def flush(self) -> Parsed:
        bad = 1 if self._pending else 0
        self._pending = b""
        return self._result([], [], [], [], bad)

    def reset(self) -> None:
        """A new connection: a cut frame is dropped (counted bad); the device facts and the
        record count carry on (the device may have kept running)."""
        if self._pending:
            log.debug("cut Bluetooth frame dropped at reconnect")
        self._pending = b""
