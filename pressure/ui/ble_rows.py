"""Bluetooth sensors in the sensor choosers (the connection wizard, the Sensor dialog): the
emulated devices always listed, and a short scan that lists what it hears or says in one line
why it could not listen (no bleak, no adapter or stack)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QListWidgetItem, QPushButton

EMULATED = (("progressor", "Tindeq Progressor"), ("forceboard", "PitchSix Force Board"),
            ("whc06", "WH-C06 advertising scale"))
KIND = "Bluetooth sensor"  # what the wizard saves as the sensor's kind


def is_bluetooth(url: str) -> bool:
    from ..ble.url import is_ble_url

    return is_ble_url(url)


def add_emulated(list_widget, role: int) -> None:
    for kind, label in EMULATED:
        item = QListWidgetItem(f"Emulated Bluetooth {label} (no hardware)")
        item.setData(role, f"ble-sim://{kind}")
        list_widget.addItem(item)


def scan_controls(parent, list_widget, role: int) -> tuple[QPushButton, QLabel]:
    """A "Scan for Bluetooth sensors" button and the line that reports what it found."""
    button = QPushButton("Scan for Bluetooth sensors (3 s)", parent)
    note = QLabel("", parent)
    note.setTextFormat(Qt.PlainText)  # the stack's own words
    note.setWordWrap(True)
    button.clicked.connect(lambda: scan_into(list_widget, role, note))
    return button, note


def scan_into(list_widget, role: int, note: QLabel) -> None:
    """Listen (a short, blocking scan) and list the force sensors heard first."""
    from ..ble.scan import scan_sensors

    QApplication.setOverrideCursor(Qt.WaitCursor)
    try:
        sensors, why = scan_sensors(3.0)
    finally:
        QApplication.restoreOverrideCursor()
    for i, sensor in enumerate(sensors):
        item = QListWidgetItem(f"★ {sensor.name or sensor.address} — {sensor.label} (Bluetooth)")
        item.setData(role, sensor.url)
        list_widget.insertItem(i, item)
    note.setText(why or (f"{len(sensors)} Bluetooth force sensor(s) heard" if sensors
                         else "no Bluetooth force sensor heard"))
