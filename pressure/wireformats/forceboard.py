"""PitchSix Force Board notifications -> samples in pounds (pure, no Bluetooth).

After the public clients (hangtime-grip-connect's ``forceboard.model.ts``): a notification on
the force characteristic is a big-endian uint16 sample count, then 3 bytes per sample. How a
3-byte count maps to pounds is NOT confirmed on hardware: the public clients differ (one reads
``b0*32768 + b1*256 + b2`` as pounds). Here a sample is a big-endian signed 24-bit count times
``lbf_per_count`` (default in :data:`pressure.ble.profiles.FORCE_BOARD`), set from the URL
(``?lbf_per_count=``) once a known weight has been hung on a real board. The board sends no
clock: samples are timed by arrival. Battery level is the standard Battery Service (percent).
"""

from __future__ import annotations

from dataclasses import dataclass, field

SAMPLE_BYTES = 3


@dataclass
class Decoded:
    lbf: list[float] = field(default_factory=list)
    bad: int = 0


def decode(payload: bytes, lbf_per_count: float) -> Decoded:
    out = Decoded()
    if len(payload) < 2:
        out.bad = 1
        return out
    count = int.from_bytes(payload[:2], "big")
    body = payload[2:]
    if count * SAMPLE_BYTES != len(body):
        out.bad = 1  # a count that does not match its bytes: nothing in it is trusted
        return out
    for i in range(0, len(body), SAMPLE_BYTES):
        raw = int.from_bytes(body[i:i + SAMPLE_BYTES], "big", signed=True)
        out.lbf.append(raw * lbf_per_count)
    return out
