"""The machinery of ``make screens`` (:mod:`pressure.ui.screens`): a live window on a scripted
simulator, drawn frame by frame on a hand-moved clock, in a throw-away ``PRESSURE_HOME``.

The simulator's practitioner profiles (``firmware_sim.model``, fixed seeds) push samples through
a scripted live source into the real pipeline, coach, recorder and window; frames are drawn by
the window's own tick, so the same code gives the same pictures on any machine.
"""

from __future__ import annotations

import math
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

import numpy as np

SIZE = (1280, 800)           # every main window; the dialogs open at the size they set themselves
SEED = 7
STEP_S = 0.05                # samples handed over per drawn frame (5 at 100 S/s)
RATE = 100.0
STARTED_AT = "2026-01-15T10:00:00+00:00"  # a fixed start: no clock text changes between runs


@contextmanager
def private_home():
    """A throw-away PRESSURE_HOME for the run (recordings and the trainee file go there)."""
    before = os.environ.get("PRESSURE_HOME")
    with tempfile.TemporaryDirectory(prefix="pressure-screens-") as home:
        os.environ["PRESSURE_HOME"] = home
        try:
            yield Path(home)
        finally:
            if before is None:
                os.environ.pop("PRESSURE_HOME", None)
            else:
                os.environ["PRESSURE_HOME"] = before


def _sim_source(clock):
    """A scripted source that says it is the built-in simulator (so the demo keys press, as in
    ``python main.py``) and reports health like a live reader."""
    from ..session.scripted import ScriptedSource
    from ..session.source import SourceStats
    from .demo_keys import SIMULATOR_NAME

    class SimulatorScript(ScriptedSource):
        sensor = SIMULATOR_NAME

        def stats(self):
            return SourceStats(sensor=SIMULATOR_NAME, rate_hz=self.rate, connected=self.connected,
                               state=self.state, calibrated=True,
                               disconnected_at=self.t if self.state == "disconnected" else None)

    return SimulatorScript(clock, rate=RATE)


class Live:
    """A live window (training, demo keys, session bar) on a scripted simulator, recording."""

    def __init__(self, routine, name: str, *, client: str = "", trainee: str = ""):
        from ..filters import DEFAULT_FILTER
        from ..session.live import SessionConfig, session_on
        from ..session.scripted import ManualClock
        from .audio import Silent
        from .demo_keys import install_demo_keys
        from .main_window import MainWindow
        from .session_bar import install_session_bar
        from .training import install_training

        self.clock = ManualClock()
        self.source = _sim_source(self.clock)
        folder = Path(os.environ["PRESSURE_HOME"]) / "screens"
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / f"{name}.pressure"
        # the factory every shell's session comes from, on the scripted simulator
        config = SessionConfig(routine=routine, filter_name=DEFAULT_FILTER[0], filter_params=dict(DEFAULT_FILTER[1]),
                               labels={"client": client, "trainee": trainee}, out=self.path,
                               meta={"started_at": STARTED_AT})
        self.session = session_on(self.source, config, url="sim", simulated=True, clock=self.clock)
        self.pipeline = self.session.pipeline
        self.window = MainWindow(self.session, audio=Silent("no sound in screen renders"), window_seconds=30.0)
        self.window.timer.stop()  # frames are drawn by hand below, one per STEP_S of samples
        self.window.readout.number_interval_s = 0.0
        self.training = install_training(self.window)
        install_demo_keys(self.window)
        self.bar = install_session_bar(self.window)
        self.window.resize(*SIZE)
        self.window.show()

    def play(self, force, until: float) -> None:
        """Push ``force(t)`` (newtons, t in session seconds) up to ``until``, a frame per step."""
        while self.source.t < until - 1e-9:
            t = self.source.t + np.arange(1, int(round(STEP_S * RATE)) + 1) / RATE
            self.source.push(list(np.asarray(force(t), dtype=float)))
            self.frame()

    def frame(self) -> None:
        draw_frame(self.window)

    def close(self) -> None:
        for dialog in (self.training.summary, self.training.progress_view):
            if dialog is not None:
                dialog.close()
        self.window.close()
        self.session.close()  # closed by the window already; a second close does nothing


def draw_frame(window) -> None:
    """One frame of ``window``, exactly as its timer would draw it."""
    from PySide6.QtWidgets import QApplication

    window._tick()
    QApplication.processEvents()


def settle(window) -> None:
    """The slow parts (overview, status bar, sensor line) drawn now, not when the wall clock says."""
    # a frame draws at most one slow part: the overview, then the status bar, then the sensor line
    window._last_overview_t = -math.inf
    draw_frame(window)
    window._last_overview_t, window._last_stats_t = math.inf, -math.inf
    draw_frame(window)
    draw_frame(window)
    window._last_overview_t = -math.inf
    window.status.clearMessage()  # "Sound is off" belongs to the first seconds of a session


def profile(name: str, target_n: float, seed: int = SEED):
    from firmware_sim.model import make_profile

    return make_profile(name, seed=seed, target_n=target_n).force


def then(force, t0: float, value: float, seconds: float = 1.5):
    """``force`` until ``t0``, then a smooth push to ``value`` newtons (a practitioner leaning in)."""
    def pushed(t):
        base = force(t)
        start = float(force(np.array([t0]))[0])
        u = np.clip((t - t0) / seconds, 0.0, 1.0)
        smooth = start + (value - start) * u ** 3 * (10 - 15 * u + 6 * u ** 2)
        wobble = 1.0 + 0.004 * np.sin(2 * np.pi * 9.0 * t)
        return np.where(t < t0, base, smooth * wobble)
    return pushed
