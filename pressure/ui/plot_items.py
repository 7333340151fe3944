"""The small pyqtgraph/Qt items the trace view is built from: curves, lines, the band, markers,
the off-scale badge and the time axis. Each is a thin wrapper over plain C++ graphics items
so that a frame moves or reshapes a few items and Qt paints them without Python in the loop.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainterPath, QStaticText, QTransform
from PySide6.QtWidgets import (
    QGraphicsItem, QGraphicsLineItem, QGraphicsPathItem, QGraphicsRectItem, QGraphicsSimpleTextItem,
)

from . import theme

# A wide pen costs Qt's raster engine several times a 1-pixel one (every segment goes through
# the stroker, every frame). A curve drawn as a few 1-pixel strokes
# offset by whole device pixels looks the same at these widths for a fraction of the cost.
PIXEL_OFFSETS = {
    1: ((0, 0),),
    2: ((0, 0), (0, 1), (1, 0)),
    3: ((0, 0), (-1, 0), (1, 0), (0, -1), (0, 1)),
}


def _add(parent, item) -> None:
    """Put ``item`` on a pyqtgraph plot (data coordinates) or under another graphics item."""
    if isinstance(parent, pg.PlotItem):
        parent.addItem(item, ignoreBounds=True)
    else:
        item.setParentItem(parent)


def _remove(item) -> None:
    scene = item.scene()
    if scene is not None:
        scene.removeItem(item)


def _broken_path(x: np.ndarray, y: np.ndarray, breaks) -> QPainterPath:
    """One path of the runs between the breaks, each built as pyqtgraph builds a whole curve.
    NaN points and connect="finite" give the same picture, but insert copies the arrays and
    pyqtgraph then splits them again (a third more per curve, in every frame showing a gap)."""
    path = QPainterPath()
    bounds = [0, *np.asarray(breaks).tolist(), len(x)]
    for a, b in zip(bounds[:-1], bounds[1:]):
        if b - a > 1:
            finite = np.isfinite(y[a:b]).all()
            path.addPath(pg.arrayToQPath(x[a:b], y[a:b], connect="all" if finite else "finite"))
    return path


class PathCurve:
    """A curve as plain C++ ``QGraphicsPathItem``s: one 1-pixel stroke per pixel offset.

    A pyqtgraph PlotCurveItem runs Python for every paint (its paint, and a boundingRect from
    its data bounds that the scene asks for several times a frame) and on every scrolled frame
    (viewTransformChanged); these items do all of that in C++. The path is built once per frame
    (``arrayToQPath``, numpy) and shared by the strokes. The offsets are whole device pixels, so
    the items are moved by one pixel's size in data units whenever the scale changes
    (``set_pixel_size``: a resize, another window length or vertical range)."""

    def __init__(self, parent, color, width: int = 1, style=Qt.PenStyle.SolidLine, z: float = 0.0):
        # width 0 is Qt's cosmetic 1-pixel pen: the same stroke, and the item's bounding rect
        # is the path's control points (a pen of width 1 makes it stroke the whole path for
        # its shape on every setPath)
        pen = pg.mkPen(color, width=0, style=style)
        self._offsets = PIXEL_OFFSETS.get(int(width), PIXEL_OFFSETS[3])
        self.items = []
        for _ in self._offsets:
            item = QGraphicsPathItem()
            item.setPen(pen)
            item.setZValue(z)
            _add(parent, item)
            self.items.append(item)
        self._pixel = (0.0, 0.0)
        self.xData = self.yData = np.empty(0)

    def setData(self, x, y, connect: str = "all", breaks=None) -> None:  # noqa: N802 - pyqtgraph's name
        """``breaks``: indices of the points not joined to the one before (missing data there)."""
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
        self.xData, self.yData = x, y
        if breaks is not None and len(breaks) and len(x) > 1:
            path = _broken_path(x, y, breaks)
        else:
            path = pg.arrayToQPath(x, y, connect=connect) if len(x) > 1 else QPainterPath()
        for item in self.items:
            item.setPath(path)

    def getData(self):  # noqa: N802 - pyqtgraph's name
        return self.xData, self.yData

    def set_pixel_size(self, px: float, py: float) -> None:
        if (px, py) == self._pixel:
            return
        self._pixel = (px, py)
        for item, (dx, dy) in zip(self.items, self._offsets):
            item.setPos(dx * px, dy * py)


class HLine:
    """A horizontal line with a label at the left of the trace, made of plain Qt items.

    pyqtgraph's InfiniteLine recomputes its geometry and moves its label in Python whenever the
    view changes (every frame while scrolling by the view range); these are C++
    items spanning the plot's fixed range, set again only when that range changes."""

    def __init__(self, plot, color, width: int = 2, style=Qt.PenStyle.SolidLine, label: str = ""):
        pen = pg.mkPen(color, width=width, style=style)
        pen.setCosmetic(True)
        self.line = QGraphicsLineItem()
        self.line.setPen(pen)
        self.label = QGraphicsSimpleTextItem(label)
        self.label.setBrush(QColor(color))
        self.label.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations, True)
        self._value = 0.0
        self._span = (0.0, 1.0)
        for item in (self.line, self.label):
            # drawn once into a pixmap while the plot's range stays (a dashed stroke and a text
            # are dear to draw again every frame; a blit is nothing)
            item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            plot.addItem(item, ignoreBounds=True)

    def value(self) -> float:
        return self._value

    def setValue(self, value: float) -> None:  # noqa: N802 - the InfiniteLine name it replaces
        self._value = float(value)
        self.set_span(*self._span)

    def set_text(self, text: str) -> None:
        self.label.setText(text)
        self.label.setTransform(QTransform.fromTranslate(2, -QFontMetrics(self.label.font()).height()))

    def setVisible(self, visible: bool) -> None:  # noqa: N802 - Qt's name
        self.line.setVisible(visible)
        self.label.setVisible(visible)

    def isVisible(self) -> bool:  # noqa: N802 - Qt's name
        return self.line.isVisible()

    def set_span(self, left: float, right: float) -> None:
        self._span = (left, right)
        self.line.setLine(QLineF(left, self._value, right, self._value))
        self.label.setPos(left + 0.02 * (right - left), self._value)


