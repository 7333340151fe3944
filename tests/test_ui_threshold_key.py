"""P in a PPT trial (issue 12: P accepted -0.2 N): a threshold at or below 2 % of the display
range asks first (a second P within 2 s marks it); a negative one is never marked."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from pressure.routine import Routine, Step
from pressure.ui.threshold_key import THRESHOLD_CONFIRM_S
import ui_scripted
from ui_scripted import scripted_window

PPT = Routine("ppt", unit="N", ceiling=100.0, steps=(
    Step("threshold", rate=10.0, advance="key", label="trial"), Step("rest", duration=30.0)))


@pytest.fixture
def trial(qtbot):
    window, source, _ = scripted_window(qtbot, PPT)
    window.activateWindow()
    drawn(window, qtbot, source, 0.0)
    QTest.keyClick(window, Qt.Key.Key_Space)  # start the trial
    drawn(window, qtbot, source, 0.0)
    assert window.pipeline.threshold_running()
    now = [50.0]
    window.threshold_key.clock = lambda: now[0]
    return window, source, now


def drawn(window, qtbot, source, value, seconds=0.3):
    ui_scripted.drawn(window, qtbot, source, value, seconds)


def thresholds(window):
    return [e for e in window.pipeline.coach.events if e.kind == "threshold"]


def test_a_negative_threshold_is_never_marked(trial, qtbot):
    window, source, _ = trial
    drawn(window, qtbot, source, -0.2)
    QTest.keyClick(window, Qt.Key.Key_P)
    QTest.keyClick(window, Qt.Key.Key_P)  # not even when pressed twice
    drawn(window, qtbot, source, -0.2)
    assert thresholds(window) == [] and window.pipeline.threshold_running()
    assert "-0.2 N" in window.status.currentMessage() and "tare" in window.status.currentMessage()
    assert not [m for m in window.pipeline.markers if m.kind == "threshold"]


def test_a_low_threshold_asks_first_and_a_second_p_within_2_s_marks_it(trial, qtbot):
    window, source, now = trial
    minimum = window.threshold_key.minimum()
    assert minimum > 0
    low = round(minimum / 2, 2)
    drawn(window, qtbot, source, low)
    QTest.keyClick(window, Qt.Key.Key_P)
    drawn(window, qtbot, source, low)
    assert thresholds(window) == []
    assert "press P again within 2 s" in window.status.currentMessage()
    now[0] += THRESHOLD_CONFIRM_S + 0.5  # too late: it asks again
    QTest.keyClick(window, Qt.Key.Key_P)
    drawn(window, qtbot, source, low)
    assert thresholds(window) == []
    now[0] += 1.0
    QTest.keyClick(window, Qt.Key.Key_P)  # the confirmation
    drawn(window, qtbot, source, low)
    (event,) = thresholds(window)
    assert event.data["value"] == pytest.approx(low)


def test_a_sensible_threshold_is_marked_at_once(trial, qtbot):
    window, source, _ = trial
    for v in (5.0, 10.0, 20.0):
        drawn(window, qtbot, source, v)
    QTest.keyClick(window, Qt.Key.Key_P)
    drawn(window, qtbot, source, 20.0)
    (event,) = thresholds(window)
    assert event.data["value"] == pytest.approx(20.0)
