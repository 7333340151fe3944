"""Streaming filters: chunked == whole, the 1€ reference vector, NaN and timestamp edge cases."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pressure.errors import PressureError
from pressure.filters import (
    DEFAULT_FILTER,
    FILTERS,
    filter_from_description,
    make_filter,
)

# One parameter set per filter that actually smooths (so chunking mistakes would show).
SETTINGS = {
    "none": {},
    "moving_average": {"n": 7},
    "exponential": {"tau": 0.01},
    "median": {"n": 5, "k": 2.0, "min_jump": 0.1},
    "one_euro": {"mincutoff": 1.0, "beta": 0.1, "dcutoff": 1.0},
    "one_euro_lead": {"mincutoff": 1.0, "beta": 0.1, "dcutoff": 1.0, "gain": 0.8, "slope_cutoff": 1.0,
                      "max_tau": 0.1, "limit": 0.5},
}


def _signal(n: int, seed: int = 1, rate: float = 1000.0):
    rng = np.random.default_rng(seed)
    t = np.arange(n) / rate
    x = 20.0 * (t > t[n // 3]) + rng.normal(0.0, 0.5, n)
    x[n // 2] += 300.0  # a spike
    return t, x


def test_every_name_in_filters_is_covered():
    assert set(SETTINGS) == set(FILTERS)


# -- chunked == whole ------------------------------------------------------------------------

@st.composite
def split_signal(draw):
    n = draw(st.integers(0, 120))
    seed = draw(st.integers(0, 2**31))
    rng = np.random.default_rng(seed)
    # irregular, sometimes duplicated timestamps; values with occasional NaN and spikes
    steps = rng.choice([0.0, 0.0005, 0.001, 0.002, 0.05], size=n, p=[0.05, 0.2, 0.6, 0.1, 0.05])
    t = np.cumsum(steps)
    x = rng.normal(10.0, 3.0, n)
    x[rng.random(n) < 0.05] = np.nan
    x[rng.random(n) < 0.03] += 200.0
    cuts = sorted(draw(st.lists(st.integers(0, n), max_size=8)))
    return t, x, cuts


@pytest.mark.parametrize("name", sorted(SETTINGS))
@settings(max_examples=60, deadline=None)
@given(data=split_signal())
def test_chunked_equals_whole(name, data):
    t, x, cuts = data
    whole = make_filter(name, **SETTINGS[name]).process(t, x)
    f = make_filter(name, **SETTINGS[name])
    bounds = [0, *cuts, len(t)]
    parts = [f.process(t[a:b], x[a:b]) for a, b in zip(bounds[:-1], bounds[1:])]
    chunked = np.concatenate(parts) if parts else np.empty(0)
    assert chunked.shape == whole.shape == x.shape
    np.testing.assert_array_equal(np.isnan(chunked), np.isnan(whole))
    np.testing.assert_allclose(chunked, whole, rtol=0, atol=1e-12)


@pytest.mark.parametrize("name", sorted(SETTINGS))
def test_reset_forgets_the_past(name):
    t, x = _signal(500)
    f = make_filter(name, **SETTINGS[name])
    first = f.process(t, x)
    f.process(t + 1.0, x[::-1])
    f.reset()
    np.testing.assert_array_equal(f.process(t, x), first)


@pytest.mark.parametrize("name", sorted(SETTINGS))
def test_empty_input_gives_empty_float_output(name):
    y = make_filter(name, **SETTINGS[name]).process(np.empty(0), np.empty(0))
    assert y.dtype == np.float64 and y.shape == (0,)


# -- the 1€ authors' reference vector ---------------------------------------------------------

def test_one_euro_reproduces_the_authors_ground_truth(reference_dir):
    data = np.genfromtxt(reference_dir / "oneeuro_ground_truth.csv", delimiter=",", names=True)
    assert data.shape == (1200,)
    f = make_filter("one_euro", mincutoff=1.0, beta=0.1, dcutoff=1.0)
    y = f.process(data["timestamp"], data["noisy"])
    assert y[0] == data["noisy"][0]  # the first sample passes through
    err = np.abs(y - data["filtered"])
    assert err.max() <= 1e-4, f"worst row {err.argmax()}: off by {err.max():.2e}"


def test_one_euro_reference_in_odd_chunks_is_identical(reference_dir):
    data = np.genfromtxt(reference_dir / "oneeuro_ground_truth.csv", delimiter=",", names=True)
    t, x = data["timestamp"], data["noisy"]
    whole = make_filter("one_euro").process(t, x)
    f = make_filter("one_euro")
    chunked = np.concatenate([f.process(t[i:i + 13], x[i:i + 13]) for i in range(0, len(t), 13)])
    np.testing.assert_array_equal(chunked, whole)


# -- edge cases -------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(SETTINGS))
def test_nan_is_skipped_and_does_not_poison_the_state(name):
    t, x = _signal(400)
    x_gap = x.copy()
    x_gap[100:110] = np.nan
    y = make_filter(name, **SETTINGS[name]).process(t, x_gap)
    assert np.isnan(y[100:110]).all()
    assert np.isfinite(np.delete(y, np.s_[100:110])).all()
    # the same as filtering with those samples simply absent
    keep = np.ones(len(t), bool)
    keep[100:110] = False
    without = make_filter(name, **SETTINGS[name]).process(t[keep], x[keep])
    np.testing.assert_array_equal(y[keep], without)


@pytest.mark.parametrize("name", ["exponential", "one_euro"])
def test_duplicate_timestamps_do_not_divide_by_zero(name):
    t = np.array([0.0, 0.0, 0.001, 0.001, 0.001, 0.002, 0.0015, 0.003])
    x = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0])
    y = make_filter(name, **SETTINGS[name]).process(t, x)
    assert np.isfinite(y).all()
    # nothing but a pass-through before any interval is known; after that a weighted mean
    assert y[1] == x[1]
    assert np.all((y[2:] > y[1]) & (y[2:] < x[2:]))


def test_lead_filter_survives_duplicate_timestamps():
    t = np.array([0.0, 0.0, 0.001, 0.001, 0.001, 0.002, 0.0015, 0.003])
    x = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0])
    y = make_filter("one_euro_lead", **SETTINGS["one_euro_lead"]).process(t, x)
    assert np.isfinite(y).all()
    assert y[1] == x[1]  # no interval known yet: a pass-through that restarts the state
    plain = make_filter("one_euro", mincutoff=1.0, beta=0.1, dcutoff=1.0).process(t, x)
    assert np.all(np.abs(y - plain) <= SETTINGS["one_euro_lead"]["limit"] + 1e-12)


def test_first_sample_passes_through_and_rest_is_smoothed():
    t, x = _signal(1000)
    for name in ("moving_average", "exponential", "one_euro", "one_euro_lead"):
        y = make_filter(name, **SETTINGS[name]).process(t, x)
        assert y[0] == x[0]
        hold = slice(50, 300)  # a flat stretch before the step
        assert np.std(y[hold]) < 0.6 * np.std(x[hold]), name


def test_median_removes_a_spike_and_leaves_clean_data_alone():
    t, x = _signal(1000)
    f = make_filter("median", n=5, k=3.0, min_jump=2.0)
    y = f.process(t, x)
    spike = len(x) // 2
    assert abs(y[spike] - np.median(x[spike - 4:spike + 1])) < 1e-12
    assert abs(y[spike] - 20.0) < 2.0
    # noise-only samples far from the spike and the step are passed unchanged
    untouched = np.mean(y[400:480] == x[400:480])
    assert untouched > 0.95
    assert f.lag_hint_s == 0.0


def test_exponential_handles_a_long_gap_by_catching_up():
    t = np.array([0.0, 0.001, 0.002, 10.0])
    x = np.array([0.0, 0.0, 0.0, 30.0])
    y = make_filter("exponential", tau=0.05).process(t, x)
    assert y[3] == pytest.approx(30.0 * (1 - math.exp(-9.998 / 0.05)))


def test_moving_average_matches_a_plain_causal_mean():
    rng = np.random.default_rng(3)
    x = rng.normal(size=50)
    t = np.arange(50) * 0.01
    y = make_filter("moving_average", n=4).process(t, x)
    expected = [x[max(0, i - 3):i + 1].mean() for i in range(50)]
    np.testing.assert_allclose(y, expected, rtol=0, atol=1e-12)
    assert make_filter("moving_average", n=4).lag_hint_s > 0


# -- construction, strength, describe ---------------------------------------------------------

@pytest.mark.parametrize(
    "name, params, message",
    [
        ("kalman", {}, "unknown filter"),
        ("one_euro", {"mincutoff": 0}, "mincutoff"),
        ("one_euro", {"beta": float("nan")}, "finite"),
        ("one_euro", {"speed": 1}, "no parameter speed"),
        ("moving_average", {"n": 2.5}, "whole number"),
        ("moving_average", {"n": "7"}, "must be a number"),
        ("median", {"n": 4}, "odd"),
        ("exponential", {"tau": -1}, "tau"),
        ("exponential", {"strength": 1.5}, "strength"),
        ("exponential", {"strength": 0.5, "tau": 0.1}, "not both"),
        ("moving_average", {"n": True}, "must be a number"),
        ("one_euro_lead", {"limit": -0.1}, "limit"),
        ("one_euro_lead", {"gain": 5}, "gain"),
        ("one_euro_lead", {"slope_cutoff": 0}, "slope_cutoff"),
        ("one_euro_lead", {"max_tau": float("inf")}, "finite"),
    ],
)
def test_bad_names_and_parameters_are_clear_errors(name, params, message):
    with pytest.raises(PressureError, match=message):
        make_filter(name, **params)


@pytest.mark.parametrize("name", ["moving_average", "exponential", "one_euro", "one_euro_lead"])
def test_strength_maps_monotonically_to_smoothing(name):
    rng = np.random.default_rng(5)
    t = np.arange(4000) / 1000.0
    x = 30.0 + rng.normal(0.0, 0.5, t.shape[0])  # a steady hold: only noise to remove
    lags, noise = [], []
    for s in np.linspace(0.0, 1.0, 5):
        f = make_filter(name, strength=float(s))
        noise.append(np.std(f.process(t, x)[3000:]))
        lags.append(f.lag_hint_s)
    assert all(b <= a for a, b in zip(noise, noise[1:])), noise
    assert noise[-1] < 0.5 * noise[0]
    assert all(b >= a for a, b in zip(lags, lags[1:])), lags


def test_median_strength_widens_the_bursts_it_removes():
    t = np.arange(200) / 1000.0
    x = np.full(200, 30.0)
    x[100:103] = 500.0  # a 3-sample burst
    removed = []
    for s in np.linspace(0.0, 1.0, 7):
        y = make_filter("median", strength=float(s)).process(t, x)
        removed.append(bool(np.all(y[100:103] == 30.0)))
        assert make_filter("median", strength=float(s)).params["n"] % 2 == 1
    # light settings (n=3, 5) let the burst through, heavy ones (n >= 7) remove it
    assert removed == sorted(removed) and removed[0] is False and removed[-1] is True


@pytest.mark.parametrize("name", sorted(SETTINGS))
def test_describe_is_json_and_rebuilds_the_same_filter(name):
    t, x = _signal(300)
    f = make_filter(name, **SETTINGS[name])
    d = json.loads(json.dumps(f.describe()))
    assert d["name"] == name
    g = filter_from_description(d)
    np.testing.assert_array_equal(g.process(t, x), f.process(t, x))


@pytest.mark.parametrize("bad", [None, [], {"params": {}}, {"name": "one_euro", "params": [1]},
                                 {"name": "one_euro", "params": {"beta": "x"}}])
def test_bad_description_is_a_clear_error(bad):
    with pytest.raises(PressureError):
        filter_from_description(bad)


@pytest.mark.parametrize("name", ["one_euro", "one_euro_lead"])
def test_one_euro_strength_half_is_its_default(name):
    assert make_filter(name, strength=0.5).params == pytest.approx(make_filter(name).params)


def test_the_default_is_the_lead_filter_with_its_defaults():
    name, params = DEFAULT_FILTER
    assert name == "one_euro_lead"
    assert params == make_filter(name).params == make_filter(name, strength=0.5).params


def _hand_hold(rate, seed):
    """30 N hold with 0.5 N RMS white noise and an 8 Hz, 0.3 N tremor; +10 N step at 5 s."""
    rng = np.random.default_rng(seed)
    t = np.arange(0.0, 6.0, 1.0 / rate)
    true = np.where(t < 5.0, 30.0, 40.0)
    x = true + 0.3 * np.sin(2 * np.pi * 8.0 * t + rng.uniform(0, 6.3)) + rng.normal(0, 0.5, t.size)
    return t, x, true


@pytest.mark.parametrize("rate", [1000.0, 80.0])
def test_default_is_steady_but_not_laggy_on_a_hand_hold(rate):
    name, params = DEFAULT_FILTER
    wobble, lag = [], []
    for seed in (11, 12, 13):
        t, x, true = _hand_hold(rate, seed)
        y = make_filter(name, **params).process(t, x)
        hold = (t > 1.5) & (t < 5.0)
        wobble.append(np.sqrt(np.mean((y[hold] - 30.0) ** 2)))
        after = t >= 5.0
        first90 = t[after][np.argmax(y[after] >= 39.0)]
        assert y[after].max() >= 39.0
        lag.append(first90 - 5.0)
        assert np.sqrt(np.mean((x[hold] - 30.0) ** 2)) > 0.5  # the raw readout does flicker
    # the 0.1 N digit of the readout stays put, and a press shows within well under 150 ms
    assert max(wobble) < 0.1, wobble
    assert max(lag) < 0.120, lag


def test_default_filter_is_buildable():
    name, params = DEFAULT_FILTER
    f = make_filter(name, **params)
    assert f.describe() == {"name": name, "params": params}
    assert 0 < f.lag_hint_s < 0.5


# -- the 1€ filter with a bounded lead -----------------------------------------------------

@settings(max_examples=60, deadline=None)
@given(data=split_signal(), limit=st.sampled_from([0.0, 0.05, 0.3, 2.0]))
def test_lead_never_runs_further_than_its_limit_from_the_plain_one_euro(data, limit):
    t, x, _ = data
    base = {"mincutoff": 1.0, "beta": 0.1, "dcutoff": 1.0}
    plain = make_filter("one_euro", **base).process(t, x)
    led = make_filter("one_euro_lead", **base, gain=1.0, limit=limit).process(t, x)
    np.testing.assert_array_equal(np.isnan(led), np.isnan(plain))
    ok = ~np.isnan(plain)
    assert np.all(np.abs(led[ok] - plain[ok]) <= limit + 1e-9)


def test_lead_with_no_gain_is_the_plain_one_euro():
    t, x = _signal(2000)
    base = {"mincutoff": 0.5, "beta": 0.05, "dcutoff": 0.5}
    np.testing.assert_array_equal(make_filter("one_euro_lead", **base, gain=0.0).process(t, x),
                                  make_filter("one_euro", **base).process(t, x))


def test_full_lead_takes_the_lag_off_a_clean_ramp():
    t = np.arange(0.0, 4.0, 0.001)
    x = 10.0 + 5.0 * t  # 5 N/s
    base = {"mincutoff": 0.5, "beta": 0.05, "dcutoff": 0.5}
    late = t > 2.0
    lag_plain = np.mean(x[late] - make_filter("one_euro", **base).process(t, x)[late]) / 5.0
    y = make_filter("one_euro_lead", **base, gain=1.0, max_tau=10.0, limit=10.0).process(t, x)
    assert lag_plain > 0.015
    assert abs(np.mean(x[late] - y[late]) / 5.0) < 0.001


def _ramp_into_hold(rate, seed):
    """Issue 22's force, written here on its own: 5 N/s from 5 N to 30 N (t = 1-6 s), hold until
    14 s, then 40 N; 0.3 N RMS white noise and a 0.2 N, 8 Hz tremor."""
    rng = np.random.default_rng(seed)
    t = np.arange(round(16.0 * rate)) / rate
    true = np.interp(t, [0.0, 1.0, 6.0, 14.0 - 1e-9, 14.0, 16.0], [5.0, 5.0, 30.0, 30.0, 40.0, 40.0])
    x = true + 0.2 * np.sin(2 * np.pi * 8.0 * t + rng.uniform(0, 6.3)) + rng.normal(0, 0.3, t.size)
    return t, x, true


@pytest.mark.parametrize("rate, max_lag_s", [(1000.0, 0.015), (80.0, 0.040)])
def test_default_meets_the_lag_targets_on_a_ramp_into_a_hold_and_a_press(rate, max_lag_s):
    name, params = DEFAULT_FILTER
    lag, p99, bias, corner, press = [], [], [], [], []
    for seed in (21, 22, 23):
        t, x, true = _ramp_into_hold(rate, seed)
        y = make_filter(name, **params).process(t, x)
        ramp = (t >= 2.0) & (t < 6.0)
        lag.append(np.mean(true[ramp] - y[ramp]) / 5.0)
        hold = (t >= 7.0) & (t < 14.0)
        p99.append(np.percentile(np.abs(y[hold] - 30.0), 99))
        bias.append(np.mean(y[hold] - 30.0))
        corner.append(np.max(y[(t >= 6.0) & (t < 8.0)]) - 30.0)
        press.append(np.max(y[t >= 14.0]) - 40.0)
    assert np.median(lag) <= max_lag_s, lag
    assert np.median(p99) <= 0.3 and abs(np.median(bias)) <= 0.15, (p99, bias)
    assert np.median(corner) <= 0.6 and np.median(press) <= 0.6, (corner, press)
