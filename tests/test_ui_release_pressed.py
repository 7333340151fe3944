"""The window when a release's time runs out with the force still on (issue 21 §4): the readout
escalates to LET GO FULLY, the panel stays on the release (no rest clock running), the status bar
says why once, and letting go starts the rest."""

from __future__ import annotations

from pressure.routine import BUILTIN_ROUTINES
from pressure.ui.coach_notes import install_coach_notes
from ui_scripted import drawn, scripted_window


def test_release_still_pressed_in_the_window(qtbot):
    window, source, clock = scripted_window(qtbot, BUILTIN_ROUTINES["ischemic"], rate=50.0,
                                            prepare=install_coach_notes)
    drawn(window, qtbot, source, 30.0, 62.0)
    assert window._frame.state.step.kind == "release"
    drawn(window, qtbot, source, 28.0, 12.0)
    qtbot.waitUntil(lambda: "LET GO FULLY" in window.readout.cue_label.text(), timeout=3000)
    assert window._frame.state.step.kind == "release"
    assert "rest" not in window.routine_panel.step_label.text().lower()
    assert sum("let go fully" in n for n in window.coach_notes.shown) == 1
    drawn(window, qtbot, source, 0.0, 2.0)
    qtbot.waitUntil(lambda: window._frame.state.step.kind == "rest", timeout=3000)
    assert "LET GO" not in window.readout.cue_label.text()
