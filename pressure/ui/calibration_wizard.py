"""The calibration wizard: tare at rest, a known weight, a check with a second weight.

Three steps on one page, in order, each refusing a reading that moves (``measure`` raises
pressure.zero.NotSteady, the one steady rule of the T key too). A new scale far from the
device's own or the one in use (pressure.zero.scale_warning: more than 20 %) is said at once,
and OK asks before keeping it unless a second weight read right with it. The stored calibration
is shown with its date. The window applies the result (menu_actions.calibrate); this dialog
only collects and checks.
"""

from __future__ import annotations

import logging
import math

from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QFormLayout, QGroupBox, QMessageBox, QPushButton, QVBoxLayout,
)

from ..errors import PressureError
from ..samples import CONTACT_AREAS, DISPLAY_UNITS, from_unit, is_pressure_unit
from ..zero import CHECK_GOOD, check_error, scale_warning
from .calibration_parts import calibration_text, label as _label, scale_text, weight_step

log = logging.getLogger(__name__)


class CalibrationDialog(QDialog):
    """``measure(seconds) -> float``: the mean raw reading of the last seconds if it is steady
    (raises PressureError with the reason if not); ``calibration``: the sensor's calibration in
    use; ``device``: the device's own (from its #ID line) or None; ``stored``: the stored one."""

    def __init__(self, parent, calibration, measure, unit: str, area_cm2, *, device=None, stored=None,
                 range_n: float | None = None):
        super().__init__(parent)
        self.setWindowTitle("Calibration")
        self.calibration = calibration
        self.device = device
        self.stored = stored
        self._measure = measure
        self.result_calibration = None
        self.warning = ""       # why the new scale needs confirming ("" when it agrees)
        self.checked = False    # a second weight read right with the new scale
        self.range_n = range_n  # the display range in N: what "a load on the sensor" is a share of
        self._tare_asked = False  # a tare the device's own zero sees loaded asked for a second press
        self.setMinimumWidth(480)

        self.stored_label = _label(calibration_text(stored))
        self.device_label = _label(calibration_text(device, "device's own calibration", dated=False)
                                   if device else "")
        self.device_label.setVisible(device is not None)

        step1 = QGroupBox("1. Tare")
        self.tare_button = QPushButton("Tare (nothing on the sensor)")
        box1 = QVBoxLayout(step1)
        box1.addWidget(_label("Take everything off the sensor, keep it still, press Tare."))
        box1.addWidget(self.tare_button)

        step2, self.weight, self.weight_unit, self.measure_button = weight_step(
            "2. A known weight", "Place a known weight on the sensor, wait until it is still.",
            "Known weight", "Measure the known weight")
        step3, self.check_weight, self.check_unit, self.check_button = weight_step(
            "3. Check with a second weight (recommended)",
            "Place a different known weight: it should read within 2 %.", "Check weight", "Check")

        self.status = _label("")
        self.status.setObjectName("calibrationStatus")
        self.status.setMinimumHeight(4 * self.status.fontMetrics().lineSpacing())  # no relayout squeeze
        self.unit = QComboBox()
        self.unit.addItems(list(DISPLAY_UNITS))
        self.unit.setCurrentText(unit)
        self.area = QComboBox()
        self.area.setEditable(True)
        for name, value in CONTACT_AREAS.items():
            self.area.addItem(name, value)
        if area_cm2:
            self.area.setEditText(f"{area_cm2:g}")
        display = QFormLayout()
        display.addRow("Display unit", self.unit)
        display.addRow("Contact area (cm²)", self.area)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (self.stored_label, self.device_label, step1, step2, step3, self.status):
            layout.addWidget(widget)
        layout.addLayout(display)
        layout.addWidget(buttons)
        self.tare_button.clicked.connect(self.tare)
        self.measure_button.clicked.connect(self.measure)
        self.check_button.clicked.connect(self.check)

    # --- the steps ------------------------------------------------------------------------------
    def _say(self, text: str) -> None:
        self.status.setText(text)

    def tare(self) -> None:
        asked, self._tare_asked = self._tare_asked, False
        try:
            mean = self._measure_steady()
        except PressureError as exc:
            self._say(f"Not tared: {exc}")
            return
        load = self._device_load(mean)
        if load is not None and not asked:  # a tare at rest is the first step: a load asks first
            self._tare_asked = True
            self._say(f"Not tared yet: by the device's own zero the sensor carries {load:.1f} N. "
                      "Take everything off, or press Tare again to tare with it on.")
            return
        try:
            self.result_calibration = (self.result_calibration or self.calibration).tared(mean)
        except PressureError as exc:
            self._say(f"Not tared: {exc}")
            return
        self.checked = False
        self._say(f"Tared at {mean:.1f} (raw). Now place the known weight.")

    def measure(self) -> None:
        value = self.weight.value()
        if not value > 0:
            self._say("Enter the known weight first (greater than 0).")
            return
        unit = self.weight_unit.currentText()
        try:
            mean = self._measure_steady()
            base = self.result_calibration or self.calibration
            cal = base.with_known_weight(mean, value, unit)
        except PressureError as exc:
            self._say(f"Not measured: {exc}")
            return
        self.result_calibration = cal
        self.checked = False
        self.warning = scale_warning(cal.scale, self.device.scale if self.device is not None else None,
                                     self.calibration.scale if self.calibration.source != "default" else None) or ""
        text = f"Measured: {value:g} {unit} at raw {mean:.1f} ({scale_text(cal)})."
        self._say(f"{text}\nWarning: {self.warning}" if self.warning else f"{text} Check it with a second weight.")

    def check(self) -> None:
        cal = self.result_calibration
        value = self.check_weight.value()
        if cal is None or cal.source != "known-weight":
            self._say("Measure a known weight first (step 2), then check with a second one.")
            return
        if not value > 0:
            self._say("Enter the check weight first (greater than 0).")
            return
        unit = self.check_unit.currentText()
        try:
            mean = self._measure_steady()
            expected = float(from_unit(value, unit))
            reads = float(cal.apply(mean))
            error, ok = check_error(reads, expected)
        except PressureError as exc:
            self._say(f"Not checked: {exc}")
            return
        self.checked = ok
        if abs(error) <= CHECK_GOOD:
            verdict = "good"
        elif ok:
            verdict = "usable; is the weight centred and nothing else touching the sensor?"
        else:
            verdict = "off by more than 5 %: tare and measure again"
        self._say(f"Check: {value:g} {unit} ({expected:.2f} N) reads {reads:.2f} N, "
                  f"{error * 100:+.1f} %: {verdict}.")

    def _device_load(self, raw_mean: float) -> float | None:
        """Newtons on the sensor by the device's own zero, if that is more than a rest reading."""
        from ..zero import OFFSET_SHARE

        if self.device is None or not self.range_n:
            return None
        load = float(self.device.apply(raw_mean))
        return load if abs(load) > OFFSET_SHARE * self.range_n else None

    def _measure_steady(self) -> float:
        from ..zero import STEADY_S

        return self._measure(STEADY_S)

    # --- closing --------------------------------------------------------------------------------
    def area_cm2(self) -> float | None:
        data = self.area.currentData()
        text = self.area.currentText()
        if data is not None and text == self.area.itemText(self.area.currentIndex()):
            return float(data)
        try:
            value = float(text.split()[0])
        except (ValueError, IndexError):
            return None
        return value if math.isfinite(value) and value > 0 else None

    def accept(self) -> None:
        if is_pressure_unit(self.unit.currentText()) and self.area_cm2() is None:
            QMessageBox.warning(self, "Calibration", "A pressure unit needs the contact area in cm² (> 0).")
            return
        if self.warning and not self.checked and self.result_calibration is not None:
            answer = QMessageBox.question(
                self, "Calibration", f"{self.warning[:1].upper()}{self.warning[1:]}\n\nKeep this calibration anyway?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
            if answer != QMessageBox.StandardButton.Yes:
                self._say(f"Not kept yet: {self.warning}")
                return
            log.warning("calibration kept against the warning: %s", self.warning)
        super().accept()

