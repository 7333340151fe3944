"""Scores on traces whose answers are known by construction, then on simulator profiles."""

from __future__ import annotations

import math

import numpy as np
import pytest

from pressure import scoring

RATE = 1000.0  # Hz
T = 30.0  # target, N
TOL = 1.5  # band half-width, N


def _grid(t0, t1, rate=RATE):
    return np.arange(int(round((t1 - t0) * rate))) / rate + t0


# ------------------------------------------------------------------ metrics on plain arrays


def test_sinusoid_hold_time_in_band_and_cv_match_their_closed_forms():
    # T + A sin: the fraction of time with |A sin| <= tol is (2/pi) asin(tol/A); CV = A/sqrt2/T.
    amp = 3.0
    t = _grid(0.0, 20.0)
    y = T + amp * np.sin(2 * np.pi * 0.5 * t)  # 10 whole periods
    m = scoring.hold_metrics(t, y, target=T, lower=T - TOL, upper=T + TOL, start=0.0, end=20.0)
    expected_tib = 2 / math.pi * math.asin(TOL / amp) * 100
    assert m["time_in_band_pct"] == pytest.approx(expected_tib, abs=0.5)
    assert m["cv_pct"] == pytest.approx(amp / math.sqrt(2) / T * 100, abs=0.5)
    assert m["mae_pct"] == pytest.approx(2 * amp / math.pi / T * 100, abs=0.5)
    assert m["time_to_band_s"] == pytest.approx(0.0, abs=1e-9)


def test_linear_drift_is_reported_per_10_s_in_percent_of_target():
    slope = -0.12  # N/s -> -1.2 N per 10 s = -4 % of 30 N
    t = _grid(0.0, 40.0)
    y = T + 1.0 + slope * t  # starts in band, leaves it at t = 20.83 s
    m = scoring.hold_metrics(t, y, target=T, lower=T - TOL, upper=T + TOL, start=0.0, end=40.0)
    assert m["drift_pct_per_10s"] == pytest.approx(slope * 10 / T * 100, abs=0.5)
    leave = (T + 1.0 - (T - TOL)) / -slope
    assert m["time_in_band_pct"] == pytest.approx(leave / 40.0 * 100, abs=0.5)


def test_overshoot_time_to_band_and_worst_moment_of_a_ramp_that_overshoots():
    # ramp at 15 N/s from 0 to 39 N (30 % above target), then fall back to T in 1 s and stay.
    peak = 39.0
    t = _grid(0.0, 20.0)
    y = np.where(t < peak / 15.0, 15.0 * t, np.maximum(T, peak - (peak - T) * (t - peak / 15.0)))
    hold_start = float(t[np.argmax(y >= T - TOL)])
    m = scoring.hold_metrics(t, y, target=T, lower=T - TOL, upper=T + TOL, start=hold_start,
                             end=20.0, approach_start=0.0)
    assert m["time_to_band_s"] == pytest.approx((T - TOL) / 15.0, abs=0.002)
    assert m["overshoot_pct"] == pytest.approx((peak - (T + TOL)) / T * 100, abs=0.5)
    assert m["worst_value"] == pytest.approx(peak, abs=0.05)
    assert m["worst_t_s"] == pytest.approx(peak / 15.0, abs=0.01)
    # above the band from rising through T+TOL until falling back through it
    above = (peak / 15.0 - (T + TOL) / 15.0) + (peak - (T + TOL)) / (peak - T)
    in_band = 20.0 - hold_start - above
    assert m["time_in_band_pct"] == pytest.approx(in_band / (20.0 - hold_start) * 100, abs=0.5)


def test_a_hold_never_reaching_the_band_scores_zero_time_in_band():
    t = _grid(0.0, 10.0)
    y = np.full_like(t, 10.0)
    m = scoring.hold_metrics(t, y, target=T, lower=T - TOL, upper=T + TOL, start=0.0, end=10.0)
    assert m["time_to_band_s"] is None
    assert m["time_in_band_pct"] == 0.0
    assert m["mae_pct"] == pytest.approx(20.0 / T * 100, abs=0.01)


def test_gaps_in_the_data_do_not_count_as_time():
    t = np.concatenate([_grid(0.0, 5.0), _grid(15.0, 20.0)])  # 10 s lost in the middle
    y = np.where(t < 10, T, T + 5.0)  # in band before the gap, out after
    m = scoring.hold_metrics(t, y, target=T, lower=T - TOL, upper=T + TOL, start=0.0, end=20.0)
    assert m["time_in_band_pct"] == pytest.approx(50.0, abs=0.5)


def test_release_rate_tells_a_gentle_release_from_an_abrupt_one():
    t = _grid(0.0, 3.0)
    gentle = np.maximum(0.0, T - T / 2.0 * t)  # 2 s to let go: 10 % of target per 0.2 s
    abrupt = np.maximum(0.0, T - T / 0.1 * t)  # 0.1 s to let go
    g = scoring.release_metrics(t, gentle, start=0.0, end=3.0, target=T)
    a = scoring.release_metrics(t, abrupt, start=0.0, end=3.0, target=T)
    assert g["release_drop_pct"] == pytest.approx(10.0, abs=0.5)
    assert g["abrupt_release"] is False
    assert a["release_drop_pct"] == pytest.approx(100.0, abs=0.5)
    assert a["abrupt_release"] is True


def test_ramp_rate_achieved_against_prescribed():
    t = _grid(0.0, 4.0)
    y = 12.0 * t
    m = scoring.ramp_metrics(t, y, start=0.0, end=4.0, rate=10.0)
    assert m["rate_achieved"] == pytest.approx(12.0, rel=1e-6)
    assert m["rate_error_pct"] == pytest.approx(20.0, abs=0.01)


def test_threshold_stats_mean_and_cv():
    mean, cv = scoring.threshold_stats([40.0, 44.0, 36.0])
    assert mean == pytest.approx(40.0)
    assert cv == pytest.approx(4.0 / 40.0 * 100)  # sample std of (40, 44, 36) is 4
    assert math.isnan(scoring.threshold_stats([])[0])


def test_sub_scores_fall_as_each_metric_worsens():
    base = {"time_in_band_pct": 90.0, "cv_pct": 3.0, "mae_pct": 4.0, "drift_pct_per_10s": -1.0,
            "overshoot_pct": 2.0, "abrupt_release": False}
    s0 = scoring.combine(scoring.hold_subscores(base))
    for key, worse in (("time_in_band_pct", 60.0), ("cv_pct", 8.0), ("mae_pct", 12.0),
                       ("drift_pct_per_10s", -5.0), ("overshoot_pct", 15.0), ("abrupt_release", True)):
        s1 = scoring.combine(scoring.hold_subscores({**base, key: worse}))
        assert s1 < s0, key
    perfect = {"time_in_band_pct": 100.0, "cv_pct": 0.0, "mae_pct": 0.0, "drift_pct_per_10s": 0.0,
               "overshoot_pct": 0.0, "abrupt_release": False}
    assert scoring.combine(scoring.hold_subscores(perfect)) == pytest.approx(100.0)


def test_clean_rounds_and_turns_nan_into_none():
    out = scoring.clean({"a": float("nan"), "b": np.float64(1.23456), "c": [np.int64(3), np.bool_(True)]})
    assert out == {"a": None, "b": 1.235, "c": [3, True]}
