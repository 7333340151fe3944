"""Dialogs: sensor (port picker); calibration: calibration_wizard, settings: settings_dialog.

Each dialog only collects and checks values; the main window applies them (restarting the
reader, rebuilding the filter or routine). Invalid entries are refused inside the dialog with a
message next to the field, so a bad value never reaches the pipeline.
"""

from __future__ import annotations

import logging

from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QLabel, QLineEdit, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout,
)

from ..samples import FORCE_UNITS
from . import ble_rows
from .calibration_wizard import CalibrationDialog  # noqa: F401 - its own module; imported from here too
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


__all__ = ["PortDialog", "CalibrationDialog", "SettingsDialog", "SIMULATOR", "FORCE_UNITS"]
