"""Numbers that change while the practitioner presses repaint themselves, and nothing else
(issue 11, gui_cpu_percent): QLabel.setText relaid out the whole main window each time (and its
dock layout made a geometry animation per dock), ten times a second in a hold."""

from __future__ import annotations

import math

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication, QLabel, QLayout, QVBoxLayout, QWidget

from pressure.routine import single_hold
from pressure.ui.hold_bar import HoldBar
from pressure.ui.live_label import LiveLabel
from ui_scripted import drawn, scripted_window


class Counter(QObject):
    """Counts the events of some types that reach the objects it is installed on."""

    def __init__(self, *types):
        super().__init__()
        self.types = types
        self.seen = 0

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt API
        if event.type() in self.types:
            self.seen += 1
        return False


@pytest.fixture
def holder(qtbot):
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)  # offscreen has no size hints
    label = LiveLabel("—", box)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    plain = QLabel("", box)  # the same text drawn by QLabel itself, to compare pixels with
    plain.setAlignment(Qt.AlignmentFlag.AlignCenter)
    layout.addWidget(label)
    layout.addWidget(plain)
    qtbot.addWidget(box)
    box.resize(300, 120)
    box.show()
    qtbot.waitExposed(box)
    return box, label, plain


def test_a_new_text_that_fits_repaints_without_asking_the_layout(holder, qtbot):
    box, label, plain = holder
    requests = Counter(QEvent.Type.LayoutRequest)
    box.installEventFilter(requests)
    for value in (12.3, 29.9, 30.0, 31.4):
        label.setText(f"{value:.1f}")
        QApplication.processEvents()  # a posted layout request would reach the box here
    assert label.text() == "31.4"
    assert requests.seen == 0
    assert QLabel.text(label) == "—"  # the layout still sized for the first text
    plain.setText("31.4")
    QApplication.processEvents()
    assert label.grab().toImage() == plain.grab().toImage()  # drawn as QLabel draws it


def test_a_text_too_wide_for_the_label_asks_the_layout_as_qlabel_does(holder, qtbot):
    _box, label, _plain = holder
    wide = "a much longer text than the label has room for at this width " * 2
    label.setText(wide)
    assert QLabel.text(label) == wide  # the layout now sizes the label for it
    assert label.sizeHint().width() > label.width()


def test_a_narrower_label_lays_out_the_text_it_shows(holder, qtbot):
    box, label, _plain = holder
    label.setText("1234567890")
    assert QLabel.text(label) == "—"
    box.resize(40, 120)
    qtbot.waitUntil(lambda: label.width() <= 40, timeout=1000)
    assert QLabel.text(label) == "1234567890"


def test_the_hold_bar_repaints_later_never_at_once(qtbot):
    bar = HoldBar()
    qtbot.addWidget(bar)
    bar.resize(200, 26)
    bar.show()
    qtbot.waitExposed(bar)
    paints = Counter(QEvent.Type.Paint)
    bar.installEventFilter(paints)
    bar.setMaximum(200)
    bar.setValue(50)
    bar.setValue(80)
    assert paints.seen == 0  # QProgressBar.setValue would have painted (and flushed) here
    qtbot.waitUntil(lambda: paints.seen >= 1, timeout=1000)
    assert (bar.value(), bar.maximum()) == (80, 200)
    bar.setValue(500)
    assert bar.value() == 200  # never past the end


def test_a_running_hold_never_relayouts_the_window(qtbot):
    from pressure.ui.training import install_training

    window, source, _clock = scripted_window(qtbot, single_hold(10.0, "10%", 30.0), size=(1280, 720),
                                             prepare=install_training)
    drawn(window, qtbot, source, 10.0, 2.0)  # in the band: the hold runs, its numbers change
    requests = Counter(QEvent.Type.LayoutRequest)
    window.installEventFilter(requests)
    # A new window settles first: the panels' fonts follow their sizes, which follow the fonts'
    # size hints, a few relayouts in all. Then ten frames in a row without one.
    quiet, frames = 0, 0
    while quiet < 10:
        before = requests.seen
        drawn(window, qtbot, source, 10.0, 0.1)
        quiet = quiet + 1 if requests.seen == before else 0
        frames += 1
        assert frames < 200, "the window's layout never settles"
    requests.seen = 0
    shown = {"value": set(), "timer": set(), "countdown": set()}
    score = window.findChild(QWidget, "scorePanel")
    for i in range(40):
        drawn(window, qtbot, source, 10.0 + 0.4 * math.sin(i), 0.1)
        shown["value"].add(window.readout.value_label.text())
        shown["countdown"].add(window.routine_panel.countdown_label.text())
        shown["timer"].add(score.values["hold_timer"].text() if score is not None else "")
    window.removeEventFilter(requests)
    assert len(shown["value"]) > 2 and len(shown["timer"]) > 2 and len(shown["countdown"]) > 1, shown
    assert requests.seen == 0
