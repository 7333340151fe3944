"""No CV around a zero mean (issue 12: after a wrong zero the CV read 926 %): "—" on screen, null
in JSON, live and in reports, below scoring.CV_MIN_MEAN_N (0.5 N, in the routine's unit)."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest

from pressure import scoring
from pressure.coach import Coach
from pressure.routine import Routine, Step, single_hold
from pressure.scoring.metrics import CV_MIN_MEAN_N, cv_min_mean

RATE = 100.0


def test_hold_cv_is_undefined_when_the_mean_is_near_zero():
    t = np.arange(0, 10, 1 / RATE)
    wobble = 0.3 * np.sin(2 * np.pi * t)
    near_zero = scoring.hold_metrics(t, 0.2 + wobble, target=10.0, lower=9.0, upper=11.0, start=0.0, end=10.0)
    assert math.isnan(near_zero["cv_pct"])  # a mean of 0.2 N: was ~106 %
    pressed = scoring.hold_metrics(t, 10.0 + wobble, target=10.0, lower=9.0, upper=11.0, start=0.0, end=10.0)
    assert pressed["cv_pct"] == pytest.approx(0.3 / math.sqrt(2) / 10.0 * 100, abs=0.05)
    negative = scoring.hold_metrics(t, -28.7 + wobble, target=10.0, lower=9.0, upper=11.0, start=0.0, end=10.0)
    assert math.isnan(negative["cv_pct"])  # a wrong zero: a negative "CV" says nothing either


def test_the_minimum_mean_is_half_a_newton_in_the_routines_unit():
    assert cv_min_mean() == CV_MIN_MEAN_N == 0.5
    assert cv_min_mean("kgf") == pytest.approx(0.5 / 9.80665)
    assert cv_min_mean("kPa", 1.0) == pytest.approx(5.0)  # 0.5 N on 1 cm2
    mean, cv = scoring.threshold_stats([0.06, 0.04], min_mean=cv_min_mean("kgf"))  # ~0.49 N
    assert mean == pytest.approx(0.05) and math.isnan(cv)
    assert not math.isnan(scoring.threshold_stats([0.06, 0.05])[0])


def test_threshold_cv_near_zero_is_null_in_the_session_and_a_dash_live():
    from pressure.ui.score_panel import ppt_texts

    assert math.isnan(scoring.threshold_stats([-0.2, 0.1, 0.3])[1])  # was hundreds of %
    mean, cv = scoring.threshold_stats([20.0, 22.0, 24.0])
    assert mean == 22.0 and cv == pytest.approx(2.0 / 22.0 * 100)
    routine = Routine("ppt", unit="N", ceiling=100.0, steps=(Step("threshold", rate=10.0, advance="key"),
                                                             Step("threshold", rate=10.0, advance="key")))
    state = SimpleNamespace(thresholds=(-0.2, 0.3), step_index=1, finished=True)
    assert ppt_texts(routine, state)["cv"] == "—"
    state = SimpleNamespace(thresholds=(20.0, 24.0), step_index=1, finished=True)
    assert ppt_texts(routine, state)["cv"] == f"{np.std([20.0, 24.0], ddof=1) / 22.0 * 100:.1f} %"


def test_session_json_has_null_cv_for_a_hold_never_pressed():
    routine = single_hold(10.0, 1.0, 4.0)
    t = np.arange(0, 12, 1 / RATE)
    # touches the band once, then the hand leaves: the rest of the hold reads ~0.1 N
    value = np.where(t < 1.0, 10.0 * t, np.where(t < 1.05, 10.0, 0.1 + 0.05 * np.sin(2 * np.pi * t)))
    s = scoring.score_trace(t, value, routine)
    hold = next(step for step in s.to_dict()["steps"] if step["kind"] == "hold")
    assert hold["mean"] < CV_MIN_MEAN_N and hold["time_in_band_pct"] is not None
    assert hold["cv_pct"] is None


def test_live_cv_is_none_for_a_hold_whose_mean_is_below_the_minimum():
    routine = single_hold(0.3, 0.25, 2.0)  # a target under half a newton: a CV would be noise
    coach = Coach(routine)
    scorer = scoring.LiveScorer(routine)
    t = np.arange(0, 4, 1 / RATE)
    v = 0.3 + 0.1 * np.sin(2 * np.pi * t)
    for i in range(0, len(t), 10):
        numbers = scorer.update(t[i:i + 10], v[i:i + 10], coach.update(t[i:i + 10], v[i:i + 10]))
    assert numbers.hold_s > 1.0 and numbers.time_in_band_pct is not None
    assert numbers.cv_pct is None
    pressed = single_hold(10.0, 1.0, 2.0)
    coach, scorer = Coach(pressed), scoring.LiveScorer(pressed)
    for i in range(0, len(t), 10):
        numbers = scorer.update(t[i:i + 10], 10 * v[i:i + 10] / 0.3,
                                coach.update(t[i:i + 10], 10 * v[i:i + 10] / 0.3))
    assert numbers.cv_pct == pytest.approx(0.1 / 0.3 / math.sqrt(2) * 100, rel=0.1)
