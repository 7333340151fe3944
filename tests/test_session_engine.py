"""The session engine end to end without a window or a wall clock: a scripted practitioner runs
a routine through the pipeline and the recorder, and the window's summary of the session is
what ``report --json`` says about the file it left."""

import json
import math

import numpy as np
import pytest

from pressure import cli
from pressure.filters import default_filter
from pressure.recording import RecordingWriter, open_recording
from pressure.routine import get_routine, single_hold
from pressure.session.meta import session_meta
from pressure.session.pipeline import Pipeline
from pressure.session.scores import session_scores
from pressure.session.scripted import ManualClock, ScriptedSource

RATE = 1000.0
TICK_S = 0.1  # one display tick's worth of samples (the fake clock moves with the samples)


def run_practitioner(pipeline, source, seconds, rng, slope_n_per_s=20.0):
    """Press toward the current step's target (rest and release: let go) at a finite rate,
    with a little tremor; tick the pipeline after each tick's worth of samples."""
    value = 0.0
    n = int(round(TICK_S * RATE))
    for _ in range(int(round(seconds / TICK_S))):
        state = pipeline.state
        step = state.step if state is not None else None
        goal = step.target if step is not None and step.kind in ("ramp", "hold") and step.target else 0.0
        d = goal - value  # toward the goal at a finite rate, then stay there
        out = value + np.sign(d) * np.minimum(np.arange(1, n + 1) * slope_n_per_s / RATE, abs(d))
        value = float(out[-1])
        source.push(out + rng.normal(0.0, 0.05, n))
        pipeline.tick()
        if state is not None and state.finished:
            break


def report_json(path, capsys) -> dict:
    capsys.readouterr()
    assert cli.main(["report", str(path), "--json", "--no-reference"]) == 0
    return json.loads(capsys.readouterr().out)


def record(tmp_path, routine, name):
    path = tmp_path / name
    filt = default_filter()
    clock = ManualClock()
    source = ScriptedSource(clock, rate=RATE)
    writer = RecordingWriter(path, session_meta(routine=routine, filt=filt, unit=routine.unit,
                                                area_cm2=routine.area_cm2, source="simulator"))
    pipeline = Pipeline(source, routine, filt, recorder=writer, clock=clock)
    return path, source, pipeline


def assert_same_scores(live, report):
    assert report["score"] == pytest.approx(live.score, abs=1e-3)
    assert [s["score"] for s in report["steps"]] == pytest.approx([s.score for s in live.steps], abs=1e-3, nan_ok=True)
    assert report["holds_completed"] == live.holds_completed


def test_ischemic_routine_longer_than_the_plot_history_scores_whole(tmp_path, capsys):
    """The ischemic routine (~290 s) at 1000 samples/s is longer than the plot's history
    (2^18 samples): its first hold is scored from the whole session, and the summary the
    window shows equals the report of the recording."""
    routine = get_routine("ischemic")
    path, source, pipeline = record(tmp_path, routine, "ischemic.pressure")
    run_practitioner(pipeline, source, 400.0, np.random.default_rng(11))
    assert pipeline.state.finished
    assert pipeline.samples > pipeline.history.capacity  # the plot holds less than the session
    live = session_scores(pipeline)  # what the window's summary shows
    pipeline.close()
    holds = [s for s in live.steps if s.kind == "hold"]
    assert len(holds) == 3 and all(s.completed for s in holds)
    assert holds[0].score > 90  # scored from its start, not from where the plot's history begins
    assert len(open_recording(path)) == pipeline.samples
    assert_same_scores(live, report_json(path, capsys))


def test_each_run_of_a_routine_is_scored_live_and_in_the_report(tmp_path, capsys):
    first = single_hold(10.0, "10%", 3.0)
    path, source, pipeline = record(tmp_path, first, "runs.pressure")
    run_practitioner(pipeline, source, 2.0, np.random.default_rng(1))  # abandoned mid-hold
    pipeline.set_routine(single_hold(20.0, "10%", 3.0))
    run_practitioner(pipeline, source, 30.0, np.random.default_rng(2))
    live = session_scores(pipeline)
    pipeline.close()
    assert len(live.runs) == 2 and live.run_start_s > 2.0
    assert live.steps[0].target == pytest.approx(20.0) and live.holds_completed == 1
    report = report_json(path, capsys)
    assert_same_scores(live, report)
    assert len(report["runs"]) == 2
    assert report["runs"][1]["score"] == pytest.approx(live.score, abs=1e-3)
    if live.runs[0] is not None:
        assert report["runs"][0]["score"] == pytest.approx(live.runs[0].score, abs=1e-3)
    assert math.isfinite(report["run_start_s"])


def two_holds(target):
    from pressure.routine import Routine, Step

    return Routine(f"two holds at {target:g}", steps=(
        Step("hold", target=target, tolerance=1.0, duration=0.5),
        Step("hold", target=target, tolerance=1.0, duration=0.5, advance="key")))


def test_replay_of_a_changed_routine_runs_the_last_run(tmp_path):
    """A replay of a session whose routine changed runs the routine the file ends with from
    where that run began, with that run's key presses (issue 12: replay said "ROUTINE DONE"
    on a run the report did not score)."""
    from pressure.session.replay_setup import open_replay

    path, source, pipeline = record(tmp_path, two_holds(10.0), "replayed.pressure")
    run_practitioner(pipeline, source, 1.5, np.random.default_rng(3))
    pipeline.advance()
    run_practitioner(pipeline, source, 1.0, np.random.default_rng(4))
    pipeline.set_routine(two_holds(20.0))
    run_practitioner(pipeline, source, 3.0, np.random.default_rng(5))
    pipeline.advance()
    run_practitioner(pipeline, source, 1.5, np.random.default_rng(6))
    live_starts = [e.t for e in pipeline.runs[-1].coach.events if e.kind == "step_start"]
    assert pipeline.state.finished
    pipeline.close()
    replay = open_replay(path, playing=False, clock=ManualClock())
    replay.analysis.run()
    replayed = [e.t for e in replay.analysis.coach.events if e.kind == "step_start"]
    assert replayed == pytest.approx(live_starts, abs=0.01)
