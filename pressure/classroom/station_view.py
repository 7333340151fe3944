"""What the instructor knows of one station: its latest values, a thinned trace, its events.

Everything here is bounded whatever the network sends: the trace keeps at most TRACE_POINTS
points (TRACE_HZ a second of the station's session time, an hour of them), the events the
newest MAX_EVENTS. A fake station flooding messages costs the same memory as a real one.
"""

from __future__ import annotations

import collections
import math
from dataclasses import dataclass, field

import numpy as np

SPARK_S = 20.0
TRACE_HZ = 10.0  # points a second kept for the full trace: enough to see a hold, bounded under a flood
TRACE_POINTS = int(TRACE_HZ * 3600)  # one hour
MAX_EVENTS = 500  # per station; the oldest go first
LIVE_STALE_S = 2.5  # no live value for this long: the number shown is no longer the station's


class TraceRing:
    """(t, value) points in two preallocated numpy arrays; thinned to TRACE_HZ of the station's time."""

    def __init__(self, capacity: int = TRACE_POINTS):
        self._t = np.empty(capacity)
        self._v = np.empty(capacity)
        self._n = 0  # points written so far (the ring holds the last ``capacity``)
        self.last_t = -math.inf

    def __len__(self) -> int:
        return min(self._n, len(self._t))

    def append(self, t: float, value: float) -> None:
        # A point closer than 1/TRACE_HZ to the last one kept is dropped; a time going back (the
        # station began again) is kept, so a new run shows at once.
        if self.last_t <= t < self.last_t + 1.0 / TRACE_HZ:
            return
        i = self._n % len(self._t)
        self._t[i], self._v[i] = t, value
        self._n += 1
        self.last_t = t

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """Copies, oldest first."""
        cap = len(self._t)
        if self._n <= cap:
            return self._t[:self._n].copy(), self._v[:self._n].copy()
        i = self._n % cap
        return np.concatenate((self._t[i:], self._t[:i])), np.concatenate((self._v[i:], self._v[:i]))

    def last(self) -> tuple[float, float] | None:
        if not self._n:
            return None
        i = (self._n - 1) % len(self._t)
        return float(self._t[i]), float(self._v[i])

    def __getitem__(self, k):  # trace[-1]: the newest point, as with the list it replaced
        if k != -1:
            raise IndexError("only the newest point is indexed")
        last = self.last()
        if last is None:
            raise IndexError("empty trace")
        return last


class Events:
    """The newest MAX_EVENTS events, without the duplicates QoS 1 may deliver."""

    def __init__(self, limit: int = MAX_EVENTS):
        self._items: collections.deque = collections.deque()
        self._keys: set = set()
        self.limit = limit

    def add(self, key, event: dict) -> bool:
        if key in self._keys:
            return False
        if len(self._items) >= self.limit:
            old_key, _ = self._items.popleft()
            self._keys.discard(old_key)
        self._items.append((key, event))
        self._keys.add(key)
        return True

    def __iter__(self):
        return (e for _, e in self._items)

    def __len__(self) -> int:
        return len(self._items)


@dataclass
class StationView:
    station: str
    trainee: str = ""
    online: bool = True
    value: float = math.nan
    unit: str = ""
    zone: str = ""
    step: str = ""
    remaining: float | None = None
    in_band_s: float = 0.0
    run_s: float = 0.0
    last_seen: float = 0.0  # dashboard clock, any message
    live_at: float | None = None  # dashboard clock, the latest live value
    stale: bool = False  # online, but no live value for LIVE_STALE_S
    run: str = ""  # the station's run id (its status says it): commands are signed for it
    said_offline: bool = False
    version: int = 0  # +1 on every change the window shows (it redraws only what changed)
    trace: TraceRing = field(default_factory=TraceRing)
    events: Events = field(default_factory=Events)
    scores: dict = field(default_factory=dict)
    final: bool = False

    @property
    def fresh(self) -> bool:
        """Online and live: the value shown is the station's now."""
        return self.online and not self.stale and self.live_at is not None

    @property
    def time_in_band_pct(self) -> float | None:
        return 100.0 * self.in_band_s / self.run_s if self.run_s > 0 else None

    def sparkline(self, now_t: float | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(t, value) arrays of the last SPARK_S seconds of the station's session time."""
        t, v = self.trace.arrays()
        if not len(t):
            return t, v
        end = t[-1] if now_t is None else now_t
        keep = t >= end - SPARK_S
        return t[keep], v[keep]

    def row(self) -> dict:
        pct = self.time_in_band_pct
        shown = self.fresh and math.isfinite(self.value)  # never a number the station no longer sends
        return {"station": self.station, "trainee": self.trainee, "online": self.online, "stale": self.stale,
                "value": round(self.value, 3) if shown else None, "unit": self.unit,
                "zone": self.zone, "step": self.step,
                "time_in_band_pct": None if pct is None else round(pct, 1)}
