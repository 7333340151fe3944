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


# ------------------------------------------------------------------ whole sessions

from pressure.coach import Coach  # noqa: E402
from pressure.errors import PressureError  # noqa: E402
from pressure.routine import BUILTIN_ROUTINES, Routine, Step  # noqa: E402

NONE = {"name": "none", "params": {}}


def _record_hold_routine(duration=20.0):
    """Ramp to 30 N +/- 1.5, a hold whose timer runs from the first sample in band, release."""
    return Routine(name="test hold", unit="N", steps=(
        Step("ramp", target=T, tolerance=TOL, label="press"),
        Step("hold", target=T, tolerance=TOL, duration=duration, on_leave="record", label="hold"),
        Step("release", duration=5.0, label="release"),
    ))


def _ramp_hold_release(hold_shape, *, ramp_rate=10.0, hold_s=20.0, release_s=1.5, tail_s=3.0):
    """A trace: linear ramp to the band, ``hold_shape(tau)`` for hold_s, linear release."""
    t_enter = (T - TOL) / ramp_rate
    t_hold_end = t_enter + hold_s
    t = _grid(0.0, t_hold_end + release_s + tail_s)
    y = np.empty_like(t)
    ramp = t < t_enter
    y[ramp] = ramp_rate * t[ramp]
    hold = (t >= t_enter) & (t < t_hold_end)
    y[hold] = hold_shape(t[hold] - t_enter)
    after = t >= t_hold_end
    last = float(hold_shape(np.array([hold_s]))[0])
    y[after] = np.maximum(0.0, last * (1 - (t[after] - t_hold_end) / release_s))
    return t, y, t_enter


def test_session_hold_scores_are_the_known_answers_of_a_synthetic_trace():
    amp, slope = 2.0, -0.05  # a sinusoid of 2 N; a line drifting 0.05 N/s

    # first the drift alone: starts 0.5 N above the band's floor, leaves it after 10 s
    t, y, t_enter = _ramp_hold_release(lambda tau: (T - TOL) + 0.5 + slope * tau)
    s = scoring.score_session(t, y, _record_hold_routine(), filter_desc=NONE)
    (hold,) = s.holds
    assert hold.start_s == pytest.approx(t_enter, abs=0.002)
    assert hold.end_s == pytest.approx(t_enter + 20.0, abs=0.002)
    assert hold["time_to_band_s"] == pytest.approx(t_enter, abs=0.002)
    assert hold["drift_pct_per_10s"] == pytest.approx(slope * 10 / T * 100, abs=0.5)
    assert hold["time_in_band_pct"] == pytest.approx(0.5 / -slope / 20.0 * 100, abs=0.5)
    assert hold["overshoot_pct"] == pytest.approx(0.0, abs=1e-9)
    assert hold["abrupt_release"] is False
    d = s.to_dict()
    for key in ("time_to_band_s", "overshoot_pct", "time_in_band_pct", "mae_pct", "cv_pct",
                "drift_pct_per_10s"):
        assert key in d["steps"][1]
    assert 0 <= d["score"] <= 100

    # then a sinusoid around the target: CV and time in band by their closed forms
    t, y, _ = _ramp_hold_release(lambda tau: T + amp * np.sin(2 * np.pi * tau / 4.0), release_s=0.1)
    s = scoring.score_session(t, y, _record_hold_routine(), filter_desc=NONE)
    (hold,) = s.holds
    assert hold["cv_pct"] == pytest.approx(amp / math.sqrt(2) / T * 100, abs=0.5)
    assert hold["time_in_band_pct"] == pytest.approx(2 / math.pi * math.asin(TOL / amp) * 100, abs=0.5)
    assert hold["abrupt_release"] is True  # let go of 30 N within 0.1 s
    assert s.worst["step"] == 1
    assert abs(s.worst["value"] - T) == pytest.approx(amp, abs=0.01)


def test_improving_steadiness_raises_the_session_score():
    scores = []
    for amp in (0.3, 1.0, 2.5):
        t, y, _ = _ramp_hold_release(lambda tau, a=amp: T + a * np.sin(2 * np.pi * tau / 3.0))
        scores.append(scoring.score_session(t, y, _record_hold_routine(), filter_desc=NONE).score)
    assert scores[0] > scores[1] > scores[2]


def test_the_steady_profile_scores_higher_than_the_overshooting_student():
    from firmware_sim.model import make_profile

    routine = BUILTIN_ROUTINES["steady"]
    t = np.arange(0.0, 90.0, 1 / 200.0)
    results = {}
    for name in ("steady", "student"):
        force = make_profile(name, seed=3, target_n=30.0).force(t)
        results[name] = scoring.score_session(t, force, routine)  # default filter, as live
    steady, student = results["steady"], results["student"]
    assert steady.score > student.score + 20
    assert steady.summary()["overshoot_pct"] < student.summary()["overshoot_pct"]
    assert steady.summary()["time_in_band_pct"] > student.summary()["time_in_band_pct"]


