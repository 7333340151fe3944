"""The 0..100 formula: sub-scores from a step's metrics, and their weighted combination.

The anchors and weights are documented in docs/scoring.md; keep the two in step.
"""

from __future__ import annotations

import math

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
