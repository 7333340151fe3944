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
from PySide6.QtCore import QRectF, Qt
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem, QGraphicsRectItem

from . import theme
from ..session.history import PeakDecimator
from .marker_labels import place_labels
from .plot_items import HBand, HLine, MarkerLine, OffScale, PathCurve, TimeAxis, _remove, nice_spacing
from .readout import decimals_for

log = logging.getLogger(__name__)

MAX_MARKERS = 200  # oldest marker lines are dropped beyond this (they stay in the recording)


class TraceView(pg.GraphicsLayoutWidget):
    """Main trace (last N seconds) above an overview strip (the whole session)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setBackground(theme.PLOT_BACKGROUND)
        # One rectangle around everything that changed, not the exact region: when the time axis
        # moves its labels, the region is the plot plus the axis strip, and the raster engine
        # paints through a two-rectangle clip several times slower than through one rectangle.
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
        self.gaps = None  # times of the samples after missing data in the shown window (or None)

        # The overview's range grows with the session (redrawn 5 times a second): pyqtgraph's
        # general tick layout is slow enough to make each of those frames late.
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
        # Plain C++ rectangles (as the trace's band): pyqtgraph's LinearRegionItem runs Python
        # for its paint, its bounding rect and every move (two InfiniteLines each), and the
        # window's region moves five times a second.
        self.overview_band = HBand(o, pg.mkBrush(*theme.BAND_BRUSH))
        self.overview_window = QGraphicsRectItem()
        self.overview_window.setBrush(pg.mkBrush(*theme.OVERVIEW_REGION_BRUSH))
        self.overview_window.setPen(pg.mkPen(theme.PLOT_FOREGROUND, width=0))  # cosmetic: 1 px at any scale
        self.overview_window.setZValue(-5)
        o.addItem(self.overview_window, ignoreBounds=True)
        self._overview_end = math.nan
        self.ci.layout.setRowStretchFactor(0, 5)
        self.ci.layout.setRowStretchFactor(1, 1)

        self.markers: list[MarkerLine] = []  # in time order, as marker_times
        self.marker_times: list[float] = []
        self.labelled: set[MarkerLine] = set()  # the markers whose label is shown (marker_labels)
        self._window_seconds = 0.0
        self.window_seconds = 20.0
        self.unit = ""
        self._window_region = (0.0, self.window_seconds)
        self.y_range = (0.0, 1.0)
        self._decimals = 2
        self.set_y_range(0.0, 1.0)
        self.set_band(None)
        self.set_ceiling(None)
        p.vb.sigResized.connect(self._place_labels)

    @property
    def window_seconds(self) -> float:
        """Length of the scrolling trace in seconds."""
        return self._window_seconds

    @window_seconds.setter
    def window_seconds(self, seconds: float) -> None:
        self._window_seconds = float(seconds)
        # Fixed major ticks only (about six labels per window): the time axis is redrawn as the
        # trace scrolls, and pyqtgraph's automatic minor levels are a large share of a frame.
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
        self._place_labels()

    def _place_labels(self, *_) -> None:
        place_labels(self)

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
        self._place_labels()  # the fixed labels moved

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
        self._place_labels()

    def set_ceiling(self, ceiling: float | None) -> None:
        visible = ceiling is not None and math.isfinite(ceiling) and ceiling > 0
        self.ceiling_line.setVisible(visible)
        if visible:
            self.ceiling_line.setValue(ceiling)
        self._place_labels()

    def set_unit(self, unit: str) -> None:
        self.unit = unit
        self.plot.setLabel("left", unit)

    # --- per frame --------------------------------------------------------------------------

    def update_trace(self, t: np.ndarray, raw: np.ndarray, smooth: np.ndarray, now: float,
                     first_index: int = 0, version=None, gaps=None) -> None:
        """Curves from history views, and scroll so ``now`` is the right edge.

        ``first_index`` is the absolute sample index of ``t[0]`` (keeps decimation buckets fixed
        to the samples while the trace scrolls); ``version`` is the history's (TraceHistory.version):
        with it, buckets reduced in earlier frames are reused. ``gaps``: times of the samples
        that follow missing data (TraceHistory.gaps): the curves break before each."""
        self.curve_data = (t, raw, smooth)
        if len(smooth) and math.isfinite(smooth[-1]):
            self.off_scale.show(float(smooth[-1]), self.y_range[1], self.unit, self._decimals,
                                bottom=self.y_range[0])
        if gaps is not None and len(gaps) and len(t):
            gaps = gaps[(gaps > t[0]) & (gaps <= t[-1])]
        self.gaps = gaps if gaps is not None and len(gaps) else None
        columns = max(int(self.plot.vb.width()), 100)
        x, y = self._raw_decimator.reduce(t, raw, columns, first_index, version)
        self.raw_curve.setData(**self._with_breaks(x, y))
        # the smoothed trace has little spread within a column: half the columns look the same
        x, y = self._smooth_decimator.reduce(t, smooth, columns // 2, first_index, version)
        self.smooth_curve.setData(**self._with_breaks(x, y))
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

    def _with_breaks(self, x: np.ndarray, y: np.ndarray) -> dict:
        """PathCurve.setData arguments: a break before the first point at or after each gap.

        A bucket of the reduced curve that spans a gap has its first point before the gap and
        its last after it: the break falls between the two, so no line crosses the hole."""
        if self.gaps is not None:
            at = np.unique(np.searchsorted(x, self.gaps, side="left"))
            return {"x": x, "y": y, "breaks": at[(at > 0) & (at < len(x))]}
        return {"x": x, "y": y, "connect": "all" if np.isfinite(y).all() else "finite"}

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
        self.overview_curve.setData(x, y, connect="all" if np.isfinite(y).all() else "finite")
        end = max(t_end, self.window_seconds)
        lo, hi = self.y_range
        left, right = self._window_region
        self.overview_window.setRect(QRectF(left, lo, right - left, hi - lo))
        if end != self._overview_end:
            self._overview_end = end
            self.overview_band.set_span(0.0, end)
        spacing = nice_spacing(end)
        if spacing != self.overview_axis.spacing:
            self.overview_axis.set_spacing(spacing)
        self.overview.setXRange(0.0, end, padding=0)
        self.overview.vb.prepareForPaint()  # as in update_trace: one paint, not two

    def add_marker(self, t: float, text: str) -> None:
        """A labelled vertical line on the trace and a tick on the overview."""
        if self.marker_times and t < self.marker_times[-1]:  # kept in time order for bisection
            self.set_markers([*self.marker_times, t], [*(m.text for m in self.markers), text])
            return
        marker = MarkerLine(self, t, text)
        self.markers.append(marker)
        self.marker_times.append(marker.t)
        self._drop_old_markers()
        self._place_labels()

    def set_markers(self, times, texts) -> None:
        """All the markers at once (e.g. a replay's, when the file opens): replaces those shown."""
        self.clear_markers()
        pairs = sorted(zip(times, texts), key=lambda pair: pair[0])[-MAX_MARKERS:]
        self.markers = [MarkerLine(self, t, text) for t, text in pairs]
        self.marker_times = [m.t for m in self.markers]
        self._place_labels()

    def _drop_old_markers(self) -> None:
        while len(self.markers) > MAX_MARKERS:
            self.markers.pop(0).remove(self)
            self.marker_times.pop(0)

    def clear_markers(self) -> None:
        for marker in self.markers:
            marker.remove(self)
        self.markers.clear()
        self.marker_times.clear()
        self.labelled.clear()

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().paintEvent(event)
        self.frames += 1
        if self.paint_hooks:
            end = time.monotonic()
            for hook in self.paint_hooks:
                hook(end)
