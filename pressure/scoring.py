"""Training scores over a recorded (or live) trace and a routine. Pure numpy, no Qt.

Why this module exists: hand-applied pressure is far less steady than practitioners believe
(15-19 % trial-to-trial variation in published manual algometry; a steady downward drift over
an 80 s release). These numbers show a student exactly how steady they were.

Every number is computed from the raw recorded force with the session's own filter, so a
replay, a report and the live run agree. The exact definitions (and the session score
formula) are in docs/scoring.md; keep the two in step.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field, fields

import numpy as np

from .errors import PressureError

log = logging.getLogger(__name__)

# Definitions shared with docs/scoring.md.
OVERSHOOT_GRACE_S = 2.0  # overshoot is looked for during the approach and this long into the hold
RELEASE_WINDOW_S = 0.2  # the release rate is the largest drop over this interval...
ABRUPT_RELEASE_PCT = 50.0  # ...and a drop of more than this % of target within it is "abrupt"
RELEASE_MAX_S = 5.0  # after a final hold, look this long for the release
GAP_FACTOR = 5.0  # a sample stands for at most this many median sample intervals (gaps don't count)

# Sub-score anchors: value at which the sub-score reaches 0 (it is 100 at 0), linear between.
ANCHORS = {
    "cv_pct": 20.0,  # within-hold CV of 20 % scores 0 (trial-to-trial studies: 15-19 %)
    "mae_pct": 25.0,  # mean absolute error of 25 % of target scores 0
    "drift_pct_per_10s": 10.0,  # |drift| of 10 % of target per 10 s scores 0
    "overshoot_pct": 30.0,  # overshoot above the band of 30 % of target scores 0
    "rate_error_pct": 50.0,  # a ramp 50 % too fast or too slow scores 0
}
# Weights of the hold sub-scores (sum 1). "release" is left out (weights renormalised) when
# the hold is not followed by a release.
HOLD_WEIGHTS = {
    "time_in_band": 0.35,
    "steadiness": 0.20,
    "accuracy": 0.15,
    "drift": 0.10,
    "overshoot": 0.10,
    "release": 0.10,
}
RAMP_WEIGHT = 0.5  # a ramp counts half as much as a hold in the session mean


# ---------------------------------------------------------------- plain-array helpers


def sample_weights(t: np.ndarray) -> np.ndarray:
    """Seconds each sample stands for: the interval to the next sample, gaps capped.

    Time-weighting keeps uneven sample spacing (gauges that report in bursts) from biasing
    the percentages; the cap keeps a lost stretch of data from counting as time in (or out
    of) the band.
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
    w[:-1] = np.clip(dt, 0.0, GAP_FACTOR * med)
    w[-1] = med
    return w


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
                 approach_start: float | None = None) -> dict:
    """Metrics of one hold: see docs/scoring.md for each definition.

    ``start``/``end`` bound the hold step (as the coach ran it); ``approach_start`` is where
    the approach began (the start of a ramp just before the hold), default ``start``.
    """
    t = np.asarray(t, dtype=float)
    y = np.asarray(y, dtype=float)
    a = start if approach_start is None else min(approach_start, start)
    entered = first_entry(t, y, lower, upper, a, end)
    out: dict = {"time_to_band_s": None if entered is None else entered - a}
    hold_start = start if entered is None else max(entered, a)
    sl = window(t, hold_start, end)
    th, yh = t[sl], y[sl]
    if th.size < 2:
        out.update(hold_start_s=hold_start, hold_s=0.0, time_in_band_pct=0.0 if entered is None
                   else math.nan, mae=math.nan, mae_pct=math.nan, mean=math.nan, cv_pct=math.nan,
                   drift_pct_per_10s=math.nan, overshoot_pct=math.nan, worst_t_s=None,
                   worst_value=None)
        return out
    w = sample_weights(t)[sl]
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
        cv_pct=_pct(_wstd(yh, w), mean),
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


def ramp_metrics(t, y, *, start: float, end: float, rate: float | None) -> dict:
    """Achieved rate (least-squares slope over the ramp step) against the prescribed rate."""
    t = np.asarray(t, dtype=float)
    y = np.asarray(y, dtype=float)
    sl = window(t, start, end)
    if t[sl].size < 2 or np.ptp(t[sl]) <= 0:
        return {"rate_prescribed": rate, "rate_achieved": None, "rate_error_pct": None}
    achieved = float(np.polyfit(t[sl] - t[sl][0], y[sl], 1)[0])
    err = _pct(achieved - rate, abs(rate)) if rate else math.nan
    return {"rate_prescribed": rate, "rate_achieved": achieved, "rate_error_pct": err}


def threshold_stats(values) -> tuple[float, float]:
    """Mean and coefficient of variation (%, sample std, ddof=1) of pain thresholds."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return math.nan, math.nan
    mean = float(v.mean())
    if v.size < 2 or mean == 0:
        return mean, math.nan
    return mean, float(v.std(ddof=1) / mean * 100.0)


# ---------------------------------------------------------------- sub-scores


def _linear(value, zero_at: float) -> float | None:
    """100 at 0, 0 at ``zero_at`` and beyond (absolute value)."""
    if value is None or not math.isfinite(value):
        return None
    return 100.0 * min(1.0, max(0.0, 1.0 - abs(value) / zero_at))


def hold_subscores(m: dict) -> dict:
    """Sub-scores 0..100 of one hold from its metrics (None where not measurable)."""
    tib = m.get("time_in_band_pct")
    release = m.get("abrupt_release")
    return {
        "time_in_band": None if tib is None or not math.isfinite(tib) else float(tib),
        "steadiness": _linear(m.get("cv_pct"), ANCHORS["cv_pct"]),
        "accuracy": _linear(m.get("mae_pct"), ANCHORS["mae_pct"]),
        "drift": _linear(m.get("drift_pct_per_10s"), ANCHORS["drift_pct_per_10s"]),
        "overshoot": _linear(m.get("overshoot_pct"), ANCHORS["overshoot_pct"]),
        "release": None if release is None else (0.0 if release else 100.0),
    }


def combine(subscores: dict, weights: dict = HOLD_WEIGHTS) -> float | None:
    """Weighted mean of the sub-scores that exist (weights renormalised over them)."""
    pairs = [(weights[k], v) for k, v in subscores.items() if v is not None and k in weights]
    total = sum(w for w, _ in pairs)
    if not pairs or total <= 0:
        return None
    return sum(w * v for w, v in pairs) / total


def ramp_score(m: dict) -> float | None:
    return _linear(m.get("rate_error_pct"), ANCHORS["rate_error_pct"])


# ---------------------------------------------------------------- JSON helpers


def clean(value, digits: int = 3):
    """JSON-able copy: floats rounded to ``digits`` significant decimals, NaN/inf -> None."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        v = float(value)
        return round(v, digits) if math.isfinite(v) else None
    if isinstance(value, dict):
        return {str(k): clean(v, digits) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v, digits) for v in value]
    return value
