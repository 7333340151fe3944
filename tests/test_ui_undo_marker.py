"""Ctrl+Z / Backspace takes back the last marker: off the trace, recorded as marker_undone."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from pressure.filters import make_filter
from pressure.markers import UNDONE, kept_markers
from pressure.recording import RecordingWriter, open_recording
from pressure.routine import single_hold
from pressure.ui.audio import Silent
from pressure.ui.main_window import KEY_HELP, MARKER_KEYS, MainWindow
from pressure.session.pipeline import Pipeline
from pressure.session.scripted import ManualClock, ScriptedSource


@pytest.mark.parametrize("key", [(Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier),
                                 (Qt.Key.Key_Backspace, Qt.KeyboardModifier.NoModifier)])
def test_undo_removes_the_last_marker_and_records_it(qtbot, tmp_path, key):
    clock = ManualClock()
    source = ScriptedSource(clock)
    routine = single_hold(10.0, "10%", 3.0)
    path = tmp_path / "s.pressure"
    recorder = RecordingWriter(path, {"routine": routine.to_dict(), "filter": make_filter("none").describe()})
    pipeline = Pipeline(source, routine, make_filter("none"), clock=clock, recorder=recorder)
    window = MainWindow(pipeline, audio=Silent("test"), window_seconds=10.0)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    source.push([3.0], seconds=0.5)
    qtbot.waitUntil(lambda: window._frame is not None and window._frame.t >= source.t, timeout=3000)
    window.activateWindow()
    QTest.keyClick(window, Qt.Key.Key_1)
    QTest.keyClick(window, Qt.Key.Key_M)
    qtbot.waitUntil(lambda: len(window.trace.markers) == 2, timeout=3000)
    QTest.keyClick(window, *key)
    qtbot.waitUntil(lambda: len(window.trace.markers) == 1, timeout=3000)
    assert [m.label.text() for m in window.trace.markers] == [MARKER_KEYS["1"]]
    assert [m.text for m in pipeline.markers] == [MARKER_KEYS["1"]]
    window.close()
    rec = open_recording(path)
    undone = [e for e in rec.events if e.kind == UNDONE]
    assert len(undone) == 1 and undone[0].data["text"] == MARKER_KEYS["M"]
    assert [e.text for e in kept_markers(rec.events)] == [MARKER_KEYS["1"]]
    assert any("undo" in what for _, what in KEY_HELP)


def test_undo_with_no_marker_does_nothing(qtbot):
    clock = ManualClock()
    pipeline = Pipeline(ScriptedSource(clock), single_hold(10.0, "10%", 3.0), make_filter("none"), clock=clock)
    assert pipeline.undo_marker() is None


def test_replay_and_report_leave_out_undone_markers(tmp_path):
    import numpy as np

    from pressure.report import build
    from pressure.samples import Block

    path = tmp_path / "r.pressure"
    routine = single_hold(10.0, "10%", 3.0)
    t = np.arange(0, 8, 0.01)
    y = np.clip(t * 5, 0, 10.0)
    with RecordingWriter(path, {"routine": routine.to_dict(), "filter": {"name": "none", "params": {}}}) as w:
        w.append(Block.make(t, y, y))
        w.add_event(2.0, "marker", "kept")
        w.add_event(3.0, "marker", "oops")
        w.add_event(3.5, UNDONE, "oops", {"t": 3.0, "text": "oops"})
    report = build(open_recording(path))
    assert [m["text"] for m in report.data["markers"]] == ["kept"]
