"""The live feedback window: trace, big readout, routine panel, status bar, keys and menus.

One QTimer in the GUI thread (Qt.PreciseTimer, ~60 Hz) calls :meth:`Pipeline.tick` and draws
the frame: no Qt signal per sample, no new plot items per frame. Everything a key does is a
QAction on the window itself (not on a focused widget), because a foot pedal types keys and
the practitioner never clicks into the window first; the buttons take no keyboard focus so
Space never "clicks" a button by accident. The pedal's own keys (Space, T, M, P) also come
through ``pedal_keys``, a filter on the window (and on the application while a dialog is
open over it), so they act with a dialog open too.

The window only *shows* the coach's decisions (zone, cue, hold timer, step changes); the
rules live in ``pressure.coach``. This module builds the window and runs its timer; its parts,
one module each: the session it shows (``window_session``), drawing a frame (``window_draw``),
the keys (``window_keys``), the menus (``window_menus``) and the routine's look (``window_routine``).
"""

from __future__ import annotations

import logging
import math
import time

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QHBoxLayout, QLayout, QMainWindow, QMessageBox, QPushButton, QSizePolicy, QVBoxLayout, QWidget,
)

from ..errors import PressureError
from . import theme
from . import menu_actions
from .readout import Readout
from .pedal_keys import install_pedal_keys
from .threshold_key import ThresholdKey
from .tare_key import TareKey
from .alerts import install_alerts
from .routine_panel import RoutinePanel
from .status import StatusBar
from .trace_view import TraceView
from .icon import app_icon
from .window_draw import FrameDrawing, OVERVIEW_INTERVAL_S, STATS_INTERVAL_S  # noqa: F401 - re-exported
from .window_keys import KEY_HELP, MARKER_KEYS, WINDOW_STEPS, KeyActions  # noqa: F401 - re-exported
from .window_menus import WindowMenus
from .window_routine import RoutineLook, y_range_for  # noqa: F401 - re-exported
from .window_session import SessionView, as_session

log = logging.getLogger(__name__)

FRAME_INTERVAL_MS = 16          # ~60 Hz display timer


