"""The connection wizard: pick the sensor by what it is, see its values arrive, keep it.

Shown on the first start and from File > Sensor. Page one lists the likely force sensors
first (USB ids of Arduino boards and serial chips, gauges by name); ports with no USB id
(``/dev/ttyS0`` and the like, which no force sensor uses) only behind "Show every serial
port". The kind of sensor (the Arduino sketch, a Mark-10, a Wagner, ...) sets the format, baud
rate and polling. Page two reads the sensor live (:class:`~pressure.acquisition.probe.ProbeRead`)
and lets the choice be kept only once values arrive, so a wrong port or baud rate shows here
and not with a patient on the table. A port that cannot be opened says why and what to do.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QFormLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem,
    QPushButton, QVBoxLayout, QWizard, QWizardPage,
)

from ..errors import PressureError
from ..sensor_kinds import BAUD_RATES, KINDS
from . import ble_rows

log = logging.getLogger(__name__)

SIMULATOR = "sim"  # the value of the built-in simulated sensor (as in dialogs.PortDialog)
URL_ROLE = 256
POLL_MS = 200
SILENCE_MS = 3000  # no value this long: say what to check, offer "keep anyway"


@dataclass(frozen=True)
class SensorChoice:
    """What the wizard settled on: a URL (or SIMULATOR) and the reader's options for it."""

    url: str
    kind: str = ""
    reader_options: dict | None = None

    @property
    def simulated(self) -> bool:
        return self.url == SIMULATOR


def port_help(error: str) -> str:
    """What a practitioner can do about a port that cannot be opened."""
    text = error.lower()
    if "permission" in text or "dialout" in text:
        if sys.platform.startswith("linux"):
            return ("Your user may not read serial ports. In a terminal: sudo usermod -aG dialout "
                    "$USER, then log out and in again.")
        return "Another program may be using the port, or your user may not read it."
    if "busy" in text or "in use" in text or "access is denied" in text:
        return "Another program (the Arduino IDE's serial monitor?) is using the port: close it."
    if "no such file" in text or "not found" in text or "cannot find" in text:
        return "The port is gone: check the cable, plug the sensor in again and press Refresh."
    return "Check the cable and that the sensor is powered, then try again."


