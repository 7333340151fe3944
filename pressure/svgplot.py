"""A small SVG line plot drawn by the program itself (no plotting library).

Why: a report must be one file that opens in any browser, years later, on a clinic PC with
nothing installed. An inline SVG of a min/max-decimated polyline is a few tens of kB even for
an hour at 1 kHz, keeps every peak visible, and needs no script or external resource.

Coordinates are data units (seconds, display unit) mapped to pixels here; all text passes
through ``html.escape`` (labels can come from files).
"""

from __future__ import annotations

import html
import logging
import math

import numpy as np

log = logging.getLogger(__name__)

LABEL_ROWS = 3  # neighbouring marker labels go on different rows so they do not overlap
LABEL_CHAR_PX = 6.0  # width of one character at font-size 10 (a generous estimate)


def decimate_minmax(t, y, max_points: int = 2000) -> tuple[np.ndarray, np.ndarray]:
    """At most ``max_points`` points that keep every bucket's minimum and maximum in order.

    Plain striding would drop short spikes (an overshoot of 50 ms at 1 kHz); keeping each
    bucket's extremes keeps the drawn envelope identical to the full trace at screen scale.
    NaNs are dropped.
    """
    t = np.asarray(t, dtype=float)
    y = np.asarray(y, dtype=float)
    ok = np.isfinite(t) & np.isfinite(y)
    t, y = t[ok], y[ok]
    n = t.shape[0]
    if max_points < 4:
        raise ValueError("max_points must be at least 4")
    if n <= max_points:
        return t, y
    buckets = max_points // 2
    edges = np.linspace(0, n, buckets + 1).astype(np.int64)
    starts = edges[:-1]
    # each bucket's extremes, then the first index in the bucket where each occurs
    lo = np.minimum.reduceat(y, starts)
    hi = np.maximum.reduceat(y, starts)
    bucket = np.repeat(np.arange(buckets), np.diff(edges))
    is_lo = y == lo[bucket]
    is_hi = y == hi[bucket]
    first_lo = np.full(buckets, -1, dtype=np.int64)
    first_hi = np.full(buckets, -1, dtype=np.int64)
    # fancy assignment keeps the last write: assign in reverse so the first index wins
    ids = np.arange(n)
    first_lo[bucket[is_lo][::-1]] = ids[is_lo][::-1]
    first_hi[bucket[is_hi][::-1]] = ids[is_hi][::-1]
    keep = np.unique(np.concatenate((first_lo, first_hi)))  # sorted: time order kept
    return t[keep], y[keep]


