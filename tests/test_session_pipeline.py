"""The Qt-free pipeline: drain -> filter -> unit -> coach -> recorder, and staleness."""

import math

import numpy as np
import pytest

from pressure.errors import PressureError
from pressure.filters import make_filter
from pressure.recording import RecordingWriter, open_recording
from pressure.routine import Routine, Step, single_hold
from pressure.samples import G, from_unit
from pressure.session.pipeline import STALE_AFTER_S, Pipeline

from pressure.session.scripted import ManualClock as FakeClock, ScriptedSource as FakeSource


def make(routine=None, recorder=None, filt=None):
    clock = FakeClock()
    source = FakeSource(clock)
    routine = routine or single_hold(10.0, "10%", 2.0, ceiling=20.0)
    return Pipeline(source, routine, filt or make_filter("none"), recorder=recorder, clock=clock), source, clock


def test_values_reach_history_in_the_display_unit():
    routine = single_hold(1.0, "10%", 2.0, unit="kgf")
    p, src, _ = make(routine)
    src.push([G, 2 * G, 3 * G])  # newtons
    frame = p.tick()
    t, raw, smooth = p.history.window(-math.inf)
    assert frame.new == 3
    np.testing.assert_allclose(raw, [1.0, 2.0, 3.0])
    np.testing.assert_allclose(smooth, raw)
    assert frame.value == pytest.approx(3.0) and frame.t == pytest.approx(src.t)


def test_filter_state_is_kept_between_ticks():
    values = np.r_[np.zeros(50), np.full(150, 10.0)]
    whole = make_filter("exponential", strength=0.5).process(np.arange(1, 201) / 100.0, values)
    p, src, _ = make(filt=make_filter("exponential", strength=0.5))
    for chunk in np.array_split(values, 7):
        src.push(chunk)
        p.tick()
    _, _, smooth = p.history.window(-math.inf)
    np.testing.assert_allclose(smooth, whole)


def test_stale_after_quarter_second_without_samples():
    p, src, clock = make()
    assert p.tick().stale  # nothing yet: not live
    src.push([5.0] * 10)
    assert not p.tick().stale
    clock.now += STALE_AFTER_S * 0.8
    assert not p.tick().stale
    clock.now += STALE_AFTER_S * 0.4
    frame = p.tick()
    assert frame.stale and frame.age_s > STALE_AFTER_S
    assert frame.value == 5.0  # the last value is kept, the frame says it is stale


def test_coach_sees_every_sample_and_hold_completes():
    routine = single_hold(10.0, "10%", 1.0)
    p, src, _ = make(routine)
    kinds = []
    src.push(np.linspace(0, 10, 50))
    kinds += [e.kind for e in p.tick().events]
    for _ in range(12):  # 1.2 s in the band, in ticks of 0.1 s
        src.push([10.0] * 10)
        kinds += [e.kind for e in p.tick().events]
    assert "enter_band" in kinds
    assert kinds.count("step_end") >= 2  # the ramp and the hold ended
    assert p.state.step.kind == "release"


def test_markers_and_step_events_are_recorded(tmp_path):
    path = tmp_path / "s.pressure"
    writer = RecordingWriter(path, {"unit": "N"})
    routine = Routine("two holds", steps=(Step("hold", target=10.0, tolerance=1.0, duration=0.5),
                                          Step("hold", target=10.0, tolerance=1.0, duration=0.5, advance="key")))
    p, src, _ = make(routine, recorder=writer)
    assert p.add_marker("pain reported") is None  # nothing to mark before the first sample
    src.push([10.0] * 70)
    p.tick()
    marker = p.add_marker("pain reported")
    assert marker is not None and marker.t == pytest.approx(src.t)
    assert p.state.waiting_for_key
    p.advance()
    src.push([10.0] * 70)
    p.tick()
    p.close()
    rec = open_recording(path)
    kinds = [e.kind for e in rec.events]
    assert [e.text for e in rec.events if e.kind == "marker"] == ["pain reported"]
    assert kinds.count("step_start") == 2 and kinds.count("step_end") == 2 and "routine_done" in kinds
    assert len(rec) == 140


