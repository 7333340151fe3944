"""A short test read of a sensor before it is chosen: are values arriving, and which?

The connection wizard runs one while the practitioner looks at the values; nothing is
recorded and the port is released at :meth:`ProbeRead.stop`. Qt-free: the wizard polls
:meth:`ProbeRead.snapshot` on its own timer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..buffer import RingBuffer
from .reader import Reader

PROBE_CAPACITY = 1 << 12  # only the newest value is shown


@dataclass(frozen=True)
class ProbeState:
    samples: int
    value: float | None  # the newest reading, in ``unit``
    unit: str  # "N" when calibrated (by the device, a stored or a unit calibration), else "counts"
    rate_hz: float
    state: str  # the reader's state: connecting, streaming, disconnected, stopped
    error: str | None
    bad_lines: int


class ProbeRead:
    """Read ``url`` with the given Reader options until :meth:`stop`."""

    def __init__(self, url: str, reader_options: dict | None = None, make_reader=Reader):
        self.buffer = RingBuffer(PROBE_CAPACITY)
        self.reader = make_reader(url, self.buffer, **(reader_options or {}))

    def start(self) -> None:
        """Open the port now: a PressureError says why it cannot be opened."""
        self.reader.start()

    def snapshot(self) -> ProbeState:
        stats = self.reader.stats()
        latest = self.buffer.latest(1)
        value = None
        if len(latest):
            v = float(latest.force_n[-1])
            value = v if math.isfinite(v) else None
        return ProbeState(samples=stats.samples, value=value,
                          unit="N" if stats.calibrated else "counts", rate_hz=stats.rate_hz,
                          state=stats.state, error=stats.error, bad_lines=stats.bad_lines)

    def stop(self) -> None:
        self.reader.stop()
