"""Space during a running hold (issue 12): one tap only says how to skip; a double or long press
skips, recorded as ``step_skipped`` and scored as skipped live, in replay and in ``report --json``."""

import json
import math

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from pressure.filters import make_filter
from pressure.recording import RecordingWriter, open_recording
from pressure.routine import Routine, Step
from pressure.session.scripted import ManualClock
from pressure.ui.space_key import DOUBLE_PRESS_S
import ui_scripted
from ui_scripted import scripted_window

ROUTINE = Routine("hold then rest", unit="N", ceiling=40.0, steps=(
    Step("hold", target=10.0, tolerance=1.0, duration=60.0, label="hold"),
    Step("rest", duration=0.5, label="rest"),
    Step("hold", target=10.0, tolerance=1.0, duration=0.5, advance="key", label="second hold"),
))


@pytest.fixture
def live(qtbot, tmp_path):
    path = tmp_path / "space.pressure"
    writer = RecordingWriter(path, {"unit": "N", "routine": ROUTINE.to_dict()})
    window, source, _ = scripted_window(qtbot, ROUTINE, recorder=writer, window_seconds=10.0)
    window.activateWindow()
    return window, source, path


def drawn(window, qtbot, source, value, seconds=0.5):
    ui_scripted.drawn(window, qtbot, source, value, seconds)


def step_kind(window):
    return window.pipeline.state.step_index


def test_one_tap_during_a_hold_only_hints_and_a_double_press_skips(live, qtbot, capsys):
    window, source, path = live
    drawn(window, qtbot, source, 10.0, seconds=2.0)
    assert step_kind(window) == 0 and not window.pipeline.state.waiting_for_key
    clock = [100.0]
    window.pedal.space.clock = lambda: clock[0]
    QTest.keyClick(window, Qt.Key.Key_Space)  # a bumped pedal
    drawn(window, qtbot, source, 10.0)
    assert step_kind(window) == 0  # the hold runs on
    assert "twice" in window.status.currentMessage()
    clock[0] += DOUBLE_PRESS_S + 0.1  # too late for a double press: another single tap
    QTest.keyClick(window, Qt.Key.Key_Space)
    drawn(window, qtbot, source, 10.0)
    assert step_kind(window) == 0
    # a held key's auto-repeat is not a second press
    QApplication.sendEvent(window, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Space,
                                             Qt.KeyboardModifier.NoModifier, " ", True))
    drawn(window, qtbot, source, 10.0)
    assert step_kind(window) == 0
    clock[0] += DOUBLE_PRESS_S + 0.1
    QTest.keyClick(window, Qt.Key.Key_Space)
    clock[0] += 0.01
    QTest.keyClick(window, Qt.Key.Key_Space)  # a pedal's contact bouncing is no second press
    drawn(window, qtbot, source, 10.0)
    assert step_kind(window) == 0
    clock[0] += 0.2
    QTest.keyClick(window, Qt.Key.Key_Space)  # the deliberate double press
    drawn(window, qtbot, source, 10.0)
    assert step_kind(window) >= 1
    assert "skipped" in window.status.currentMessage()
    live_events = [e for e in window.pipeline.coach.events if e.kind == "step_skipped"]
    assert len(live_events) == 1 and live_events[0].step == 0
    # the next step that waits for the key still starts with one tap
    drawn(window, qtbot, source, 10.0, seconds=1.0)
    assert window.pipeline.state.waiting_for_key
    QTest.keyClick(window, Qt.Key.Key_Space)
    for _ in range(3):
        drawn(window, qtbot, source, 10.0)
    assert window.pipeline.state.finished
    from pressure.session.scores import session_scores

    live_scores = session_scores(window.pipeline)
    from pressure.ui.summary import summary_html

    assert "hold (skipped)" in summary_html(live_scores)  # the live summary says so
    window.close()

    rec = open_recording(path)
    recorded = [e for e in rec.events if e.kind == "step_skipped"]
    assert len(recorded) == 1 and recorded[0].data["hold_elapsed"] == pytest.approx(
        live_events[0].data["hold_elapsed"])
    from pressure.scoring import score_recording

    scored = score_recording(rec)
    for scores in (live_scores, scored):
        first, second = scores.holds
        assert first.skipped and not first.completed and 0 < first.completed_fraction < 1
        assert second.completed and not second.skipped
        assert scores.holds_completed == 1
    assert scored.score == pytest.approx(live_scores.score, abs=0.5)

    from pressure.session.replay_pipeline import ReplayPipeline
    from pressure.session.replay_source import ReplaySource
    from pressure.session.scores import session_scores as replay_scores

    rclock = ManualClock()
    replay = ReplayPipeline(ReplaySource(rec, clock=rclock, playing=False), ROUTINE, make_filter("none"),
                            clock=rclock)
    replayed = replay_scores(replay, whole=True)
    assert [h.skipped for h in replayed.holds] == [True, False]
    assert replayed.score == pytest.approx(scored.score)

    from pressure.cli import main

    assert main(["report", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    holds = [s for s in data["steps"] if s["kind"] == "hold"]
    assert [h["skipped"] for h in holds] == [True, False]
    assert [h["completed"] for h in holds] == [False, True]
    assert data["holds_completed"] == 1
    assert main(["report", str(path)]) == 0
    assert "skipped, " in capsys.readouterr().out  # the text report too


def test_a_long_press_skips_the_running_hold(live, qtbot):
    window, source, _ = live
    drawn(window, qtbot, source, 10.0, seconds=2.0)
    QTest.keyPress(window, Qt.Key.Key_Space)
    assert step_kind(window) == 0 and "twice" in window.status.currentMessage()
    qtbot.waitUntil(lambda: window.pedal.space.skips == 1, timeout=3000)
    QTest.keyRelease(window, Qt.Key.Key_Space)
    drawn(window, qtbot, source, 10.0)
    assert step_kind(window) >= 1
    assert [e.kind for e in window.pipeline.coach.events].count("step_skipped") == 1


def test_a_short_press_released_early_does_not_skip(live, qtbot):
    window, source, _ = live
    drawn(window, qtbot, source, 10.0, seconds=2.0)
    QTest.keyPress(window, Qt.Key.Key_Space)
    QTest.keyRelease(window, Qt.Key.Key_Space)
    assert not window.pedal.space._long.isActive()
    drawn(window, qtbot, source, 10.0, seconds=1.2)
    assert step_kind(window) == 0 and window.pedal.space.skips == 0
    assert not math.isnan(window.pipeline.state.hold_elapsed)
