"""The scrolling trace and the whole-session overview strip (pyqtgraph).

Every plot item is made once here; each frame only calls ``setData`` on the curves with
views of the preallocated histories (``history.py``) and moves one item. The plot's own
range stays fixed at [-N s, 0]: everything placed at a session time (curves, pacer, markers,
a ghost) is a child of one *scroll* item that is moved left as time passes, and the time axis
labels the ticks with the session time. Scrolling a pyqtgraph ViewBox by its range instead
runs its range-change cascade in Python on every frame, and repaints the band, lines and
axes that did not change (they are cached as pixmaps here, valid while the range is fixed). The vertical range is fixed (from the
routine or a setting) because an autoscaling axis jumps while the practitioner presses and
makes the band impossible to read at a glance. The main plot clips to the visible window and
downsamples by peak, so a 30 s window at 1000 S/s still draws a few thousand points.
"""

from __future__ import annotations

import logging
import math
import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainterPath, QStaticText, QTransform
from PySide6.QtWidgets import (
    QGraphicsItem, QGraphicsLineItem, QGraphicsPathItem, QGraphicsRectItem, QGraphicsSimpleTextItem,
)

from . import theme
from .history import PeakDecimator
from .readout import decimals_for

log = logging.getLogger(__name__)

MAX_MARKERS = 200  # oldest marker lines are dropped beyond this (they stay in the recording)

# A wide pen costs Qt's raster engine ~8x a 1-pixel one (every segment goes through the
# stroker: ~2 ms a frame for the smoothed trace alone). A curve drawn as a few 1-pixel strokes
# offset by whole device pixels looks the same at these widths for a fraction of the cost.
PIXEL_OFFSETS = {
    1: ((0, 0),),
    2: ((0, 0), (0, 1), (1, 0)),
    3: ((0, 0), (-1, 0), (1, 0), (0, -1), (0, 1)),
}


def _add(parent, item) -> None:
    """Put ``item`` on a pyqtgraph plot (data coordinates) or under another graphics item."""
    if hasattr(parent, "addItem"):
        parent.addItem(item, ignoreBounds=True)
    else:
        item.setParentItem(parent)


def _remove(item) -> None:
    scene = item.scene()
    if scene is not None:
        scene.removeItem(item)


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

    def setData(self, x, y, connect: str = "all") -> None:  # noqa: N802 - pyqtgraph's name
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
        self.xData, self.yData = x, y
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
    view changes (~1 ms a frame for two lines while scrolling by the view range); these are C++
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
            # cost ~0.2 ms a frame to draw again; a blit is nothing)
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
    made in well under a millisecond (an InfiniteLine with a label took ~7 ms), and nothing in
    Python runs for them while the trace scrolls."""

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
        self.label.setPos(4, -r.height() / 2)
        self.box.setRect(QRectF(2, -r.height() / 2, r.width() + 4, r.height()))
        tick_pen = pg.mkPen(theme.MARKER_PEN, width=1)
        tick_pen.setCosmetic(True)
        self.tick = QGraphicsLineItem()
        self.tick.setPen(tick_pen)
        self.line.setParentItem(view.scroll)
        self.box.setParentItem(view.scroll)
        view.overview.addItem(self.tick, ignoreBounds=True)
        self.set_y_range(*view.y_range)

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
    the fixed vertical range: the trace is then outside the plot, and a practitioner pressing
    hard must never be looking at an empty plot. A child of the ViewBox (pixel coordinates), so
    it stays put while the trace scrolls; its text only changes with the shown digits."""

    def __init__(self, vb):
        self.vb = vb
        self.box = QGraphicsRectItem(vb)
        self.box.setBrush(pg.mkBrush(theme.ZONES[theme.CEILING].background))
        self.box.setPen(pg.mkPen(None))
        self.box.setZValue(1000)  # above every curve and marker
        self.label = QGraphicsSimpleTextItem("", self.box)
        self.label.setBrush(QColor(theme.ZONES[theme.CEILING].text))
        font = self.label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.3)
        self.label.setFont(font)
        self.box.setVisible(False)
        self.value = math.nan  # shown value (NaN: hidden)
        vb.sigResized.connect(self._place)

    def text(self) -> str:
        return self.label.text() if self.box.isVisible() else ""

    def show(self, value: float, top: float, unit: str, decimals: int) -> None:
        if not (math.isfinite(value) and value > top):
            if self.box.isVisible():
                self.box.setVisible(False)
                self.value = math.nan
            return
        text = f"off scale \u25b2 {value:.{decimals}f} {unit}".rstrip()
        if text != self.label.text():
            self.label.setText(text)
            self._place()
        self.value = value
        if not self.box.isVisible():
            self.box.setVisible(True)

    def _place(self, *_) -> None:
        r = self.label.boundingRect()
        self.label.setPos(6, 2)
        self.box.setRect(QRectF(0, 0, r.width() + 12, r.height() + 4))
        self.box.setPos(max(0.0, self.vb.width() - r.width() - 16), 4)


