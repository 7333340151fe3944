"""File > Settings: it opens on what runs now, and OK without changes changes nothing.

The routine list starts at the routine that runs (a built-in, the single hold's fields, or
"running now: <name>" for one from a file or the command line); the hold fields show its first
hold, the ceiling field its ceiling (not the saved settings, which may describe another
routine). A routine is applied only when it, a single hold's field or the ceiling changed. A
ceiling is removed only by ticking "no ceiling": an empty field is refused, never "none".
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout,
)

from ..errors import PressureError
from ..routine import DEFAULT_HOLD_S

CURRENT = "\x00running"  # the routine list's value for the routine that runs (not a built-in)
SINGLE = ""              # ... and for a single hold made from the fields


def is_single_hold(routine) -> bool:
    """True for a routine made by :func:`pressure.routine.single_hold` (ramp, hold, release)."""
    return ([s.kind for s in routine.steps] == ["ramp", "hold", "release"]
            and routine.name.startswith("Hold "))


def first_hold(routine):
    return next((s for s in routine.steps if s.kind == "hold"), None)


class SettingsDialog(QDialog):
    """Filter, routine (a built-in, the running one, or a single hold), ceiling, window, recording.

    ``current``: the routine that runs (None: only the saved values are known)."""

    def __init__(self, parent, *, filters, filter_name: str, strength: float, routines, routine_name: str,
                 unit: str, target: float, tolerance: str, hold: float, ceiling: float,
                 window_seconds: float, y_max: float, record: bool, error_tone: bool,
                 current=None, area_cm2=None):
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self._routines, self._unit, self._area, self._current = routines, unit, area_cm2, current
        self.filter = QComboBox()
        self.filter.addItems(list(filters))
        self.filter.setCurrentText(filter_name)
        self.strength = QDoubleSpinBox()
        self.strength.setRange(-0.01, 1.0)
        self.strength.setSingleStep(0.05)
        self.strength.setSpecialValueText("filter default")
        self.strength.setValue(strength if strength >= 0 else -0.01)
        self.routine = QComboBox()
        self.target = QDoubleSpinBox()
        self.target.setRange(0.0, 100000.0)
        self.target.setSuffix(f" {unit}")
        self.tolerance = QLineEdit()
        self.hold = QDoubleSpinBox()
        self.hold.setRange(1.0, 3600.0)
        self.hold.setSuffix(" s")
        self.ceiling = QDoubleSpinBox()
        self.ceiling.setRange(0.0, 100000.0)
        self.ceiling.setSuffix(f" {unit}")
        self.no_ceiling = QCheckBox("no ceiling (no alarm however hard the press)")
        self.about = QLabel("")
        self.about.setTextFormat(Qt.TextFormat.PlainText)  # the routine's name comes from its file
        self.about.setWordWrap(True)
        self._single = (target, tolerance or "10%", hold or DEFAULT_HOLD_S)  # the single hold's fields
        self._fill_routines(routine_name, current)
        selected = self.routine.currentData()
        if current is not None and selected == SINGLE:
            step = first_hold(current)
            tol = _tolerance_text(tolerance, step.target, step.effective_tolerance())
            self._single = (step.target, tol, step.duration)
        self._show_routine_fields()
        shown = current if current is not None else self.selected_routine()
        self._set_ceiling(shown.ceiling if shown is not None else (ceiling or None))
        self._single_ceiling = self.ceiling_value() if selected == SINGLE else (ceiling or None)
        self.ceiling.valueChanged.connect(self._ceiling_typed)
        self.routine.currentIndexChanged.connect(self._routine_picked)
        self.window_seconds = QDoubleSpinBox()
        self.window_seconds.setRange(2.0, 120.0)
        self.window_seconds.setValue(window_seconds)
        self.window_seconds.setSuffix(" s")
        self.y_max = QDoubleSpinBox()
        self.y_max.setRange(0.0, 100000.0)
        self.y_max.setSpecialValueText("from the routine")
        self.y_max.setValue(y_max)
        self.record = QCheckBox("record every session")
        self.record.setChecked(record)
        self.error_tone = QCheckBox("continuous tone whose pitch follows the error")
        self.error_tone.setChecked(error_tone)
        form = QFormLayout()
        form.addRow("Filter", self.filter)
        form.addRow("Strength (0 light .. 1 heavy)", self.strength)
        form.addRow("Routine", self.routine)
        form.addRow(self.about)
        form.addRow("Target", self.target)
        form.addRow("Tolerance (10% or 2)", self.tolerance)
        form.addRow("Hold", self.hold)
        form.addRow("Safety ceiling", self.ceiling)
        form.addRow(self.no_ceiling)
        form.addRow("Trace length", self.window_seconds)
        form.addRow("Vertical range max", self.y_max)
        form.addRow(self.record)
        form.addRow(self.error_tone)
        self.message = QLabel("")
        self.message.setTextFormat(Qt.TextFormat.PlainText)  # an error may quote what was typed
        self.message.setStyleSheet("color: #ff5252;")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.initial = self.routine_values()

    # --- the routine shown -----------------------------------------------------------------
    def _fill_routines(self, routine_name: str, current) -> None:
        self.routine.addItem("single hold (below)", SINGLE)
        for name in self._routines:
            self.routine.addItem(name, name)
        if current is None:
            self.routine.setCurrentIndex(max(self.routine.findData(routine_name), 0))
            return
        if is_single_hold(current):
            self.routine.setCurrentIndex(0)
            return
        for name in self._routines:
            if self._builtin(name) == current:
                self.routine.setCurrentIndex(self.routine.findData(name))
                return
        self.routine.insertItem(0, f"running now: {current.name}", CURRENT)
        self.routine.setCurrentIndex(0)

    def _builtin(self, name):
        try:
            return self._routines[name].converted(self._unit, self._area)
        except PressureError:
            return None

    def selected_routine(self):
        """The routine the list points at (None: the single hold of the fields)."""
        data = self.routine.currentData()
        if data == SINGLE:
            return None
        return self._current if data == CURRENT else self._builtin(data)

    def _show_routine_fields(self) -> None:
        routine = self.selected_routine()
        single = routine is None
        for field in (self.target, self.tolerance, self.hold):
            field.setEnabled(single)
        if single:
            target, tol, hold = self._single
            self.target.setValue(target)
            self.tolerance.setText(tol)
            self.hold.setValue(hold)
            self.about.setText("one ramp, one hold of the fields below, release")
            return
        holds = [s for s in routine.steps if s.kind == "hold"]
        step = holds[0] if holds else None
        if step is not None:
            self.target.setValue(step.target)
            self.tolerance.setText(f"{step.effective_tolerance():g}")
            self.hold.setValue(step.duration)
        self.about.setText(f"{routine.name}: {len(routine.steps)} steps, {len(holds)} hold(s)"
                           + (f" of {step.duration:g} s at {step.target:g} {routine.unit}" if step else "")
                           + " (the routine's own; edit it as a routine file)")

    def _routine_picked(self) -> None:
        if self.target.isEnabled():  # leaving the single hold: keep what was typed for a return
            self._single = (self.target.value(), self.tolerance.text(), self.hold.value())
            self._single_ceiling = self.ceiling_value()
        routine = self.selected_routine()
        self._show_routine_fields()
        self._set_ceiling(self._single_ceiling if routine is None else routine.ceiling)

    def _set_ceiling(self, ceiling) -> None:
        self.ceiling.blockSignals(True)
        self.ceiling.setValue(ceiling or 0.0)
        self.ceiling.blockSignals(False)
        self.no_ceiling.setChecked(ceiling is None)

    def _ceiling_typed(self, value: float) -> None:
        if value > 0:
            self.no_ceiling.setChecked(False)  # a ceiling typed in is wanted

    # --- values ---------------------------------------------------------------------------
    def ceiling_value(self):
        """The ceiling asked for: None only when "no ceiling" is ticked."""
        return None if self.no_ceiling.isChecked() else self.ceiling.value()

    def routine_values(self) -> tuple:
        """Everything that makes the routine: compared with :attr:`initial` to see a change."""
        return (self.routine.currentData(), self.target.value(), self.tolerance.text().strip(),
                self.hold.value(), self.ceiling_value())

    def routine_changed(self) -> bool:
        return self.routine_values() != self.initial

    def values(self) -> dict:
        strength = self.strength.value()
        data = self.routine.currentData()
        return {
            "filter/name": self.filter.currentText(),
            "filter/strength": -1.0 if strength < 0 else strength,
            "routine/name": "" if data in (SINGLE, CURRENT) else data,
            "routine/target": self.target.value(),
            "routine/tolerance": self.tolerance.text().strip(),
            "routine/hold": self.hold.value(),
            "routine/ceiling": self.ceiling_value() or 0.0,
            "display/window_seconds": self.window_seconds.value(),
            "display/y_max": self.y_max.value(),
            "record/enabled": self.record.isChecked(),
            "sound/error_tone": self.error_tone.isChecked(),
        }

    def accept(self) -> None:
        try:
            self.chosen_routine()
        except PressureError as exc:
            self.message.setText(str(exc))
            return
        super().accept()

    def chosen_routine(self):
        """The routine OK applies (the running one itself when nothing was changed)."""
        from ..routine import parse_tolerance, single_hold

        ceiling = self.ceiling_value()
        if ceiling is not None and not ceiling > 0:
            raise PressureError("enter a safety ceiling above 0, or tick 'no ceiling' to run without one")
        if not self.routine_changed() and self._current is not None:
            return self._current
        routine = self.selected_routine()
        if routine is None:
            target = self.target.value()
            if not target > 0:
                raise PressureError("a single hold needs a target greater than 0")
            tolerance = self.tolerance.text().strip()
            parse_tolerance(tolerance, target)
            if ceiling is not None and ceiling < target:
                raise PressureError("the safety ceiling is below the target")
            return single_hold(target, tolerance, self.hold.value(), ceiling=ceiling, unit=self._unit,
                               area_cm2=self._area)
        if ceiling != routine.ceiling:
            routine = dataclasses.replace(routine, ceiling=ceiling)  # the routine checks its targets
        return routine


def _tolerance_text(saved: str, target: float, tolerance: float) -> str:
    """The tolerance as the user wrote it (the saved text) when it is this one, else the number."""
    from ..routine import parse_tolerance

    try:
        if saved and abs(parse_tolerance(saved, target) - tolerance) < 1e-9:
            return saved
    except PressureError:
        pass
    return f"{tolerance:g}"
