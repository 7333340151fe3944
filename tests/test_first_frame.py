"""PRESSURE_FIRST_FRAME=1: the live window says once when it has drawn its first frame with a
sample (benchmarks/startup.py times that line); without the variable it says nothing."""

from __future__ import annotations

from pressure.filters import make_filter
from pressure.routine import single_hold
from pressure.session.pipeline import Pipeline
from pressure.session.scripted import ManualClock, ScriptedSource
from pressure.ui.audio import Silent
from pressure.ui.first_frame import ENV, LINE, install_first_frame_note
from pressure.ui.main_window import MainWindow


def _window(qtbot):
    clock = ManualClock()
    source = ScriptedSource(clock)
    window = MainWindow(Pipeline(source, single_hold(10.0, "10%", 3.0), make_filter("none"), clock=clock),
                        audio=Silent("test"), window_seconds=10.0)
    qtbot.addWidget(window)
    return window, source


def _drawn(window, source, qtbot, capfd):
    qtbot.waitUntil(lambda: window.frames > 2)
    assert LINE not in capfd.readouterr().err  # frames without a sample are not the first frame
    source.push([3.0, 3.1], seconds=0.2)
    qtbot.waitUntil(lambda: window._frame is not None and window._frame.t >= source.t - 1e-9, timeout=3000)
    source.push([3.2], seconds=0.1)
    qtbot.waitUntil(lambda: window._frame.t >= source.t - 1e-9, timeout=3000)


def test_the_first_frame_with_a_sample_is_said_once(qtbot, capfd, monkeypatch):
    monkeypatch.setenv(ENV, "1")
    window, source = _window(qtbot)
    install_first_frame_note(window)
    _drawn(window, source, qtbot, capfd)
    assert capfd.readouterr().err.splitlines().count(LINE) == 1


def test_without_the_variable_nothing_is_said(qtbot, capfd, monkeypatch):
    monkeypatch.delenv(ENV, raising=False)
    window, source = _window(qtbot)
    install_first_frame_note(window)
    _drawn(window, source, qtbot, capfd)
    assert LINE not in capfd.readouterr().err
