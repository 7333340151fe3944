"""A tile's last 20 s as a painted line: a plain widget, not a plot widget.

A room has up to a hundred tiles; a pyqtgraph PlotWidget each cost ~50 ms to make and most of a
frame to lay out, so a burst of new stations froze the window. This paints the line itself.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QWidget


class Sparkline(QWidget):
    def __init__(self, colour: str = "#ffffff", height: int = 60, background: str = "#15181d"):
        super().__init__()
        self._background = QColor(background)  # the plots' own background
        self.setFixedHeight(height)
        self._pen = QPen(QColor(colour), 1)
        self._t = np.empty(0)
        self._y = np.empty(0)

    def setData(self, t, y) -> None:  # noqa: N802 (as pyqtgraph's curves)
        self._t, self._y = np.asarray(t, float), np.asarray(y, float)
        self.update()

    def getData(self):  # noqa: N802
        return self._t, self._y

    def paintEvent(self, event):  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        painter.fillRect(self.rect(), self._background)
        t, y = self._t, self._y
        ok = np.isfinite(t) & np.isfinite(y)
        if ok.sum() < 2:
            painter.end()
            return
        t0, t1 = t[ok].min(), t[ok].max()
        y0, y1 = y[ok].min(), y[ok].max()
        w, h = max(1, self.width() - 2), max(1, self.height() - 2)
        xs = 1 + (t - t0) / ((t1 - t0) or 1.0) * w
        ys = 1 + h - (y - y0) / ((y1 - y0) or 1.0) * h
        painter.setPen(self._pen)
        # A gap (a non-finite value) breaks the line, as connect="finite" does in the plots.
        breaks = np.flatnonzero(~ok)
        start = 0
        for stop in list(breaks) + [len(t)]:
            if stop - start >= 2:
                painter.drawPolyline([QPointF(a, b) for a, b in zip(xs[start:stop], ys[start:stop])])
            start = stop + 1
        painter.end()
