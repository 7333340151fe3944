"""The whole session's smoothed force, kept for scoring (the plot's history keeps only minutes).

Grows by doubling; newtons, so a change of display unit needs no rewrite. An hour at 1000
samples/s is 3.6 M samples, 58 MB: the scores of a long routine never depend on how much the
plot keeps.
"""

from __future__ import annotations

import numpy as np


class SessionTrace:
    def __init__(self, capacity: int = 1 << 16):
        self._t = np.empty(capacity)
        self._v = np.empty(capacity)
        self._n = 0

    def __len__(self) -> int:
        return self._n

    def append(self, t: np.ndarray, smooth_n: np.ndarray) -> None:
        n = len(t)
        if self._n + n > len(self._t):
            size = max(2 * len(self._t), self._n + n)
            self._t = np.resize(self._t, size)
            self._v = np.resize(self._v, size)
        self._t[self._n:self._n + n] = t
        self._v[self._n:self._n + n] = smooth_n
        self._n += n

    def between(self, t0: float = -np.inf, t1: float = np.inf) -> tuple[np.ndarray, np.ndarray]:
        """(t, smoothed newtons) with t0 <= t < t1 (views: copy before keeping them)."""
        t = self._t[:self._n]
        i0 = int(np.searchsorted(t, t0, side="left"))
        i1 = int(np.searchsorted(t, t1, side="left"))
        return t[i0:i1], self._v[i0:i1]
