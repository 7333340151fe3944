"""The client's previous PPT at this site and side as a faint dashed line across the trace: a
reference to press toward, never a target (the coach knows nothing of it)."""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import Qt

PEN = pg.mkPen((150, 150, 150, 150), width=1, style=Qt.PenStyle.DashLine)


class PreviousLine:
    def __init__(self, trace):
        self.line = pg.InfiniteLine(angle=0, movable=False, pen=PEN,
                                    label="", labelOpts={"position": 0.02, "color": (150, 150, 150),
                                                         "anchors": [(0, 1), (0, 1)]})
        self.line.setVisible(False)
        self.line.setZValue(-5)  # under the trace
        trace.plot.addItem(self.line, ignoreBounds=True)

    def show(self, value: float | None, text: str = "") -> None:
        """At ``value`` (the trace's unit) with its words, or hidden (None)."""
        visible = value is not None and math.isfinite(value)
        self.line.setVisible(visible)
        if visible:
            self.line.setValue(value)
            self.line.label.setPlainText(text)  # from a file: plain text
