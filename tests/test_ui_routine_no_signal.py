"""Without live samples the routine panel never looks as if a hold is being timed (issue 12:
during DISCONNECTED or NO SIGNAL the countdown read "0:11" beside a running blue bar). The coach
only moves with samples and never counts a gap as held: the panel says "no signal" and the bar
takes the paused look, and the time away is indeed not counted when samples return."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor

from pressure.routine import single_hold
from pressure.session.pipeline import STALE_AFTER_S
from pressure.ui import theme
from ui_scripted import drawn, scripted_window


@pytest.fixture
def live(qtbot):
    return scripted_window(qtbot, single_hold(10.0, "10%", 30.0), size=(1000, 650), window_seconds=30.0)


def bar_colour(panel) -> str:
    """The colour painted inside the bar's filled part (as it is drawn, not as it is styled)."""
    image = panel.progress.grab().toImage()
    return QColor(image.pixel(12, image.height() // 2)).name()


def test_no_signal_pauses_the_panel_and_the_gap_is_not_held(live, qtbot):
    window, source, clock = live
    panel = window.routine_panel
    drawn(window, qtbot, source, 10.0, 6.0)  # in the band: the hold runs
    count = panel.countdown_label.text()
    assert count and "paused" not in count and "no signal" not in count
    assert bar_colour(panel) == QColor(theme.PROGRESS_RUNNING).name()
    held = window._frame.state.hold_elapsed
    assert held > 5.0

    clock.now += STALE_AFTER_S + 1.0  # the reader goes quiet, the port stays open
    qtbot.waitUntil(lambda: window.readout.stale, timeout=3000)
    qtbot.waitUntil(lambda: "no signal" in panel.countdown_label.text(), timeout=3000)
    assert panel.countdown_label.text().startswith(count)  # the timer stands where it stopped
    assert bar_colour(panel) == QColor(theme.PROGRESS_PAUSED).name()

    # samples return after the hole: the panel runs again, and the hole was not counted as held
    source.t += STALE_AFTER_S + 1.0
    drawn(window, qtbot, source, 10.0, 1.0)
    qtbot.waitUntil(lambda: "no signal" not in panel.countdown_label.text(), timeout=3000)
    assert "paused" not in panel.countdown_label.text()
    assert bar_colour(panel) == QColor(theme.PROGRESS_RUNNING).name()
    assert window._frame.state.hold_elapsed == pytest.approx(held + 1.0, abs=0.05)


def test_a_disconnected_sensor_shows_no_signal_in_the_panel(live, qtbot):
    window, source, clock = live
    panel = window.routine_panel
    drawn(window, qtbot, source, 10.0, 4.0)
    source.connected, source.state = False, "disconnected"
    clock.now += STALE_AFTER_S + 0.5
    qtbot.waitUntil(lambda: "DISCONNECTED" in window.readout.cue_label.text(), timeout=3000)
    qtbot.waitUntil(lambda: panel.countdown_label.text().endswith("no signal"), timeout=3000)
    assert bar_colour(panel) == QColor(theme.PROGRESS_PAUSED).name()


def test_a_rest_without_signal_says_so_but_is_not_shown_paused(qtbot):
    """A rest runs on the samples' clock and the gap counts once they return: not 'paused'."""
    from types import SimpleNamespace

    from pressure.routine import BUILTIN_ROUTINES
    from pressure.ui.routine_panel import RoutinePanel

    routine = BUILTIN_ROUTINES["steady"]
    index = next(i for i, s in enumerate(routine.steps) if s.kind == "rest")
    panel = RoutinePanel()
    qtbot.addWidget(panel)
    panel.resize(500, 250)
    state = SimpleNamespace(finished=False, step_index=index, waiting_for_key=False, zone="none",
                            hold_remaining=None, hold_elapsed=0.0, step_remaining=7.2, step_elapsed=2.0)
    panel.show_state(routine, state, signal=False)
    assert panel.countdown_label.text() == "0:08 no signal"
    assert panel.progress.paused is False
    panel.show_state(routine, state)
    assert panel.countdown_label.text() == "0:08"
