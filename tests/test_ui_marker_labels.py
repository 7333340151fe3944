"""Marker labels on the live trace stay inside the plot and off the fixed labels (issue 12: a
real-window trial showed a scrolled-off marker's label over "ceiling", and "PPT 29.9 N" cut off
at the right edge). Positions are read back as Qt paints them (device transforms), not from the
placement code's own arithmetic."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtWidgets import QGraphicsRectItem

from pressure.ui.trace_view import TraceView


def _pixels(view, item, rect):
    """``rect`` of ``item`` in the view's viewport pixels (as it is painted)."""
    return item.deviceTransform(view.viewportTransform()).mapRect(rect)


def _plot_rect(view):
    vb = view.plot.vb
    return view.mapFromScene(vb.mapRectToScene(vb.boundingRect())).boundingRect()


def _shown_label(view, marker):
    """The painted rectangle of a marker's label, or None when it is not painted."""
    if not marker.box.isVisible() or not marker.box.isVisibleTo(None):
        return None
    return _pixels(view, marker.box, marker.box.rect())


def _fixed_label(view, line):
    return _pixels(view, line.label, line.label.boundingRect())


@pytest.fixture
def view(qtbot):
    v = TraceView()
    qtbot.addWidget(v)
    v.resize(800, 500)
    v.show()
    qtbot.waitExposed(v)
    v.window_seconds = 30.0
    v.set_y_range(0.0, 66.0)
    v.set_ceiling(60.0)  # near the top: the height the marker labels hang at
    v.set_band((28.5, 30.0, 31.5))
    return v


def _scroll(view, now):
    t = np.arange(max(now - 30.0, 0.0), now, 0.01)
    view.update_trace(t, np.full_like(t, 30.0), np.full_like(t, 30.0), now)


def test_a_label_leaves_with_its_line_and_never_covers_the_ceiling_label(view, qtbot):
    view.add_marker(3.0, "M marker")
    _scroll(view, 20.0)
    marker = view.markers[0]
    assert _shown_label(view, marker) is not None  # in view, away from the fixed labels
    ceiling = _fixed_label(view, view.ceiling_line)
    target = _fixed_label(view, view.target_line)
    plot = _plot_rect(view)
    for now in np.arange(30.0, 36.0, 0.05):  # the line passes the fixed labels, then the edge
        _scroll(view, now)
        label = _shown_label(view, marker)
        if label is not None:
            assert not label.intersects(ceiling), f"marker label over 'ceiling' at {now:.2f} s"
            assert not label.intersects(target), f"marker label over 'target' at {now:.2f} s"
            assert label.left() >= plot.left()
    _scroll(view, 33.5)  # the line is just off the left edge: its label goes with it
    assert view.shown_span()[0] > 3.0
    assert _shown_label(view, marker) is None


def test_a_marker_at_the_right_edge_has_its_label_inside_the_plot(view):
    _scroll(view, 44.9)
    view.add_marker(44.9, "PPT 29.9 N")
    _scroll(view, 45.0)
    marker = view.markers[-1]
    label = _shown_label(view, marker)
    assert label is not None
    plot = _plot_rect(view)
    line_x = _pixels(view, marker.line, marker.line.boundingRect()).center().x()
    assert label.right() <= plot.right()
    assert label.right() <= line_x  # anchored to the left of its line
    # once there is room, it goes back to the right of the line
    _scroll(view, 55.0)
    label = _shown_label(view, marker)
    line_x = _pixels(view, marker.line, marker.line.boundingRect()).center().x()
    assert label is not None and label.left() >= line_x


def test_labels_follow_a_replay_scrolling_back_and_markers_out_of_order(view):
    view.set_markers([40.0, 10.0], ["later", "earlier"])
    assert [m.text for m in view.markers] == ["earlier", "later"]
    _scroll(view, 45.0)
    earlier, later = view.markers
    assert _shown_label(view, earlier) is None and _shown_label(view, later) is not None
    _scroll(view, 30.0)  # a replay seeking back
    assert _shown_label(view, earlier) is not None and _shown_label(view, later) is None
    view.add_marker(20.0, "inserted")
    assert view.marker_times == sorted(view.marker_times)
    assert [m.text for m in view.markers] == ["earlier", "inserted", "later"]
    boxes = [i for i in view.scroll.childItems() if isinstance(i, QGraphicsRectItem)]
    assert len(boxes) == 3  # the markers made again in order leave no stray label behind


def test_a_label_never_covers_the_off_scale_badge(view, qtbot):
    view.resize(800, 240)  # short: the badge and the labels share the top of the plot
    qtbot.waitUntil(lambda: view.plot.vb.height() < 200, timeout=3000)
    _scroll(view, 44.0)
    view.add_marker(44.0, "PPT 29.9 N")
    marker = view.markers[-1]

    def over(now):  # the value above the plot: "off scale ▲" in the top right corner
        t = np.arange(now - 30.0, now, 0.01)
        view.update_trace(t, np.full_like(t, 80.0), np.full_like(t, 80.0), now)

    for now in np.arange(44.0, 50.0, 0.1):
        over(now)
        badge = _pixels(view, view.off_scale.box, view.off_scale.box.rect())
        assert view.off_scale.box.isVisible()
        label = _shown_label(view, marker)
        assert label is None or not label.intersects(badge), f"label under the badge at {now:.1f} s"
    _scroll(view, 50.0)  # back on the scale: the badge goes, the label has room again
    assert not view.off_scale.box.isVisible() and _shown_label(view, marker) is not None
