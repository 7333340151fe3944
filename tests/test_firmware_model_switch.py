"""The simulated practitioner follows the routine: PPT trials rest as long as the routine says,
and a profile switched mid-session starts afresh then, blending from the old force."""

from __future__ import annotations

import numpy as np
import pytest

from firmware_sim.firmware import Firmware
from firmware_sim.model import PPT, Switched, make_profile
from pressure.errors import PressureError

FS = 200.0


def _t(seconds, start=0.0):
    return start + np.arange(int(seconds * FS)) / FS


def _runs(mask):
    edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(np.int8), [0]])))
    return list(zip(edges[::2], edges[1::2]))


@pytest.mark.parametrize("rest_s", [0.0, 30.0, 55.5])
def test_ppt_rests_at_least_rest_s_between_trials(rest_s):
    model = make_profile("ppt", seed=3, rest_s=rest_s)
    f = model.force(_t(model.period * 2))
    trials = _runs(f > 0.01)
    assert len(trials) == 6
    gaps = [(b2 - a1) / FS for (_, a1), (b2, _) in zip(trials, trials[1:])]
    assert min(gaps) >= max(rest_s, PPT.LEAD_S) - 0.05  # still from one release to the next press
    assert max(gaps) <= max(rest_s, PPT.LEAD_S) + 2.0  # ... not much longer (the ramps vary)
    peaks = [f[a:b].max() for a, b in trials]
    assert np.allclose(peaks[:3], model.thresholds(0), rtol=0.02)


def test_rest_is_only_for_ppt_and_must_be_sane():
    with pytest.raises(PressureError, match="only ppt"):
        make_profile("hold", rest_s=30.0)
    for bad in (-1.0, float("nan"), 1e9):
        with pytest.raises(PressureError, match="rest between PPT trials"):
            make_profile("ppt", rest_s=bad)


def test_switched_profile_starts_afresh_at_the_switch_and_blends_in():
    before, after = make_profile("steady", seed=1, target_n=30.0), make_profile("trapezoid", seed=1)
    t0 = 20.0  # mid hold of the steady profile
    model = Switched(before, after, t0)
    t = _t(60.0)
    f = model.force(t)
    early, late = t < t0, t >= t0 + Switched.BLEND_S
    assert np.array_equal(f[early], before.force(t[early]))
    assert np.array_equal(f[late], after.force(t[late] - t0))
    blend = f[(t >= t0) & (t < t0 + Switched.BLEND_S)]
    assert np.max(np.abs(np.diff(blend))) < 1.0  # no jump from 30 N to the new profile's 0 N
    # chunked the same whatever order: still a pure function of t
    assert np.array_equal(np.concatenate([model.force(t[:4000]), model.force(t[4000:])]), f)


def test_firmware_switches_profile_at_its_device_time():
    fw = Firmware(profile="steady", rate=100, seed=2, target_n=30.0)
    fw.emit_until(25.0)
    fw.switch_profile("ppt", target_n=30.0, rest_s=30.0)
    assert fw.profile == "ppt"
    assert fw.true_force(np.array([24.0]))[0] > 25.0  # what was emitted keeps its force
    assert fw.true_force(np.array([25.0 + Switched.BLEND_S + 1.0]))[0] == 0.0  # the PPT lead: still
    with pytest.raises(PressureError):
        fw.switch_profile("karate")
