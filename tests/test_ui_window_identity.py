"""The window says what it is: the program's icon, and a title naming the sensor and the client."""

from __future__ import annotations

import numpy as np

from pressure.filters import make_filter
from pressure.recording import RecordingWriter
from pressure.routine import single_hold
from pressure.samples import Block
from pressure.session.pipeline import Pipeline
from pressure.session.replay_setup import open_replay
from pressure.session.scripted import ManualClock, ScriptedSource
from pressure.ui.audio import Silent
from pressure.ui.icon import PNG, SVG, app_icon
from pressure.ui.main_window import MainWindow
from pressure.ui.replay_window import ReplayWindow
from pressure.ui.window_title import window_title

ROUTINE = single_hold(10.0, "10%", 3.0)


def test_the_icon_files_are_there_and_load(qapp):
    assert PNG.is_file() and SVG.is_file()
    icon = app_icon()
    assert not icon.isNull()
    assert icon.pixmap(48, 48).width() == 48


def test_live_window_has_the_icon_and_names_its_sensor(qtbot):
    clock = ManualClock()
    source = ScriptedSource(clock)
    source.sensor = "/dev/ttyUSB0"
    window = MainWindow(Pipeline(source, ROUTINE, make_filter("none"), clock=clock), audio=Silent("test"),
                        window_seconds=10.0)
    qtbot.addWidget(window)
    assert not window.windowIcon().isNull()
    title = window.windowTitle()
    assert "/dev/ttyUSB0" in title and ROUTINE.name in title and title.startswith("pressure — live")


def test_replay_window_names_the_recordings_client(qtbot, tmp_path):
    path = tmp_path / "s.pressure"
    t = np.arange(200) / 100.0
    meta = {"kind": "live", "unit": "N", "routine": ROUTINE.to_dict(), "labels": {"client": "Anna K"},
            "filter": {"name": "none", "params": {}}}
    with RecordingWriter(path, meta) as w:
        w.append(Block.make(t, t * 1000.0, t))
    window = ReplayWindow(open_replay(path, filt=make_filter("none"), playing=False, clock=ManualClock()),
                          audio=Silent("test"), window_seconds=10.0)
    qtbot.addWidget(window)
    assert "client: Anna K" in window.windowTitle() and "s.pressure" in window.windowTitle()
    assert not window.windowIcon().isNull()


def test_title_leaves_out_what_is_unknown():
    assert window_title("live", "hold 30 N") == "pressure — live — hold 30 N"
    assert window_title("live", "hold", "built-in simulator", "Ben") == \
        "pressure — live — built-in simulator — hold — client: Ben"
