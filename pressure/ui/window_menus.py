"""The live window's menus and buttons: every key is a QAction on the window itself, so a foot
pedal's keys work whatever widget has focus (a part of :class:`~pressure.ui.main_window.MainWindow`).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox

from .window_keys import KEY_HELP, MARKER_KEYS


class WindowMenus:
    """Menus, shortcuts and the button row's connections (a mixin of MainWindow)."""

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
        self.menus = {"file": file_menu}  # for parts installed later (the session bar's New session)
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

    def show_keys(self) -> None:
        rows = "".join(f"<tr><td><b>{k}</b></td><td>&nbsp;{v}</td></tr>" for k, v in KEY_HELP)
        QMessageBox.information(self, "Keys", f"<table>{rows}</table><p>A foot pedal that types Space "
                                              "advances the routine.</p>")
