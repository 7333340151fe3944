"""The routine as the live window shows it: the vertical range, ceiling line, unit, title, and
loading a routine from the Routine menu or a file (a part of
:class:`~pressure.ui.main_window.MainWindow`).
"""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QFileDialog

from ..errors import PressureError
from .plain_message import warn_plain
from .readout import decimals_for
from .window_title import title_for

log = logging.getLogger(__name__)


def y_range_for(routine, y_max: float = 0.0) -> tuple[float, float]:
    """Fixed vertical range: 0 .. max(ceiling, 1.5 x the largest target), or the setting."""
    from ..zero import full_scale

    hi = y_max if y_max and y_max > 0 else full_scale(routine)
    return -0.05 * hi, hi


class RoutineLook:
    """Show and change the window's routine (a mixin of MainWindow)."""

    def _apply_routine_look(self) -> None:
        """Axis, ceiling line, unit, decimals and title for the routine that runs now (drawn
        again whenever the session's routine changes, whoever changed it: a menu, Settings,
        the instructor's start)."""
        p = self.pipeline
        routine = p.routine
        self._shown_routine = routine
        self.routine_panel.set_routine(routine.name)
        self.trace.set_y_range(*y_range_for(routine, self.y_max))
        self.trace.set_ceiling(routine.ceiling)
        self.trace.set_unit(p.unit)
        self.readout.decimals = decimals_for(self.trace.y_range[1])
        self._shown_band = object()
        self.setWindowTitle(title_for(self))  # ui/window_title.py: sensor, routine, client

    def set_routine(self, routine) -> None:
        """Start ``routine`` from its first step (the recording notes the change)."""
        self.session.set_routine(routine)
        self._apply_routine_look()
        self.status.showMessage(f"routine: {routine.name}", 5000)

    def change_routine(self, routine) -> str:
        """Settings OK or a new unit: the running step goes on when the routine keeps its steps
        (a new ceiling, target, tolerance, hold or unit); another routine starts a new run."""
        how = self.session.change_routine(routine)
        self._apply_routine_look()
        if how == "amended":
            self.status.showMessage(f"routine: {routine.name} (the running step goes on)", 5000)
        elif how:
            self.status.showMessage(f"routine: {routine.name}", 5000)
        return how

    def load_routine(self, name_or_path: str) -> None:
        """The Routine menu and a routine file: the session's one path (the instructor's start
        takes it too)."""
        try:
            routine = self.session.load_routine(name_or_path)
        except PressureError as exc:
            warn_plain(self, "Routine", str(exc))  # it may quote the file: never HTML
            return
        self._apply_routine_look()
        self.status.showMessage(f"routine: {routine.name}", 5000)
        if self.settings is not None:
            self.settings.set("routine/name", name_or_path)

    def open_routine_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open routine", "", "Routines (*.toml);;All files (*)")
        if path:
            self.load_routine(path)