class HBand:
    """The target band as one C++ rectangle item spanning the visible window (see HLine)."""

    def __init__(self, plot, brush):
        self.rect = QGraphicsRectItem()
        self.rect.setBrush(brush)
        self.rect.setPen(pg.mkPen(None))
        self.rect.setZValue(-10)
        self.rect.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self._region = (0.0, 0.0)
        self._span = (0.0, 1.0)
        plot.addItem(self.rect, ignoreBounds=True)

    def getRegion(self) -> tuple[float, float]:  # noqa: N802 - the LinearRegionItem name it replaces
        return self._region

    def setRegion(self, region) -> None:  # noqa: N802
        self._region = (float(region[0]), float(region[1]))
        self.set_span(*self._span)

    def setVisible(self, visible: bool) -> None:  # noqa: N802
        self.rect.setVisible(visible)

    def isVisible(self) -> bool:  # noqa: N802
        return self.rect.isVisible()

    def set_span(self, left: float, right: float) -> None:
        self._span = (left, right)
        lo, hi = self._region
        self.rect.setRect(QRectF(left, lo, right - left, hi - lo))


class MarkerLine:
    """A labelled vertical line on the trace and a tick on the overview, as plain Qt items:
    made far faster than an InfiniteLine with a label. While the trace scrolls only the labels
    of the markers in view are looked at, in Python (marker_labels.place_labels)."""

    def __init__(self, view: "TraceView", t: float, text: str):
        self.t = float(t)
        self.text = text
        pen = pg.mkPen(theme.MARKER_PEN, width=2)
        pen.setCosmetic(True)
        self.line = QGraphicsLineItem()
        self.line.setPen(pen)
        self.box = QGraphicsRectItem()
        self.box.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations, True)
        self.box.setBrush(pg.mkBrush(21, 24, 29, 200))
        self.box.setPen(pg.mkPen(None))
        self.label = QGraphicsSimpleTextItem(text, self.box)
        self.label.setBrush(QColor(theme.MARKER_PEN))
        r = self.label.boundingRect()
        self.size = (r.width() + 6, r.height())  # the box and its gap to the line, in pixels
        self.side = ""  # "right" or "left" of the line, "" hidden (marker_labels.place_labels)
        self.box.setVisible(False)
        tick_pen = pg.mkPen(theme.MARKER_PEN, width=1)
        tick_pen.setCosmetic(True)
        self.tick = QGraphicsLineItem()
        self.tick.setPen(tick_pen)
        self.line.setParentItem(view.scroll)
        self.box.setParentItem(view.scroll)
        view.overview.addItem(self.tick, ignoreBounds=True)
        self.set_y_range(*view.y_range)

    def place(self, side: str) -> None:
        """The label to the "right" or "left" of the line, or "" (hidden); only a change costs."""
        if side == self.side:
            return
        if side:
            w, h = self.size
            x = 2 if side == "right" else -w
            self.label.setPos(x + 2, -h / 2)
            self.box.setRect(QRectF(x, -h / 2, w - 2, h))
        self.box.setVisible(bool(side))
        self.side = side

    def set_y_range(self, lo: float, hi: float) -> None:
        self.line.setLine(QLineF(self.t, lo, self.t, hi))
        self.tick.setLine(QLineF(self.t, lo, self.t, hi))
        self.box.setPos(self.t, lo + 0.92 * (hi - lo))

    def remove(self, view: "TraceView") -> None:
        _remove(self.line)
        _remove(self.box)
        view.overview.removeItem(self.tick)


