"""Tindeq Progressor notifications -> weight records, replies and warnings (pure, no Bluetooth).

A notification on the data characteristic is ``[tag u8][length u8][payload]``:

* tag 1, weight: records of float32 kilograms + uint32 device microseconds, little-endian. The
  clock is UNSIGNED and wraps every 2^32 us (71.6 min); the time base unwraps it (a client
  that reads it signed goes wrong after ~36 min).
* tag 0, the reply to the last command written on the control characteristic, which the
  reply does not name: the caller passes that command (``context``). 0x6F battery: uint32 mV;
  0x6B firmware: ASCII; 0x70 device id: bytes (shown as hex).
* tag 4, low power: the battery is about to give out.
* tags 2 and 3 (peak rate of force development) are not asked for and are skipped.

Anything that does not fit is counted bad, never turned into a number.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass, field

TAG_REPLY, TAG_WEIGHT, TAG_RFD, TAG_RFD_SERIES, TAG_LOW_POWER = 0, 1, 2, 3, 4
CMD_TARE, CMD_START, CMD_STOP = 0x64, 0x65, 0x66
CMD_FIRMWARE, CMD_BATTERY, CMD_DEVICE_ID = 0x6B, 0x6F, 0x70
_RECORD = struct.Struct("<fI")


@dataclass
class Decoded:
    """What one notification said: samples (kg, device us), device facts, bad notifications."""

    kg: list[float] = field(default_factory=list)
    us: list[int] = field(default_factory=list)
    info: dict[str, str] = field(default_factory=dict)
    bad: int = 0


def printable(text: str, limit: int = 32) -> str:
    """A device string fit for a ``key=value`` word: no spaces, no control characters."""
    kept = "".join(c if c.isprintable() and not c.isspace() else "_" for c in text.strip())
    return kept[:limit] or "?"


def decode(payload: bytes, context: int = 0) -> Decoded:
    out = Decoded()
    if len(payload) < 2:
        out.bad = 1
        return out
    tag, length = payload[0], payload[1]
    body = payload[2:]
    if length != len(body):
        out.bad = 1
        return out
    if tag == TAG_WEIGHT:
        if length % _RECORD.size:
            out.bad = 1
            return out
        for kg, us in _RECORD.iter_unpack(body):
            if math.isfinite(kg):
                out.kg.append(kg)
                out.us.append(us)
            else:
                out.bad += 1  # a NaN weight is lost, not shown
    elif tag == TAG_REPLY:
        if context == CMD_BATTERY and length == 4:
            out.info["battery_mv"] = str(struct.unpack("<I", body)[0])
        elif context == CMD_FIRMWARE and length:
            out.info["fw"] = printable(body.decode("ascii", "replace"))
        elif context == CMD_DEVICE_ID and length:
            out.info["serial"] = "progressor-" + body.hex()
        elif context in (CMD_BATTERY, CMD_FIRMWARE, CMD_DEVICE_ID):
            out.bad = 1  # the reply we asked for, but not in its shape
        # a reply to tare/start/stop (or to nothing we sent) carries nothing we use
    elif tag == TAG_LOW_POWER:
        out.info["low_power"] = "1"
    elif tag not in (TAG_RFD, TAG_RFD_SERIES):
        out.bad = 1
    return out
