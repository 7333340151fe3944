"""A zero that cannot be silently wrong, without a window: the steady rule, a tare refused on a
disconnected or silent sensor, the at-rest watch, no in-band cue below zero, a tare without a
value never stopping the recording, the recorder's failures reported, zero-suspect scores."""

from __future__ import annotations

import math

import numpy as np
import pytest

from pressure.errors import PressureError
from pressure.filters import make_filter
from pressure.recording import RecordingWriter, open_recording
from pressure.routine import Routine, Step, single_hold
from pressure.session.pipeline import Pipeline
from pressure.session.scripted import ManualClock, ScriptedSource
from pressure.session.zero_watch import ZeroWatch, tare_reading
from pressure.zero import NotSteady, full_scale, scale_warning, steady_mean

from failing_writer import FailingWriter

RATE = 100.0


def make(routine=None, recorder=None):
    clock = ManualClock()
    source = ScriptedSource(clock, rate=RATE)
    pipeline = Pipeline(source, routine or single_hold(30.0, "10%", 60.0, ceiling=60.0), make_filter("none"),
                        recorder=recorder, clock=clock)
    return pipeline, source, clock


def test_steady_mean_takes_a_still_reading_and_refuses_a_ramp():
    t = np.arange(0, 2, 0.01)
    still = 1000.0 + np.random.default_rng(1).normal(0, 0.001, t.size)  # a few mN of board noise
    assert steady_mean(t, still, still, range_n=45.0) == pytest.approx(1000.0, abs=0.01)
    ramp = 10.0 * t  # the simulator's practitioner pressing at 10 N/s
    with pytest.raises(NotSteady, match="moving"):
        steady_mean(t, ramp, ramp, range_n=45.0)
    with pytest.raises(NotSteady, match="no reading"):
        steady_mean([], [], [], range_n=45.0)


def test_a_slow_gauge_is_measured_on_its_last_three_samples():
    t = np.array([0.0, 1.0, 2.0, 3.0])  # 1 sample/s: none but the last in 0.5 s
    v = np.array([5.0, 0.0, 0.0, 0.0])
    assert steady_mean(t, v, v, range_n=45.0) == 0.0
    v2 = np.array([0.0, 0.0, 5.0, 0.0])
    with pytest.raises(NotSteady):
        steady_mean(t, v2, v2, range_n=45.0)


def test_tare_reading_refuses_a_disconnected_or_silent_sensor_and_a_ramp():
    pipeline, source, clock = make()
    with pytest.raises(NotSteady, match="no reading"):
        tare_reading(pipeline, 66.0)
    source.push([0.1], seconds=1.0)
    pipeline.tick()
    assert tare_reading(pipeline, 66.0) == pytest.approx(0.1)
    clock.now += 1.0  # a second without samples: the last values are not what it reads now
    with pytest.raises(NotSteady, match="no reading from the sensor for 1.0 s"):
        tare_reading(pipeline, 66.0)
    source.connected = False
    with pytest.raises(NotSteady, match="disconnected"):
        tare_reading(pipeline, 66.0)
    source.connected = True
    source.push(np.linspace(0.0, 10.0, 100))  # 10 N/s
    pipeline.tick()
    with pytest.raises(NotSteady, match="moving"):
        tare_reading(pipeline, 66.0)


def test_a_slow_gauge_is_fresh_for_a_few_of_its_intervals():
    pipeline, source, clock = make()
    source.rate = 1.0  # a gauge polled once a second
    source.push([0.0, 0.0, 0.0, 0.0, 0.0])
    pipeline.tick()
    clock.now += 0.9  # its next sample is not due yet: not stale
    assert tare_reading(pipeline, 66.0) == 0.0
    clock.now += 3.0
    with pytest.raises(NotSteady, match="no reading from the sensor for 3.9 s"):
        tare_reading(pipeline, 66.0)


def test_a_scale_far_from_the_device_or_the_previous_one_asks():
    device = 1 / 8560.0
    assert scale_warning(device * 1.1, device, device) is None
    text = scale_warning(device * 2.3, device, None)
    assert text and "2.30x the device's own" in text
    assert "previous" in scale_warning(device, None, device / 2)