class ChoosePage(QWizardPage):
    def __init__(self, current: str = "", message: str = ""):
        super().__init__()
        self.setTitle("Which sensor?")
        self.message = QLabel(message, self)  # e.g. why the last session's sensor did not open
        self.message.setTextFormat(Qt.PlainText)
        self.message.setWordWrap(True)
        self.message.setVisible(bool(message))
        self.setSubTitle("Likely force sensors are listed first. The built-in simulated sensor "
                         "lets you try the program without hardware.")
        self.list = QListWidget(self)
        self.show_all = QCheckBox("Show every serial port", self)
        self.url_edit = QLineEdit(self)
        self.url_edit.setPlaceholderText("or type a port: /dev/ttyUSB0, COM3, socket://host:port")
        self.kind = QComboBox(self)
        for k in KINDS:
            self.kind.addItem(k.name)
        self.baud = QComboBox(self)
        self.baud.setEditable(True)
        for b in BAUD_RATES:
            self.baud.addItem(str(b))
        self.note = QLabel(self)
        self.note.setTextFormat(Qt.PlainText)
        self.note.setWordWrap(True)
        refresh = QPushButton("Refresh", self)
        form = QFormLayout()
        form.addRow("What is it?", self.kind)
        form.addRow("Baud rate", self.baud)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.list)
        layout.addWidget(self.show_all)
        layout.addWidget(self.url_edit)
        layout.addWidget(refresh)
        scan, self.ble_note = ble_rows.scan_controls(self, self.list, URL_ROLE)
        layout.addWidget(scan)
        layout.addWidget(self.ble_note)
        layout.addLayout(form)
        layout.addWidget(self.note)
        self.current = current or SIMULATOR
        self.list.currentItemChanged.connect(self._picked)
        self.show_all.toggled.connect(self.refresh)
        refresh.clicked.connect(self.refresh)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.url_edit.textChanged.connect(self._url_typed)
        self._kind_changed(0)
        self.refresh()

    def refresh(self) -> None:
        from .. import transport

        try:
            ports = transport.list_ports()
        except Exception as exc:  # listing ports can fail on odd systems; the simulator still works
            log.warning("cannot list serial ports: %s", exc)
            ports = []
        self.list.clear()
        shown = [p for p in ports if p.likely_sensor or p.vid is not None or self.show_all.isChecked()
                 or p.device == self.current]
        for p in shown:
            text = p.device + (f" — {p.description}" if p.description else "") + (f" ({p.kind})" if p.kind else "")
            item = QListWidgetItem(("★ " if p.likely_sensor else "") + text)
            item.setData(URL_ROLE, p.device)
            item.setData(URL_ROLE + 1, p.kind)
            self.list.addItem(item)
        ble_rows.add_emulated(self.list, URL_ROLE)
        sim = QListWidgetItem("Built-in simulated sensor (no hardware)")
        sim.setData(URL_ROLE, SIMULATOR)
        self.list.addItem(sim)
        hidden = len(ports) - len(shown)
        self.show_all.setText(f"Show every serial port ({hidden} more)" if hidden else "Show every serial port")
        values = [self.list.item(i).data(URL_ROLE) for i in range(self.list.count())]
        pick = self.current if self.current in values else values[0]
        self.list.setCurrentRow(values.index(pick))

    def _picked(self, item) -> None:
        if item is None:
            return
        value = item.data(URL_ROLE)
        self.url_edit.setText("" if value == SIMULATOR else value)
        self._simulated(value == SIMULATOR or ble_rows.is_bluetooth(value))  # nothing to set
        if item.data(URL_ROLE + 1) == "force gauge" and self.kind.currentIndex() == 0:
            self.kind.setCurrentIndex(len(KINDS) - 1)  # a gauge by name: "other force gauge"
        self.completeChanged.emit()

    def _simulated(self, yes: bool) -> None:
        """The simulator has no kind or baud rate to choose."""
        self.kind.setEnabled(not yes)
        self.baud.setEnabled(not yes)

    def _url_typed(self, text: str) -> None:
        self._simulated(not text.strip() or ble_rows.is_bluetooth(text))
        self.completeChanged.emit()

    def _kind_changed(self, index: int) -> None:
        kind = KINDS[index]
        self.baud.setCurrentText(str(kind.baudrate))
        self.note.setText(kind.note)

    def url(self) -> str:
        return self.url_edit.text().strip() or SIMULATOR

    def choice(self) -> SensorChoice:
        url = self.url()
        if url == SIMULATOR:
            return SensorChoice(SIMULATOR)
        if ble_rows.is_bluetooth(url):  # speaks its own protocol: no format or baud rate to choose
            return SensorChoice(url, ble_rows.KIND, KINDS[0].reader_options())
        kind = KINDS[self.kind.currentIndex()]
        try:
            baud = int(self.baud.currentText())
        except ValueError:
            baud = kind.baudrate
        return SensorChoice(url, kind.name, kind.reader_options(baud))

    def isComplete(self) -> bool:  # noqa: N802 - Qt API
        return bool(self.url())


