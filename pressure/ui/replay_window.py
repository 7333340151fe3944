"""The replay window: the live window (same trace, readout, zones, routine panel, markers)
on a :class:`~pressure.session.replay_source.ReplayPipeline`, with transport controls, a
re-analysis panel (filter, target, tolerance) and the session library.

It is a :class:`MainWindow` subclass so replay never draws differently from live: only the
source differs. Cues are muted by default (S unmutes). Space plays and pauses here (there is
no one to advance a routine for: the recorded key presses are replayed).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox, QDockWidget, QDoubleSpinBox, QFileDialog, QFormLayout, QLabel, QPushButton, QWidget,
)

from ..errors import PressureError
from . import theme
from .plain_message import warn_plain
from .main_window import MainWindow
from .replay_toolbar import ReplayToolbar
from ..routine import retarget
from ..session.replay_setup import open_replay
from ..session.replay_pipeline import ReplayPipeline

log = logging.getLogger(__name__)

SEEK_KEY_S = 5.0  # Left / Right jump this far
ANALYSIS_SLICE_S = 0.006  # analysis work between two events: the GUI never waits longer
SEEK_WINDOW_MIN_S = 30.0  # a seek fills at least this much trace (+/- then needs no new seek)


# ---------------------------------------------------------------- re-analysis panel

class ReanalysisPanel(QWidget):
    """Filter, strength, target and tolerance; Apply recomputes the trace, zones and summary."""

    def __init__(self, window: "ReplayWindow"):
        super().__init__(window)
        from ..filters import FILTERS

        self.window = window
        form = QFormLayout(self)
        self.filter = QComboBox(self)
        self.filter.addItems(list(FILTERS))
        self.strength = QDoubleSpinBox(self)
        self.strength.setRange(-0.05, 1.0)
        self.strength.setSingleStep(0.1)
        self.strength.setSpecialValueText("own settings")
        self.target = QDoubleSpinBox(self)
        self.target.setRange(0.0, 1e6)
        self.target.setSpecialValueText("routine's")
        self.tolerance = QDoubleSpinBox(self)
        self.tolerance.setRange(0.0, 1e6)
        self.tolerance.setSpecialValueText("routine's")
        for w in (self.filter, self.strength, self.target, self.tolerance):
            w.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.apply_button = QPushButton("Apply", self)
        self.apply_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.apply_button.clicked.connect(self.apply)
        self.message = QLabel("", self)
        self.message.setTextFormat(Qt.TextFormat.PlainText)  # an error may quote a routine file
        self.message.setWordWrap(True)
        form.addRow("filter", self.filter)
        form.addRow("strength 0..1", self.strength)
        form.addRow("target", self.target)
        form.addRow("tolerance ±", self.tolerance)
        form.addRow(self.apply_button)
        form.addRow(self.message)
        self.setStyleSheet(f"QLabel {{ color: {theme.PLOT_FOREGROUND}; }}")
        self.load()

    def load(self) -> None:
        p = self.window.pipeline
        self.filter.setCurrentText(p.filter.name)
        self.strength.setValue(self.strength.minimum())
        self.target.setValue(0.0)
        self.tolerance.setValue(0.0)
        self.target.setSuffix(f" {p.unit}")
        self.tolerance.setSuffix(f" {p.unit}")

    def apply(self) -> None:
        strength = self.strength.value()
        self.window.reanalyse(filter_name=self.filter.currentText(),
                              strength=strength if strength >= 0 else None,
                              target=self.target.value() or None, tolerance=self.tolerance.value() or None)


# ---------------------------------------------------------------- the window

class ReplayWindow(MainWindow):
    """The live window's look on a replay, plus transport, re-analysis and the library."""

    def __init__(self, pipeline: ReplayPipeline, *, audio=None, window_seconds: float = 20.0,
                 y_max: float = 0.0, sound_muted: bool = True, settings=None):
        super().__init__(pipeline, settings=settings, audio=audio, window_seconds=window_seconds,
                         y_max=y_max, sensor_controls=False)
        self._analysis_started = None
        self._analysis_timer = QTimer(self)
        self._analysis_timer.setInterval(0)  # whenever the event loop is idle
        self._analysis_timer.timeout.connect(self._analyse_slice)
        if self.audio.available and sound_muted and not self.audio.muted:
            self.toggle_mute()  # cues muted by default in replay; S unmutes
        self.controls = ReplayToolbar(self)
        self.addToolBar(Qt.ToolBarArea.BottomToolBarArea, self.controls)
        self.controls.sigPlayPause.connect(self.play_pause)
        self.controls.sigSpeed.connect(self.set_speed)
        self.controls.sigSeek.connect(self.seek)
        self.controls.sigFrame.connect(self.step_frame)
        self.controls.sigMarker.connect(lambda d: self._jump(self.pipeline.next_marker(d), "marker"))
        self.controls.sigStep.connect(lambda d: self._jump(self.pipeline.next_step(d), "step"))
        self.reanalysis = ReanalysisPanel(self)
        dock = QDockWidget("Re-analysis", self)
        dock.setObjectName("reanalysisDock")
        dock.setWidget(self.reanalysis)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        self.reanalysis_dock = dock
        self._build_replay_actions()
        self.trace.scene().sigMouseClicked.connect(self._scene_clicked)
        self.frame_hooks.append(self._after_frame)
        self._new_pipeline()

    def _build_replay_actions(self) -> None:
        # Space is play/pause here: take it from "Next step" so the shortcut is not ambiguous
        self.actions["advance"].setShortcuts([])
        for name in ("tare", "advance"):  # no sensor to tare, the recorded keys are replayed
            self.buttons[name].hide()
        menu = self.menuBar().addMenu("&Replay")
        file_menu = next((a.menu() for a in self.menuBar().actions() if a.text() == "&File"), menu)
        first = file_menu.actions()[0] if file_menu.actions() else None
        for name, text, slot, keys in (
            ("open", "Open recording…", self.open_file, "Ctrl+O"),
            ("library", "Session library…", self.open_library, "Ctrl+L"),
        ):
            action = self._action(text, slot, keys)
            file_menu.insertAction(first, action)
            self.actions[name] = action
        if first is not None:
            file_menu.insertSeparator(first)
        for name, text, slot, keys in (
            ("play", "Play / pause", self.play_pause, "Space"),
            ("back", "Back 5 s", lambda: self.seek(self.pipeline.source.position - SEEK_KEY_S), "Left"),
            ("forward", "Forward 5 s", lambda: self.seek(self.pipeline.source.position + SEEK_KEY_S), "Right"),
            ("frame_prev", "One frame back", lambda: self.step_frame(-1), ","),
            ("frame_next", "One frame forward", lambda: self.step_frame(+1), "."),
            ("marker_prev", "Previous marker", lambda: self._jump(self.pipeline.next_marker(-1), "marker"), "["),
            ("marker_next", "Next marker", lambda: self._jump(self.pipeline.next_marker(+1), "marker"), "]"),
            ("step_prev", "Previous step", lambda: self._jump(self.pipeline.next_step(-1), "step"), "PgUp"),
            ("step_next", "Next step", lambda: self._jump(self.pipeline.next_step(+1), "step"), "PgDown"),
            ("slower", "Slower", lambda: self._speed_step(-1), "Ctrl+Down"),
            ("faster", "Faster", lambda: self._speed_step(+1), "Ctrl+Up"),
        ):
            self.actions[name] = self._action(text, slot, keys, menu)

    # --- the pipeline ------------------------------------------------------------------------
    def _new_pipeline(self) -> None:
        p = self.pipeline
        p.window_s = max(self.trace.window_seconds, SEEK_WINDOW_MIN_S)
        self.controls.set_range(p.source.t_end)
        self.controls.set_speed(p.source.speed)
        self.reanalysis.load()
        self._start_analysis()
        self.after_seek()

    def replace_pipeline(self, pipeline, recording_path=None) -> None:
        self._stop_analysis()
        super().replace_pipeline(pipeline, None)
        self._new_pipeline()

    @property
    def title_kind(self) -> str:
        recording = self.pipeline.source.recording
        path = recording.path if recording is not None else None
        return f"replay — {path.name}" if path else "replay"

    def _start_analysis(self) -> None:
        """Run the new pipeline's exact analysis in slices between frames (see replay_source)."""
        an = self.pipeline.analysis
        if an is None or an is self._analysis_started:
            return
        self._analysis_started = an
        if not self._analysis_timer.isActive():
            self._analysis_timer.start()

    def _analyse_slice(self) -> None:
        an = self._analysis_started
        if an is None or an.run_for(ANALYSIS_SLICE_S):
            self._analysis_timer.stop()
            if an is not None and an is self.pipeline.analysis and not self.pipeline.exact:
                self.status.note("analysis complete", 3000)

    def _stop_analysis(self) -> None:
        if self._analysis_started is not None:
            self._analysis_started.cancel()
        self._analysis_timer.stop()
        self._analysis_started = None

    def _after_frame(self, frame) -> None:
        src = self.pipeline.source
        self.controls.show_position(src.position, src.playing)
        if self.pipeline.analysis is not self._analysis_started:
            self._start_analysis()

    def step_window(self, direction: int) -> None:
        super().step_window(direction)
        p = self.pipeline
        if self.trace.window_seconds > p.window_s:  # a longer window than the seek filled
            p.window_s = self.trace.window_seconds
            self.seek(p.source.position)

    # --- transport ---------------------------------------------------------------------------
    def play_pause(self) -> None:
        src = self.pipeline.source
        if not src.playing and src.at_end:
            self.seek(src.t_first)
        src.toggle()
        self.controls.show_position(src.position, src.playing)

    def set_speed(self, speed: float) -> None:
        try:
            self.pipeline.source.set_speed(speed)
        except PressureError as exc:
            self.status.showMessage(str(exc), 4000)
            return
        self.controls.set_speed(speed)
        self.status.showMessage(f"speed {speed:g}x", 2000)

    def _speed_step(self, direction: int) -> None:
        from ..session.replay_source import SPEEDS

        speed = self.pipeline.source.speed
        options = [s for s in SPEEDS if (s > speed + 1e-9 if direction > 0 else s < speed - 1e-9)]
        if options:
            self.set_speed(options[0] if direction > 0 else options[-1])

    def seek(self, t: float) -> None:
        self.pipeline.seek(t)
        self.after_seek()

    def step_frame(self, direction: int) -> None:
        self.pipeline.step_frame(direction)
        if direction < 0:
            self.after_seek()

    def _jump(self, t, what: str) -> None:
        if t is None:
            self.status.showMessage(f"no {what} in that direction", 2000)
            return
        self.after_seek()
        self.status.showMessage(f"{what} at {t:.1f} s", 2000)

    def _scene_clicked(self, event) -> None:
        """A click on the overview strip jumps there."""
        o = self.trace.overview
        pos = event.scenePos()
        if not o.vb.sceneBoundingRect().contains(pos):
            return
        self.seek(float(o.vb.mapSceneToView(pos).x()))

    def after_seek(self) -> None:
        """Show the window ending at the new position at once (the next tick has no new samples)."""
        self.redraw_trace()
        p = self.pipeline
        self.controls.show_position(p.source.position, p.source.playing)
        self._tick()

    # --- re-analysis -------------------------------------------------------------------------
    def reanalyse(self, *, filter_name: str | None = None, strength: float | None = None,
                  target: float | None = None, tolerance: float | None = None) -> bool:
        """Apply a new filter and/or target/tolerance; the trace and zones are computed again."""
        from ..filters import make_filter

        p = self.pipeline
        try:
            if filter_name is not None:
                params = {} if strength is None else {"strength": strength}
                filt = make_filter(filter_name, **params)
                if filt.describe() != p.filter.describe():
                    p.set_filter(filt)
            if target is not None or tolerance is not None:
                self.set_routine(retarget(p.routine, target, tolerance))
        except PressureError as exc:
            self.reanalysis.message.setText(str(exc))
            return False
        self.reanalysis.message.setText("")
        self.after_seek()
        return True

    # --- files -------------------------------------------------------------------------------
    def open_path(self, path) -> bool:
        try:
            pipeline = open_replay(path)
        except PressureError as exc:
            warn_plain(self, "Open recording", str(exc))  # it may quote the file: never HTML
            return False
        self.replace_pipeline(pipeline)
        return True

    def open_file(self) -> None:
        from ..paths import sessions_dir
        from ..recording import EXTENSION

        path, _ = QFileDialog.getOpenFileName(self, "Open recording", str(sessions_dir()),
                                              f"Recordings (*{EXTENSION});;All files (*)")
        if path:
            self.open_path(path)

    def open_library(self) -> None:
        from .session_browser import SessionBrowser

        browser = SessionBrowser(self)
        browser.sigOpen.connect(self.open_path)
        browser.show()
        self.session_browser = browser

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        self._stop_analysis()
        super().closeEvent(event)
