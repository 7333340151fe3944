"""Where samples are missing: the rule the scores use, for plots fed chunk by chunk.

An interval between two samples longer than both ``gaprule.GAP_MIN_S`` and ``gaprule.GAP_FACTOR``
typical intervals is lost data (a disconnect, a stall, dropped samples). Scores leave that time
out (``metrics.sample_weights``); the plots draw a break there (docs/scoring.md, "Missing
samples"). Qt-free (numpy only).
"""

from __future__ import annotations

import numpy as np

from ..gaprule import IntervalTracker


class GapFinder:
    """Finds the samples that follow missing data in a stream fed chunk by chunk, by the one
    rule (``pressure.gaprule``) the coach, the scores and the readout use."""

    def __init__(self):
        self._tracker = IntervalTracker()

    @property
    def limit(self) -> float:
        """The longest interval that is not a gap now (seconds)."""
        return self._tracker.limit

    def reset(self) -> None:
        self._tracker.reset()

    def find(self, t: np.ndarray) -> np.ndarray:
        """Indices into ``t`` of the samples with missing data just before them."""
        if len(t) == 0:
            return np.empty(0, dtype=np.intp)
        return np.flatnonzero(self._tracker.gaps(t))


def with_breaks(t: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(t, values) with a NaN point before each sample that follows missing data: a whole trace
    drawn at once (a reference's ghost) with connect="finite" breaks there."""
    after = GapFinder().find(np.asarray(t, dtype=float))
    if after.size == 0:
        return t, values
    return np.insert(t, after, np.nan), np.insert(np.asarray(values, dtype=float), after, np.nan)
