"""The live feedback window: trace, big readout, routine panel, status bar, keys and menus.

One QTimer in the GUI thread (Qt.PreciseTimer, ~60 Hz) calls :meth:`Pipeline.tick` and draws
the frame: no Qt signal per sample, no new plot items per frame. Everything a key does is a
QAction on the window itself (not on a focused widget), because a foot pedal types keys and
the practitioner never clicks into the window first; the buttons take no keyboard focus so
Space never "clicks" a button by accident. The pedal's own keys (Space, T, M, P) also come
through ``pedal_keys``, a filter on the window (and on the application while a dialog is
open over it), so they act with a dialog open too.

The window only *shows* the coach's decisions (zone, cue, hold timer, step changes); the
rules live in ``pressure.coach``. What it owns: drawing, sound, keys, dialogs, settings.
"""

from __future__ import annotations

import logging
import math
import time

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog, QHBoxLayout, QLayout, QMainWindow, QMessageBox, QPushButton, QSizePolicy, QVBoxLayout, QWidget,
)

from ..errors import PressureError
from . import theme
from .plain_message import warn_plain
from .readout import Readout, cue_text, decimals_for
from . import menu_actions
from .audio import play_frame_cues
from .pedal_keys import install_pedal_keys
from .threshold_key import ThresholdKey
from .tare_key import TareKey
from .alerts import install_alerts
from .routine_panel import RoutinePanel
from .status import StatusBar
from .trace_view import TraceView

log = logging.getLogger(__name__)

FRAME_INTERVAL_MS = 16          # ~60 Hz display timer
STATS_INTERVAL_S = 0.25         # status bar refresh
OVERVIEW_INTERVAL_S = 0.2       # overview strip refresh
WINDOW_STEPS = (5.0, 10.0, 20.0, 30.0, 60.0, 120.0)  # +/- cycle through these trace lengths

# Marker keys during treatment: key -> text stored in the recording and shown on the trace.
MARKER_KEYS = {
    "M": "marker",
    "1": "pain reported",
    "2": "release felt",
    "3": "twitch response",
    "4": "patient moved",
}

# (key, what it does): shown in Help > Keys and in the README.
KEY_HELP = (
    ("Space", "start a step that waits for the key (foot pedal); skip a running step: "
              "press Space twice quickly or hold it 1 s"),
    ("T", "tare: zero the sensor (nothing pressing on it)"),
    ("Shift+T, Shift+M, Shift+P", "the same as T, M, P (some pedals send Shift); the pedal's keys "
                                  "work with a dialog open, except in a text field"),
    *((k, f"marker: {v}") for k, v in MARKER_KEYS.items()),
    ("Ctrl+Z / Backspace", "undo the last marker"),
    ("P", "mark the pressure-pain threshold (during a PPT trial; a very low one asks for a second P)"),
    ("N, then 0-10", "rate pain for the trial or hold just done (1 then 0: 10; Esc cancels; docs/clinical.md)"),
    ("F6 / F7", "next side (left, right, midline) / next phase (before, after treatment)"),
    ("S", "mute / unmute sound"),
    ("F11", "fullscreen on / off"),
    ("Esc", "leave fullscreen"),
    ("+ / -", "longer / shorter trace window"),
    ("F9", "summary of the routine so far"),
    ("F1", "this list of keys"),
)

def y_range_for(routine, y_max: float = 0.0) -> tuple[float, float]:
    """Fixed vertical range: 0 .. max(ceiling, 1.5 x the largest target), or the setting."""
    from ..zero import full_scale

    hi = y_max if y_max and y_max > 0 else full_scale(routine)
    return -0.05 * hi, hi


