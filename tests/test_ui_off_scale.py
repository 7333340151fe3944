"""The off-scale badge at both ends of the fixed vertical range (issue 12: below it, the trace
vanished with nothing said)."""

from pressure.ui import theme

from test_ui_window import drawn, make_window  # noqa: F401 - the fixture


def badge_rect(trace):
    vb = trace.plot.vb
    return vb, trace.off_scale.box.mapRectToItem(vb, trace.off_scale.box.rect())


def test_off_scale_badge_at_the_bottom_edge_below_the_range(make_window, qtbot):
    window, source, _, _ = make_window()  # fixed range -1.1 .. 22 N
    trace = window.trace
    bottom = trace.y_range[0]
    d = window.readout.decimals
    drawn(window, qtbot, source, -28.7)  # a wrong zero: the trace is below the plot
    assert -28.7 < bottom
    assert trace.off_scale.text() == f"off scale \u25bc {-28.7:.{d}f} N"
    vb, box = badge_rect(trace)
    assert trace.off_scale.box.isVisible() and vb.rect().contains(box)
    assert box.bottom() > 0.9 * vb.height()  # at the bottom edge, where the trace went
    assert trace.off_scale.box.brush().color().name() == theme.ZONES[theme.BELOW].background
    # above the range: the top edge, the ceiling's colours
    drawn(window, qtbot, source, 57.25)
    assert trace.off_scale.text() == f"off scale \u25b2 {57.25:.{d}f} N"
    vb, box = badge_rect(trace)
    assert box.top() < 0.1 * vb.height()
    assert trace.off_scale.box.brush().color().name() == theme.ZONES[theme.CEILING].background
    # back below, then inside the range (a small negative value is still on the plot)
    drawn(window, qtbot, source, -5.0)
    vb, box = badge_rect(trace)
    assert trace.off_scale.text().startswith("off scale \u25bc") and box.bottom() > 0.9 * vb.height()
    drawn(window, qtbot, source, -0.5)
    assert trace.off_scale.text() == "" and not trace.off_scale.box.isVisible()
