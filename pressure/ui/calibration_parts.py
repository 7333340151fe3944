"""The calibration wizard's parts: a calibration in one line (with its date), its labels and
weight rows, and what the window hands it (a steady measure, the stored calibration)."""

from __future__ import annotations

import logging
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox, QDoubleSpinBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton,
)

from ..errors import PressureError

log = logging.getLogger(__name__)

WEIGHT_UNITS = ["kgf", "N", "lbf", "gf"]
HOW = {"known-weight": "with a known weight", "tare": "by a tare", "device": "from the device",
       "default": "from the unit", "stored": ""}


def calibration_text(cal, what: str = "stored calibration", dated: bool = True) -> str:
    """One line about a calibration: its scale, zero, how it was made and when."""
    if cal is None:
        return f"No {what} for this sensor."
    text = f"{what[0].upper()}{what[1:]}: {scale_text(cal)}, zero at {cal.zero:.6g}"
    if not dated:
        return text
    when = "date not recorded"
    if cal.created:
        try:
            when = datetime.fromisoformat(cal.created).strftime("%Y-%m-%d %H:%M")
        except ValueError:
            when = cal.created
    how = HOW.get(cal.source, "")
    return f"{text}; made {how + ' ' if how else ''}on {when}" if cal.created else f"{text}; {when}"


def scale_text(cal) -> str:
    """A calibration's scale the way its sensor's raw unit reads best ("8560 counts per N")."""
    if cal.raw_unit == "counts":
        return f"{1.0 / cal.scale:.6g} counts per N"
    return f"{cal.scale:.6g} N per {cal.raw_unit}"


def label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)  # a sensor id from the device
    label.setWordWrap(True)
    return label


def weight_row(default_unit: str = "kgf") -> tuple[QDoubleSpinBox, QComboBox, QHBoxLayout]:
    spin = QDoubleSpinBox()
    spin.setRange(0.0, 100000.0)
    spin.setDecimals(3)
    unit = QComboBox()
    unit.addItems(WEIGHT_UNITS)
    unit.setCurrentText(default_unit)
    row = QHBoxLayout()
    row.addWidget(spin, 2)
    row.addWidget(unit, 1)
    return spin, unit, row


def weight_step(title: str, hint: str, row_label: str, button_text: str):
    """A wizard step that reads a known weight: (group box, weight spin box, unit box, button)."""
    group = QGroupBox(title)
    spin, unit, row = weight_row()
    button = QPushButton(button_text)
    form = QFormLayout(group)
    form.addRow(label(hint))
    form.addRow(row_label, row)
    form.addRow(button)
    return group, spin, unit, button


def steady_measure(window):
    """``measure(seconds)`` for the dialog: the window's pipeline through the T key's rule
    (live, connected, steady over the display range)."""
    from ..session.zero_watch import tare_reading

    def measure(seconds: float) -> float:
        _, hi = window.trace.y_range
        return tare_reading(window.pipeline, hi, seconds)

    return measure


def stored_calibration(sensor_id: str):
    """The stored calibration of ``sensor_id`` (None: none, or the file cannot be read)."""
    from ..calibration import CalibrationStore

    try:
        return CalibrationStore().load(sensor_id)
    except PressureError as exc:
        log.warning("cannot show the stored calibration: %s", exc)
        return None
