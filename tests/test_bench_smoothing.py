"""The smoothing benchmark's definitions, and its pty path against in-process filtering."""

import numpy as np
import pytest

from pressure.benchmarks import smoothing
from pressure.filters import make_filter


@pytest.mark.parametrize("rate", [1000.0, 80.0])
def test_a_readout_delayed_by_20_ms_has_a_ramp_lag_of_20_ms_and_no_overshoot(rate):
    t, f = smoothing.known_force(rate)
    late = np.interp(t - 0.020, t, f)  # exactly the true force, 20 ms late
    fig = smoothing.figures(t, late, f)
    assert fig["ramp_lag_ms"] == pytest.approx(20.0, abs=0.01)
    assert fig["hold_p99_n"] == pytest.approx(0.0, abs=1e-9)
    assert fig["bias_n"] == pytest.approx(0.0, abs=1e-9)
    assert fig["corner_overshoot_n"] <= 1e-9 and fig["press_overshoot_n"] <= 1e-9


def test_offset_and_overshoot_are_measured_in_newtons():
    t, f = smoothing.known_force(80.0)
    y = f + 0.1
    y[(t >= smoothing.PRESS_S + 0.1) & (t < smoothing.PRESS_S + 0.2)] += 0.5  # a bump after the press
    fig = smoothing.figures(t, y, f)
    assert fig["bias_n"] == pytest.approx(0.1)
    assert fig["hold_p99_n"] == pytest.approx(0.1)
    assert fig["ramp_lag_ms"] == pytest.approx(-20.0)  # 0.1 N ahead of a 5 N/s ramp
    assert fig["corner_overshoot_n"] == pytest.approx(0.1)
    assert fig["press_overshoot_n"] == pytest.approx(0.6)


def test_the_pty_run_filters_what_was_sent():
    """Through the pty, the reader and the ring buffer's chunks, each filter's readout is the
    one the same filter gives on the sent samples at once (to the ADC's rounding)."""
    t, x, f = smoothing.noisy(80.0, seed=7)
    got_t, outs = smoothing.through_pty(t, x)
    np.testing.assert_allclose(got_t - got_t[0], t, atol=2e-6)
    for name, y in outs.items():
        np.testing.assert_allclose(y, make_filter(name).process(t, x), atol=1e-3)
