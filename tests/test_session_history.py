"""The plot histories: bounded, contiguous views, and a decimated overview that keeps extremes."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from pressure.session.history import OverviewHistory, TraceHistory


@settings(max_examples=60, deadline=None)
@given(capacity=st.integers(1, 50), chunks=st.lists(st.integers(0, 120), max_size=25))
def test_trace_keeps_newest_samples_in_order(capacity, chunks):
    h = TraceHistory(capacity)
    everything = []
    n = 0
    for size in chunks:
        t = np.arange(n, n + size, dtype=float)
        n += size
        everything.extend(t)
        h.append(t, t * 2, t * 3)
    t, raw, smooth = h.window(-np.inf)
    expected = np.array(everything[-capacity:]) if everything else np.zeros(0)
    np.testing.assert_array_equal(t, expected)
    np.testing.assert_array_equal(raw, expected * 2)
    np.testing.assert_array_equal(smooth, expected * 3)


def test_trace_window_is_a_view_with_one_sample_margin():
    h = TraceHistory(100)
    t = np.arange(50) * 0.1
    h.append(t, t, t)
    wt, _, _ = h.window(2.0, 3.0)
    assert wt[0] < 2.0 and wt[-1] > 3.0
    assert np.all((wt[1:-1] >= 2.0 - 1e-9) & (wt[1:-1] <= 3.0 + 1e-9))
    assert wt.base is not None  # a view into the preallocated store, not a copy


def test_trace_scale_converts_values_not_time():
    h = TraceHistory(10)
    h.append(np.arange(5.0), np.ones(5), np.full(5, 2.0))
    h.scale(0.5)
    t, raw, smooth = h.window(-np.inf)
    np.testing.assert_array_equal(t, np.arange(5.0))
    assert raw.tolist() == [0.5] * 5 and smooth.tolist() == [1.0] * 5


def test_overview_keeps_min_and_max_of_a_long_session_with_bounded_buckets():
    ov = OverviewHistory(bucket_seconds=0.01, max_buckets=64)
    rng = np.random.default_rng(1)
    t = np.arange(200_000) / 1000.0  # 200 s at 1 kHz: far more than 64 buckets of 10 ms
    y = rng.normal(size=t.size)
    y[123_456] = 50.0  # a single spike must survive the decimation
    for chunk in np.array_split(np.arange(t.size), 97):
        ov.append(t[chunk], y[chunk])
    x, yy = ov.curve()
    assert len(ov) <= 64
    assert yy.max() == 50.0 and yy.min() == y.min()
    assert x[0] >= 0 and x[-1] <= t[-1] + ov.bucket_seconds
    assert np.all(np.diff(x) >= 0)


def test_overview_rejects_odd_bucket_counts():
    with pytest.raises(ValueError):
        OverviewHistory(max_buckets=3)


def test_peak_decimator_keeps_extremes_and_bounds_points():
    from pressure.session.history import PeakDecimator

    rng = np.random.default_rng(3)
    x = np.arange(30_000) / 1000.0
    y = rng.normal(size=x.size)
    y[12_345], y[20_001] = 40.0, -40.0
    dx, dy = PeakDecimator().reduce(x, y, 800)
    assert len(dx) <= 2 * 800 + 2 * 64
    assert dy.max() == 40.0 and dy.min() == -40.0
    assert np.all(np.diff(dx) >= 0) and dx[0] == x[0] and dx[-1] == x[-1]


def test_peak_decimator_buckets_do_not_move_while_scrolling():
    from pressure.session.history import PeakDecimator

    rng = np.random.default_rng(4)
    x = np.arange(40_000) / 1000.0
    y = rng.normal(size=x.size)
    dec = PeakDecimator()
    a = dict(zip(*[v.copy() for v in dec.reduce(x[1000:31000], y[1000:31000], 500, first_index=1000)]))
    b = dict(zip(*[v.copy() for v in dec.reduce(x[1003:31003], y[1003:31003], 500, first_index=1003)]))
    common = sorted(set(a) & set(b))[10:-10]  # away from the partial buckets at the ends
    assert len(common) > 100
    assert all(a[k] == b[k] for k in common)


def test_peak_decimator_tolerates_nan_without_warnings():
    from pressure.session.history import PeakDecimator

    y = np.full(20_000, np.nan)
    y[5000:] = 1.0
    _, dy = PeakDecimator().reduce(np.arange(20_000.0), y, 200)
    assert np.isnan(dy[:10]).all() and np.nanmax(dy) == 1.0


def test_peak_decimator_reuses_buckets_and_draws_what_a_fresh_one_draws():
    """Scrolling with the history's version: every frame equals a full recomputation, while the
    whole buckets of earlier frames are reused (only a few are reduced again per frame)."""
    from pressure.session.history import PeakDecimator, TraceHistory

    rng = np.random.default_rng(5)
    history = TraceHistory(1 << 16)
    kept, fresh = PeakDecimator(), PeakDecimator()
    t0, reduced = 0.0, []
    for frame in range(400):
        n = int(rng.integers(0, 40))
        t = t0 + np.arange(1, n + 1) / 1000.0
        t0 = t[-1] if n else t0
        y = rng.normal(size=n)
        y[rng.random(n) < 0.01] = np.nan
        history.append(t, y, y)
        if frame == 250:
            history.scale(2.0)  # a change of unit: every stored value changes
        if frame % 100 == 0:  # now and then another window length or plot width
            seconds, columns = float(rng.choice([2.0, 5.0])), int(rng.choice([300, 301, 700]))
        view_t, view_y, _ = history.window(t0 - seconds)
        first = history.last_window_index
        a = kept.reduce(view_t, view_y, columns, first, history.version)
        b = fresh.reduce(view_t, view_y, columns, first)
        np.testing.assert_array_equal(a[0], b[0])
        np.testing.assert_array_equal(a[1], b[1])
        reduced.append(kept._b1 - kept._b0)
    assert max(reduced) > 100  # the windows were long enough to have many whole buckets


def test_peak_decimator_computes_only_the_new_buckets(monkeypatch):
    from pressure.session import history as module

    x = np.arange(40_000) / 1000.0
    y = np.sin(x)
    dec = module.PeakDecimator()
    dec.reduce(x[0:30_000], y[0:30_000], 500, 0, version=7)
    seen = []
    real = np.fmin.reduce

    class Counting:
        def __getattr__(self, name):
            return getattr(np, name)

        class fmin:  # noqa: N801 - stands in for np.fmin
            @staticmethod
            def reduce(a, axis=None):
                seen.append(a.shape[0])
                return real(a, axis=axis)

    monkeypatch.setattr(module, "np", Counting())
    dec.reduce(x[100:30_100], y[100:30_100], 500, 100, version=7)
    assert seen and sum(seen) <= 2  # 100 new samples: one or two new buckets of 64
    seen.clear()
    dec.reduce(x[100:30_100], y[100:30_100], 500, 100, version=8)  # the samples changed
    assert sum(seen) > 400  # everything again


def test_trace_history_notes_missing_samples_by_the_scores_rule():
    from pressure.session.gaps import GapFinder

    h = TraceHistory(10_000)
    t = np.arange(1, 501) / 100.0  # 100 S/s to 5 s, then 3.5 s without samples
    after = t[-1] + 3.5 + np.arange(1, 301) / 100.0
    for chunk in np.array_split(np.concatenate((t, after)), 97):  # ticks of a few samples
        h.append(chunk, chunk, chunk)
    assert h.gaps() == pytest.approx([after[0]])
    assert h.gaps(0.0, 8.0).size == 0 and h.gaps(8.0, 9.0).size == 1
    # 0.2 s at 100 S/s is more than 5 intervals but within GAP_S: not missing data
    g = GapFinder()
    assert g.find(np.arange(100) / 100.0).size == 0
    assert g.find(np.array([0.99 + 0.2, 1.2, 1.21 + 0.3])).tolist() == [2]
    # a slow sensor (2 S/s) gets its own limit: 5 intervals
    g = GapFinder()
    assert g.find(np.arange(40) * 0.5).size == 0
    assert g.find(np.array([19.5 + 2.0, 19.5 + 2.5 + 3.0])).tolist() == [1]
    h.clear()
    assert h.gaps().size == 0


def test_trace_history_forgets_gaps_it_no_longer_holds():
    h = TraceHistory(100)
    h.append(np.array([0.0, 0.01, 0.02]), np.zeros(3), np.zeros(3))
    h.append(np.array([5.0, 5.01]), np.zeros(2), np.zeros(2))
    assert h.gaps().tolist() == [5.0]
    for k in range(3):
        t = 6.0 + k + np.arange(100) / 100.0
        h.append(t, t, t)
    assert h.gaps().size == 0


def test_overview_breaks_where_samples_are_missing_even_after_merging():
    o = OverviewHistory(bucket_seconds=0.05, max_buckets=64)
    t = np.arange(0, 5, 0.01)
    o.append(t, np.full(t.size, 4.0))
    o.append(t + 8.5, np.full(t.size, 12.0))  # 3.5 s missing; merged to 0.4 s buckets by now
    x, y = o.curve()
    holes = np.flatnonzero(np.isnan(y))
    assert holes.size == 1
    half = o.bucket_seconds / 2  # points sit at bucket centres
    assert x[holes[0] - 1] <= 5.0 + half and x[holes[0] + 1] >= 8.5 - half
    finite = np.isfinite(y)
    assert set(y[finite]) == {4.0, 12.0}
    plain = OverviewHistory()
    plain.append(t, t)
    assert np.isfinite(plain.curve()[1]).all()
