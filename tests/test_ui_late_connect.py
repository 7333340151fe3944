"""The window connected late to a device that streamed while nobody read (issue 21 §6): it
showed the old 29.7 N at t=0 and completed the ramp step at once. The session starts at the
first fresh sample: the readout, the trace and the routine see only live data."""

from __future__ import annotations

import os

import numpy as np
import pytest

from pressure.calibration import Calibration
from pressure.filters import make_filter
from pressure.routine import single_hold
from pressure.session.pipeline import Pipeline
from pressure.session.source import LiveSource
from pressure.ui.audio import Silent
from pressure.ui.main_window import MainWindow
from stale_port import CPN, fill_with_backlog, lines, pty_device  # noqa: F401 - pty_device is a fixture


def test_a_late_window_starts_at_the_first_fresh_sample(qtbot, pty_device, run_reader):
    master, path = pty_device
    old = fill_with_backlog(master, path, newtons=29.7)
    reader, buffer = run_reader(path, fmt="pressure", calibration=Calibration("t", 0.0, 1 / CPN, "N"))
    old.join(5.0)
    pipeline = Pipeline(LiveSource(reader, buffer), single_hold(30.0, "10%", 5.0), make_filter("none"))
    window = MainWindow(pipeline, audio=Silent("test"))
    qtbot.addWidget(window)
    window.resize(900, 600)
    window.show()
    qtbot.waitExposed(window)
    os.write(master, lines(1060, 10_600_000, 150, 0.2))  # the resting sensor, live
    qtbot.waitUntil(lambda: pipeline.samples >= 150, timeout=5000)
    qtbot.waitUntil(lambda: window._frame is not None and window._frame.t >= 1.49 - 1e-6, timeout=3000)
    t, raw, _ = pipeline.history.window(-np.inf)
    assert t[0] == 0.0 and t[-1] == pytest.approx(1.49)  # 1.5 s of live samples, no phantom 10 s
    assert raw.max() < 1.0  # the old 29.7 N never reached the trace
    assert window._frame.state.step.kind == "ramp"  # the ramp is not done by old bytes
    assert "29.7" not in window.readout.value_label.text()
