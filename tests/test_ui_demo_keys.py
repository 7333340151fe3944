"""The demo's simulated practitioner presses the keys: every built-in routine runs through."""

from __future__ import annotations

import numpy as np
import pytest

from firmware_sim.model import make_profile
from pressure.filters import make_filter
from pressure.routine import BUILTIN_ROUTINES
from pressure.samples import from_unit
from pressure.session.live import sim_practitioner_for
from pressure.ui.audio import Silent
from pressure.ui.demo_keys import SIMULATOR_NAME, install_demo_keys
from pressure.ui.main_window import MainWindow
from pressure.session.pipeline import Pipeline
from pressure.session.scripted import ManualClock, ScriptedSource


def demo_window(qtbot, routine, sensor=SIMULATOR_NAME):
    clock = ManualClock()
    source = ScriptedSource(clock)
    source.sensor = sensor
    window = MainWindow(Pipeline(source, routine, make_filter("none"), clock=clock), audio=Silent("test"),
                        window_seconds=20.0)
    qtbot.addWidget(window)
    window.timer.stop()  # a fast clock: the test ticks the window itself, one frame per chunk
    spec = sim_practitioner_for(routine)  # the practitioner the demo's simulator is given
    profile = make_profile(spec.profile, target_n=spec.target_n, rest_s=spec.rest_s)
    return window, source, profile, install_demo_keys(window)


def run(window, source, profile, seconds, chunk=0.1):
    while source.t < seconds:
        t = source.t + np.arange(1, int(chunk * source.rate) + 1) / source.rate
        source.push(profile.force(t))
        window._tick()
        state = window.pipeline.coach.state
        if state.finished:
            return state
    return window.pipeline.coach.state


@pytest.mark.parametrize("name", sorted(BUILTIN_ROUTINES))
def test_every_builtin_routine_runs_through_in_the_demo(qtbot, name):
    routine = BUILTIN_ROUTINES[name]
    window, source, profile, demo = demo_window(qtbot, routine)
    state = run(window, source, profile, seconds=900.0)
    assert state.finished, f"{name} stuck at step {state.step_index} after {source.t:.0f} s"
    kinds = [e.kind for e in window.pipeline.coach.events]
    assert "routine_done" in kinds
    if name == "ppt":  # three trials, each started with Space and marked near the simulated threshold
        assert [a for _, a in demo.pressed].count("threshold") == 3
        assert [a for _, a in demo.pressed].count("advance") == 3
        felt = from_unit(np.array(state.thresholds), routine.unit, routine.area_cm2)
        assert np.all((felt > 0.8 * 36.0) & (felt < 44.0 * 1.01))
    else:
        assert demo.pressed == []  # nothing waits for a key: the demo presses none


def test_no_keys_pressed_on_a_real_sensor(qtbot):
    routine = BUILTIN_ROUTINES["ppt"]
    window, source, profile, demo = demo_window(qtbot, routine, sensor="/dev/ttyUSB0")
    state = run(window, source, profile, seconds=30.0)
    assert demo.pressed == [] and state.waiting_for_key and state.step_index == 0