class OffScale:
    """"off scale ▲ 57.3 N" in the top right corner of the plot while the smoothed value is above
    the fixed vertical range, "off scale ▼ -3.1 N" in the bottom right corner while it is below:
    the trace is then outside the plot, and a practitioner must never be looking at an empty
    plot. A child of the ViewBox (pixel coordinates), so it stays put while the trace scrolls;
    its text only changes with the shown digits."""

    # the badge's zone at each end: above the range is pressing too hard; below it the sensor
    # reads less than the bottom of the plot (a wrong zero, or no press at all)
    EDGE_ZONES = {"above": theme.CEILING, "below": theme.BELOW}

    def __init__(self, vb):
        self.vb = vb
        self.box = QGraphicsRectItem(vb)
        self.box.setPen(pg.mkPen(None))
        self.box.setZValue(1000)  # above every curve and marker
        self.label = QGraphicsSimpleTextItem("", self.box)
        font = self.label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.3)
        self.label.setFont(font)
        self.box.setVisible(False)
        self.value = math.nan  # shown value (NaN: hidden)
        self.style = None  # the theme.ZoneStyle shown (set_style); the edge's colours until then
        self.edge = ""  # "above", "below" or "" (hidden)
        self._set_edge("above")
        self.edge = ""
        vb.sigResized.connect(self._place)

    def text(self) -> str:
        return self.label.text() if self.box.isVisible() else ""

    def set_style(self, style) -> None:
        """The badge in the colours of the value's zone (a theme.ZoneStyle): red only over the ceiling."""
        if style is not self.style:  # per frame: the styles are the theme's constants
            self.style = style
            self._paint(style)

    def show(self, value: float, top: float, unit: str, decimals: int, bottom: float = -math.inf) -> None:
        edge = "above" if value > top else "below" if value < bottom else ""
        if not (math.isfinite(value) and edge):
            if self.box.isVisible():
                self.box.setVisible(False)
                self.value = math.nan
                self.edge = ""
            return
        arrow = "\u25b2" if edge == "above" else "\u25bc"
        text = f"off scale {arrow} {value:.{decimals}f} {unit}".rstrip()
        if edge != self.edge:
            self._set_edge(edge)
        if text != self.label.text():
            self.label.setText(text)
            self._place()
        self.value = value
        if not self.box.isVisible():
            self.box.setVisible(True)

    def _set_edge(self, edge: str) -> None:
        if self.style is None:  # until the window hands the readout's zone style over
            self._paint(theme.ZONES[self.EDGE_ZONES[edge]])
        self.edge = edge
        self._place()

    def _paint(self, style) -> None:
        self.box.setBrush(pg.mkBrush(style.background))
        self.label.setBrush(QColor(style.text))

    def _place(self, *_) -> None:
        r = self.label.boundingRect()
        self.label.setPos(6, 2)
        self.box.setRect(QRectF(0, 0, r.width() + 12, r.height() + 4))
        x = max(0.0, self.vb.width() - r.width() - 16)
        y = 4 if self.edge != "below" else max(0.0, self.vb.height() - r.height() - 8)
        self.box.setPos(x, y)


