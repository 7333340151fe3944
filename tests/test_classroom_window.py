"""The instructor's window, fed through the dashboard model's own message handler (no broker)."""

from __future__ import annotations

import csv
import io

import pytest
from PySide6.QtCore import Qt

from pressure.classroom import protocol
from pressure.classroom.dashboard import Classroom
from pressure.classroom.url import parse_url


@pytest.fixture
def room():
    now = [100.0]
    r = Classroom(parse_url("mqtt://127.0.0.1:1/lab"), clock=lambda: now[0])
    r.now = now
    return r


def live(room, station, t, value, zone="in", trainee="", **extra):
    assert room.receive(f"pressure/v1/lab/{station}/live", protocol.encode(
        {"t": t, "value": value, "unit": "N", "zone": zone, "step": "hold 1/3", "remaining": 12.0,
         "in_band_s": 3.0, "run_s": 4.0, "trainee": trainee, **extra}))


@pytest.fixture
def window(qtbot, room):
    from pressure.ui.classroom_window import ClassroomWindow

    w = ClassroomWindow(room, broker_url="mqtt://10.0.0.2:1883/lab")
    qtbot.addWidget(w)
    w.resize(1200, 800)
    w.show()
    return w


def test_a_tile_per_station_coloured_by_zone(window, room, qtbot):
    from pressure.ui.theme import ZONES

    live(room, "s1", 1.0, 21.5, "in", "Ann")
    live(room, "s2", 1.0, 40.0, "over", "Ben")
    qtbot.waitUntil(lambda: len(window.tiles) == 2)
    t1, t2 = window.tiles["s1"], window.tiles["s2"]
    assert t1.value.text() == "21.5 N" and "Ann" in t1.name.text() and "hold 1/3" in t1.step.text()
    assert "12 s" in t1.step.text() and t1.band.text() == "in band 75 %"
    assert ZONES["in"].background in t1.value.styleSheet()
    assert ZONES["ceiling"].background in t2.value.styleSheet()


def test_a_silent_station_turns_grey_and_says_offline(window, room, qtbot):
    live(room, "s1", 1.0, 20.0)
    qtbot.waitUntil(lambda: "s1" in window.tiles and window.tiles["s1"].online)
    room.now[0] += 3.0  # nothing from s1 for 3 s
    qtbot.waitUntil(lambda: not window.tiles["s1"].online)
    tile = window.tiles["s1"]
    assert tile.step.text().startswith("OFFLINE") and "#555555" in tile.styleSheet()
    live(room, "s1", 5.0, 20.0)
    qtbot.waitUntil(lambda: window.tiles["s1"].online)
    assert "#555555" not in window.tiles["s1"].styleSheet()


def test_a_click_follows_the_station_trace(window, room, qtbot):
    for i in range(50):
        live(room, "s1", i * 0.5, 10.0 + i)
    live(room, "s2", 1.0, 5.0)
    qtbot.waitUntil(lambda: len(window.tiles) == 2)
    qtbot.mouseClick(window.tiles["s1"], Qt.LeftButton)
    assert window.following == "s1"
    x, y = window.follow_curve.getData()
    assert len(x) == 50 and y[-1] == 59.0
    sx, _ = window.tiles["s1"].curve.getData()
    assert len(sx) == 41  # the sparkline: the last 20 s


def test_the_class_table_at_the_end_of_the_routine(window, room, qtbot, tmp_path):
    live(room, "s1", 1.0, 20.0, trainee="=HYPERLINK(\"http://x\")")
    live(room, "s2", 1.0, 20.0, trainee="<b>Ben</b>")
    qtbot.waitUntil(lambda: len(window.tiles) == 2)
    assert not window.table_box.isVisible()
    for name, pct in (("s1", 80.0), ("s2", 55.5)):
        room.receive(f"pressure/v1/lab/{name}/score", protocol.encode(
            {"final": True, "scores": {"time_in_band_pct": pct, "steps_done": 3, "run_s": 60.0}}))
    qtbot.waitUntil(lambda: window.table_box.isVisible())
    assert window.table.rowCount() == 2
    window.table.sortItems(2, Qt.AscendingOrder)
    assert window.table.item(0, 0).text() == "s2" and window.table.item(0, 2).text() == "55.5"
    window.table.sortItems(2, Qt.DescendingOrder)
    assert window.table.item(0, 0).text() == "s1"
    rows = list(csv.reader(io.StringIO(window.export(str(tmp_path / "c.csv"), "csv").read_text())))
    assert rows[0][0] == "Station" and rows[1][1] == "'=HYPERLINK(\"http://x\")" and rows[1][2] == "80.0"
    page = window.export(str(tmp_path / "c.html"), "html").read_text()
    assert "&lt;b&gt;Ben&lt;/b&gt;" in page and "<b>Ben" not in page


def test_start_without_a_secret_says_so(window):
    window.start_routine()
    assert "secret" in window.statusBar().currentMessage()


def test_invalid_messages_are_counted_on_screen(window, room, qtbot):
    room.receive("pressure/v1/lab/s1/live", b"\x00garbage")
    qtbot.waitUntil(lambda: "ignored 1 invalid" in window.statusBar().currentMessage())
    assert window.tiles == {}
