"""ReplaySource and ReplayPipeline without Qt: speeds on a fake clock, seek, keys, re-analysis."""

import math

import numpy as np
import pytest

from pressure.errors import PressureError
from pressure.filters import make_filter
from pressure.recording import RecordingWriter, open_recording
from pressure.routine import Routine, Step, single_hold
from pressure.samples import Block
from pressure.scoring import score_recording
from pressure.session.analysis import Analysis
from pressure.session.replay_pipeline import ReplayPipeline
from pressure.session.replay_source import ReplaySource
from pressure.session.scripted import ManualClock


def ramp_hold_force(t):
    """0 -> 10 N over 2 s, then 10 N, small wobble: every value is known from t."""
    return np.minimum(t * 5.0, 10.0) + 0.2 * np.sin(t * 3.0)


def make_recording(path, seconds=12.0, rate=100.0, routine=None, force=ramp_hold_force, events=()):
    """A small recording written through the real writer (value = force(t) in newtons)."""
    routine = routine or single_hold(10.0, 1.0, 4.0)
    t = np.arange(int(seconds * rate)) / rate
    f = force(t)
    meta = {"kind": "live", "unit": routine.unit, "routine": routine.to_dict(),
            "labels": {"trainee": "Ann", "muscle": "trapezius"}, "filter": {"name": "none", "params": {}}}
    with RecordingWriter(path, meta) as w:
        w.append(Block.make(t, f * 1000.0, f))
        for et, kind, text, data in events:
            w.add_event(et, kind, text, data)
    return open_recording(path)


@pytest.fixture
def rec(tmp_path):
    return make_recording(tmp_path / "a.pressure", events=[(3.0, "marker", "pain reported", None),
                                                           (7.5, "marker", "release felt", None)])


def drain(pipeline):
    frame = pipeline.tick()
    return frame


@pytest.mark.parametrize("speed", [0.25, 1.0, 4.0, 16.0])
def test_speed_plays_the_right_samples_at_the_right_times(rec, speed):
    clock = ManualClock(100.0)
    src = ReplaySource(rec, clock=clock, speed=speed)
    got = [src.poll()]
    for _ in range(4):
        clock.now += 0.125  # exact in binary: the expected end is exact too
        got.append(src.poll())
    t = np.concatenate([b.t for b in got])
    expected_end = min(0.5 * speed, rec.t[-1])
    assert t[-1] == rec.t[rec.index_at(expected_end)]  # the last sample at or before it
    assert np.all(np.diff(t) > 0) and t[0] == 0.0  # every sample once, in order
    assert len(t) == np.searchsorted(rec.t, expected_end + 1e-9)


def test_pause_speed_change_and_bad_speed(rec):
    clock = ManualClock()
    src = ReplaySource(rec, clock=clock, speed=2.0)
    clock.now += 1.0
    assert src.poll().t[-1] == pytest.approx(2.0)
    src.pause()
    clock.now += 5.0
    assert len(src.poll()) == 0 and src.position == pytest.approx(2.0)
    src.play()
    src.set_speed(0.5)
    clock.now += 1.0
    assert src.poll().t[-1] == pytest.approx(2.5)
    for bad in (0.1, 17.0):
        with pytest.raises(PressureError, match="speed"):
            src.set_speed(bad)


def test_playback_stops_at_the_end(rec):
    clock = ManualClock()
    src = ReplaySource(rec, clock=clock, speed=16.0)
    for _ in range(20):
        clock.now += 0.5
        src.poll()
    assert src.at_end and not src.playing
    assert src.position == pytest.approx(rec.t[-1])


def test_window_readout_value_after_fake_time_at_4x(rec):
    clock = ManualClock()
    src = ReplaySource(rec, clock=clock, speed=4.0)
    p = ReplayPipeline(src, single_hold(10.0, 1.0, 4.0), make_filter("none"), clock=clock)
    clock.now += 0.5
    frame = drain(p)
    assert frame.t == pytest.approx(2.0)
    assert frame.value == pytest.approx(ramp_hold_force(np.array([2.0]))[0])
    assert not frame.stale


def finish_analysis(p):
    while not p.analysis.step(10_000):
        pass


@pytest.mark.parametrize("warm", [True, False])
def test_seek_shows_the_value_and_the_coach_as_continuous_play(rec, warm):
    routine = single_hold(10.0, 1.0, 4.0)
    clock = ManualClock()
    # continuous play to t=6.5 s
    a = ReplayPipeline(ReplaySource(rec, clock=clock, speed=1.0), routine, make_filter("none"), clock=clock)
    for _ in range(65):
        clock.now += 0.1
        a.tick()
    # a second replay that seeks straight there
    b = ReplayPipeline(ReplaySource(rec, clock=clock, speed=1.0, playing=False), routine,
                       make_filter("none"), clock=clock)
    if warm:
        finish_analysis(b)
    b.seek(6.5)
    assert b.exact == warm
    assert b.last_t == pytest.approx(a.last_t)
    assert b.last_value == pytest.approx(a.last_value)
    assert b.state.step_index == a.state.step_index
    tol = 1e-9 if warm else 0.25
    assert b.state.hold_elapsed == pytest.approx(a.state.hold_elapsed, abs=tol)
    t, raw, smooth = b.history.window(0.0)
    assert t[-1] == pytest.approx(6.5) and t[0] == pytest.approx(0.0)  # the whole window at once