def test_a_pressure_pain_threshold_session_gives_each_threshold_their_mean_and_cv():
    routine = BUILTIN_ROUTINES["ppt"]  # kPa with a 1 cm2 tip: 50 kPa/s is 5 N/s
    thresholds_n = [38.0, 42.0, 44.0]
    rate_n = 5.0
    t = _grid(0.0, 150.0, 200.0)
    y = np.zeros_like(t)
    events = []
    start = 2.0
    for thr in thresholds_n:
        t_thr = start + thr / rate_n
        up = (t >= start) & (t < t_thr)
        y[up] = rate_n * (t[up] - start)
        down = (t >= t_thr) & (t < t_thr + 1.0)
        y[down] = thr * (1 - (t[down] - t_thr))
        events += [{"t": start, "kind": "step_start"}, {"t": t_thr, "kind": "threshold"}]
        start = t_thr + 45.0
    s = scoring.score_session(t, y, routine, filter_desc=NONE, events=events)
    got = [d["value"] for d in s.thresholds]
    expected_kpa = [v * 10 for v in thresholds_n]  # 1 N on 1 cm2 = 10 kPa
    assert got == pytest.approx(expected_kpa, abs=0.6)  # within one sample of the ramp
    mean, cv = np.mean(expected_kpa), np.std(expected_kpa, ddof=1) / np.mean(expected_kpa) * 100
    assert s.threshold_mean == pytest.approx(mean, abs=0.6)
    assert s.threshold_cv_pct == pytest.approx(cv, abs=0.5)
    trials = [st for st in s.steps if st.kind == "threshold"]
    assert len(trials) == 3
    for st in trials:
        assert st["rate_achieved"] == pytest.approx(50.0, rel=0.01)
    assert s.score == pytest.approx(100.0, abs=1.0)


def test_a_session_that_never_reaches_a_hold_is_a_clear_error():
    t = _grid(0.0, 10.0, 100.0)
    with pytest.raises(PressureError, match="never reached"):
        scoring.score_session(t, np.zeros_like(t), _record_hold_routine(), filter_desc=NONE)
    rest_only = Routine(name="rest only", steps=(Step("rest", duration=5.0),))
    with pytest.raises(PressureError, match="no hold"):
        scoring.score_session(t, np.zeros_like(t), rest_only, filter_desc=NONE)
    with pytest.raises(PressureError, match="no samples"):
        scoring.score_session(t[:1], t[:1], _record_hold_routine(), filter_desc=NONE)


def test_live_scorer_fed_in_chunks_agrees_with_the_offline_scores():
    amp = 2.0
    t, y, _ = _ramp_hold_release(lambda tau: T + amp * np.sin(2 * np.pi * tau / 4.0))
    routine = _record_hold_routine()
    coach, live = Coach(routine), scoring.LiveScorer(routine)
    rng = np.random.default_rng(5)
    cuts = np.sort(rng.choice(np.arange(1, t.size), 300, replace=False))
    seen_in_hold = False
    for a, b in zip(np.concatenate(([0], cuts)), np.concatenate((cuts, [t.size]))):
        state = coach.update(t[a:b], y[a:b])
        numbers = live.update(t[a:b], y[a:b], state)
        seen_in_hold |= numbers.in_hold
    offline = scoring.score_trace(t, y, routine, events=coach.events).holds[0]
    assert seen_in_hold and numbers.holds_done == 1 and not numbers.in_hold
    assert numbers.time_in_band_pct == pytest.approx(offline["time_in_band_pct"], abs=0.5)
    assert numbers.cv_pct == pytest.approx(offline["cv_pct"], abs=0.5)
    assert numbers.mae_pct == pytest.approx(offline["mae_pct"], abs=0.5)
    assert numbers.session_time_in_band_pct == pytest.approx(numbers.time_in_band_pct)


def test_a_partial_session_scores_only_what_it_did():
    # 3 s of the 5 x 20 s 'steady' routine: a perfect 2 s of hold 1, holds 2-5 never reached
    routine = BUILTIN_ROUTINES["steady"]
    t = _grid(0.0, 3.0, 200.0)
    y = np.minimum(30.0 * t, 30.0)
    s = scoring.score_session(t, y, routine, filter_desc=NONE)
    (hold,) = s.holds
    assert hold.score > 90 and not hold.completed
    assert hold.completed_fraction == pytest.approx(hold["hold_s"] / 20.0, abs=0.02)
    assert (s.holds_completed, s.holds_total) == (0, 5)
    assert s.score == pytest.approx(hold.score * hold.completed_fraction / 5, abs=1e-9)
    assert s.score < 5  # not "99 / 100"
    data = s.to_dict()
    assert (data["holds_completed"], data["holds_total"]) == (0, 5)
    assert data["summary"]["holds_total"] == 5


def test_a_finished_session_is_the_mean_and_a_skipped_hold_is_not_completed():
    t, y, _ = _ramp_hold_release(lambda tau: T + 0.3 * np.sin(2 * np.pi * tau / 3.0))
    full = scoring.score_session(t, y, _record_hold_routine(), filter_desc=NONE)
    (hold,) = full.holds
    assert hold.completed and hold.completed_fraction == 1.0
    assert full.score == pytest.approx(hold.score) and full.holds_completed == full.holds_total == 1
    # the advance key skips the hold after 4 s: the hold counts by the part of its timer filled
    start = hold.start_s
    events = [{"t": 0.0, "kind": "step_start"}, {"t": start + 4.0, "kind": "step_end",
                                                   "data": {"skipped": True}}]
    cut = scoring.score_session(t, y, _record_hold_routine(), filter_desc=NONE, events=events)
    (skipped,) = cut.holds
    assert not skipped.completed and cut.holds_completed == 0
    assert 0 < skipped.completed_fraction < 1
    assert cut.score < full.score
