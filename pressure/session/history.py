"""Bounded histories for the plots: the recent trace and a decimated whole-session overview.

Qt-free (numpy only) so they are tested without a window and reused by replay.

``TraceHistory`` keeps the newest ``capacity`` samples in a linear array of twice that length:
appends write at the end, and when the end is reached the newest half is copied to the front
(amortised O(1) per sample). Every read is then a contiguous numpy *view*, which is what
pyqtgraph's ``setData`` wants: no copies, no allocation per frame.

``OverviewHistory`` keeps min/max per time bucket for the whole session. When the bucket count
passes ``max_buckets`` neighbouring buckets are merged and the bucket width doubles, so a
session of any length costs at most ``max_buckets`` pairs of points to store and draw.

Both note where samples are missing (``gaps.GapFinder``), so the plots draw a break there
instead of a line across the hole: a disconnect must not look like a smooth ramp.
"""

from __future__ import annotations

import itertools

import numpy as np

from .gaps import GapFinder

_versions = itertools.count(1)  # unique across histories: a new history never repeats one


class TraceHistory:
    """The newest samples (time, raw, smoothed) as contiguous views."""

    def __init__(self, capacity: int):
        if capacity <= 0:
            raise ValueError("capacity must be positive")
        self.capacity = int(capacity)
        # np.full writes every page now: the memory is committed up front, so resident memory
        # stays flat while the trace fills (and a soak test sees leaks, not a filling buffer).
        self._t = np.full(2 * self.capacity, 0.0)
        self._raw = np.full(2 * self.capacity, 0.0)
        self._smooth = np.full(2 * self.capacity, 0.0)
        self._start = 0
        self._end = 0
        self.total = 0  # samples ever appended (absolute index of the next one)
        self.last_window_index = 0  # absolute index of the first sample of the last window()
        # Changes whenever a stored sample changes (clear, scale): appending new ones keeps it,
        # so what was computed from a sample's absolute index stays valid (PeakDecimator).
        self.version = next(_versions)
        self._gap_finder = GapFinder()
        self._gaps = np.empty(0)  # times of the kept samples that follow missing data

    def __len__(self) -> int:
        return self._end - self._start

    def clear(self) -> None:
        self._start = self._end = 0
        self.version = next(_versions)
        self._gap_finder.reset()
        self._gaps = np.empty(0)

    def append(self, t: np.ndarray, raw: np.ndarray, smooth: np.ndarray) -> None:
        n = len(t)
        if n == 0:
            return
        found = self._gap_finder.find(t)
        if found.size or (self._gaps.size and self._gaps[0] < self._t[self._start]):
            self._gaps = np.concatenate((self._gaps, np.asarray(t)[found]))
            if len(self):  # forget the gaps before the oldest kept sample
                self._gaps = self._gaps[self._gaps >= self._t[self._start]]
        self.total += n
        if n >= self.capacity:  # only the newest capacity samples can be kept
            t, raw, smooth = t[-self.capacity:], raw[-self.capacity:], smooth[-self.capacity:]
            self._start = self._end = 0
            n = self.capacity
        if self._end + n > 2 * self.capacity:
            keep = min(len(self), self.capacity - n)
            for col in (self._t, self._raw, self._smooth):
                col[:keep] = col[self._end - keep:self._end]
            self._start, self._end = 0, keep
        for col, src in ((self._t, t), (self._raw, raw), (self._smooth, smooth)):
            col[self._end:self._end + n] = src
        self._end += n
        if len(self) > self.capacity:
            self._start = self._end - self.capacity

    def window(self, t0: float, t1: float = np.inf) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Views of the samples with t0 <= t <= t1 (plus one sample either side, so lines reach the edges)."""
        t = self._t[self._start:self._end]
        i0 = max(0, int(np.searchsorted(t, t0, side="left")) - 1)
        i1 = min(len(t), int(np.searchsorted(t, t1, side="right")) + 1)
        s = slice(self._start + i0, self._start + i1)
        self.last_window_index = self.total - (self._end - s.start)  # absolute index of the first
        return self._t[s], self._raw[s], self._smooth[s]

    def gaps(self, t0: float = -np.inf, t1: float = np.inf) -> np.ndarray:
        """Times of the samples in [t0, t1] that follow missing data (the plot breaks before each)."""
        g = self._gaps
        return g[(g >= t0) & (g <= t1)] if g.size else g

    def scale(self, factor: float) -> None:
        """Multiply the stored values (a change of display unit is a change of scale)."""
        self._raw[self._start:self._end] *= factor
        self._smooth[self._start:self._end] *= factor
        self.version = next(_versions)

    @property
    def last_t(self) -> float:
        return float(self._t[self._end - 1]) if len(self) else float("nan")

    def recent(self, seconds: float, column: str = "raw") -> np.ndarray:
        """Values of the last ``seconds`` (a view), e.g. to average for a tare."""
        t, raw, smooth = self.window(self.last_t - seconds)
        return raw if column == "raw" else smooth


class OverviewHistory:
    """Min/max per bucket over the whole session, with a bounded number of buckets."""

    def __init__(self, bucket_seconds: float = 0.05, max_buckets: int = 2048):
        if max_buckets < 2 or max_buckets % 2:
            raise ValueError("max_buckets must be an even number >= 2")
        self.bucket_seconds = float(bucket_seconds)
        self.max_buckets = int(max_buckets)
        self._lo = np.full(max_buckets, np.inf)
        self._hi = np.full(max_buckets, -np.inf)
        self._break = np.zeros(max_buckets, dtype=bool)  # missing data just before this bucket
        self._gap_finder = GapFinder()
        self._n = 0  # buckets in use (the last may still be filling)
        self._t0: float | None = None
        # interleaved output (x, y) for a curve drawn as min/max pairs
        self._x = np.zeros(2 * max_buckets)
        self._y = np.zeros(2 * max_buckets)

    def __len__(self) -> int:
        return self._n

    def append(self, t: np.ndarray, values: np.ndarray) -> None:
        if len(t) == 0:
            return
        gap = np.zeros(len(t), dtype=bool)
        gap[self._gap_finder.find(t)] = True
        ok = np.isfinite(values)
        t, values, gap = t[ok], values[ok], gap[ok]
        if len(t) == 0:
            return
        if self._t0 is None:
            self._t0 = float(t[0])
        idx = np.floor((t - self._t0) / self.bucket_seconds).astype(np.int64)
        idx = np.maximum(idx, 0)
        while idx.max() >= self.max_buckets:
            self._merge()
            idx = idx // 2
        np.minimum.at(self._lo, idx, values)
        np.maximum.at(self._hi, idx, values)
        if gap.any():
            self._break[idx[gap]] = True
        self._n = max(self._n, int(idx.max()) + 1)

    def _merge(self) -> None:
        half = self.max_buckets // 2
        self._lo[:half] = np.minimum(self._lo[0::2], self._lo[1::2])
        self._hi[:half] = np.maximum(self._hi[0::2], self._hi[1::2])
        self._lo[half:] = np.inf
        self._hi[half:] = -np.inf
        # a gap inside a merged bucket is shorter than the bucket: only its start is drawn
        self._break[:half] = self._break[0::2] | self._break[1::2]
        self._break[half:] = False
        self._n = (self._n + 1) // 2
        self.bucket_seconds *= 2

    def scale(self, factor: float) -> None:
        n = self._n
        lo, hi = self._lo[:n] * factor, self._hi[:n] * factor
        self._lo[:n], self._hi[:n] = np.minimum(lo, hi), np.maximum(lo, hi)

    def curve(self) -> tuple[np.ndarray, np.ndarray]:
        """(x, y): each bucket as a (min, max) pair at the bucket's centre; empty buckets dropped;
        a NaN point before a bucket that follows missing data (draw with connect="finite")."""
        n = self._n
        if n == 0 or self._t0 is None:
            return self._x[:0], self._y[:0]
        lo, hi = self._lo[:n], self._hi[:n]
        filled = np.isfinite(lo)
        centres = self._t0 + (np.arange(n) + 0.5) * self.bucket_seconds
        m = int(filled.sum())
        self._x[0:2 * m:2] = centres[filled]
        self._x[1:2 * m:2] = centres[filled]
        self._y[0:2 * m:2] = lo[filled]
        self._y[1:2 * m:2] = hi[filled]
        x, y = self._x[:2 * m], self._y[:2 * m]
        breaks = np.flatnonzero(self._break[:n][filled])
        if breaks.size:  # rare: a copy with the NaNs in, only when there are gaps
            breaks = breaks[breaks > 0]
            x, y = np.insert(x, 2 * breaks, np.nan), np.insert(y, 2 * breaks, np.nan)
        return x, y

    @property
    def span(self) -> tuple[float, float]:
        if self._t0 is None:
            return 0.0, 0.0
        return self._t0, self._t0 + self._n * self.bucket_seconds


class PeakDecimator:
    """Min/max per bucket of a trace view, into preallocated output arrays (a pixel column each).

    pyqtgraph's own clip-to-view + peak downsampling does the same job in Python per curve per
    frame; the trace views are already clipped to the
    window, so this only has to reduce them. Buckets are a power of two of samples and aligned
    to the sample's absolute index, so a scrolling trace does not shimmer as its bucket
    boundaries would otherwise move with every new sample. Extremes are never lost: a
    one-sample spike stays in the picture at any zoom.

    Given the history's ``version`` (it changes whenever stored samples change), the whole
    buckets already reduced are kept and only the new ones are computed: a frame at 1 kS/s
    brings about one new bucket, so the cost no longer grows with the window.
    """

    def __init__(self, max_buckets: int = 4096):
        self.max_buckets = int(max_buckets)
        size = 2 * self.max_buckets + 2 * 8192  # decimated body + raw head/tail partial buckets
        self._x = np.empty(size)
        self._y = np.empty(size)
        # Whole buckets [_b0, _b1) (absolute bucket indices) as (x, y) point pairs, starting at
        # _off in _cx/_cy; valid for the (version, bucket size) in _key.
        self._cx = np.empty(8 * self.max_buckets)
        self._cy = np.empty(8 * self.max_buckets)
        self._key: tuple | None = None
        self._b0 = self._b1 = self._off = 0

    def reduce(self, x: np.ndarray, y: np.ndarray, buckets: int, first_index: int = 0, version=None):
        """Views (x, y) with at most ~2 points per bucket; unchanged views when already small.

        ``first_index`` is the absolute index of ``x[0]``; ``version`` (None: compute all) says
        the samples behind earlier calls with the same version have not changed."""
        n = len(x)
        buckets = max(16, min(int(buckets), self.max_buckets))
        if n <= 2 * buckets:
            return x, y
        k = 1 << int(np.ceil(np.log2(n / buckets)))
        k = min(k, 4096)
        head = min((-first_index) % k, n)
        m = (n - head) // k
        tail = n - head - m * k
        bx, by = self._buckets(x, y, k, head, m, (first_index + head) // k, version)
        out_x, out_y = self._x, self._y
        if 2 * m + head + tail > out_x.size:  # a view longer than planned: fall back to a copy
            out_x, out_y = np.empty(2 * m + head + tail), np.empty(2 * m + head + tail)
        out_x[:head] = x[:head]
        out_y[:head] = y[:head]
        end = head + 2 * m
        out_x[head:end] = bx
        out_y[head:end] = by
        out_x[end:end + tail] = x[n - tail:]
        out_y[end:end + tail] = y[n - tail:]
        return out_x[:end + tail], out_y[:end + tail]

    def _buckets(self, x, y, k: int, head: int, m: int, b0: int, version):
        """(x, y) pairs of the whole buckets b0 .. b0+m-1, reusing those reduced before."""
        b1 = b0 + m
        if 4 * m > self._cx.size:  # more buckets than ever planned for: no cache
            xb, yb = x[head:head + m * k].reshape(m, k), y[head:head + m * k].reshape(m, k)
            px, py = np.empty(2 * m), np.empty(2 * m)
            px[0::2], px[1::2] = xb[:, 0], xb[:, -1]
            py[0::2], py[1::2] = np.fmin.reduce(yb, axis=1), np.fmax.reduce(yb, axis=1)
            self._key = None
            return px, py
        if version is None or self._key != (version, k) or not self._b0 <= b0 <= self._b1:
            self._key = None if version is None else (version, k)
            self._b0 = self._b1 = b0
            self._off = 0
        self._off += 2 * (b0 - self._b0)  # buckets that left the window on the left
        self._b0 = b0
        new = max(self._b1, b0)
        if self._off + 2 * (max(b1, self._b1) - b0) > self._cx.size:  # compact to the front
            kept = 2 * (self._b1 - b0)
            self._cx[:kept] = self._cx[self._off:self._off + kept]
            self._cy[:kept] = self._cy[self._off:self._off + kept]
            self._off = 0
        if b1 > new:
            i = head + (new - b0) * k
            xb = x[i:i + (b1 - new) * k].reshape(-1, k)
            yb = y[i:i + (b1 - new) * k].reshape(-1, k)
            s = slice(self._off + 2 * (new - b0), self._off + 2 * (b1 - b0))
            self._cx[s][0::2] = xb[:, 0]
            self._cx[s][1::2] = xb[:, -1]
            self._cy[s][0::2] = np.fmin.reduce(yb, axis=1)  # fmin/fmax: NaN-tolerant, no warnings
            self._cy[s][1::2] = np.fmax.reduce(yb, axis=1)
            self._b1 = b1
        s = slice(self._off, self._off + 2 * m)
        return self._cx[s], self._cy[s]
