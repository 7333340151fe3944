"""Per-step metrics on plain arrays (time, smoothed value): hold, release, ramp, thresholds.

The exact definitions are in docs/scoring.md; keep the two in step.
"""

from __future__ import annotations

import math

import numpy as np

from ..gaprule import GAP_FACTOR, gap_limit
from ..samples import to_unit

# Definitions shared with docs/scoring.md.
OVERSHOOT_GRACE_S = 2.0  # overshoot is looked for during the approach and this long into the hold
RELEASE_WINDOW_S = 0.2  # the release rate is the largest drop over this interval...
ABRUPT_RELEASE_PCT = 50.0  # ...and a drop of more than this % of target within it is "abrupt"
RELEASE_MAX_S = 5.0  # after a final hold, look this long for the release
RAMP_ONSET = 0.10  # a ramp's rate is fitted from 10 % of the way to its level
# A CV (std / mean) needs a mean well away from zero: around a wrong zero or no press at all it
# reads hundreds of % that say nothing about steadiness. Below this mean there is no CV.
CV_MIN_MEAN_N = 0.5


def cv_min_mean(unit: str = "N", area_cm2: float | None = None) -> float:
    """CV_MIN_MEAN_N in ``unit``: the smallest mean a CV is given for."""
    return float(to_unit(CV_MIN_MEAN_N, unit, area_cm2))


def cv_pct(std: float, mean: float, min_mean: float = CV_MIN_MEAN_N) -> float:
    """std / mean x 100, or NaN (shown "—", null in JSON) when the mean is below ``min_mean``."""
    return std / mean * 100.0 if math.isfinite(std) and mean >= min_mean and mean > 0 else math.nan


def sample_weights(t: np.ndarray) -> np.ndarray:
    """Seconds each sample stands for: the interval to the next sample; gaps count 0.

    Time-weighting keeps uneven sample spacing (gauges that report in bursts) from biasing
    the percentages. An interval longer than both ``gaprule.GAP_MIN_S`` and ``GAP_FACTOR``
    median intervals is lost data: it counts as neither in nor out of the band (the coach's
    hold timer follows the same rule).
    """
    t = np.asarray(t, dtype=float)
    n = t.shape[0]
    if n == 0:
        return np.empty(0)
    if n == 1:
        return np.ones(1)
    dt = np.diff(t)
    positive = dt[dt > 0]
    med = float(np.median(positive)) if positive.size else 1.0
    w = np.empty(n)
    gap = gap_limit(med)  # the one rule (pressure.gaprule), from this trace's own interval
    w[:-1] = np.where((dt > 0) & (dt <= gap), dt, 0.0)
    w[-1] = med
    return w


def counted_time(t: np.ndarray, weights: np.ndarray, start: float, end: float) -> float:
    """Seconds of [start, end] that samples stand for (``weights`` from :func:`sample_weights`
    over ``t``): the missing data is left out. What "time to band" measures, so a disconnect on
    the way to the band does not count as the student's slowness."""
    sl = window(t, start, end)
    lo = max(sl.start - 1, 0)  # the sample before ``start`` stands for the time up to the next
    ts, ws = t[lo:sl.stop], weights[lo:sl.stop]
    return float(np.sum(np.clip(ts + ws, start, end) - np.clip(ts, start, end)))


def window(t: np.ndarray, start: float, end: float) -> slice:
    """Index slice of the samples with start <= t < end (t sorted)."""
    i0 = int(np.searchsorted(t, start, side="left"))
    i1 = int(np.searchsorted(t, end, side="left"))
    return slice(i0, max(i0, i1))


def _wmean(x: np.ndarray, w: np.ndarray) -> float:
    s = float(w.sum())
    return float(np.dot(x, w) / s) if s > 0 else math.nan


def _wstd(x: np.ndarray, w: np.ndarray) -> float:
    m = _wmean(x, w)
    s = float(w.sum())
    return float(math.sqrt(max(0.0, np.dot((x - m) ** 2, w) / s))) if s > 0 else math.nan


def _pct(x: float, of: float) -> float:
    return x / of * 100.0 if of and math.isfinite(x) else math.nan


def first_entry(t: np.ndarray, y: np.ndarray, lower: float, upper: float, start: float,
                end: float) -> float | None:
    """Time of the first sample in [start, end) whose value lies in the band, or None."""
    sl = window(t, start, end)
    inside = np.flatnonzero((y[sl] >= lower) & (y[sl] <= upper))
    return float(t[sl][inside[0]]) if inside.size else None