def test_threshold_key_only_during_a_trial():
    routine = Routine("ppt", unit="N", ceiling=100.0,
                      steps=(Step("threshold", rate=10.0, advance="key"), Step("rest", duration=1.0)))
    p, src, _ = make(routine)
    src.push([0.0] * 5)
    p.tick()
    assert not p.mark_threshold()  # waiting for the key: no trial running
    p.advance()
    src.push(np.linspace(0, 20, 100))
    p.tick()
    assert p.mark_threshold()
    src.push([20.0] * 5)
    frame = p.tick()
    thresholds = [e for e in frame.events if e.kind == "threshold"]
    assert len(thresholds) == 1 and thresholds[0].data["value"] == pytest.approx(20.0)
    assert p.markers[-1].kind == "threshold" and "PPT" in p.markers[-1].text


def test_unit_change_rescales_the_trace():
    p, src, _ = make(single_hold(10.0, "10%", 2.0))
    src.push([G] * 5)
    p.tick()
    p.set_routine(single_hold(1.0, "10%", 2.0, unit="kgf"))
    _, raw, _ = p.history.window(-math.inf)
    np.testing.assert_allclose(raw, 1.0)


def test_raw_mean_for_tare_and_its_error_without_samples():
    p, src, _ = make()
    with pytest.raises(PressureError):
        p.raw_mean(0.5)
    src.push(np.r_[np.full(100, 50.0), np.full(50, 2.0)])
    p.tick()
    assert p.raw_mean(0.2) == pytest.approx(2.0, abs=0.2)


def test_the_recorder_records_while_the_display_is_frozen(tmp_path):
    """The recorder reads the source with its own cursor on its own thread: samples pushed
    while nobody ticks the pipeline (a frozen window) are in the file all the same."""
    path = tmp_path / "frozen.pressure"
    p, src, _ = make(single_hold(10.0, "10%", 1.0), recorder=RecordingWriter(path, {"unit": "N"}))
    src.push([3.0] * 250)
    assert p.recorder.sync()
    assert p.samples == 0 and p.recorder.samples == 250  # nothing ticked, everything recorded
    p.tick()
    p.add_marker("after the freeze")
    p.close()
    rec = open_recording(path)
    assert len(rec) == 250 and [e.kind for e in rec.events if e.kind == "marker"] == ["marker"]


def test_a_routine_change_is_an_event_and_starts_a_new_run(tmp_path):
    path = tmp_path / "change.pressure"
    p, src, _ = make(single_hold(10.0, "10%", 1.0), recorder=RecordingWriter(path, {"unit": "N"}))
    src.push([10.0] * 50)
    p.tick()
    p.set_routine(single_hold(20.0, "10%", 1.0))
    src.push([20.0] * 50)
    p.tick()
    p.close()
    assert [r.start_t for r in p.runs] == [-math.inf, pytest.approx(0.5)]
    routine_events = [e for e in open_recording(path).events if e.kind == "routine"]
    assert len(routine_events) == 1 and routine_events[0].t == pytest.approx(0.5)
    assert routine_events[0].data["previous"]["steps"][1]["target"] == pytest.approx(10.0)


def test_a_lost_sensor_is_a_disconnected_event(tmp_path):
    path = tmp_path / "lost.pressure"
    p, src, _ = make(recorder=RecordingWriter(path, {"unit": "N"}))
    src.push([1.0] * 30)
    p.tick()
    src.state, src.connected = "disconnected", False
    p.close()
    lost = [e for e in open_recording(path).events if e.kind == "disconnected"]
    assert len(lost) == 1 and lost[0].t == pytest.approx(0.3)


class BrokenWriter:
    def __init__(self):
        self.closed = False

    def append(self, block):
        raise PressureError("disk full")

    def add_event(self, *a, **k):
        raise AssertionError("not reached after the first error")

    def close(self):
        self.closed = True


