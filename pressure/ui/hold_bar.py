"""The routine panel's progress bar: how much of the hold (or step) is done, blue while the hold
timer runs, orange while it is paused.

Painted here rather than a styled QProgressBar: QProgressBar.setValue repaints at once
(``QWidget.repaint``, not ``update``), so each step of the bar, several a second during a hold,
painted and flushed the window outside the display tick, and its style sheet ran through
Qt's style-sheet painter each time. This bar only asks for a repaint (drawn with the next
frame) and paints two rounded rectangles.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from . import theme

BORDER = "#4a4f57"


class HoldBar(QWidget):
    """A horizontal bar from 0 to ``maximum()`` (the QProgressBar calls the panel uses)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumHeight(26)
        self._maximum = 1000
        self._value = 0
        self._paused = False

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(100, self.minimumHeight())

    def value(self) -> int:
        return self._value

    def maximum(self) -> int:
        return self._maximum

    def setMaximum(self, maximum: int) -> None:  # noqa: N802 - QProgressBar's name
        maximum = max(1, int(maximum))
        if maximum != self._maximum:
            self._maximum = maximum
            self._value = min(self._value, maximum)
            self.update()

    def setValue(self, value: int) -> None:  # noqa: N802 - QProgressBar's name
        value = min(max(int(value), 0), self._maximum)
        if value != self._value:
            self._value = value
            self.update()

    @property
    def paused(self) -> bool:
        return self._paused

    def set_paused(self, paused: bool) -> None:
        """Orange while paused (out of the band, or no signal), blue while the timer runs."""
        if paused != self._paused:
            self._paused = paused
            self.update()

    def chunk_colour(self) -> str:
        return theme.PROGRESS_PAUSED if self._paused else theme.PROGRESS_RUNNING

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt API
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        track = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        painter.setPen(QPen(QColor(BORDER), 1))
        painter.setBrush(QColor(theme.PROGRESS_TRACK))
        painter.drawRoundedRect(track, 6, 6)
        share = self._value / self._maximum if self._maximum else 0.0
        if share > 0:
            inner = track.adjusted(1.5, 1.5, -1.5, -1.5)
            inner.setWidth(max(inner.width() * share, 1.0))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(self.chunk_colour()))
            radius = min(5.0, inner.width() / 2, inner.height() / 2)
            painter.drawRoundedRect(inner, radius, radius)
        painter.end()
