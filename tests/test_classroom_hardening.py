"""The classroom against a hostile network, without a broker: HTML in names, floods, replayed and
forged commands, a station whose live values stop while its heartbeat goes on."""

from __future__ import annotations

import logging

import pytest

from pressure.classroom import protocol
from pressure.classroom.dashboard import Classroom; MAX_STATIONS = 100
from pressure.classroom.station import Station
MAX_EVENTS, TRACE_POINTS = 500, 36000
from pressure.classroom.url import parse_url

HACK = "<span style='font-size:40px;color:red'>HACKED</span><img src='/local.png'>"


def _room(now):
    return Classroom(parse_url("mqtt://127.0.0.1:1/lab"), clock=lambda: now[0])


def _status(room, name, **extra):
    return room.receive(f"pressure/v1/lab/{name}/status", protocol.encode({"state": "online", **extra}))


def _live(room, name, t, value=20.0, **extra):
    return room.receive(f"pressure/v1/lab/{name}/live", protocol.encode(
        {"t": t, "value": value, "unit": "N", "zone": "in", "step": "hold", **extra}))


@pytest.fixture
def window_of(qtbot):
    def make(room):
        from pressure.ui.classroom_window import ClassroomWindow

        w = ClassroomWindow(room)
        qtbot.addWidget(w)
        w.resize(1200, 800)
        w.show()
        return w
    return make


def test_names_and_steps_from_the_network_show_as_plain_text(window_of, qtbot):
    from PySide6.QtCore import Qt

    now = [10.0]
    room = _room(now)
    _status(room, "s1", trainee=HACK)
    _live(room, "s1", 1.0, step=HACK)
    window = window_of(room)
    qtbot.waitUntil(lambda: "s1" in window.tiles and HACK in window.tiles["s1"].step.text())
    tile = window.tiles["s1"]
    assert tile.name.text() == f"s1 - {HACK}"
    for label in (tile.name, tile.value, tile.step, tile.band):
        assert label.textFormat() == Qt.PlainText, label.text()
    # Rendered as text, the name is as wide as its characters, not a 40 px red word and an image.
    assert tile.name.fontMetrics().horizontalAdvance(tile.name.text()) > 300


def test_a_station_whose_live_values_stop_is_stale_within_2_5_s_whatever_its_heartbeat(window_of, qtbot):
    now = [10.0]
    room = _room(now)
    _status(room, "s1", trainee="Ann")
    _live(room, "s1", 1.0, 28.565)
    window = window_of(room)
    qtbot.waitUntil(lambda: "s1" in window.tiles and window.tiles["s1"].value.text() == "28.6 N")
    for _ in range(6):  # the heartbeat goes on every half second; the live values do not
        now[0] += 0.5
        _status(room, "s1", trainee="Ann")
    row = room.rows()[0]
    assert row["online"] and row["stale"] and row["value"] is None
    qtbot.waitUntil(lambda: window.tiles["s1"].stale)
    tile = window.tiles["s1"]
    assert "28.6" not in tile.value.text() and "NO LIVE VALUES" in tile.step.text()
    _live(room, "s1", 4.0, 12.0)  # values again: fresh at once
    assert room.rows()[0]["value"] == 12.0 and not room.rows()[0]["stale"]


def test_a_station_seen_at_2_4_s_is_not_stale():
    now = [10.0]
    room = _room(now)
    _live(room, "s1", 1.0)
    now[0] += 2.4
    assert room.rows()[0]["stale"] is False and room.rows()[0]["value"] == 20.0