TICK_STEPS_S = (1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200)


def nice_spacing(seconds: float, labels: int = 7) -> float:
    """The smallest round tick step that puts at most ``labels`` labels on ``seconds``."""
    return float(next((s for s in TICK_STEPS_S if seconds / s <= labels), TICK_STEPS_S[-1]))


class TimeAxis(pg.AxisItem):
    """The time axis, drawn directly: a tick and a label every ``spacing`` seconds.

    The main plot's range stays [-N, 0] while the trace scrolls; ``offset`` (the session time
    at its right edge) turns that into the labels, and the axis is repainted only when the ticks
    have moved by a pixel. pyqtgraph's general tick and text layout cost ~2 ms a frame here;
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


class TraceView(pg.GraphicsLayoutWidget):
    """Main trace (last N seconds) above an overview strip (the whole session)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setBackground(theme.PLOT_BACKGROUND)
        # One rectangle around everything that changed, not the exact region: when the time axis
        # moves its labels, the region is the plot plus the axis strip, and painting through a
        # two-rectangle clip took the raster engine ~3 ms a frame; one rectangle ~0.5 ms.
        self.setViewportUpdateMode(self.ViewportUpdateMode.BoundingRectViewportUpdate)
        self.paint_hooks: list = []  # callables(t_end) run after each paint (the GUI benchmark)
        self.frames = 0

        self.time_axis = TimeAxis()
        self.plot = self.addPlot(row=0, col=0, axisItems={"bottom": self.time_axis})
        p = self.plot
        p.setClipToView(True)
        p.setDownsampling(auto=True, mode="peak")
        p.setMouseEnabled(x=False, y=False)
        p.setMenuEnabled(False)
        p.hideButtons()
        p.disableAutoRange()
        p.showGrid(x=False, y=True, alpha=0.15)  # horizontal lines only: they do not scroll
        p.setLabel("bottom", "time (s)")
        for axis in ("left", "bottom", "right", "top"):  # hidden axes too: an SI prefix check
            p.getAxis(axis).enableAutoSIPrefix(False)     # re-sets a label's HTML every frame
        for axis in ("left", "bottom"):
            p.getAxis(axis).setTextPen(theme.PLOT_FOREGROUND)
            p.getAxis(axis).setPen(theme.PLOT_FOREGROUND)
        # The left axis (with the horizontal grid across the plot) only changes with the fixed
        # range: keep it as a pixmap instead of replaying its text and lines on every frame
        # (halves the cost of a scrolling frame with the raster painter).
        p.getAxis("left").setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

        # Everything placed at a session time hangs under this item, moved left as time passes.
        self.scroll = QGraphicsPathItem()
        self.scroll.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents, True)
        p.addItem(self.scroll, ignoreBounds=True)
        self._right = 0.0  # the session time at the right edge
        self.band = HBand(p, pg.mkBrush(*theme.BAND_BRUSH))
        self.target_line = HLine(p, theme.TARGET_PEN, width=2, style=Qt.PenStyle.DashLine)
        self.ceiling_line = HLine(p, theme.CEILING_PEN, width=2, label="ceiling")
        self.ceiling_line.set_text("ceiling")
        # Raw and smoothed traces are PlotCurveItems fed with views already clipped to the window
        # and reduced to min/max per pixel column (history.PeakDecimator): the same picture as
        # PlotDataItem's clipToView + peak downsampling at a fraction of the cost per frame.
        self.pacer_curve = PathCurve(self.scroll, theme.PACER_PEN, 2, style=Qt.PenStyle.DotLine)
        self._pacer_shown = False
        self.raw_curve = PathCurve(self.scroll, theme.RAW_PEN, theme.RAW_WIDTH)
        self.smooth_curve = PathCurve(self.scroll, theme.SMOOTH_PEN, theme.SMOOTH_WIDTH)
        self.off_scale = OffScale(p.vb)
        self._raw_decimator = PeakDecimator()
        self._smooth_decimator = PeakDecimator()
        self.curve_data: tuple = (np.empty(0), np.empty(0), np.empty(0))  # the full-resolution views last shown

        # The overview's range grows with the session (redrawn 5 times a second): pyqtgraph's
        # general tick layout took ~3.5 ms each time, a frame that came late every 0.2 s.
        self.overview_axis = TimeAxis()
        self.overview = self.addPlot(row=1, col=0, axisItems={"bottom": self.overview_axis})
        o = self.overview
        o.setMouseEnabled(x=False, y=False)
        o.setMenuEnabled(False)
        o.hideButtons()
        o.disableAutoRange()
        o.setMaximumHeight(90)
        o.hideAxis("left")
        o.getAxis("bottom").setTextPen(theme.PLOT_FOREGROUND)
        for axis in ("left", "bottom", "right", "top"):
            o.getAxis(axis).enableAutoSIPrefix(False)
        o.getAxis("bottom").setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.overview_curve = PathCurve(o, theme.OVERVIEW_PEN, 1)
        self.overview_band = pg.LinearRegionItem(orientation="horizontal", movable=False,
                                                 brush=pg.mkBrush(*theme.BAND_BRUSH), pen=pg.mkPen(None))
        o.addItem(self.overview_band)
        self.overview_window = pg.LinearRegionItem(movable=False, brush=pg.mkBrush(*theme.OVERVIEW_REGION_BRUSH),
                                                   pen=pg.mkPen(theme.PLOT_FOREGROUND))
        o.addItem(self.overview_window)
        self.ci.layout.setRowStretchFactor(0, 5)
        self.ci.layout.setRowStretchFactor(1, 1)

        self.markers: list[MarkerLine] = []
        self._window_seconds = 0.0
        self.window_seconds = 20.0
        self.unit = ""
        self._window_region = (0.0, self.window_seconds)
        self.y_range = (0.0, 1.0)
        self._decimals = 2
        self.set_y_range(0.0, 1.0)
        self.set_band(None)
        self.set_ceiling(None)

    @property
    def window_seconds(self) -> float:
        """Length of the scrolling trace in seconds."""
        return self._window_seconds

    @window_seconds.setter
    def window_seconds(self, seconds: float) -> None:
        self._window_seconds = float(seconds)
        # Fixed major ticks only (about six labels per window): the time axis is redrawn as the
        # trace scrolls, and pyqtgraph's automatic minor levels cost ~40 % of a frame.
        self.time_axis.set_spacing(nice_spacing(seconds))
        # The plot shows [-N, 0]; the scroll item puts session time ``right`` at 0.
        self.plot.setXRange(-self._window_seconds, 0.0, padding=0)
        for item in (self.band, self.target_line, self.ceiling_line):
            item.set_span(-self._window_seconds, 0.0)
        self._scroll_to(max(self._right, self._window_seconds))

    def add_scrolling(self, item) -> None:
        """Put ``item`` (in session time and the plot's unit) on the trace: it scrolls with it."""
        item.setParentItem(self.scroll)

    def remove_scrolling(self, item) -> None:
        _remove(item)

    def shown_span(self) -> tuple[float, float]:
        """The session times at the left and right edges of the trace."""
        return self._right - self._window_seconds, self._right

    def _scroll_to(self, right: float) -> None:
        self._right = right
        self.scroll.setPos(-right, 0.0)
        self.time_axis.set_offset(right)

    # --- static parts (change when the routine/step changes) ---------------------------------
    def set_y_range(self, lo: float, hi: float) -> None:
        if not (math.isfinite(lo) and math.isfinite(hi) and hi > lo):
            return
        self.y_range = (lo, hi)
        self._decimals = decimals_for(hi)
        self.plot.setYRange(lo, hi, padding=0)
        self.overview.setYRange(lo, hi, padding=0)
        for marker in self.markers:
            marker.set_y_range(lo, hi)

    def set_band(self, band: tuple[float, float, float] | None) -> None:
        """(low, target, high) or None when the step has no band (rest, release)."""
        visible = band is not None and all(map(math.isfinite, band))
        for item in (self.band, self.target_line, self.overview_band):
            item.setVisible(visible)
        if visible:
            lo, target, hi = band
            self.band.setRegion((lo, hi))
            self.overview_band.setRegion((lo, hi))
            self.target_line.setValue(target)
            self.target_line.set_text(f"target {target:g} ± {(hi - lo) / 2:.3g} {self.unit}")

    def set_ceiling(self, ceiling: float | None) -> None:
        visible = ceiling is not None and math.isfinite(ceiling) and ceiling > 0
        self.ceiling_line.setVisible(visible)
        if visible:
            self.ceiling_line.setValue(ceiling)

    def set_unit(self, unit: str) -> None:
        self.unit = unit
        self.plot.setLabel("left", unit)

    # --- per frame --------------------------------------------------------------------------

    def update_trace(self, t: np.ndarray, raw: np.ndarray, smooth: np.ndarray, now: float,
                     first_index: int = 0, version=None) -> None:
        """Curves from history views, and scroll so ``now`` is the right edge.

        ``first_index`` is the absolute sample index of ``t[0]`` (keeps decimation buckets fixed
        to the samples while the trace scrolls); ``version`` is the history's (TraceHistory.version):
        with it, buckets reduced in earlier frames are reused."""
        self.curve_data = (t, raw, smooth)
        if len(smooth) and math.isfinite(smooth[-1]):
            self.off_scale.show(float(smooth[-1]), self.y_range[1], self.unit, self._decimals)
        columns = max(int(self.plot.vb.width()), 100)
        x, y = self._raw_decimator.reduce(t, raw, columns, first_index, version)
        self.raw_curve.setData(x, y, connect="all" if np.isfinite(y).all() else "finite")
        # the smoothed trace has little spread within a column: half the columns look the same
        x, y = self._smooth_decimator.reduce(t, smooth, columns // 2, first_index, version)
        self.smooth_curve.setData(x, y, connect="all" if np.isfinite(y).all() else "finite")
        # the first window fills from 0; after that the newest sample is the right edge
        right = max(now, self.window_seconds) if math.isfinite(now) else self.window_seconds
        self._scroll_to(right)
        vb = self.plot.vb
        width, height = vb.width(), vb.height()
        if width > 0 and height > 0:
            px, py = self.window_seconds / width, (self.y_range[1] - self.y_range[0]) / height
            for curve in (self.raw_curve, self.smooth_curve, self.pacer_curve):
                curve.set_pixel_size(px, py)
        self._window_region = (max(right - self.window_seconds, 0.0), right)

    def update_pacer(self, t: np.ndarray, values: np.ndarray) -> None:
        """The pacer line (planned value during a paced ramp); nothing to do while there is none."""
        visible = bool(np.isfinite(values).any())
        if visible:
            self.pacer_curve.setData(t, values, connect="finite")
        elif self._pacer_shown:
            self.pacer_curve.setData([], [])
        self._pacer_shown = visible

    def update_overview(self, x: np.ndarray, y: np.ndarray, t_end: float) -> None:
        """Whole-session strip (a few times a second: it changes slowly)."""
        self.overview_curve.setData(x, y)
        self.overview_window.setRegion(self._window_region)
        end = max(t_end, self.window_seconds)
        spacing = nice_spacing(end)
        if spacing != self.overview_axis.spacing:
            self.overview_axis.set_spacing(spacing)
        self.overview.setXRange(0.0, end, padding=0)
        self.overview.vb.prepareForPaint()  # as in update_trace: one paint, not two

    def add_marker(self, t: float, text: str) -> None:
        """A labelled vertical line on the trace and a tick on the overview."""
        self.markers.append(MarkerLine(self, t, text))
        self._drop_old_markers()

    def set_markers(self, times, texts) -> None:
        """All the markers at once (e.g. a replay's, when the file opens): replaces those shown."""
        self.clear_markers()
        pairs = list(zip(times, texts))[-MAX_MARKERS:]
        self.markers = [MarkerLine(self, t, text) for t, text in pairs]

    def _drop_old_markers(self) -> None:
        while len(self.markers) > MAX_MARKERS:
            self.markers.pop(0).remove(self)

    def clear_markers(self) -> None:
        for marker in self.markers:
            marker.remove(self)
        self.markers.clear()

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().paintEvent(event)
        self.frames += 1
        if self.paint_hooks:
            end = time.monotonic()
            for hook in self.paint_hooks:
                hook(end)