class TestPage(QWizardPage):
    """Reads the chosen sensor live; Finish only once values arrive."""

    def __init__(self, make_probe):
        super().__init__()
        self.setTitle("Test read")
        self.make_probe = make_probe
        self.value = QLabel("—", self)
        self.value.setTextFormat(Qt.PlainText)
        font = self.value.font()
        font.setPointSize(font.pointSize() * 3)
        self.value.setFont(font)
        self.status = QLabel(self)
        self.status.setTextFormat(Qt.PlainText)
        self.status.setWordWrap(True)
        self.keep_anyway = QCheckBox("Keep this sensor even though no values arrived", self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.value)
        layout.addWidget(self.status)
        layout.addWidget(self.keep_anyway)
        self.keep_anyway.toggled.connect(self.completeChanged)
        self.probe = None
        self.error = None
        self.arrived = False
        self.polls = 0
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.poll)

    def initializePage(self) -> None:  # noqa: N802 - Qt API
        self.stop()
        self.arrived, self.error, self.polls = False, None, 0
        self.keep_anyway.setChecked(False)
        self.keep_anyway.hide()
        choice = self.wizard().choose.choice()
        self.value.setText("—")
        if choice.url == self.wizard().current and not choice.simulated:
            self.setSubTitle(f"{choice.url} is the sensor in use: its values are in the window.")
            self.status.setText("No test needed.")
            self.arrived = True
            self.completeChanged.emit()
            return
        if choice.simulated:
            self.setSubTitle("The built-in simulated sensor: a simulated practitioner presses it.")
            self.status.setText("No test needed: the simulator always sends values.")
            self.arrived = True
            self.completeChanged.emit()
            return
        self.setSubTitle(f"Reading {choice.url} ({choice.kind}). Press the sensor gently: the "
                         "value should follow your hand.")
        try:
            self.probe = self.make_probe(choice.url, choice.reader_options)
            self.probe.start()
        except PressureError as exc:
            self.probe = None
            self.error = str(exc)
            self.status.setText(f"{exc}\n{port_help(str(exc))}")
            self.completeChanged.emit()
            return
        self.status.setText("Waiting for values...")
        self.timer.start()
        self.completeChanged.emit()

    def poll(self) -> None:
        if self.probe is None:
            return
        self.polls += 1
        s = self.probe.snapshot()
        if s.value is not None:
            self.value.setText(f"{s.value:.2f} N" if s.unit == "N" else f"{s.value:.0f} counts")
            note = "" if s.unit == "N" else " (not calibrated yet: File > Calibration after this)"
            self.status.setText(f"Values arriving: {s.samples} so far, {s.rate_hz:.0f} per second{note}.")
            if not self.arrived:
                self.arrived = True
                self.completeChanged.emit()
        elif s.error or s.state == "disconnected":
            self.status.setText(f"{s.error or 'the sensor went away'}\n{port_help(s.error or '')}")
        elif self.polls * POLL_MS >= SILENCE_MS:
            detail = f" {s.bad_lines} lines could not be read: another baud rate or kind?" if s.bad_lines else ""
            self.status.setText("No values yet. Is the sensor plugged in and sending? Check the kind "
                                f"and the baud rate on the previous page.{detail}")
            self.keep_anyway.show()

    def isComplete(self) -> bool:  # noqa: N802 - Qt API
        return self.arrived or self.keep_anyway.isChecked()

    def cleanupPage(self) -> None:  # noqa: N802 - Qt API (Back)
        self.stop()

    def stop(self) -> None:
        self.timer.stop()
        if self.probe is not None:
            self.probe.stop()
            self.probe = None


def _default_probe(url, reader_options):
    from ..acquisition.probe import ProbeRead

    return ProbeRead(url, reader_options)


class ConnectWizard(QWizard):
    """Choose a sensor and test it. ``choice()`` after ``exec()`` (or ``accepted``)."""

    def __init__(self, parent=None, current: str = "", make_probe=_default_probe, message: str = ""):
        super().__init__(parent)
        self.setWindowTitle("Connect a sensor")
        self.current = current
        self.choose = ChoosePage(current, message)
        self.test = TestPage(make_probe)
        self.addPage(self.choose)
        self.addPage(self.test)
        self.finished.connect(lambda _result: self.test.stop())  # the port is free for the session

    def choice(self) -> SensorChoice:
        return self.choose.choice()