def test_recording_failure_keeps_the_display_running():
    p, src, _ = make(recorder=BrokenWriter())
    src.push([5.0] * 10)
    assert p.recorder.sync()  # the recorder thread met the error
    frame = p.tick()
    assert p.recorder is None and "disk full" in p.recorder_error
    src.push([6.0] * 10)
    assert p.tick().value == 6.0
    p.add_marker("still fine")  # no recorder: nothing raised


def test_pressure_unit_display_uses_the_area():
    routine = single_hold(100.0, "10%", 2.0, unit="kPa", area_cm2=1.0)
    p, src, _ = make(routine)
    src.push([from_unit(50.0, "kPa", 1.0)])
    assert p.tick().value == pytest.approx(50.0)


def test_a_recorder_that_fell_behind_writes_a_gap_event(tmp_path):
    """Samples overwritten in the ring buffer before the recorder read them are a ``gap`` event
    in the file (the same for the window, record and stream: one write path)."""
    from pressure.session.recorder import Recorder

    clock = FakeClock()
    src = FakeSource(clock, rate=100.0, capacity=64)
    path = tmp_path / "behind.pressure"
    recorder = Recorder(RecordingWriter(path, {"unit": "N"}), src, start=False)  # driven by hand
    src.push([1.0] * 50)
    recorder._drain()
    src.push([2.0] * 100)  # more than the ring holds before the recorder reads again
    recorder.close()
    rec = open_recording(path)
    gaps = [e for e in rec.events if e.kind == "gap"]
    assert len(rec) == 50 + 64 and recorder.lost == 36
    assert len(gaps) == 1 and gaps[0].data["lost"] == 36 and gaps[0].t == pytest.approx(rec.t[50])


def test_listeners_get_every_frame_and_a_routine_set_before_a_tick_is_coached_by_it():
    p, src, _ = make()
    frames, order = [], []
    first, second = p.routine, single_hold(5.0, "10%", 1.0)
    pending = [second]

    def before():
        order.append("before")
        if pending:
            p.set_routine(pending.pop())

    def on_frame(frame):
        order.append("frame")
        frames.append(frame)

    p.subscribe(on_frame, before_tick=before)
    src.push([5.0] * 10)
    frame = p.tick()
    assert frames == [frame] and order == ["before", "frame"]
    assert p.routine is second and first is not second and frame.state.target == pytest.approx(5.0)
    p.unsubscribe(on_frame, before_tick=before)
    src.push([5.0] * 10)
    p.tick()
    assert len(frames) == 1 and order == ["before", "frame"]


def test_live_score_gives_the_same_numbers_when_frames_wait_to_be_scored():
    from pressure.session.live_score import LiveScore

    routine = Routine("two holds", unit="N", steps=(
        Step("hold", target=10.0, tolerance=1.0, duration=1.0, on_leave="record"),
        Step("rest", duration=0.3),
        Step("hold", target=10.0, tolerance=1.0, duration=1.0, on_leave="record")))
    every, batched = LiveScore(), LiveScore()
    p, src, _ = make(routine)
    rng = np.random.default_rng(3)
    kinds = []
    for i in range(40):  # 0.07 s a frame: steps start and end inside frames that wait
        src.push(list(10.0 + rng.normal(0.0, 0.4, 7)))
        frame = p.tick()
        assert every.on_frame(p, frame) in ("updated", "rebuilt")
        kinds.append(batched.on_frame(p, frame, score=i % 3 == 2 or i == 39))
    assert "waiting" in kinds and kinds[-1] == "updated"  # the last frame scored what waited
    assert batched.numbers.holds_done == every.numbers.holds_done == 2
    for name in ("time_in_band_pct", "cv_pct", "mae_pct", "session_time_in_band_pct", "hold_s"):
        assert getattr(batched.numbers, name) == pytest.approx(getattr(every.numbers, name), rel=1e-9), name
