"""One station's tile on the instructor's window: name and trainee, the value coloured by zone,
the last 20 s, step and countdown, time in band.

Every text here came over the network from whoever can publish to the room, so every label is
plain text: a trainee called ``<img src=...>`` is shown as those characters, never rendered.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout

from .sparkline import Sparkline
from .theme import STALE, ZONES, zone_key


TILE_WIDTH = 200


def plain_label(text: str = "") -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.PlainText)
    label.setText(text)
    return label


class Tile(QFrame):
    clicked = Signal(str)

    def __init__(self, station: str):
        super().__init__()
        self.station = station
        self.shown_version = -1  # the StationView.version drawn last: unchanged views are not redrawn
        self.setObjectName("tile")
        self.setFrameShape(QFrame.StyledPanel)
        self.setCursor(Qt.PointingHandCursor)
        self.setFixedWidth(TILE_WIDTH)
        lay = QVBoxLayout(self)
        self.name = plain_label(station)
        self.name.setStyleSheet("font-weight: bold")

        self.value = plain_label("--")
        self.value.setAlignment(Qt.AlignCenter)
        self.value.setStyleSheet("font-size: 28px")
        self.spark = self.curve = Sparkline("#ffffff", 60)
        self.step = plain_label("")
        self.band = plain_label("")
        for label in (self.name, self.step):
            # A long name or step (anyone can send one) is cut at the tile's edge, never widens it.
            label.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        for w in (self.name, self.value, self.spark, self.step, self.band):
            lay.addWidget(w)
        self.online = True
        self.stale = False
        self.zone = ""

    def mousePressEvent(self, event):  # noqa: N802 (Qt's name)
        self.clicked.emit(self.station)
        super().mousePressEvent(event)

    @staticmethod
    def _style(widget, sheet: str) -> None:
        # A style sheet set again, even the same, restyles the widget: the costliest part of a redraw.
        if widget.styleSheet() != sheet:
            widget.setStyleSheet(sheet)

    def show_view(self, v) -> None:
        """Draw the station's view (the caller holds the model's lock)."""
        self.shown_version = v.version
        self.online, self.stale = v.online, v.stale
        self.name.setText(f"{v.station} - {v.trainee}" if v.trainee else v.station)
        fresh = v.fresh
        # A number the station no longer sends is not shown: its tile says why instead.
        self.value.setText(f"{v.value:.1f} {v.unit}" if fresh and math.isfinite(v.value) else f"-- {v.unit}")
        self.zone = zone_key(v.zone) if fresh else STALE
        style = ZONES.get(self.zone, ZONES[STALE])
        self._style(self.value, f"font-size: 28px; background: {style.background}; color: {style.text}")
        self.value.setToolTip(style.label)
        countdown = f"  {v.remaining:.0f} s" if v.remaining is not None and fresh else ""
        state = "OFFLINE  " if not v.online else ("NO LIVE VALUES  " if v.stale else "")
        self.step.setText(state + (v.step or "") + countdown)
        pct = v.time_in_band_pct
        self.band.setText(f"in band {pct:.0f} %" if pct is not None else "in band --")
        self._style(self, "" if v.online else "QFrame#tile { background: #555555; } QLabel { color: #bbbbbb; }")
        t, y = v.sparkline()
        self.curve.setData(t, y)
