"""One session across every change, without a window: Settings, REC off/on, the instructor's
start and the close go through the Session and never restart a running step."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from pressure.filters import make_filter
from pressure.recording import RecordingWriter, open_recording
from pressure.routine import get_routine, single_hold
from pressure.scoring import score_recording
from pressure.session.pipeline import Pipeline
from pressure.session.scripted import ManualClock, ScriptedSource
from pressure.session.session import Session

RATE = 100.0


def make_session(tmp_path, routine, record=True):
    clock = ManualClock()
    source = ScriptedSource(clock, rate=RATE)
    files = []

    def open_writer(changes):
        path = tmp_path / f"part{len(files)}.pressure"
        files.append(path)
        meta = {"routine": routine.to_dict(), "unit": routine.unit, "filter": make_filter("none").describe(),
                **changes}
        return RecordingWriter(path, meta), str(path)

    session = Session(Pipeline(source, routine, make_filter("none"), clock=clock), open_writer=open_writer)
    if record:
        session.start_recording()
    return session, source


def play(session, source, value_n, seconds):
    for _ in range(int(round(seconds * 10))):
        source.push(np.full(int(RATE / 10), float(value_n)))
        session.tick()


def in_hold(tmp_path, routine=None):
    """A session 31 s into a 60 s hold at 30 N (29 s left)."""
    routine = routine or single_hold(30.0, "10%", 60.0, ceiling=45.0)
    session, source = make_session(tmp_path, routine)
    play(session, source, 30.0, 32.0)
    state = session.pipeline.state
    assert state.step.kind == "hold" and 28.0 < state.hold_remaining < 30.0
    return session, source


@pytest.mark.parametrize("change", ["no ceiling", "new ceiling", "new target", "longer hold"])
def test_a_settings_change_mid_hold_keeps_the_step_and_its_time_left(tmp_path, change):
    session, source = in_hold(tmp_path)
    before = session.pipeline.state
    coach, runs = session.pipeline.coach, len(session.pipeline.runs)
    routine = session.routine
    new = {"no ceiling": dataclasses.replace(routine, ceiling=None),
           "new ceiling": dataclasses.replace(routine, ceiling=60.0),
           "new target": single_hold(31.0, "10%", 60.0, ceiling=45.0),
           "longer hold": single_hold(30.0, "10%", 90.0, ceiling=45.0)}[change]
    assert session.change_routine(new) == "amended"
    play(session, source, 30.0, 0.1)
    after = session.pipeline.state
    assert session.pipeline.coach is coach and len(session.pipeline.runs) == runs
    assert after.step_index == before.step_index and not after.waiting_for_key
    extra = 30.0 if change == "longer hold" else 0.0
    assert after.hold_remaining == pytest.approx(before.hold_remaining - 0.1 + extra, abs=0.02)
    assert session.routine == new and session.pipeline.runs[-1].routine == new
    session.close()
    rec = open_recording(session.files[0])
    assert rec.meta["routine"] == new.to_dict()
    amended = [e for e in rec.events if e.kind == "meta_change" and "run" in e.data]
    assert [e.data["changes"]["routine"] for e in amended] == [new.to_dict()]
    assert score_recording(rec).routine_name == new.name  # the run is scored with what ran last


def test_a_unit_change_mid_hold_keeps_the_step_in_the_new_unit(tmp_path):
    session, source = in_hold(tmp_path)
    before = session.pipeline.state
    kpa = session.routine.converted("kPa", 1.0)
    assert session.change_routine(kpa) == "amended"
    play(session, source, 30.0, 0.1)
    after = session.pipeline.state
    assert after.step_index == before.step_index and after.zone == "in"
    assert after.hold_remaining == pytest.approx(before.hold_remaining - 0.1, abs=0.02)
    assert session.pipeline.last_value == pytest.approx(300.0, rel=1e-6)  # 30 N on 1 cm2
    session.close()


def test_another_routine_starts_a_new_run_and_restart_is_explicit(tmp_path):
    session, source = in_hold(tmp_path)
    assert session.change_routine(get_routine("ischemic")) == "new run"
    assert len(session.pipeline.runs) == 2 and session.pipeline.state is None
    assert session.change_routine(session.routine) == ""  # nothing changed: nothing happens
    session.close()


def test_rec_off_keeps_the_routine_running_and_rec_on_says_where_the_new_file_begins(tmp_path):
    session, source = in_hold(tmp_path)
    first = session.recording_path
    session.stop_recording()
    assert session.recorder is None and session.recording_path is None
    play(session, source, 30.0, 5.0)  # the hold goes on without a file
    state = session.pipeline.state
    assert state.step.kind == "hold" and 23.0 < state.hold_remaining < 25.0
    second = session.start_recording()
    play(session, source, 30.0, 1.0)
    marker = session.pipeline.add_marker("pain reported")
    play(session, source, 30.0, 1.0)
    t_on = session.pipeline.last_t
    session.close()
    assert second != first and session.files == [first, second]
    one, two = open_recording(first), open_recording(second)
    where = two.meta["continues"]
    offset = where["session_t_s"]  # the session time of the second file's zero
    assert 0 < two.t[0] <= 0.02 and two.meta["duration_s"] == pytest.approx(2.0, abs=0.05)
    assert one.t[-1] < 32.5 and two.t[0] + offset > one.t[-1] + 4.0  # nothing recorded while REC was off
    assert two.t[-1] + offset == pytest.approx(t_on)
    assert [e.t + offset for e in two.events if e.kind == "marker"] == pytest.approx([marker.t])
    assert where["previous_file"] == "part0.pressure" and where["run"] == 0
    assert where["step"] == state.step_index and where["step_label"] == (state.step.label or "hold")
    assert 22.0 < where["step_remaining_s"] < 25.0  # the hold's time left when REC came on
    assert offset == pytest.approx(one.t[-1] + 5.0, abs=0.02)


def test_the_instructors_start_takes_the_routine_menus_path(tmp_path):
    routine = single_hold(300.0, "10%", 30.0, unit="kPa", area_cm2=1.0)
    session, source = make_session(tmp_path, routine, record=False)
    loaded = session.load_routine("ischemic")  # what the station's start calls
    assert loaded.unit == "kPa" and session.routine.unit == "kPa"
    assert loaded == get_routine("ischemic").converted("kPa", 1.0)
    session.close()


def test_close_stops_the_source_before_the_recording_and_is_safe_twice(tmp_path):
    session, source = in_hold(tmp_path)
    order = []
    stop, close = source.stop, session.recorder.close
    source.stop = lambda: (order.append("source"), stop())
    session.recorder.close = lambda: (order.append("recording"), close())
    assert session.close() is None
    assert session.close() is None
    assert order == ["source", "recording"]


def test_a_sensor_gone_at_the_close_is_in_the_file(tmp_path):
    session, source = in_hold(tmp_path)
    source.state = "disconnected"
    lost = session.close()
    assert lost == pytest.approx(source.t)
    assert [e.kind for e in open_recording(session.files[0]).events].count("disconnected") == 1


# --- the classroom station follows the session -------------------------------------------------

@pytest.fixture
def room():
    from classroom_brokers import Embedded
    from pressure.classroom.dashboard import Classroom
    from pressure.classroom.url import parse_url

    broker = Embedded().start()
    url = parse_url(broker.url())
    room = Classroom(url, secret="k").start()
    yield url, room
    room.close()
    broker.stop()


def publish(session, source, station, value_n, seconds=0.3):
    for _ in range(int(round(seconds * 10))):
        source.push(np.full(int(RATE / 10), float(value_n)))
        station._next_live = 0.0  # every tick publishes here (the 30/s pacing has its own clock)
        session.tick()


def test_the_station_keeps_publishing_after_rec_off_on_and_a_new_session(tmp_path, room):
    from classroom_brokers import wait_until
    from pressure.classroom.station import Station

    url, room = room
    station = Station(url, "bench1", "Ann", secret="k").start()
    session, source = make_session(tmp_path, single_hold(30.0, "10%", 60.0))
    session.attach_station(station)
    try:
        view = lambda: room.stations.get("bench1")  # noqa: E731
        publish(session, source, station, 28.5)
        wait_until(lambda: view() is not None and view().value == pytest.approx(28.5), 10, "the first value")
        session.stop_recording()
        publish(session, source, station, 17.0)
        wait_until(lambda: view().value == pytest.approx(17.0), 10, "a value with REC off")
        session.start_recording()
        publish(session, source, station, 21.0)
        wait_until(lambda: view().value == pytest.approx(21.0), 10, "a value after REC on")
        # New session (or another sensor): the new session takes the station over
        other, other_source = make_session(tmp_path / "x", single_hold(30.0, "10%", 60.0), record=False)
        session.hand_station_to(other)
        session.close()
        assert other.station is station and station.client.is_connected()
        publish(other, other_source, station, 9.5)
        wait_until(lambda: view().value == pytest.approx(9.5), 10, "a value from the new session")
        source.push(np.full(10, 50.0))
        session.pipeline.tick()  # the old session's ticks no longer reach the class
        publish(other, other_source, station, 9.0)
        wait_until(lambda: view().value == pytest.approx(9.0), 10, "the new session's next value")
        other.close()
        assert other.station is None  # closed with the last session: the class heard goodbye
    finally:
        station.close(0.5)


class _Station:
    """What a session needs of a station, without a broker: its commands and what it publishes."""

    def __init__(self):
        import collections

        self.commands = collections.deque()
        self.values, self.closed = [], False

    def live(self, t, value, unit, *rest):
        self.values.append((t, value, unit))

    def event(self, *args):
        pass

    def score(self, *args, **kwargs):
        pass

    def close(self, *args):
        self.closed = True


def test_the_instructors_start_command_is_converted_like_the_routine_menu(tmp_path):
    routine = single_hold(300.0, "10%", 30.0, unit="kPa", area_cm2=1.0)
    session, source = make_session(tmp_path, routine, record=False)
    station = _Station()
    session.attach_station(station)
    play(session, source, 3.0, 0.3)
    station.commands.append({"action": "start", "routine": "ischemic"})
    play(session, source, 3.0, 0.1)
    assert session.routine == get_routine("ischemic").converted("kPa", 1.0)
    assert station.values[-1][2] == "kPa" and station.values[-1][1] == pytest.approx(30.0)  # 3 N on 1 cm2
    station.commands.append({"action": "start", "routine": "ppt"})  # a kPa routine stays in kPa
    play(session, source, 3.0, 0.1)
    assert session.routine.unit == "kPa" and len(session.pipeline.runs) == 3
    session.close()
    assert station.closed


def test_a_continued_file_replays_and_scores_from_where_it_begins(tmp_path):
    from pressure.session.replay_setup import open_replay

    session, source = in_hold(tmp_path)
    session.stop_recording()
    play(session, source, 30.0, 2.0)
    session.start_recording()
    left = session.pipeline.state.hold_remaining
    play(session, source, 30.0, 3.0)
    session.close()
    two = open_recording(session.files[1])
    assert two.meta["continues"]["step"] == 1 and two.meta["continues"]["step_remaining_s"] == pytest.approx(left)
    replay = open_replay(two, playing=False)
    replay.analysis.run()
    replay.seek(1.0)
    state = replay.state
    assert state.step.kind == "hold" and state.hold_remaining == pytest.approx(left - 1.0, abs=0.1)
    assert replay.routine.steps[0].duration == pytest.approx(left, abs=0.05)  # the time left, not 60 s again
    scores = score_recording(two)
    hold = scores.steps[0]
    assert hold.kind == "hold" and hold.metrics["time_in_band_pct"] > 99