def hold_metrics(t, y, *, target: float, lower: float, upper: float, start: float, end: float,
                 approach_start: float | None = None, min_mean: float = CV_MIN_MEAN_N) -> dict:
    """Metrics of one hold: see docs/scoring.md for each definition.

    ``start``/``end`` bound the hold step (as the coach ran it); ``approach_start`` is where
    the approach began (the start of a ramp just before the hold), default ``start``;
    ``min_mean``: no CV below this mean (:func:`cv_min_mean` of the routine's unit).
    """
    t = np.asarray(t, dtype=float)
    y = np.asarray(y, dtype=float)
    a = start if approach_start is None else min(approach_start, start)
    entered = first_entry(t, y, lower, upper, a, end)
    weights = sample_weights(t)
    out: dict = {"time_to_band_s": None if entered is None else counted_time(t, weights, a, entered)}
    hold_start = start if entered is None else max(entered, a)
    sl = window(t, hold_start, end)
    th, yh = t[sl], y[sl]
    if th.size < 2:
        out.update(hold_start_s=hold_start, hold_s=0.0, time_in_band_pct=0.0 if entered is None
                   else math.nan, mae=math.nan, mae_pct=math.nan, mean=math.nan, cv_pct=math.nan,
                   drift_pct_per_10s=math.nan, overshoot_pct=math.nan, worst_t_s=None,
                   worst_value=None)
        return out
    w = weights[sl].copy()
    # the last sample of the window stands only for the time left to the window's end
    w[-1] = min(w[-1], max(0.0, end - th[-1]))
    inband = (yh >= lower) & (yh <= upper)
    total = float(w.sum())
    mean = _wmean(yh, w)
    err = np.abs(yh - target)
    slope = float(np.polyfit(th - th[0], yh, 1)[0]) if np.ptp(th) > 0 else 0.0
    g0 = int(np.searchsorted(t, a, side="left"))
    g1 = int(np.searchsorted(t, min(end, hold_start + OVERSHOOT_GRACE_S), side="right"))
    peak = float(np.max(y[g0:max(g1, g0 + 1)])) if g1 > g0 else float(yh[0])
    iw = int(np.argmax(err))
    out.update(
        hold_start_s=hold_start,
        hold_s=total,
        time_in_band_pct=_pct(float(w[inband].sum()), total),
        mean=mean,
        mae=_wmean(err, w),
        mae_pct=_pct(_wmean(err, w), target),
        cv_pct=cv_pct(_wstd(yh, w), mean, min_mean),
        drift_pct_per_10s=_pct(slope * 10.0, target),
        overshoot_pct=_pct(max(0.0, peak - upper), target),
        worst_t_s=float(th[iw]),
        worst_value=float(yh[iw]),
    )
    return out


def release_metrics(t, y, *, start: float, end: float, target: float) -> dict:
    """The steepest drop during a release: % of target lost within RELEASE_WINDOW_S."""
    t = np.asarray(t, dtype=float)
    y = np.asarray(y, dtype=float)
    sl = window(t, start, end)
    if t[sl].size < 2 or not target:
        return {"release_drop_pct": None, "abrupt_release": None}
    ts = t[sl]
    later = np.interp(np.minimum(ts + RELEASE_WINDOW_S, ts[-1]), ts, y[sl])
    drop = float(np.max(y[sl] - later))
    drop_pct = max(0.0, drop) / target * 100.0
    return {"release_drop_pct": drop_pct, "abrupt_release": bool(drop_pct > ABRUPT_RELEASE_PCT)}


def ramp_metrics(t, y, *, start: float, end: float, rate: float | None,
                 level: float | None = None) -> dict:
    """Achieved rate against the prescribed rate (signed: negative for a ramp down).

    The achieved rate is the least-squares slope from the moment the value has covered
    ``RAMP_ONSET`` of the way from its start value to ``level`` (the ramp's target, or the
    threshold reached) until ``end``: the reaction time before the hand starts moving is not
    held against the rate.
    """
    t = np.asarray(t, dtype=float)
    y = np.asarray(y, dtype=float)
    sl = window(t, start, end)
    ts, ys = t[sl], y[sl]
    if ts.size >= 2 and level is not None and level != ys[0]:
        progress = (ys - ys[0]) / (level - ys[0])
        onset = np.flatnonzero(progress >= RAMP_ONSET)
        if onset.size and ts.size - onset[0] >= 2:
            ts, ys = ts[onset[0]:], ys[onset[0]:]
    if ts.size < 2 or np.ptp(ts) <= 0:
        return {"rate_prescribed": rate, "rate_achieved": None, "rate_error_pct": None}
    achieved = float(np.polyfit(ts - ts[0], ys, 1)[0])
    err = _pct(achieved - rate, abs(rate)) if rate else math.nan
    return {"rate_prescribed": rate, "rate_achieved": achieved, "rate_error_pct": err}


def threshold_stats(values, min_mean: float = CV_MIN_MEAN_N) -> tuple[float, float]:
    """Mean and coefficient of variation (%, sample std, ddof=1) of pain thresholds; no CV
    (NaN) below two values or a mean below ``min_mean``."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return math.nan, math.nan
    mean = float(v.mean())
    if v.size < 2:
        return mean, math.nan
    return mean, cv_pct(float(v.std(ddof=1)), mean, min_mean)
