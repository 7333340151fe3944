"""A source fed by code, and a clock set by hand: the window driven deterministically.

The window tests push exact values at exact times through :class:`ScriptedSource` and move
:class:`ManualClock` to make the stream stale, so zone, cue, timer and staleness checks never
depend on the speed of the machine. Qt-free, like the pipeline it feeds.
"""

from __future__ import annotations

import numpy as np

from ..buffer import RingBuffer
from ..samples import Block
from .source import Source, SourceStats, Tap


class ManualClock:
    def __init__(self, now: float = 1000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


class ScriptedSource(Source):
    """A live-looking source whose samples the caller pushes; arrival times come from the clock.

    The pushed samples go through a ring buffer like a reader's, so a recorder reads them with
    a cursor of its own exactly as it does live."""

    is_live = True
    can_tare = True

    def __init__(self, clock: ManualClock, rate: float = 100.0, capacity: int = 1 << 20):
        self.clock = clock
        self.rate = rate
        self.t = 0.0
        self.buffer = RingBuffer(capacity)
        self._tap = Tap(self.buffer)
        self.connected = True
        self.state = "streaming"
        self.stopped = False
        self.tares: list[float] = []

    def push(self, values_n, seconds: float | None = None) -> None:
        """Samples at ``rate`` continuing the time base; values in newtons (scalar or list)."""
        values = np.atleast_1d(np.asarray(values_n, dtype=float))
        if seconds is not None:
            values = np.full(max(1, int(round(seconds * self.rate))), float(values[0]))
        t = self.t + np.arange(1, len(values) + 1) / self.rate
        self.t = float(t[-1])
        self.clock.now += len(values) / self.rate
        self.buffer.append(Block.make(t, values, values, arrival=np.full(len(values), self.clock.now)))

    def poll(self) -> Block:
        return self._tap.read()[0]

    def tap(self, from_now: bool = False) -> Tap:
        return Tap(self.buffer, self._tap.cursor if from_now else 0)

    def stats(self) -> SourceStats:
        return SourceStats(sensor="fake", rate_hz=self.rate, connected=self.connected, state=self.state,
                           disconnected_at=self.t if self.state == "disconnected" else None)

    def tare(self, raw_mean: float) -> None:
        self.tares.append(raw_mean)

    def stop(self) -> None:
        self.stopped = True