class MainWindow(SessionView, KeyActions, WindowMenus, FrameDrawing, RoutineLook, QMainWindow):
    """The live window around one :class:`~pressure.session.session.Session` (or a bare
    :class:`~pressure.session.pipeline.Pipeline`, which it wraps in one)."""

    #: what the window title says it is: "pressure — <title_kind> — <routine>" (replay overrides)
    title_kind = "live"

    def __init__(self, session, *, settings=None, audio=None, window_seconds: float = 20.0,
                 y_max: float = 0.0, session_factory=None, recording_path: str | None = None,
                 error_tone: bool = False, sensor_controls: bool = True):
        super().__init__()
        self.session = as_session(session, recording_path)
        pipeline = self.session.pipeline
        recording_path = self.session.recording_path
        self.settings = settings
        # (url, record=None, labels=None) -> Session: File > Sensor and New session
        self.session_factory = session_factory
        self.frame_hooks: list = []  # callables(frame) after each drawn tick (tests, benchmarks)
        self.frames = 0
        self.tick_started = math.nan  # time.monotonic() when the newest tick began (benchmarks)
        self.y_max = y_max
        self.error_tone = error_tone
        self._sensor_controls = sensor_controls
        if audio is None:
            from .audio import make_audio

            audio = make_audio(False)
        self.audio = audio
        self._build_widgets()
        self._build_actions()
        # the pedal's keys (M, T, P, Space; also with Shift) with a dialog open too; Space's
        # double/long press to skip a running step. A replay's Space is play/pause instead.
        self.pedal = None if pipeline.source.can_seek else install_pedal_keys(self)
        self.threshold_key = ThresholdKey(self)
        self.tare_key = TareKey(self)  # T: only a live, steady reading becomes the zero
        self.alerts = install_alerts(self)  # a banner: the zero is off at rest, the recording stopped
        self.trace.window_seconds = float(window_seconds)
        self.status.set_recording(recording_path)
        self._recording_path = recording_path
        self._recorder_note = ""  # the recorder's last one-line state shown (e.g. a full disk)
        self.status.set_sound(audio.available, audio.muted, audio.reason)
        if not audio.available:
            self.status.showMessage(f"Sound is off: {audio.reason}", 15000)
        self._reset_view_state()
        self._apply_routine_look()

        self.timer = QTimer(self)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(FRAME_INTERVAL_MS)
        self.timer.timeout.connect(self._tick)
        self._pace_source()
        self.timer.start()

    def _pace_source(self) -> None:
        """Tell a live source when the timer reads it next: its reader hands samples on just in
        time. Asked of the timer itself, not assumed a frame interval away: after a late frame
        a precise timer fires sooner to keep its rhythm, and a reader expecting a whole interval
        would hold that frame's samples past it (some frames would then come a frame late)."""
        self.pipeline.source.pace(self._time_to_next_tick)

    def _time_to_next_tick(self) -> float:
        """Seconds until the timer fires next (in whole milliseconds); -1 when stopped."""
        remaining = self.timer.remainingTime()
        return remaining / 1000.0 if remaining >= 0 else -1.0

    # --- construction ------------------------------------------------------------------------
    def _build_widgets(self) -> None:
        self.setWindowTitle("pressure — live")
        self.setWindowIcon(app_icon())
        self.setStyleSheet(f"QMainWindow, #central {{ background: {theme.PLOT_BACKGROUND}; }}"
                           f"#central QLabel {{ color: {theme.PLOT_FOREGROUND}; }}"
                           f"QDockWidget {{ color: {theme.PLOT_FOREGROUND}; }}")  # dock titles on the dark window
        central = QWidget(self)
        central.setObjectName("central")
        self.trace = TraceView(central)
        self.readout = Readout(central)
        self.routine_panel = RoutinePanel(central)
        self.buttons = {}
        row = QHBoxLayout()
        for name, text in (("tare", "Tare (T)"), ("advance", "Next step (Space)"),
                           ("marker", "Marker (M)"), ("mute", "Mute (S)")):
            button = QPushButton(text, central)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Space must never click a button
            button.setMinimumHeight(36)
            row.addWidget(button)
            self.buttons[name] = button
        right = QVBoxLayout()
        right.addWidget(self.readout, 5)
        right.addWidget(self.routine_panel, 3)
        right.addLayout(row)
        layout = QHBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.trace, 3)
        side = QWidget(central)
        side.setLayout(right)
        side.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        layout.addWidget(side, 2)
        self.setCentralWidget(central)
        # The window never derives a minimum size from its contents (fonts follow the size):
        # it stays freely resizable, and platforms without size hints (offscreen) stay quiet.
        self.layout().setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self.status = StatusBar(self)
        self.setStatusBar(self.status)
        self.status.attach_overlay(self.trace)  # every status message also shows over the trace

    def _reset_view_state(self) -> None:
        self._last_stats_t = -math.inf
        self._stats = None  # the source's last SourceStats (taken a few times a second)
        self._last_overview_t = -math.inf
        self._follow_due = False
        self._shown_band = object()
        self._shown_step = None
        self._markers_drawn = 0
        self._frame = None
        self._sound_zone = ""
        self.trace.clear_markers()

    # --- the tick --------------------------------------------------------------------------------
    def _tick(self) -> None:
        self.tick_started = time.monotonic()
        try:
            frame = self.pipeline.tick()
        except PressureError as exc:  # e.g. a replay file that turns out damaged
            self.timer.stop()
            self.status.showMessage(str(exc))
            QMessageBox.warning(self, "pressure", str(exc))
            return
        self._frame = frame
        self._draw(frame)
        self.frames += 1
        for hook in self.frame_hooks:
            hook(frame)

    # --- dialogs ---------------------------------------------------------------------------------
    def choose_sensor(self) -> None:
        menu_actions.choose_sensor(self)

    def calibrate(self) -> None:
        menu_actions.calibrate(self)

    def edit_settings(self) -> None:
        menu_actions.edit_settings(self)

    # --- closing ---------------------------------------------------------------------------------
    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        """Stop drawing, close the recording (every sample and event committed), stop the sensor."""
        self.timer.stop()
        if self.pedal is not None:
            self.pedal.release()
        self.session.close()  # the one close of every shell (station, source, recording)
        self.audio.close()
        if self.settings is not None:
            self.settings.set("window/geometry", bytes(self.saveGeometry().data()))
            self.settings.sync()
        super().closeEvent(event)
