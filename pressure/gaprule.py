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

    def _due(self, n: int) -> bool:
        return n in self._EARLY or (n > 16 and n % self.REFRESH == 0)

    def limits(self, t) -> np.ndarray:
        """Gap limits for the intervals ending at each sample of ``t`` (sorted, finite times);
        the first sample's interval is the one from the last sample of the previous chunk."""
        t = np.asarray(t, dtype=float)
        out = np.empty(t.size)
        if not t.size:
            return out
        dt = np.diff(t, prepend=self._last_t)
        self._last_t = float(t[-1])
        i = 0
        while i < t.size:
            out[i] = self.limit
            d = dt[i]
            i += 1
            if not d > 0:  # NaN (first sample ever) or a duplicate time
                continue
            self._recent[self._n % self.RECENT] = d
            self._n += 1
            if self._due(self._n):
                self.interval = _lower_median(self._recent[:min(self._n, self.RECENT)])
                self.limit = gap_limit(self.interval)
                continue
            # No new limit until the next due interval: the run up to it shares this limit.
            n_next = self._next_due(self._n)
            run = dt[i:]
            pos = np.flatnonzero(run > 0)
            take = pos[:max(0, n_next - self._n - 1)]  # positive intervals before the due one
            end = i + (int(take[-1]) + 1 if take.size else 0)
            if take.size:
                new = run[take]
                idx = (self._n + np.arange(new.size)) % self.RECENT
                self._recent[idx] = new
                self._n += new.size
            out[i:end] = self.limit
            i = end
        return out

    def _next_due(self, n: int) -> int:
        for e in self._EARLY:
            if e > n:
                return e
        return (n // self.REFRESH + 1) * self.REFRESH

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
