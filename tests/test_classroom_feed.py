"""The adapter from a session's ticks to a station, end to end through the embedded broker."""

from __future__ import annotations

import numpy as np
import pytest

from classroom_brokers import Embedded, wait_until
from pressure.classroom.dashboard import Classroom
from pressure.classroom.feed import attach
from pressure.classroom.station import Station
from pressure.classroom.url import parse_url
from pressure.filters import make_filter
from pressure.routine import single_hold
from pressure.session.pipeline import Pipeline
from pressure.session.scripted import ManualClock, ScriptedSource


@pytest.fixture
def broker():
    b = Embedded().start()
    yield b
    b.stop()


def test_a_window_session_reaches_the_dashboard_and_takes_the_instructors_start(broker):
    url = parse_url(broker.url())
    room = Classroom(url, secret="k").start()
    station = Station(url, "bench1", "Ann", secret="k").start()
    clock = ManualClock()
    source = ScriptedSource(clock, rate=100.0)
    pipeline = Pipeline(source, single_hold(10.0, "10%", 2.0, ceiling=20.0), make_filter("none"), clock=clock)
    attach(pipeline, station)
    try:
        for i in range(60):  # 4 s at the target (press, hold), then let go (release): the routine ends
            source.push(np.full(10, 10.0 if i < 40 else 0.0))
            pipeline.tick()
            station._next_live = 0.0  # every tick publishes here (the 30/s pacing has its own clock)
        # the final score (QoS 1) can arrive before the last live value (QoS 0): wait for both
        wait_until(lambda: "bench1" in room.stations and room.stations["bench1"].final
                   and room.stations["bench1"].value == 0.0, 10, "the routine's end and the released value")
        view = room.stations["bench1"]
        assert view.trainee == "Ann" and view.unit == "N" and view.value == pytest.approx(0.0)
        kinds = [e["kind"] for e in view.events]
        assert "step_start" in kinds and "routine_done" in kinds
        assert view.scores["time_in_band_pct"] > 90
        first_coach = pipeline.coach
        room.start_routine("")  # the instructor starts the stations' routine again
        wait_until(lambda: station.commands_accepted == 1, 10, "the command")
        source.push(np.full(10, 10.0))
        pipeline.tick()
        assert pipeline.coach is not first_coach and not station.commands
    finally:
        station.close(0.5)
        room.close()
