"""Dialogs: sensor (port picker) and calibration with a known weight (settings: settings_dialog).

Each dialog only collects and checks values; the main window applies them (restarting the
reader, rebuilding the filter or routine). Invalid entries are refused inside the dialog with a
message next to the field, so a bad value never reaches the pipeline.
"""

from __future__ import annotations

import logging
import math

from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout, QLabel, QLineEdit,
    QListWidget, QListWidgetItem, QMessageBox, QPushButton, QVBoxLayout,
)

from ..errors import PressureError
from ..samples import CONTACT_AREAS, DISPLAY_UNITS, FORCE_UNITS, is_pressure_unit
from . import ble_rows
from .settings_dialog import SettingsDialog  # noqa: F401 - its own module; imported from here too

log = logging.getLogger(__name__)

SIMULATOR = "sim"  # the port picker's value for the built-in simulated sensor


def _buttons(dialog: QDialog) -> QDialogButtonBox:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


class PortDialog(QDialog):
    """Choose the sensor: likely sensors first, the built-in simulator always available."""

    def __init__(self, parent=None, current: str = ""):
        super().__init__(parent)
        self.setWindowTitle("Sensor")
        self.list = QListWidget(self)
        self.url_edit = QLineEdit(self)
        self.url_edit.setPlaceholderText("or type a port or URL, e.g. /dev/ttyUSB0, COM3, socket://host:port")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Likely force sensors are listed first."))
        layout.addWidget(self.list)
        layout.addWidget(self.url_edit)
        refresh = QPushButton("Refresh", self)
        refresh.clicked.connect(self.refresh)
        layout.addWidget(refresh)
        scan, self.ble_note = ble_rows.scan_controls(self, self.list, 256)
        layout.addWidget(scan)
        layout.addWidget(self.ble_note)
        layout.addWidget(_buttons(self))
        self.list.currentItemChanged.connect(self._picked)
        self.current = current or SIMULATOR
        self.refresh()

    def refresh(self) -> None:
        from .. import transport

        self.list.clear()
        try:
            ports = transport.list_ports()
        except Exception as exc:  # listing ports can fail on odd systems; the simulator still works
            log.warning("cannot list serial ports: %s", exc)
            ports = []
        for p in ports:
            text = p.device + (f" — {p.description}" if p.description else "") + (f" ({p.kind})" if p.kind else "")
            if p.likely_sensor:
                text = "★ " + text
            item = QListWidgetItem(text)
            item.setData(256, p.device)
            self.list.addItem(item)
        ble_rows.add_emulated(self.list, 256)
        sim = QListWidgetItem("Built-in simulated sensor (no hardware)")
        sim.setData(256, SIMULATOR)
        self.list.addItem(sim)
        self._select_current()

    def scan_bluetooth(self) -> None:
        ble_rows.scan_into(self.list, 256, self.ble_note)

    def _select_current(self) -> None:
        """Preselect the sensor in use (else Qt makes the first row, often /dev/ttyS0, current
        when the list gets focus, and OK would switch to it)."""
        values = [self.list.item(i).data(256) for i in range(self.list.count())]
        if self.current not in values:  # e.g. a socket:// URL or a port that vanished
            item = QListWidgetItem(f"{self.current} (in use)")
            item.setData(256, self.current)
            self.list.insertItem(0, item)
            values.insert(0, self.current)
        self.list.setCurrentRow(values.index(self.current))

    def _picked(self, item) -> None:
        if item is not None:
            value = item.data(256)
            self.url_edit.setText("" if value == SIMULATOR else value)

    def url(self) -> str:
        """The chosen URL, or SIMULATOR."""
        return self.url_edit.text().strip() or SIMULATOR

    @staticmethod
    def describe(url: str) -> str:
        return "the built-in simulated sensor" if url == SIMULATOR else url


class CalibrationDialog(QDialog):
    """Tare with nothing on the sensor, then place a known weight and measure; plus unit and area.

    ``measure(seconds) -> float`` returns the mean raw reading of the last seconds (the main
    window passes the pipeline's); ``calibration`` is the current Calibration of the sensor.
    """

    def __init__(self, parent, calibration, measure, unit: str, area_cm2):
        super().__init__(parent)
        self.setWindowTitle("Calibration")
        self.calibration = calibration
        self._measure = measure
        self.result_calibration = None
        self.info = QLabel(
            "1. Take everything off the sensor and press Tare.\n"
            "2. Place a known weight, wait until the reading is steady, enter it and press Measure.")
        self.tare_button = QPushButton("Tare (nothing on the sensor)")
        self.weight = QDoubleSpinBox()
        self.weight.setRange(0.0, 100000.0)
        self.weight.setDecimals(3)
        self.weight_unit = QComboBox()
        self.weight_unit.addItems(["kgf", "N", "lbf", "gf"])
        self.measure_button = QPushButton("Measure the known weight")
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.unit = QComboBox()
        self.unit.addItems(list(DISPLAY_UNITS))
        self.unit.setCurrentText(unit)
        self.area = QComboBox()
        self.area.setEditable(True)
        for name, value in CONTACT_AREAS.items():
            self.area.addItem(name, value)
        if area_cm2:
            self.area.setEditText(f"{area_cm2:g}")
        form = QFormLayout()
        form.addRow(self.info)
        form.addRow(self.tare_button)
        form.addRow("Known weight", self.weight)
        form.addRow("its unit", self.weight_unit)
        form.addRow(self.measure_button)
        form.addRow(self.status)
        form.addRow("Display unit", self.unit)
        form.addRow("Contact area (cm²)", self.area)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(_buttons(self))
        self.tare_button.clicked.connect(self.tare)
        self.measure_button.clicked.connect(self.measure)

    def tare(self) -> None:
        try:
            mean = self._measure(0.5)
            self.result_calibration = (self.result_calibration or self.calibration).tared(mean)
            self.status.setText(f"tared at {mean:.1f} (raw)")
        except PressureError as exc:
            self.status.setText(str(exc))

    def measure(self) -> None:
        value = self.weight.value()
        if not value > 0:
            self.status.setText("enter the known weight first (greater than 0)")
            return
        try:
            mean = self._measure(1.0)
            cal = self.result_calibration or self.calibration
            self.result_calibration = cal.with_known_weight(mean, value, self.weight_unit.currentText())
            self.status.setText(f"calibrated: {value:g} {self.weight_unit.currentText()} at raw {mean:.1f}")
        except PressureError as exc:
            self.status.setText(str(exc))

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
        super().accept()


__all__ = ["PortDialog", "CalibrationDialog", "SettingsDialog", "SIMULATOR", "FORCE_UNITS"]
