"""The demo's simulated practitioner follows the routine: the simulator's profile is made from
the routine (PPT trials rest while the routine rests), it changes when the routine changes, and
a threshold is marked only where a trial's ramp turns back. Qt-free: the pipeline is fed the
simulated firmware's true force and the demo practitioner presses the pipeline's keys."""

from __future__ import annotations

import numpy as np
import pytest

from firmware_sim.firmware import Firmware
from pressure.coach import Coach
from pressure.demo_practitioner import ADVANCE, THRESHOLD, DemoPractitioner
from pressure.filters import make_filter
from pressure.routine import BUILTIN_ROUTINES
from pressure.samples import from_unit
from pressure.session.live import PRESS_AFTER_REST_S, SimFollower, sim_practitioner_for
from pressure.session.pipeline import Pipeline
from pressure.session.scripted import ManualClock, ScriptedSource

RATE = 100.0
CHUNK_S = 0.05  # a frame every 50 ms


def demo_session(routine, seed=4, rest_s="routine"):
    spec = sim_practitioner_for(routine)
    fw = Firmware(profile=spec.profile, rate=RATE, seed=seed, target_n=spec.target_n,
                  rest_s=spec.rest_s if rest_s == "routine" else rest_s)
    clock = ManualClock()
    source = ScriptedSource(clock, rate=RATE)
    pipeline = Pipeline(source, routine, make_filter("none"), clock=clock)
    return fw, source, pipeline


def run(fw, source, pipeline, until_s, log):
    """Frames until ``until_s`` (or the routine's end); the demo presses the keys. ``log`` gets
    (step kind or None, waiting, the chunk's largest true force in N, step time) per frame."""
    demo = DemoPractitioner(pipeline.routine)
    routine = pipeline.routine
    n = int(round(CHUNK_S * RATE))
    while source.t < until_s:
        if pipeline.routine is not routine:  # the window makes a new one on a routine change
            routine, demo = pipeline.routine, DemoPractitioner(pipeline.routine)
        t = source.t + np.arange(1, n + 1) / RATE
        fw.emit_until(t[-1])
        force = fw.true_force(t)
        source.push(force)
        frame = pipeline.tick()
        state = frame.state
        kind = None if state is None or state.step is None else state.step.kind
        log.append((kind, bool(state and state.waiting_for_key), float(force.max()),
                    0.0 if state is None else state.step_elapsed))
        action = demo.act(state)
        if action == ADVANCE:
            pipeline.advance()
        elif action == THRESHOLD:
            assert pipeline.mark_threshold()
        if state is not None and state.finished:
            break
    return pipeline.state


def test_ppt_profile_rests_as_long_as_the_routine_rests():
    spec = sim_practitioner_for(BUILTIN_ROUTINES["ppt"])
    assert spec.profile == "ppt" and spec.rest_s == pytest.approx(30.0 + PRESS_AFTER_REST_S)
    assert sim_practitioner_for(BUILTIN_ROUTINES["ischemic"]).rest_s is None


def test_scripted_ppt_demo_rests_in_rest_steps_and_marks_every_trial():
    routine = BUILTIN_ROUTINES["ppt"]
    fw, source, pipeline = demo_session(routine)
    log = []
    state = run(fw, source, pipeline, 600.0, log)
    assert state.finished and len(state.thresholds) == 3
    felt = from_unit(np.array(state.thresholds), routine.unit, routine.area_cm2)
    assert felt == pytest.approx(fw.model.thresholds(0), rel=0.1)  # where the patient felt pain (a frame after it)
    # the rest begins as the release ends (below 10 % of the threshold), then nothing is pressed
    resting = [f for kind, waiting, f, elapsed in log if kind == "rest" and not waiting and elapsed > 0.5]
    assert len(resting) > 3 * 25.0 / CHUNK_S  # the three 30 s rests were seen ...
    assert max(resting) < 0.5  # ... and nothing was pressed in them
    # and a trial is not left waiting: the press begins soon after the key starts it
    first_press = {}
    for i, (kind, waiting, f, elapsed) in enumerate(log):
        if kind == "threshold" and not waiting and f > 1.0:
            first_press.setdefault(sum(1 for k, w, *_ in log[:i] if k == "threshold" and w), elapsed)
    assert len(first_press) == 3 and max(first_press.values()) < 3.5


def test_the_old_20_s_trials_pressed_during_the_routines_rest():
    """The same run with the profile's old fixed 20 s trials: the check above can fail."""
    fw, source, pipeline = demo_session(BUILTIN_ROUTINES["ppt"], rest_s=None)
    log = []
    run(fw, source, pipeline, 600.0, log)
    assert max(f for kind, waiting, f, elapsed in log if kind == "rest" and elapsed > 0.5) > 10.0


def test_a_routine_change_mid_session_changes_the_simulated_practitioner():
    """Routine > PPT in the middle of an ischemic hold: the practitioner runs PPT trials from
    then on, and every threshold is where a PPT trial turned back (never a hold's 30 N)."""
    fw, source, pipeline = demo_session(BUILTIN_ROUTINES["ischemic"])
    pipeline.subscribe(SimFollower(pipeline, fw).on_frame)
    log = []
    run(fw, source, pipeline, 40.0, log)  # mid first hold, near 30 N
    assert log[-1][0] == "hold" and log[-1][2] > 25.0
    ppt = BUILTIN_ROUTINES["ppt"]
    pipeline.set_routine(ppt)
    state = run(fw, source, pipeline, 700.0, log)
    assert fw.profile == "ppt"
    assert state.finished and len(state.thresholds) == 3
    felt = from_unit(np.array(state.thresholds), ppt.unit, ppt.area_cm2)
    assert felt == pytest.approx(fw.model.after.thresholds(0), rel=0.1)


def test_a_drifting_hold_is_never_marked_as_a_threshold():
    """The defect seen: a PPT trial started while the (ischemic) practitioner held 30 N; the
    hold drifted 3 % and the demo marked a 29.9 N threshold."""
    routine = BUILTIN_ROUTINES["ppt"].converted("N", None)
    model = Firmware(profile="ischemic", rate=RATE, seed=2, target_n=30.0).model
    coach, demo = Coach(routine), DemoPractitioner(routine)
    t0 = 10.0  # a second into the first 60 s hold
    for k in range(int(60.0 / CHUNK_S)):
        t = t0 + k * CHUNK_S + np.arange(1, 6) / RATE
        action = demo.act(coach.update(t, model.force(t)))
        if action == ADVANCE:
            coach.advance(t[-1])
        assert action != THRESHOLD, f"marked {coach.state.value:.1f} N at {t[-1]:.1f} s"
    assert coach.state.step.kind == "threshold" and coach.state.thresholds == ()


def test_restarting_the_routine_restarts_the_practitioner():
    fw, source, pipeline = demo_session(BUILTIN_ROUTINES["steady"])
    pipeline.subscribe(SimFollower(pipeline, fw).on_frame)
    run(fw, source, pipeline, 10.0, [])  # mid the first hold
    assert fw.profile == "steady" and not hasattr(fw.model, "t0")
    pipeline.set_routine(pipeline.routine)  # Routine > Restart routine: the same routine object
    run(fw, source, pipeline, 12.0, [])
    assert fw.model.t0 == pytest.approx(10.0, abs=CHUNK_S + 1e-9) and fw.profile == "steady"