def nice_ticks(lo: float, hi: float, count: int = 6) -> list[float]:
    """Round tick positions (1, 2, 5 x 10^k) covering [lo, hi]."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [lo] if math.isfinite(lo) else []
    raw = (hi - lo) / max(1, count)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw)
    first = math.ceil(lo / step - 1e-9) * step
    ticks = []
    v = first
    while v <= hi + step * 1e-9:
        ticks.append(round(v, 10))
        v += step
    return ticks


def _fmt(v: float) -> str:
    return f"{v:.1f}"


def _label(v: float) -> str:
    """A tick label; a tick at zero reads "0", never "-0" (no negative zero in a report)."""
    text = f"{v:g}"
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text


class SvgPlot:
    """Collects layers in data coordinates and renders one ``<svg>`` element.

    Layers are drawn in the order added: add bands and spans first, then traces, then
    markers.
    """

    def __init__(self, x_range: tuple[float, float], y_range: tuple[float, float], *,
                 width: int = 960, height: int = 340, x_label: str = "time (s)",
                 y_label: str = "", title: str = ""):
        x0, x1 = (float(v) for v in x_range)
        y0, y1 = (float(v) for v in y_range)
        if not x1 > x0:
            x1 = x0 + 1.0
        if not y1 > y0:
            y1 = y0 + 1.0
        self.x0, self.x1, self.y0, self.y1 = x0, x1, y0, y1
        self.width, self.height = int(width), int(height)
        self.left, self.right, self.top, self.bottom = 56, 16, 24 if title else 12, 40
        self.x_label, self.y_label, self.title = x_label, y_label, title
        self._layers: list[str] = []
        self._row_ends = [float("-inf")] * LABEL_ROWS  # where the last label of each row ends (px)

    # -- coordinate mapping
    def px(self, x) -> np.ndarray:
        w = self.width - self.left - self.right
        return self.left + (np.asarray(x, dtype=float) - self.x0) / (self.x1 - self.x0) * w

    def py(self, y) -> np.ndarray:
        h = self.height - self.top - self.bottom
        return self.top + (1.0 - (np.asarray(y, dtype=float) - self.y0) / (self.y1 - self.y0)) * h

    def _clip_x(self, x: float) -> float:
        return min(max(x, self.x0), self.x1)

    def _clip_y(self, y: float) -> float:
        return min(max(y, self.y0), self.y1)

    # -- layers
    def band(self, t0: float, t1: float, lower: float, upper: float, *, fill: str = "#2e7d32",
             opacity: float = 0.15, title: str = "") -> None:
        """A shaded rectangle: the target band during a step."""
        x0, x1 = float(self.px(self._clip_x(t0))), float(self.px(self._clip_x(t1)))
        ya, yb = float(self.py(self._clip_y(upper))), float(self.py(self._clip_y(lower)))
        if x1 <= x0 or yb <= ya:
            return
        tip = f"<title>{html.escape(title)}</title>" if title else ""
        self._layers.append(
            f'<rect class="band" x="{_fmt(x0)}" y="{_fmt(ya)}" width="{_fmt(x1 - x0)}" '
            f'height="{_fmt(yb - ya)}" fill="{fill}" fill-opacity="{opacity}">{tip}</rect>')

    def span(self, t0: float, t1: float, *, fill: str = "#1565c0", opacity: float = 0.16,
             title: str = "") -> None:
        """A full-height shaded stretch of time (a hold window)."""
        self.band(t0, t1, self.y0, self.y1, fill=fill, opacity=opacity, title=title)

    def line(self, t, y, *, stroke: str = "#111", width: float = 1.2, max_points: int = 2000,
             dash: str = "", css_class: str = "trace", title: str = "") -> None:
        """A decimated polyline of the trace."""
        td, yd = decimate_minmax(t, y, max_points)
        if td.size == 0:
            return
        xs, ys = self.px(td), self.py(np.clip(yd, self.y0, self.y1))
        points = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(xs, ys))
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        tip = f"<title>{html.escape(title)}</title>" if title else ""
        self._layers.append(
            f'<polyline class="{html.escape(css_class)}" fill="none" stroke="{stroke}" '
            f'stroke-width="{width}" stroke-linejoin="round"{dash_attr} points="{points}">'
            f'{tip}</polyline>')

    def vline(self, t: float, label: str = "", *, stroke: str = "#777", dash: str = "3,3") -> None:
        """A vertical marker (step boundary, threshold press) with an optional label."""
        if not self.x0 <= t <= self.x1:
            return
        x = float(self.px(t))
        y_top, y_bot = self.top, self.height - self.bottom
        # a label goes in the first row where it clears the last one; when every row is taken
        # it is left out (the line's tooltip still names it) rather than drawn over another
        ends = self._row_ends
        row = next((r for r in range(LABEL_ROWS) if x + 3 > ends[r] + 2), None) if label else None
        text = ""
        if row is not None:
            ends[row] = x + 3 + LABEL_CHAR_PX * len(label)
            text = (f'<text x="{_fmt(x + 3)}" y="{_fmt(y_top + 10 + 11 * row)}" font-size="10" '
                    f'fill="{stroke}">{html.escape(label)}</text>')
        self._layers.append(
            f'<g class="marker"><line x1="{_fmt(x)}" y1="{y_top}" x2="{_fmt(x)}" y2="{y_bot}" '
            f'stroke="{stroke}" stroke-dasharray="{dash}"/>{text}'
            f'<title>{html.escape(label)}</title></g>')

    def point(self, t: float, y: float, label: str = "", *, fill: str = "#c62828",
              r: float = 5.0) -> None:
        """A highlighted moment (the worst moment of a hold)."""
        if not (math.isfinite(t) and math.isfinite(y)):
            return
        x, yy = float(self.px(self._clip_x(t))), float(self.py(self._clip_y(y)))
        self._layers.append(
            f'<g class="point"><circle cx="{_fmt(x)}" cy="{_fmt(yy)}" r="{r}" fill="none" '
            f'stroke="{fill}" stroke-width="2"/><title>{html.escape(label)}</title></g>')

    # -- output
    def _axes(self) -> str:
        parts = []
        pw = self.width - self.left - self.right
        ph = self.height - self.top - self.bottom
        parts.append(f'<rect x="{self.left}" y="{self.top}" width="{pw}" height="{ph}" '
                     f'fill="#fff" stroke="#999"/>')
        for v in nice_ticks(self.x0, self.x1, 10):
            x = float(self.px(v))
            parts.append(f'<line x1="{_fmt(x)}" y1="{self.top}" x2="{_fmt(x)}" '
                         f'y2="{self.top + ph}" stroke="#eee"/>'
                         f'<text x="{_fmt(x)}" y="{self.top + ph + 14}" font-size="11" '
                         f'text-anchor="middle" fill="#333">{_label(v)}</text>')
        for v in nice_ticks(self.y0, self.y1, 6):
            y = float(self.py(v))
            parts.append(f'<line x1="{self.left}" y1="{_fmt(y)}" x2="{self.left + pw}" '
                         f'y2="{_fmt(y)}" stroke="#eee"/>'
                         f'<text x="{self.left - 5}" y="{_fmt(y + 4)}" font-size="11" '
                         f'text-anchor="end" fill="#333">{_label(v)}</text>')
        parts.append(f'<text x="{self.left + pw / 2:.1f}" y="{self.height - 6}" font-size="12" '
                     f'text-anchor="middle" fill="#333">{html.escape(self.x_label)}</text>')
        if self.y_label:
            cy = self.top + ph / 2
            parts.append(f'<text x="14" y="{cy:.1f}" font-size="12" text-anchor="middle" '
                         f'fill="#333" transform="rotate(-90 14 {cy:.1f})">'
                         f'{html.escape(self.y_label)}</text>')
        if self.title:
            parts.append(f'<text x="{self.left}" y="16" font-size="13" font-weight="bold" '
                         f'fill="#222">{html.escape(self.title)}</text>')
        return "".join(parts)

    def render(self) -> str:
        clip = (f'<clipPath id="plotarea"><rect x="{self.left}" y="{self.top}" '
                f'width="{self.width - self.left - self.right}" '
                f'height="{self.height - self.top - self.bottom}"/></clipPath>')
        return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {self.width} '
                f'{self.height}" width="100%" style="max-width:{self.width}px" '
                f'font-family="sans-serif"><defs>{clip}</defs>{self._axes()}'
                f'<g clip-path="url(#plotarea)">{"".join(self._layers)}</g></svg>')