def test_the_zero_watch_warns_after_two_seconds_at_rest_only():
    rest = Routine("rest", steps=(Step("rest", duration=60.0),), unit="N")
    pipeline, source, clock = make(rest)
    watch = ZeroWatch()
    top = full_scale(single_hold(30.0, "10%", 60.0, ceiling=60.0))
    seen = []
    for _ in range(25):  # 2.5 s of -29.4 N in 0.1 s ticks
        source.push([-29.4], seconds=0.1)
        frame = pipeline.tick()
        seen.append((frame.t, watch.update(frame.t, frame.value, frame.state, top, "N")))
    early = [m for t, m in seen if t < 1.95]
    late = [m for t, m in seen if t > 2.05]
    assert not any(early)
    assert late and all(m == "reads -29.4 N at rest: re-tare (T)" for m in late)
    # pressing during a hold is not "at rest"
    hold_pipeline, hold_source, _ = make()
    hold_source.push([30.0], seconds=3.0)
    frame = hold_pipeline.tick()
    assert frame.state.step.kind in ("hold", "ramp")
    assert watch.update(frame.t, frame.value, frame.state, top, "N") == ""


def test_a_value_below_zero_never_gets_an_in_band_cue():
    """A threshold trial at its cap says HOLD whatever the value: at -292 kPa it must not."""
    ppt = Routine("ppt", steps=(Step("threshold", rate=50.0, target=100.0),), unit="kPa", area_cm2=1.0)
    pipeline, source, clock = make(ppt)
    source.push([-29.2], seconds=3.0)  # -292 kPa on 1 cm2, past the pacer's cap (2 s)
    frame = pipeline.tick()
    assert frame.value == pytest.approx(-292.0)
    assert frame.state.cue not in ("hold", "press", "ease")
    assert frame.state.cue == "check_zero"
    source.push([3.0], seconds=0.5)  # a real press: the coach's own cue again
    assert pipeline.tick().state.cue == "hold"


def test_a_tare_without_a_value_never_stops_the_recording(tmp_path):
    path = tmp_path / "s.pressure"
    pipeline, source, clock = make(recorder=RecordingWriter(path, {"unit": "N"}))
    source.push([0.1], seconds=0.5)
    pipeline.tick()
    pipeline.note_tare(math.nan)  # a source that keeps no calibration gives no zero
    source.push([0.2], seconds=0.25)
    pipeline.tick()
    assert pipeline.recorder.sync()
    pipeline.tick()
    assert pipeline.recorder_error == "" and pipeline.recorder is not None
    pipeline.note_tare(None)
    source.push([0.2], seconds=0.25)
    pipeline.tick()
    assert pipeline.recorder.sync()
    pipeline.tick()
    assert pipeline.recorder_error == "" and pipeline.recorder is not None
    pipeline.close()
    rec = open_recording(path)
    assert len(rec) == 100
    tares = [e for e in rec.events if e.kind == "tare"]
    assert len(tares) == 2 and all(not (e.data or {}).get("zero") for e in tares)


def test_an_error_in_the_recorders_thread_reaches_the_session():
    pipeline, source, clock = make(recorder=FailingWriter())
    recorder = pipeline.recorder
    source.push([1.0], seconds=0.2)
    recorder.sync(2.0)
    pipeline.tick()
    assert "boom in the writer" in recorder.error
    assert "boom in the writer" in pipeline.recorder_error
    pipeline.close()


def test_scores_say_the_zero_is_suspect_instead_of_a_huge_cv():
    from pressure.scoring import score_trace

    routine = single_hold(30.0, "10%", 10.0)
    t = np.arange(0, 20, 0.01)
    rng = np.random.default_rng(3)
    # pressed to 30 N and held 3 s, then T was pressed twice under load (the zero moved 30 N)
    # and the hand let go: the rest of the session reads -30 N
    value = np.where(t < 3, 10 * t, np.where(t < 6, 30.0, -30.0)) + rng.normal(0, 0.3, t.size)
    scores = score_trace(t, value, routine)
    assert scores.zero_suspect and "zero suspect" in scores.zero_suspect
    assert all(s.metrics.get("cv_pct") is None or not math.isfinite(s.metrics["cv_pct"]) for s in scores.holds)
    assert scores.to_dict()["zero_suspect"] == scores.zero_suspect
    good = score_trace(t, np.minimum(t * 10, 30.0) + rng.normal(0, 0.2, t.size), routine)
    assert good.zero_suspect is None


