"""The replay toolbar: play/pause, speed, a seek slider, frame / marker / step stepping.

Widgets and signals only: the replay window decides what a request does. The slider works
in milliseconds of recording time (an int range covers ~24 days), and while the user drags
it the window does not move it under their hand.
"""

from __future__ import annotations

import logging
import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QLabel, QSlider, QToolBar, QToolButton

from ..session.replay_source import SPEEDS
from .routine_panel import format_seconds

log = logging.getLogger(__name__)


def format_position(t: float, end: float) -> str:
    if not math.isfinite(t):
        t = 0.0
    return f"{format_seconds(t)}.{int((t % 1) * 10)} / {format_seconds(end)}"


class ReplayToolbar(QToolBar):
    """Transport controls; requests go out as ``sig...`` signals."""

    sigPlayPause = Signal()
    sigSpeed = Signal(float)
    sigSeek = Signal(float)        # seconds of recording time
    sigFrame = Signal(int)         # +1 / -1 display frame
    sigMarker = Signal(int)        # next (+1) / previous (-1) marker
    sigStep = Signal(int)          # next (+1) / previous (-1) routine step

    def __init__(self, parent=None):
        super().__init__("Replay", parent)
        self.setObjectName("replayControls")
        self.setMovable(False)
        self._end = 0.0
        self._dragging = False
        self.buttons = {}
        for name, text, tip, slot in (
            ("step_prev", "|◀ step", "previous routine step (PgUp)", lambda: self.sigStep.emit(-1)),
            ("marker_prev", "◀ mark", "previous marker ([)", lambda: self.sigMarker.emit(-1)),
            ("frame_prev", "◀|", "one frame back (,)", lambda: self.sigFrame.emit(-1)),
            ("play", "▶ play", "play / pause (Space)", self.sigPlayPause.emit),
            ("frame_next", "|▶", "one frame forward (.)", lambda: self.sigFrame.emit(+1)),
            ("marker_next", "mark ▶", "next marker (])", lambda: self.sigMarker.emit(+1)),
            ("step_next", "step ▶|", "next routine step (PgDown)", lambda: self.sigStep.emit(+1)),
        ):
            button = QToolButton(self)
            button.setText(text)
            button.setToolTip(tip)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys go to the window's actions
            button.clicked.connect(slot)
            self.addWidget(button)
            self.buttons[name] = button
        self.speed = QComboBox(self)
        self.speed.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.speed.setToolTip("playback speed")
        for s in SPEEDS:
            self.speed.addItem(f"{s:g}x", s)
        self.speed.currentIndexChanged.connect(lambda i: self.sigSpeed.emit(float(self.speed.itemData(i))))
        self.addWidget(self.speed)
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.slider.setToolTip("drag to move through the recording (or click the overview)")
        self.slider.setMinimumWidth(200)
        self.slider.sliderPressed.connect(self._pressed)
        self.slider.sliderReleased.connect(self._released)
        self.slider.valueChanged.connect(self._moved)
        self.addWidget(self.slider)
        self.position_label = QLabel(format_position(0.0, 0.0), self)
        self.position_label.setMinimumWidth(120)
        self.addWidget(self.position_label)

    # --- what the window shows -------------------------------------------------------------
    def set_range(self, end: float) -> None:
        self._end = max(0.0, float(end))
        self.slider.blockSignals(True)
        self.slider.setRange(0, int(round(self._end * 1000)))
        self.slider.blockSignals(False)

    def set_speed(self, speed: float) -> None:
        i = self.speed.findData(speed)
        if i >= 0 and i != self.speed.currentIndex():
            self.speed.blockSignals(True)
            self.speed.setCurrentIndex(i)
            self.speed.blockSignals(False)

    def show_position(self, t: float, playing: bool) -> None:
        text = "❚❚ pause" if playing else "▶ play"
        if self.buttons["play"].text() != text:
            self.buttons["play"].setText(text)
        label = format_position(t, self._end)
        if self.position_label.text() != label:
            self.position_label.setText(label)
        if not self._dragging and math.isfinite(t):
            self.slider.blockSignals(True)
            self.slider.setValue(int(round(t * 1000)))
            self.slider.blockSignals(False)

    # --- slider ------------------------------------------------------------------------------
    def _pressed(self) -> None:
        self._dragging = True

    def _released(self) -> None:
        self._dragging = False
        self.sigSeek.emit(self.slider.value() / 1000.0)

    def _moved(self, value: int) -> None:
        # a click on the groove or a drag: seek as it moves (each seek is cheap)
        self.sigSeek.emit(value / 1000.0)
