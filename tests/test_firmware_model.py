"""Practitioner profiles: deterministic per seed, and shaped like real manual pressure."""

from __future__ import annotations

import numpy as np
import pytest

from firmware_sim.model import PROFILES, make_profile
from pressure.errors import PressureError

FS = 200.0  # evaluation rate for shape checks


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, stop) index pairs of the True runs of a boolean array."""
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)))


def _holds(f: np.ndarray, level: float, min_s: float) -> list[tuple[int, int]]:
    return [(a, b) for a, b in _runs(f > level) if (b - a) / FS >= min_s]


def _t(seconds: float, start: float = 0.0) -> np.ndarray:
    return start + np.arange(int(seconds * FS)) / FS


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_profile_is_a_pure_function_of_seed_and_time(name):
    t = _t(120.0)
    a = make_profile(name, seed=3).force(t)
    b = make_profile(name, seed=3)
    # asked in a different order and in pieces: still the same numbers
    rev = b.force(t[::-1])[::-1]
    pieces = np.concatenate([b.force(c) for c in np.array_split(t, 7)])
    assert np.array_equal(a, rev)
    assert np.array_equal(a, pieces)
    assert np.all(np.isfinite(a)) and a.min() >= 0.0


@pytest.mark.parametrize("name", ["hold", "ischemic", "ppt", "student", "steady"])
def test_seeds_give_different_traces(name):
    t = _t(300.0)
    a = make_profile(name, seed=1).force(t)
    b = make_profile(name, seed=2).force(t)
    assert np.max(np.abs(a - b)) > 0.1


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_profiles_loop_forever(name):
    far = make_profile(name, seed=5).force(_t(200.0, start=36_000.0))
    assert np.all(np.isfinite(far)) and far.min() >= 0.0
    if name != "idle":
        assert far.max() > 10.0  # still pressing ten hours later


def test_idle_presses_nothing():
    assert not np.any(make_profile("idle", seed=9).force(_t(100.0)))


def test_unknown_profile_lists_the_names():
    with pytest.raises(PressureError) as info:
        make_profile("karate")
    for name in PROFILES:
        assert name in str(info.value)


def test_negative_or_nan_time_is_refused():
    model = make_profile("hold")
    with pytest.raises(PressureError):
        model.force(np.array([-1.0]))
    with pytest.raises(PressureError):
        model.force(np.array([np.nan]))


def test_bad_target_is_refused():
    with pytest.raises(PressureError):
        make_profile("hold", target_n=0)


@pytest.mark.parametrize("name,min_hold_s", [("hold", 15.0), ("ischemic", 50.0)])
def test_long_holds_drift_down_with_hand_tremor(name, min_hold_s):
    target = 30.0
    model = make_profile(name, seed=11, target_n=target)
    f = model.force(_t(model.period * 2))
    holds = _holds(f, 0.7 * target, min_hold_s)
    assert len(holds) >= 2
    for a, b in holds:
        seg = f[a:b]
        n = int(2 * FS)
        inner = seg[int(1.5 * FS): -int(1.5 * FS)]  # away from the ramps
        start, end = inner[:n].mean(), inner[-n:].mean()
        assert 0.9 * target < start < 1.1 * target
        assert end < start * 0.98  # the hand tires: force drifts down
        # tremor: what a 0.25 s moving average does not explain, as a fraction of the level
        k = int(0.25 * FS)
        smooth = np.convolve(inner, np.ones(k) / k, mode="valid")
        resid = inner[k // 2: k // 2 + smooth.size] - smooth
        rel = resid.std() / inner.mean()
        assert 0.002 < rel < 0.015


def test_hold_ramps_in_a_few_seconds():
    model = make_profile("hold", seed=2, target_n=30.0)
    f = model.force(_t(model.period))
    above10 = np.flatnonzero(f > 3.0)[0]
    above90 = np.flatnonzero(f > 27.0)[0]
    assert 1.0 < (above90 - above10) / FS < 5.0


def test_student_overshoots_and_wanders_more_than_the_expert():
    target = 30.0
    student = make_profile("student", seed=4, target_n=target)
    expert = make_profile("steady", seed=4, target_n=target)
    fs = student.force(_t(student.period * 3))
    fe = expert.force(_t(expert.period * 3))
    for a, b in _holds(fs, 0.5 * target, 10.0):
        peak = fs[a:b].max()
        assert peak > 1.25 * target  # the overshoot
    holds_e = _holds(fe, 0.5 * target, 10.0)
    assert holds_e
    for a, b in holds_e:
        inner = fe[a + int(4 * FS): b - int(1 * FS)]
        assert np.all(np.abs(inner / target - 1.0) < 0.03)  # the expert: within a few %

    def spread(f):
        return np.mean([np.std(f[a + int(6 * FS): b - int(2 * FS)]) for a, b in _holds(f, 0.5 * target, 10.0)])

    assert spread(fs) > 3 * spread(fe)


def test_ppt_ramps_at_about_5_n_per_s_to_a_varying_threshold():
    model = make_profile("ppt", seed=8)
    f = model.force(_t(model.period * 3))
    trials = [(a, b) for a, b in _runs(f > 1.0) if (b - a) / FS > 2.0]
    assert len(trials) == 9  # three trials per cycle
    peaks = np.array([f[a:b].max() for a, b in trials])
    assert np.all((peaks > 34.0) & (peaks < 46.0))
    assert peaks.std() > 0.3  # the threshold varies between trials
    for a, b in trials:
        seg = f[a:b]
        rise = np.flatnonzero((seg > 10.0) & (seg < 30.0))
        rise = rise[rise < np.argmax(seg)]
        slope = np.polyfit(rise / FS, seg[rise], 1)[0]
        assert 4.0 < slope < 6.0
        top = int(np.argmax(seg))
        assert (b - a - top) / FS < 1.0  # quick release


def test_ischemic_has_three_holds_of_a_minute_with_rests():
    model = make_profile("ischemic", seed=1, target_n=40.0)
    f = model.force(_t(model.period))
    holds = _holds(f, 20.0, 30.0)
    assert len(holds) == 3
    for a, b in holds:
        assert 55.0 < (b - a) / FS < 70.0
    rests = [(holds[i + 1][0] - holds[i][1]) / FS for i in range(2)]
    assert all(25.0 < r < 40.0 for r in rests)


def test_trapezoid_is_exact():
    model = make_profile("trapezoid", seed=123)
    f = model.force(_t(model.period))
    rising = np.flatnonzero((f > 5.0) & (f < 35.0))
    rising = rising[rising < np.argmax(f)]
    slope = np.polyfit(rising / FS, f[rising], 1)[0]
    assert slope == pytest.approx(10.0, rel=1e-6)
    assert f.max() == pytest.approx(40.0)
    plateau = np.count_nonzero(f >= 40.0 - 1e-9) / FS
    assert plateau == pytest.approx(20.0, abs=2 / FS)
    assert np.array_equal(model.force(_t(10.0)), make_profile("trapezoid", seed=0).force(_t(10.0)))


def test_target_scales_the_hold():
    low = make_profile("hold", seed=1, target_n=10.0).force(_t(20.0))
    high = make_profile("hold", seed=1, target_n=40.0).force(_t(20.0))
    assert high.max() == pytest.approx(4 * low.max(), rel=1e-9)


def test_negative_seeds_are_seeds_of_their_own():
    t = _t(60.0)
    assert not np.array_equal(make_profile("hold", seed=-1).force(t), make_profile("hold", seed=1).force(t))
