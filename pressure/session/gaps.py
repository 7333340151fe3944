"""Where samples are missing: the rule the scores use, for plots fed chunk by chunk.

An interval between two samples longer than both ``coach.GAP_S`` and ``scoring.metrics.GAP_FACTOR``
typical intervals is lost data (a disconnect, a stall, dropped samples). Scores leave that time
out (``metrics.sample_weights``); the plots draw a break there (docs/scoring.md, "Missing
samples"). Qt-free (numpy only).
"""

from __future__ import annotations

import math

import numpy as np

from ..coach import GAP_S
from ..scoring.metrics import GAP_FACTOR


class GapFinder:
    """Finds the samples that follow missing data in a stream fed chunk by chunk.

    The rule is the scores' (``scoring.metrics.sample_weights``): an interval longer than both
    ``GAP_S`` and ``GAP_FACTOR`` typical intervals is lost data. The typical interval is the
    median of the newest ``RECENT`` intervals, so a sensor of any rate gets its own limit and the
    gap itself does not move it."""

    RECENT = 64   # intervals the typical one is the median of
    REFRESH = 16  # chunks between two medians

    def __init__(self):
        self._recent = np.full(self.RECENT, np.nan)
        self._i = 0
        self._calls = 0  # chunks since the limit was last computed
        self._last_t = np.nan
        self.limit = np.inf  # the longest interval that is not a gap (seconds)

    def reset(self) -> None:
        self._recent[:] = np.nan
        self._i = self._calls = 0
        self._last_t = np.nan
        self.limit = np.inf

    def find(self, t: np.ndarray) -> np.ndarray:
        """Indices into ``t`` of the samples with missing data just before them."""
        n = len(t)
        if n == 0:
            return np.empty(0, dtype=np.intp)
        first = float(t[0]) - self._last_t  # NaN before the first sample
        self._last_t = float(t[-1])
        body = t[1:] - t[:-1]
        self._calls += 1
        # The typical interval moves slowly: its median is taken again only every few chunks
        # (a median per tick per history was most of the cost of this method).
        if self._calls >= self.REFRESH or not math.isfinite(self.limit):
            self._calls = 0
            new = body[-self.RECENT:]
            new = new[new > 0]
            if first > 0:
                new = np.append(new, first)
            self._recent[(self._i + np.arange(new.size)) % self.RECENT] = new
            self._i = (self._i + new.size) % self.RECENT
            known = self._recent[np.isfinite(self._recent)]
            if known.size == 0:
                return np.empty(0, dtype=np.intp)
            self.limit = max(GAP_S, GAP_FACTOR * float(np.median(known)))
        if body.size and body.max() > self.limit:
            found = np.flatnonzero(body > self.limit) + 1
            return np.concatenate(([0], found)) if first > self.limit else found
        return np.zeros(1, dtype=np.intp) if first > self.limit else np.empty(0, dtype=np.intp)


def with_breaks(t: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(t, values) with a NaN point before each sample that follows missing data: a whole trace
    drawn at once (a reference's ghost) with connect="finite" breaks there."""
    after = GapFinder().find(np.asarray(t, dtype=float))
    if after.size == 0:
        return t, values
    return np.insert(t, after, np.nan), np.insert(np.asarray(values, dtype=float), after, np.nan)
