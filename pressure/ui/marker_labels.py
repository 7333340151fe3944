"""Where the marker labels on the trace go: beside their line while it is in view, never past
the plot's edges, never over the fixed "ceiling" and "target" labels.

A label hangs on its line's top end at a fixed pixel size (it ignores the plot's scale), so the
plot's clip alone does not hide it: a line just past the left edge still had its label in view,
written over "ceiling", and a label on a line near the right edge was cut off ("PPT 29.9 N"
read "PPT 2"). Once a frame, only the markers inside the window are looked at (their times are
sorted, found by bisection); a label changes only when its side does.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from PySide6.QtCore import QRectF

GAP_PX = 2.0  # the fixed labels' offset from their anchor (plot_items.HLine.set_text)


def fixed_label_rects(view) -> list[QRectF]:
    """The shown ceiling and target labels and the off-scale badge, in the ViewBox's pixels."""
    vb = view.plot.vb
    width, height = vb.width(), vb.height()
    lo, hi = view.y_range
    rects = []
    for line in (view.ceiling_line, view.target_line):
        if not line.isVisible():
            continue
        r = line.label.boundingRect()
        y = (hi - line.value()) / (hi - lo) * height  # HLine labels sit on their line
        rects.append(QRectF(0.02 * width + GAP_PX, y - r.height(), r.width(), r.height()))
    badge = view.off_scale.box  # a child of the ViewBox: already in its pixels
    if badge.isVisible():
        rects.append(badge.rect().translated(badge.pos()))
    return rects


def marker_rect(marker, x: float, y: float, side: str) -> QRectF:
    """The label's box in the ViewBox's pixels, its line at ``x`` and its middle at ``y``."""
    w, h = marker.size
    return QRectF(x + GAP_PX if side == "right" else x - w, y - h / 2, w - GAP_PX, h)


def place_labels(view) -> None:
    """Show each marker label that fits inside the plot, beside its line (to the left of it
    near the right edge), and hide it once its line is out of view or it would cover a fixed
    label (the line itself stays: the label is back as soon as it has room)."""
    vb = view.plot.vb
    width, height = vb.width(), vb.height()
    left, right = view.shown_span()
    shown = set()
    if width > 0 and height > 0 and view.markers:
        times = view.marker_times
        inside = view.markers[bisect_left(times, left):bisect_right(times, right)]
        fixed = fixed_label_rects(view) if inside else []
        scale = width / (right - left)
        y = 0.08 * height  # MarkerLine.set_y_range puts the label 92 % up the range
        for marker in inside:
            x = (marker.t - left) * scale
            side = "right" if x + marker.size[0] <= width else "left"
            box = marker_rect(marker, x, y, side)
            if box.left() < 0 or any(box.intersects(r) for r in fixed):
                side = ""
            marker.place(side)
            if side:
                shown.add(marker)
    for marker in view.labelled - shown:  # scrolled out of the window since the last frame
        marker.place("")
    view.labelled = shown