TICK_STEPS_S = (1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200)


def nice_spacing(seconds: float, labels: int = 7) -> float:
    """The smallest round tick step that puts at most ``labels`` labels on ``seconds``."""
    return float(next((s for s in TICK_STEPS_S if seconds / s <= labels), TICK_STEPS_S[-1]))


class TimeAxis(pg.AxisItem):
    """The time axis, drawn directly: a tick and a label every ``spacing`` seconds.

    The main plot's range stays [-N, 0] while the trace scrolls; ``offset`` (the session time
    at its right edge) turns that into the labels, and the axis is repainted only when the ticks
    have moved by a pixel. pyqtgraph's general tick and text layout runs in Python every frame;
    this is a few lines and cached label widths."""

    def __init__(self, *args, **kwargs):
        super().__init__("bottom", *args, **kwargs)
        self.spacing = 1.0
        self.offset = 0.0  # added to the plot's x to get the session time it labels
        self._shown_px = None
        self._labels: dict[str, tuple] = {}  # text -> (QStaticText, width in pixels)

    def set_offset(self, offset: float) -> None:
        """Label the fixed range as ``offset`` + x; repainted only when the ticks move a pixel."""
        self.offset = float(offset)
        lo, hi = self.range
        width = self.width()
        px = round(self.offset * width / (hi - lo)) if hi > lo and width > 0 else None
        if px != self._shown_px:
            self._shown_px = px
            self.update()

    def set_spacing(self, seconds: float) -> None:
        self.spacing = float(seconds)
        self.setTickSpacing(seconds, seconds)  # what pyqtgraph would use, e.g. for an export
        self.update()

    def paint(self, p, opt, widget):
        lo, hi = self.range
        lo, hi = lo + self.offset, hi + self.offset
        rect = self.mapRectFromParent(self.geometry())
        width = rect.width()
        if not (hi > lo and width > 0 and self.spacing > 0):
            return
        p.setRenderHint(p.RenderHint.Antialiasing, False)
        p.setPen(self.pen())
        top = rect.top()
        p.drawLine(QLineF(rect.left(), top, rect.right(), top))
        font = self.style.get("tickFont")
        if font is not None:
            p.setFont(font)
        metrics = p.fontMetrics()
        scale = width / (hi - lo)
        step = self.spacing
        first = math.ceil(lo / step - 1e-9)
        last = math.floor(hi / step + 1e-9)
        ticks, labels = [], []
        for i in range(first, last + 1):
            v = i * step
            x = rect.left() + (v - lo) * scale
            ticks.append(QLineF(x, top, x, top + 5))
            text = f"{v:g}"
            label = self._labels.get(text)
            if label is None:  # laid out once: drawText would lay the text out on every paint
                if len(self._labels) > 4096:
                    self._labels.clear()
                static = QStaticText(text)
                static.prepare(QTransform(), p.font())
                label = self._labels[text] = (static, metrics.horizontalAdvance(text))
            static, w = label
            if rect.left() <= x - w / 2 and x + w / 2 <= rect.right():
                labels.append((QPointF(x - w / 2, top + 6), static))
        p.drawLines(ticks)
        p.setPen(self.textPen())
        for point, static in labels:
            p.drawStaticText(point, static)