def test_seek_then_play_continues_from_there(rec):
    clock = ManualClock()
    p = ReplayPipeline(ReplaySource(rec, clock=clock, speed=1.0), single_hold(10.0, 1.0, 4.0),
                       make_filter("none"), clock=clock)
    p.seek(9.0)
    clock.now += 0.5
    frame = p.tick()
    assert frame.t == pytest.approx(9.5)
    p.seek(1.0)  # backwards too
    assert p.last_t == pytest.approx(1.0) and p.state.zone == "below"


def test_filter_reanalysis_changes_the_visible_trace(rec):
    clock = ManualClock()
    p = ReplayPipeline(ReplaySource(rec, clock=clock, playing=False), single_hold(10.0, 1.0, 4.0),
                       make_filter("none"), clock=clock)
    p.seek(8.0)
    before = p.history.window(0.0)[2].copy()
    p.set_filter(make_filter("moving_average", n=100))
    after = p.history.window(0.0)[2]
    assert p.last_t == pytest.approx(8.0)
    assert len(after) == len(before)
    assert np.max(np.abs(after - before)) > 0.05  # visibly smoothed differently


def test_target_reanalysis_moves_the_band_and_the_zone(rec):
    clock = ManualClock()
    p = ReplayPipeline(ReplaySource(rec, clock=clock, playing=False), single_hold(10.0, 1.0, 4.0),
                       make_filter("none"), clock=clock)
    p.seek(3.0)
    assert p.state.zone == "in" and p.state.band == pytest.approx((9.0, 11.0))
    p.set_routine(single_hold(20.0, 2.0, 4.0))
    assert p.state.band == pytest.approx((18.0, 22.0))
    assert p.state.zone == "below"
    assert p.last_t == pytest.approx(3.0)


def test_recorded_key_presses_are_replayed(tmp_path):
    routine = Routine("keyed", unit="N", steps=(Step("rest", duration=1.0),
                                                Step("hold", target=10.0, tolerance=1.0, duration=3.0,
                                                     advance="key")))
    rec = make_recording(tmp_path / "k.pressure", routine=routine, seconds=10.0,
                         events=[(0.0, "step_start", "rest", {"step": 0}),
                                 (1.0, "step_end", "rest", {"step": 0}),
                                 (4.0, "step_start", "hold", {"step": 1})])
    clock = ManualClock()
    p = ReplayPipeline(ReplaySource(rec, clock=clock, playing=False), routine, make_filter("none"), clock=clock)
    p.seek(3.9)
    assert p.state.waiting_for_key
    p.seek(4.5)
    assert not p.state.waiting_for_key and p.state.step_index == 1
    # the exact pass agrees with the scoring module's replay of the same keys
    finish_analysis(p)
    starts = [e.t for e in p.analysis.coach.events if e.kind == "step_start"]
    scored = score_recording(rec)
    assert starts[1] == pytest.approx(scored.steps[-1].start_s)


def test_next_marker_step_and_frame_stepping(rec):
    clock = ManualClock()
    p = ReplayPipeline(ReplaySource(rec, clock=clock, playing=False), single_hold(10.0, 1.0, 4.0),
                       make_filter("none"), clock=clock)
    assert p.next_marker(+1) == pytest.approx(3.0) and p.last_t == pytest.approx(3.0)
    assert p.next_marker(+1) == pytest.approx(7.5)
    assert p.next_marker(+1) is None
    assert p.next_marker(-1) == pytest.approx(3.0)
    assert [m.text for m in p.markers] == ["pain reported", "release felt"]  # all, from the start
    before = p.source.position
    p.step_frame(+1)
    frame = p.tick()
    assert frame.t > before and frame.t - before < 0.05
    p.step_frame(-1)
    assert p.last_t < frame.t


def test_analysis_checkpoints_cover_the_file(rec):
    an = Analysis(rec, single_hold(10.0, 1.0, 4.0), make_filter("none"))
    assert not an.step(300)
    assert an.done == 300 and 0 < an.fraction < 1
    an.run()
    assert an.finished and np.all(np.isfinite(an.smooth))
    gaps = np.diff([c.t for c in an.checkpoints])
    assert len(an.checkpoints) >= 4 and np.all(gaps <= 3.0 + 1e-9)
    assert an.checkpoint_before(0).index == 0
    assert math.isclose(an.smooth[500], ramp_hold_force(rec.t[500:501])[0])
