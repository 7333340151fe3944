"""Messages shown over the trace for a moment, and the off-scale badge in its zone's colour
(issue 12)."""

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtTest import QTest

from pressure.routine import single_hold
from pressure.ui import overlay, theme
from ui_scripted import drawn, scripted_window


@pytest.fixture
def live(qtbot):
    def make(y_max=0.0):
        window, source, clock = scripted_window(qtbot, single_hold(10.0, "10%", 3.0, ceiling=20.0),
                                                size=(1000, 650), window_seconds=10.0, y_max=y_max)

        def push(value):
            drawn(window, qtbot, source, value, 0.1)
        window.clock = clock
        return window, push
    return make


def test_a_key_answer_shows_over_the_trace_and_goes(live, qtbot, monkeypatch):
    monkeypatch.setattr(overlay, "SHOW_S", 0.3)  # the time it stays is the constant's, not a guess
    monkeypatch.setattr("pressure.ui.status.SHOW_S", 0.3)
    window, push = live()
    push(3.0)
    layer = window.status.overlay
    if not window.audio.available:  # the start's "Sound is off" goes over the trace as well
        assert layer.text().startswith("Sound is off")
    qtbot.waitUntil(lambda: not layer.isVisible(), timeout=3000)
    window.activateWindow()
    QTest.keyClick(window, Qt.Key.Key_Plus)  # longer trace window
    assert layer.isVisible() and layer.text() == "trace window: 20 s"
    assert window.status.currentMessage() == "trace window: 20 s"  # the bar keeps it too
    trace = window.trace
    assert layer.parentWidget() is trace
    assert QRect(0, 0, trace.width(), trace.height()).contains(layer.geometry())
    assert layer.font().pixelSize() >= 24 or layer.fontInfo().pixelSize() >= 24  # large: read at 2 m
    qtbot.waitUntil(lambda: not layer.isVisible(), timeout=3000)
    assert window.status.currentMessage() == "trace window: 20 s"  # the bar's 2 s are not over yet


def test_a_newer_message_replaces_the_older_and_gets_its_full_time(live, qtbot):
    window, push = live()
    push(3.0)
    window.add_marker("marker")
    layer = window.status.overlay
    assert layer.isVisible() and layer.text().startswith("marker at ")
    window.undo_marker()
    assert layer.isVisible() and "undone" in layer.text()
    qtbot.waitUntil(lambda: not layer.isVisible(), timeout=overlay.SHOW_S * 1000 + 2000)


def test_the_off_scale_badge_takes_the_zone_colour(live, qtbot):
    window, push = live(y_max=8.0)  # the band (9..11) lies above a range that ends at 8
    badge = window.trace.off_scale
    push(10.0)
    assert window.readout.zone == theme.IN_BAND and badge.box.isVisible()
    assert badge.box.brush().color().name() == theme.ZONES[theme.IN_BAND].background
    assert badge.label.brush().color().name() == theme.ZONES[theme.IN_BAND].text
    push(25.0)
    assert window.readout.zone == theme.CEILING
    assert badge.box.brush().color().name() == theme.ZONES[theme.CEILING].background

    # no signal: the badge's last value is not live either, and looks it
    window.clock.now += 5.0
    qtbot.waitUntil(lambda: window.readout.stale, timeout=3000)
    qtbot.waitUntil(lambda: badge.box.brush().color().name() == theme.ZONES[theme.STALE].background, timeout=3000)


@pytest.fixture
def bar_over(qtbot):
    """A status bar whose messages show over a plain host widget: (bar, its overlay)."""
    from PySide6.QtWidgets import QWidget

    from pressure.ui.status import StatusBar

    host = QWidget()
    qtbot.addWidget(host)
    bar = StatusBar()
    qtbot.addWidget(bar)
    overlay = bar.attach_overlay(host)
    host.show()
    return bar, overlay


def test_a_cleared_message_is_gone_from_over_the_trace_too(bar_over):
    bar, overlay = bar_over
    bar.showMessage("Sound is off")
    assert overlay.isVisible() and overlay.text() == "Sound is off"
    bar.clearMessage()
    assert not overlay.isVisible()


def test_a_background_notice_stays_in_the_bar(bar_over):
    bar, overlay = bar_over
    bar.note("analysis complete", 3000)
    assert bar.currentMessage() == "analysis complete"
    assert not overlay.isVisible()
