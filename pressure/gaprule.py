"""The one rule for missing samples, from the sensor's own sample interval.

An interval between two samples longer than both ``GAP_MIN_S`` and ``GAP_FACTOR`` typical
intervals is missing data (a disconnect, a stall, lost lines): it never counts as held, in band
or out of it, and the plots break there. The coach, the live score panel, the reports, the plots,
the classroom tally and the readout's "no signal" all ask this module, so a sensor at 2 samples/s
(a polled gauge: limit 2.5 s) and one at 1000/s (limit 0.25 s) are each judged by their own rate.

The typical interval is measured from the samples themselves: the lower median of the newest
``RECENT`` intervals before the one being judged (the lower median, so a long first interval, such
as a stale burst, does not make the limit long). :class:`IntervalTracker` gives the same limits
however the samples are split into chunks (the coach must answer the same live and in replay).
Qt-free, numpy only.
"""

from __future__ import annotations

import math

import numpy as np

GAP_MIN_S = 0.25  # never a gap at or below this (a burst of a fast sensor is not missing data)
GAP_FACTOR = 5.0  # an interval longer than this many typical intervals (and GAP_MIN_S) is a gap
# The first interval of a stream, with no interval known yet, is judged as if the sensor sent one
# sample a second (the slowest sensors in use: polled gauges), so a slow sensor's first interval
# counts like the rest; the bytes that waited in the port before the session are dropped by the
# reader, so the first interval is not a stale one.
FIRST_INTERVAL_S = 1.0


def gap_limit(interval_s: float | None) -> float:
    """The longest interval that is not missing data, for a sensor whose typical interval is
    ``interval_s`` (unknown: ``GAP_MIN_S``)."""
    if interval_s is None or not math.isfinite(interval_s) or interval_s <= 0:
        return GAP_MIN_S
    return max(GAP_MIN_S, GAP_FACTOR * float(interval_s))


def typical_interval(t: np.ndarray) -> float:
    """The median positive interval of a whole trace (NaN with fewer than two samples)."""
    dt = np.diff(np.asarray(t, dtype=float))
    dt = dt[dt > 0]
    return float(np.median(dt)) if dt.size else math.nan


def _lower_median(values: np.ndarray) -> float:
    s = np.sort(values)
    return float(s[(s.size - 1) // 2])


class IntervalTracker:
    """The sensor's typical interval and gap limit, sample by sample, from the samples seen.

    :meth:`limits` gives, for each new sample, the gap limit its interval (to the sample before
    it) is judged by: computed from earlier intervals only, and again after the 1st, 2nd, 3rd,
    4th, 6th, 8th, 12th, 16th and then every ``REFRESH``-th interval, counted over the whole
    stream, so the limits never depend on how the samples were chunked.
    ``hint_s``: the sensor's nominal interval if known (used until an interval is measured).
    """

    RECENT = 32
    REFRESH = 16
    BLOCK = 1 << 16  # samples per pass of limits() (the answer does not depend on it)
    _EARLY = (1, 2, 3, 4, 6, 8, 12, 16)

    def __init__(self, hint_s: float | None = None):
        self._hint = hint_s
        self._recent = np.empty(self.RECENT)
        self._n = 0  # positive intervals seen
        self._last_t = math.nan
        self.interval = math.nan if hint_s is None else float(hint_s)
        self.limit = gap_limit(FIRST_INTERVAL_S if hint_s is None else hint_s)

    def reset(self) -> None:
        self.__init__(self._hint)

    def copy(self) -> "IntervalTracker":
        other = IntervalTracker.__new__(IntervalTracker)
        other.__dict__.update(self.__dict__)
        other._recent = self._recent.copy()
        return other

    def limits(self, t) -> np.ndarray:
        """Gap limits for the intervals ending at each sample of ``t`` (sorted, finite times);
        the first sample's interval is the one from the last sample of the previous chunk.

        Whole-array numpy: a sample's limit is the one set at the last refresh its predecessors
        reached, and each refresh is the lower median of a window of the positive intervals, so
        an hour of samples is one pass (a per-refresh Python loop over the rest of the chunk was
        quadratic: a 1-hour recording took minutes to open)."""
        t = np.asarray(t, dtype=float)
        if t.size > self.BLOCK:  # an hour at once: a block at a time keeps the temporaries small
            return np.concatenate([self.limits(t[i:i + self.BLOCK]) for i in range(0, t.size, self.BLOCK)])
        if not t.size:
            return np.empty(0)
        dt = np.diff(t, prepend=self._last_t)
        self._last_t = float(t[-1])
        positive = dt > 0  # NaN (the first sample ever) and duplicate times are no interval
        new = dt[positive]
        n0 = self._n
        kept = min(n0, self.RECENT)
        # every positive interval known, oldest first: the ring's last `kept`, then this chunk's
        values = np.concatenate([self._recent[np.arange(n0 - kept, n0) % self.RECENT], new])
        first_n = n0 - kept + 1  # the stream count of values[0]
        last = n0 + new.size  # the stream counts reached in this chunk: n0+1 .. last
        first_refresh = max(17, n0 + 1) + (-max(17, n0 + 1)) % self.REFRESH
        due = np.union1d([e for e in self._EARLY if n0 < e <= last],
                         np.arange(first_refresh, last + 1, self.REFRESH)).astype(np.int64)
        medians = np.empty(due.size)
        for j, n in enumerate(due):  # the few early refreshes with fewer than RECENT intervals
            if n >= self.RECENT:
                break
            medians[j] = _lower_median(values[max(0, n - first_n + 1 - self.RECENT):n - first_n + 1])
        else:
            j = due.size
        if j < due.size:  # the rest: full windows of RECENT intervals
            windows = np.lib.stride_tricks.sliding_window_view(values, self.RECENT)
            ends = due[j:] - first_n + 1  # exclusive end index into values
            medians[j:] = np.sort(windows[ends - self.RECENT], axis=1)[:, (self.RECENT - 1) // 2]
        limits_due = np.maximum(GAP_MIN_S, GAP_FACTOR * medians)
        before = n0 + np.cumsum(positive) - positive  # positive intervals seen before each sample
        which = np.searchsorted(due, before, side="right") - 1
        out = np.full(t.size, self.limit)
        out[which >= 0] = limits_due[which[which >= 0]]
        # the state after the chunk, as the sample-by-sample rule leaves it
        tail = new[-self.RECENT:]
        self._recent[(n0 + new.size - tail.size + np.arange(tail.size)) % self.RECENT] = tail
        self._n = n0 + new.size
        if due.size:
            self.interval = float(medians[-1])
            self.limit = float(limits_due[-1])
        return out

    def gaps(self, t) -> np.ndarray:
        """A boolean per sample of ``t``: missing data just before it."""
        t = np.asarray(t, dtype=float)
        prev = self._last_t
        lim = self.limits(t)
        return np.diff(t, prepend=prev) > lim


def too_slow_text(interval_s: float, step_s: float) -> str:
    """What a sensor too slow for a routine is told (the coach's ``slow_sensor`` event)."""
    return (f"the sensor sends a sample every {interval_s:.2g} s: too slow for this routine's "
            f"{step_s:g} s steps (a silence up to {gap_limit(interval_s):.2g} s is not noticed)")
