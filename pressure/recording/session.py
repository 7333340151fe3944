"""Recording: a whole session read into memory, with look-ups by time for replay and seek."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..samples import Block
from .schema import RecordedEvent


class Recording:
    """A whole session read into memory: metadata, events and the sample arrays.

    ``t``, ``raw``, ``force_n`` (float64) and ``flags`` (uint8) cover the whole session;
    ``window``/``index_at`` find samples by time with a binary search (for replay and seek).
    """

    def __init__(self, path: Path, meta: dict, events: list[RecordedEvent], schema_version: int,
                 t: np.ndarray, raw: np.ndarray, flags: np.ndarray, force_n: np.ndarray):
        self.path = Path(path)
        self.meta = meta
        self.events = events
        self.schema_version = schema_version
        self.t, self.raw, self.flags, self.force_n = t, raw, flags, force_n
        self.damage: list[str] = []  # what a salvage could not read (empty for a sound file)
        self._rate: float | None = None

    def __len__(self) -> int:
        return int(self.t.shape[0])

    @property
    def markers(self) -> list[RecordedEvent]:
        return [e for e in self.events if e.kind == "marker"]

    @property
    def labels(self) -> dict:
        return dict(self.meta.get("labels") or {})

    @property
    def interrupted(self) -> bool:
        """True if the writer never closed the file (crash, kill, power cut)."""
        return not self.meta.get("ended_at")

    @property
    def duration(self) -> float:
        """Session length in seconds on its time axis (sessions start at t = 0)."""
        end = float(self.t[-1]) if len(self) else 0.0
        if self.events:
            end = max(end, max(e.t for e in self.events))
        return max(end, 0.0)

    @property
    def rate_hz(self) -> float | None:
        """The sensor's nominal rate if known, else the median sample rate of the trace."""
        if self._rate is None:
            nominal = (self.meta.get("sensor") or {}).get("rate_hz")
            if isinstance(nominal, (int, float)) and nominal > 0:
                self._rate = float(nominal)
            elif len(self) > 1:
                steps = np.diff(self.t[: 100_000])
                steps = steps[steps > 0]
                self._rate = float(1.0 / np.median(steps)) if steps.size else 0.0
            else:
                self._rate = 0.0
        return self._rate or None

    def index_at(self, t: float) -> int:
        """Index of the sample showing at time ``t``: the last one at or before ``t``
        (0 before the first sample; 0 for an empty recording)."""
        i = int(np.searchsorted(self.t, t, side="right")) - 1
        return max(0, min(i, len(self) - 1))

    def window(self, t0: float, t1: float) -> Block:
        """The samples with t0 <= t <= t1 (views into the session arrays, arrival NaN)."""
        a = int(np.searchsorted(self.t, t0, side="left"))
        b = int(np.searchsorted(self.t, t1, side="right"))
        return self._block(a, max(a, b))

    def block(self) -> Block:
        """The whole session as one Block."""
        return self._block(0, len(self))

    def _block(self, a: int, b: int) -> Block:
        return Block(t=self.t[a:b], raw=self.raw[a:b], force_n=self.force_n[a:b],
                     flags=self.flags[a:b], arrival=np.full(b - a, np.nan))
