"""P in the window after the peak (issue 21 §3): the marked threshold is the trial's peak, the
value at the press is kept beside it, and the marker on the trace says the peak."""

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from pressure.routine import Routine, Step
from ui_scripted import scripted_window

PPT = Routine("ppt", unit="N", ceiling=100.0, steps=(
    Step("threshold", rate=5.0, label="trial"), Step("release", duration=10.0), Step("rest", duration=30.0)))


def test_p_on_the_falling_edge_marks_the_peak(qtbot):
    window, source, _ = scripted_window(qtbot, PPT, rate=100.0)
    window.activateWindow()
    ramp = np.r_[np.linspace(0.0, 39.0, 800), np.linspace(39.0, 30.0, 30)]  # peak 39 N, falling to 30
    source.push(ramp)
    target = source.t
    qtbot.waitUntil(lambda: window._frame is not None and window._frame.t >= target, timeout=3000)
    QTest.keyClick(window, Qt.Key.Key_P)
    source.push(np.full(20, 29.0))
    qtbot.waitUntil(lambda: any(m.kind == "threshold" for m in window.pipeline.markers), timeout=3000)
    (event,) = [e for e in window.pipeline.coach.events if e.kind == "threshold"]
    assert event.data["value"] == pytest.approx(39.0, abs=0.1)
    assert event.data["at_press"] == pytest.approx(30.0, abs=0.5)
    marker = [m for m in window.pipeline.markers if m.kind == "threshold"][-1]
    assert "39.0" in marker.text