def test_record_exits_1_when_its_recorder_fails(tmp_path, capsys, monkeypatch):
    from firmware_sim.host import start_builtin_simulator
    from pressure.cli import main
    from pressure.recording import writer as writer_module

    def boom(self, block):
        raise RuntimeError("boom in append")

    monkeypatch.setattr(writer_module.RecordingWriter, "append", boom)
    host = start_builtin_simulator(profile="hold", rate=500, seed=3)
    try:
        rc = main(["record", "--port", host.url, "--seconds", "3", "--out", str(tmp_path / "r.pressure")])
    finally:
        host.stop()
    err = capsys.readouterr().err
    assert rc == 1
    assert "pressure: error: recording failed: boom in append" in err
    assert "Traceback" not in err


def test_calibration_keeps_its_date_and_reads_files_without_one(tmp_path):
    import json

    from pressure.calibration import Calibration, CalibrationStore

    store = CalibrationStore(tmp_path / "calibrations.json")
    store.save(Calibration(sensor_id="a", zero=1.0, scale=0.5).tared(2.0))
    assert store.load("a").created  # an ISO time
    doc = json.loads(store.path.read_text())
    del doc["sensors"]["a"]["created"]  # as an older program wrote it
    store.path.write_text(json.dumps(doc))
    assert store.load("a").created == "" and store.load("a").zero == 2.0
    with pytest.raises(PressureError):
        Calibration(sensor_id="a", created=5)


def test_the_live_score_panel_gives_no_cv_for_a_hold_read_below_zero():
    from pressure.coach import Coach
    from pressure.scoring import LiveScorer

    routine = single_hold(30.0, "10%", 20.0)
    t = np.arange(0.01, 8, 0.01)  # the hold's mean stays above zero: its CV is a number

    def live_cv(value):
        coach, scorer = Coach(routine), LiveScorer(routine)
        for a in range(0, t.size, 10):  # ticks of 0.1 s
            state = coach.update(t[a:a + 10], value[a:a + 10])
            numbers = scorer.update(t[a:a + 10], value[a:a + 10], state)
        return numbers.cv_pct

    rng = np.random.default_rng(5)
    good = np.where(t < 3, 10 * t, 30.0) + rng.normal(0, 0.2, t.size)
    assert live_cv(good) is not None and live_cv(good) < 5
    wrong = np.where(t < 3, 10 * t, np.where(t < 6, 30.0, -30.0)) + rng.normal(0, 0.2, t.size)
    assert live_cv(wrong) is None  # was 300 % and more on the panel


def test_report_text_html_json_and_f9_say_the_zero_is_suspect(tmp_path, capsys):
    """A session recorded after a tare under 30 N: the text, JSON and HTML reports and the F9
    summary say "zero suspect" and give no CV."""
    import json as jsonlib

    from pressure.cli import main
    from pressure.samples import Block
    from pressure.scoring import score_recording

    routine = single_hold(30.0, "10%", 10.0)
    t = np.arange(0.0, 20.0, 0.01)
    force = np.where(t < 3, 10 * t, np.where(t < 6, 30.0, -30.0)) + np.random.default_rng(2).normal(0, 0.3, t.size)
    path = tmp_path / "wrong-zero.pressure"
    with RecordingWriter(path, {"routine": routine.to_dict()}) as w:
        w.append(Block.make(t, force, force))
    assert main(["report", str(path)]) == 0
    text = capsys.readouterr().out
    assert "zero suspect: the force read -30.0 N" in text
    assert main(["report", "--json", str(path)]) == 0
    data = jsonlib.loads(capsys.readouterr().out)
    assert "zero suspect" in data["zero_suspect"] and data["summary"]["cv_pct"] is None
    html_path = tmp_path / "r.html"
    assert main(["report", "--html", str(html_path), str(path)]) == 0
    assert "zero suspect" in html_path.read_text()
    from pressure.ui.summary import summary_html  # what F9 shows

    assert "zero suspect" in summary_html(score_recording(open_recording(path)))