def test_a_flood_of_stations_and_events_is_bounded():
    now = [10.0]
    room = _room(now)
    for i in range(2000):
        _status(room, f"fake{i}")
    assert len(room.stations) == MAX_STATIONS and room.refused == 2000 - MAX_STATIONS
    for i in range(MAX_EVENTS + 2000):  # unique events: no duplicate check keeps them out
        room.receive("pressure/v1/lab/fake0/event", protocol.encode({"kind": "marker", "seq": i, "sid": "x"}))
    events = room.stations["fake0"].events
    assert len(events) == MAX_EVENTS and list(events)[-1]["seq"] == MAX_EVENTS + 1999
    room.receive("pressure/v1/lab/fake0/event", protocol.encode({"kind": "marker", "seq": MAX_EVENTS + 1999, "sid": "x"}))
    assert len(events) == MAX_EVENTS  # a duplicate of a kept one is still dropped
    for i in range(TRACE_POINTS // 100 * 3):  # live values 30 a second of station time
        _live(room, "fake0", i / 30.0)
    assert len(room.stations["fake0"].trace) <= TRACE_POINTS // 100 + 1


def test_after_a_flood_real_stations_get_their_tiles_back(window_of, qtbot):
    now = [10.0]
    room = _room(now)
    window = window_of(room)
    for i in range(MAX_STATIONS):
        _status(room, f"fake{i:03d}")
    qtbot.waitUntil(lambda: len(window.tiles) == MAX_STATIONS)
    _live(room, "real", 1.0)  # during the flood: no room
    assert "real" not in room.stations and room.refused == 1
    now[0] += 3.0  # the flood stopped: the fakes go offline
    _live(room, "fake000", 2.0)  # one of them still talks: it stays
    room.refresh()
    _live(room, "real", 2.0)
    assert "real" in room.stations and "fake000" in room.stations and len(room.stations) == MAX_STATIONS
    qtbot.waitUntil(lambda: "real" in window.tiles and len(window.tiles) == MAX_STATIONS)


def test_a_flood_of_stations_adds_a_few_tiles_a_frame(window_of, qtbot):
    from pressure.ui.classroom_window import NEW_TILES_PER_FRAME

    now = [10.0]
    room = _room(now)
    window = window_of(room)
    window.timer.stop()
    for i in range(300):
        _status(room, f"fake{i:03d}")
    window.refresh()
    assert len(window.tiles) == NEW_TILES_PER_FRAME
    tile = window.tiles["fake000"]
    drawn = tile.shown_version
    window.refresh()  # nothing changed for it: not drawn again
    assert tile.shown_version == drawn and len(window.tiles) == 2 * NEW_TILES_PER_FRAME
    qtbot.waitUntil(lambda: (window.refresh(), len(window.tiles))[1] == MAX_STATIONS)
    assert "beyond" in window.statusBar().currentMessage()


def test_a_command_captured_earlier_is_refused_by_a_station_started_afterwards():
    first = protocol.CommandVerifier("k", run="aaaa1111")
    later = protocol.CommandVerifier("k", run="bbbb2222")  # another process: its own nonce memory
    captured = protocol.sign_command("k", "start", "ppt", now=1000.0, runs=["aaaa1111"])
    assert first.verify(captured, now=1000.5) == {"action": "start", "routine": "ppt"}
    assert later.verify(captured, now=1014.0) is None
    both = protocol.sign_command("k", "start", "", now=1000.0, runs=["aaaa1111", "bbbb2222"])
    assert later.verify(both, now=1001.0) == {"action": "start", "routine": ""}
    forged = protocol.sign_command("k", "start", "", now=1000.0, runs=["aaaa1111"]).replace(
        b'"runs":["aaaa1111"]', b'"runs":["bbbb2222"]')
    assert later.verify(forged, now=1001.0) is None  # the runs are under the MAC


def test_the_dashboard_signs_for_the_runs_it_sees():
    now = [10.0]
    room = Classroom(parse_url("mqtt://127.0.0.1:1/lab"), secret="k", clock=lambda: now[0])
    sent = []
    room.client.publish = lambda topic, payload, qos: sent.append(payload)
    _status(room, "s1", run="aaaa1111")
    _status(room, "s2", run="bbbb2222")
    room.start_routine("ppt")
    assert protocol.CommandVerifier("k", run="bbbb2222").verify(sent[0]) is not None
    assert protocol.CommandVerifier("k", run="cccc3333").verify(sent[0]) is None


def test_a_station_says_its_run_in_its_status():
    st = Station(parse_url("mqtt://127.0.0.1:1/lab"), "s1")
    assert protocol.decode("status", st._status("online"))["run"] == st.sid


def test_forged_commands_are_one_warning_line_per_interval(caplog):
    from types import SimpleNamespace

    st = Station(parse_url("mqtt://127.0.0.1:1/lab"), "s1", secret="k")
    topic = protocol.command_topic("lab")
    caplog.set_level(logging.WARNING, logger="pressure.classroom.station")
    for i in range(20000):
        st._on_message(None, None, SimpleNamespace(topic=topic, payload=b'{"v":1,"action":"start","n":%d}' % i))
    assert st.commands_rejected == 20000
    lines = [r for r in caplog.records if r.name == "pressure.classroom.station"]
    assert 1 <= len(lines) <= 2, len(lines)
    st._warnings.interval = 0.0
    st._warnings.flush()  # the interval is over: the count is said
    assert "19999 more" in caplog.records[-1].getMessage()
