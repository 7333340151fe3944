"""The one gap rule's tracker against a plain sample-by-sample reading of its definition, however
the samples are chunked (the tracker computes whole arrays at once; the rule is per sample)."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from pressure.gaprule import GAP_FACTOR, GAP_MIN_S, IntervalTracker

EARLY = (1, 2, 3, 4, 6, 8, 12, 16)


def reference_limits(t, hint=None):
    """The docstring's rule, one sample at a time: a sample's limit comes from earlier intervals
    only; the typical interval is the lower median of the newest 32 positive intervals, taken
    again after the 1st..4th, 6th, 8th, 12th, 16th and every 16th positive interval."""
    limit = max(GAP_MIN_S, GAP_FACTOR * (1.0 if hint is None else hint))
    seen, out, last = [], [], math.nan
    for x in t:
        out.append(limit)
        d = x - last
        last = x
        if d > 0:
            seen.append(d)
            n = len(seen)
            if n in EARLY or (n > 16 and n % 16 == 0):
                recent = sorted(seen[-32:])
                limit = max(GAP_MIN_S, GAP_FACTOR * recent[(len(recent) - 1) // 2])
    return np.array(out)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([0.0, 0.001, 0.0125, 0.125, 0.5, 2.0, 30.0]), min_size=1, max_size=300),
       st.lists(st.integers(1, 70), min_size=1, max_size=20),
       st.sampled_from([None, 0.01, 1.0]))
def test_limits_follow_the_rule_however_chunked(steps, cuts, hint):
    t = np.cumsum(steps)
    tracker = IntervalTracker(hint)
    got, i, k = [], 0, 0
    while i < t.size:
        n = cuts[k % len(cuts)]
        got.append(tracker.limits(t[i:i + n]))
        i, k = i + n, k + 1
    np.testing.assert_array_equal(np.concatenate(got), reference_limits(t, hint))


def test_an_hour_at_1000_per_second_in_one_call():
    """A 1-hour recording is opened in one call (replay, reports): every sample judged, no gap."""
    t = np.arange(3_600_000) / 1000.0
    t[2_000_000:] += 1.0  # one second missing
    tracker = IntervalTracker()
    gaps = tracker.gaps(t)
    assert np.flatnonzero(gaps).tolist() == [2_000_000]
    assert tracker.limit == GAP_MIN_S