class MainWindow(QMainWindow):
    """The live window around one :class:`~pressure.session.pipeline.Pipeline`."""

    #: what the window title says it is: "pressure — <title_kind> — <routine>" (replay overrides)
    title_kind = "live"

    def __init__(self, pipeline, *, settings=None, audio=None, window_seconds: float = 20.0,
                 y_max: float = 0.0, session_factory=None, recording_path: str | None = None,
                 error_tone: bool = False, sensor_controls: bool = True):
        super().__init__()
        self.pipeline = pipeline
        self.settings = settings
        self.session_factory = session_factory  # url -> (pipeline, recording_path); File > Sensor
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

    def _action(self, text: str, slot, shortcut=None, menu=None) -> QAction:
        action = QAction(text, self)
        if shortcut:
            keys = shortcut if isinstance(shortcut, (list, tuple)) else [shortcut]
            action.setShortcuts([QKeySequence(k) for k in keys])
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda checked=False: slot())
        self.addAction(action)  # on the window: works whatever widget has focus
        if menu is not None:
            menu.addAction(action)
        return action

    def _build_actions(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        if self._sensor_controls:
            self._action("Sensor…", self.choose_sensor, menu=file_menu)
            self._action("Calibration…", self.calibrate, menu=file_menu)
        self._action("Settings…", self.edit_settings, menu=file_menu)
        file_menu.addSeparator()
        self._action("Quit", self.close, QKeySequence.StandardKey.Quit, menu=file_menu)
        session = bar.addMenu("&Session")
        self.actions = {
            "advance": self._action("Next step", self.advance, "Space", session),
            "tare": self._action("Tare", self.tare, "T", session),
            "threshold": self._action("Mark pressure-pain threshold", self.mark_threshold, "P", session),
            "mute": self._action("Mute", self.toggle_mute, "S", session),
        }
        markers = session.addMenu("Markers")
        for key, text in MARKER_KEYS.items():
            self.actions[f"marker:{key}"] = self._action(text, lambda t=text: self.add_marker(t), key, markers)
        self.actions["undo_marker"] = self._action("Undo last marker", self.undo_marker,
                                                   ["Ctrl+Z", "Backspace"], markers)
        routine_menu = bar.addMenu("&Routine")
        from ..routine import BUILTIN_ROUTINES

        for name, routine in BUILTIN_ROUTINES.items():
            self._action(routine.name, lambda n=name: self.load_routine(n), menu=routine_menu)
        routine_menu.addSeparator()
        self._action("Open routine file…", self.open_routine_file, menu=routine_menu)
        self._action("Restart routine", lambda: self.set_routine(self.pipeline.routine), menu=routine_menu)
        view = bar.addMenu("&View")
        self.actions["fullscreen"] = self._action("Fullscreen", self.toggle_fullscreen, "F11", view)
        self.actions["leave_fullscreen"] = self._action("Leave fullscreen", self.leave_fullscreen, "Esc", view)
        self.actions["longer"] = self._action("Longer trace window", lambda: self.step_window(+1),
                                              ["+", "=", "Ctrl++"], view)
        self.actions["shorter"] = self._action("Shorter trace window", lambda: self.step_window(-1),
                                               ["-", "Ctrl+-"], view)
        help_menu = bar.addMenu("&Help")
        self._action("Keys…", self.show_keys, "F1", help_menu)
        self.buttons["tare"].clicked.connect(self.tare)
        self.buttons["advance"].clicked.connect(self.advance)
        self.buttons["marker"].clicked.connect(lambda: self.add_marker(MARKER_KEYS["M"]))
        self.buttons["mute"].clicked.connect(self.toggle_mute)

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

    def _draw(self, frame) -> None:
        p = self.pipeline
        now = time.monotonic()
        if frame.new:
            t, raw, smooth = p.history.window(frame.t - self.trace.window_seconds)
            self.trace.update_trace(t, raw, smooth, frame.t, p.history.last_window_index,
                                    p.history.version, p.history.gaps())
            pt, pv, _ = p.pacer.window(frame.t - self.trace.window_seconds)
            self.trace.update_pacer(pt, pv)
        # The slow parts (overview, status, the recording's sensor metadata) each take a tick
        # of their own: at most one of them per frame, so no frame carries two.
        periodic = False
        if now - self._last_overview_t >= OVERVIEW_INTERVAL_S and len(p.overview):
            self._last_overview_t = now
            periodic = True
            x, y = p.overview.curve()
            self.trace.update_overview(x, y, p.overview.span[1])
        if self._markers_drawn != len(p.markers):
            if len(p.markers) == self._markers_drawn + 1:  # a key press: one more
                self.trace.add_marker(p.markers[-1].t, p.markers[-1].text)
            else:  # a replay's markers, or a new list: all in one call
                self.trace.set_markers([m.t for m in p.markers], [m.text for m in p.markers])
            self._markers_drawn = len(p.markers)
        state = frame.state
        band = state.band if state is not None else None
        if band != self._shown_band:
            self._shown_band = band
            target = state.target if state is not None else None
            self.trace.set_band(None if band is None else (band[0], target if target is not None else sum(band) / 2, band[1]))
        self._draw_readout(frame)
        self.trace.off_scale.set_style(self.readout.zone_style)  # the badge in the readout's colours
        self._draw_routine(state)
        self._sound(frame)
        if periodic:
            return
        if self._follow_due:
            self._follow_due = False
            p.follow_source()
        elif now - self._last_stats_t >= STATS_INTERVAL_S:
            self._last_stats_t = now
            self._follow_due = True
            self._stats = p.source.stats()
            self.status.update_stats(self._stats)
            if p.recorder_error and self._recording_path:
                self._recording_path = None
                self.status.set_recording(None, stopped=p.recorder_error)
                self.status.showMessage(f"Recording stopped: {p.recorder_error}")
            # A full disk does not stop the recorder (it waits, samples in memory): say so once.
            note = p.recorder.status if p.recorder is not None else ""
            if note != self._recorder_note:
                self._recorder_note = note
                self.status.record_label.setToolTip(note)
                if note:
                    self.status.showMessage(note, 10000)

    def _draw_readout(self, frame) -> None:
        p = self.pipeline
        if p.source.is_live:
            if not frame.connected:
                stats = self._stats
                if stats is not None and stats.state == "connecting" and not p.samples:
                    self.readout.show_stale("CONNECTING…", "waiting for the sensor")
                else:
                    self.readout.show_stale("DISCONNECTED", "sensor disconnected — reconnecting…")
                return
            if frame.stale:
                if not p.samples:
                    self.readout.show_stale("WAITING…", "no samples from the sensor yet")
                else:
                    self.readout.show_stale("NO SIGNAL", f"no sample for {frame.age_s:.1f} s")
                return
        elif frame.stale:
            self.readout.show_stale("NO DATA")
            return
        state = frame.state
        zone = theme.zone_key(state.zone) if state is not None else theme.IDLE
        cue = cue_text(state.cue, zone, state.waiting_for_key) if state is not None else ""
        if frame.saturated:
            cue = "SENSOR SATURATED"
        self.readout.show_value(frame.value, p.unit, zone, cue)
        stats = self._stats
        self.readout.set_note("" if stats is None or stats.calibrated
                              else "UNCALIBRATED: raw readings, not force (File › Calibration…)")

    def _draw_routine(self, state) -> None:
        # the readout has just said whether the samples are live (_draw_readout): the panel
        # must not look as if a hold is being timed while none arrive
        self.routine_panel.show_state(self.pipeline.routine, state, signal=not self.readout.stale)

    def _sound(self, frame) -> None:
        play_frame_cues(self.audio, frame, self.error_tone)

    # --- routine -----------------------------------------------------------------------------
    def _apply_routine_look(self) -> None:
        p = self.pipeline
        routine = p.routine
        self.routine_panel.set_routine(routine.name)
        self.trace.set_y_range(*y_range_for(routine, self.y_max))
        self.trace.set_ceiling(routine.ceiling)
        self.trace.set_unit(p.unit)
        self.readout.decimals = decimals_for(self.trace.y_range[1])
        self._shown_band = object()
        self.setWindowTitle(f"pressure — {self.title_kind} — {routine.name}")

    def set_routine(self, routine) -> None:
        """Start ``routine`` from its first step (the recording notes the change)."""
        self.pipeline.set_routine(routine)
        self._apply_routine_look()
        self.status.showMessage(f"routine: {routine.name}", 5000)

    def load_routine(self, name_or_path: str) -> None:
        from ..routine import get_routine

        try:
            routine = get_routine(name_or_path).converted(self.pipeline.unit, self.pipeline.area_cm2)
        except PressureError as exc:
            warn_plain(self, "Routine", str(exc))  # it may quote the file: never HTML
            return
        self.set_routine(routine)
        if self.settings is not None:
            self.settings.set("routine/name", name_or_path)

    def open_routine_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open routine", "", "Routines (*.toml);;All files (*)")
        if path:
            self.load_routine(path)

    # --- keys ------------------------------------------------------------------------------------
    def advance(self) -> None:
        self.pipeline.advance()

    def add_marker(self, text: str) -> None:
        marker = self.pipeline.add_marker(text)
        if marker is None:
            self.status.showMessage("no samples yet: nothing to mark", 3000)
        else:
            self.audio.play("marker")
            self.status.showMessage(f"marker at {marker.t:.1f} s: {text}", 3000)

    def undo_marker(self) -> None:
        marker = self.pipeline.undo_marker()
        if marker is None:
            self.status.showMessage("no marker to undo", 3000)
        else:
            self.status.showMessage(f"marker at {marker.t:.1f} s undone: {marker.text}", 3000)

    def mark_threshold(self) -> None:
        self.threshold_key.press()  # a low or negative threshold asks first / is refused

    def tare(self) -> None:
        self.tare_key.press()  # under load it asks first; a stale or moving reading is refused

    def toggle_mute(self) -> None:
        self.audio.set_muted(not self.audio.muted)
        self.status.set_sound(self.audio.available, self.audio.muted, self.audio.reason)
        self.actions["mute"].setText("Unmute" if self.audio.muted else "Mute")
        if self.settings is not None and self.audio.available:
            self.settings.set("sound/muted", self.audio.muted)

    def toggle_fullscreen(self) -> None:
        if self.isFullScreen():
            self.showNormal()
        else:
            self.showFullScreen()

    def leave_fullscreen(self) -> None:
        if self.isFullScreen():
            self.showNormal()

    def step_window(self, direction: int) -> None:
        current = self.trace.window_seconds
        if direction > 0:
            bigger = [s for s in WINDOW_STEPS if s > current + 1e-9]
            new = bigger[0] if bigger else current
        else:
            smaller = [s for s in WINDOW_STEPS if s < current - 1e-9]
            new = smaller[-1] if smaller else current
        self.trace.window_seconds = new
        self.redraw_trace()
        self.status.showMessage(f"trace window: {new:g} s", 2000)
        if self.settings is not None:
            self.settings.set("display/window_seconds", new)

    def redraw_trace(self) -> None:
        """Draw the trace, pacer and overview for the pipeline as it is now, without waiting for
        new samples: after a seek, a re-analysis or a change of the trace window."""
        p = self.pipeline
        if math.isfinite(p.last_t):
            t, raw, smooth = p.history.window(p.last_t - self.trace.window_seconds)
            self.trace.update_trace(t, raw, smooth, p.last_t, p.history.last_window_index,
                                    p.history.version, p.history.gaps())
            pt, pv, _ = p.pacer.window(p.last_t - self.trace.window_seconds)
            self.trace.update_pacer(pt, pv)
        if len(p.overview):
            x, y = p.overview.curve()
            self.trace.update_overview(x, y, p.overview.span[1])
            self._last_overview_t = time.monotonic()

    def show_keys(self) -> None:
        rows = "".join(f"<tr><td><b>{k}</b></td><td>&nbsp;{v}</td></tr>" for k, v in KEY_HELP)
        QMessageBox.information(self, "Keys", f"<table>{rows}</table><p>A foot pedal that types Space "
                                              "advances the routine.</p>")

    # --- dialogs ---------------------------------------------------------------------------------
    def choose_sensor(self) -> None:
        menu_actions.choose_sensor(self)

    def replace_pipeline(self, pipeline, recording_path: str | None = None) -> None:
        """A new sensor is a new session: close the old one (its recording), start fresh."""
        old = self.pipeline
        old.source.stop()  # first: the recorder then writes every sample the sensor sent
        old.close()
        self.pipeline = pipeline
        self._pace_source()
        self._recording_path = recording_path
        self.status.set_recording(recording_path)
        if old.recorder_error:  # the old recording failed as it closed (a full disk): where it went
            self.status.showMessage(f"Recording failed: {old.recorder_error}")
        self._reset_view_state()
        self._apply_routine_look()

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
        self.pipeline.source.stop()  # first: the recorder then writes every sample the sensor sent
        self.pipeline.close()
        self.audio.close()
        if self.settings is not None:
            self.settings.set("window/geometry", bytes(self.saveGeometry().data()))
            self.settings.sync()
        super().closeEvent(event)
