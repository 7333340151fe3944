"""Every text in the live window is readable: WCAG AA (4.5:1) against what is really behind it,
and the status that matters is large (issue 12, "readable at 2 m").

The text colour is the one Qt paints with (the widget's palette after its style sheet, or a plot
item's pen); the background is measured, not assumed: the most common colour of the widget's own
pixels in a grab of the whole window."""

from __future__ import annotations

from collections import Counter

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QAbstractButton, QDockWidget, QLabel, QLineEdit, QWidget

from pressure.filters import make_filter
from pressure.routine import single_hold
from pressure.session.scripted import ManualClock
from pressure.ui import theme
from pressure.ui.audio import Silent
from ui_scripted import drawn, scripted_window

AA = 4.5


@pytest.fixture
def window(qtbot):
    from pressure.ui.session_bar import install_session_bar
    from pressure.ui.training import install_training

    def panels(w):
        install_training(w)
        install_session_bar(w)

    w, source, _ = scripted_window(qtbot, single_hold(10.0, "10%", 3.0, ceiling=20.0), size=(1280, 720),
                                   prepare=panels, audio=Silent("no audio libraries"), window_seconds=10.0,
                                   recording_path="/tmp/x.pressure")
    for _ in range(5):
        drawn(w, qtbot, source, 10.0, 0.2)
    return w


def hex_of(colour) -> str:
    return colour.name()  # '#rrggbb'


def background_of(image, widget, window, height=None, inset=0) -> str:
    """The most common colour of ``widget``'s pixels (its top ``height`` rows; ``inset`` pixels
    in from its edges, inside a button's frame) in the window's grab."""
    top_left = widget.mapTo(window, QPoint(0, 0)) + QPoint(inset, inset)
    counts = Counter()
    step = 2
    for x in range(top_left.x(), top_left.x() + widget.width() - 2 * inset, step):
        for y in range(top_left.y(), top_left.y() + (height or widget.height()) - 2 * inset, step):
            if 0 <= x < image.width() and 0 <= y < image.height():
                counts[image.pixelColor(x, y).name()] += 1
    return counts.most_common(1)[0][0]


def texts(window, status=True):
    """(name, text colour, widget) for every visible widget that shows text (and the window's
    status message, unless ``status`` is False: a dialog has none)."""
    for w in window.findChildren(QLabel):
        if w.isVisible() and w.text().strip():
            yield f"label {w.text()!r}", hex_of(w.palette().color(w.foregroundRole())), w
    for w in window.findChildren(QAbstractButton):
        if w.isVisible() and w.text().strip():
            yield f"button {w.text()!r}", hex_of(w.palette().color(QPalette.ColorRole.ButtonText)), w
    for w in window.findChildren(QLineEdit):
        if w.isVisible():
            yield "text field", hex_of(w.palette().color(QPalette.ColorRole.Text)), w
    for w in window.findChildren(QDockWidget):
        if w.isVisible() and w.windowTitle() and not w.isFloating() and w.titleBarWidget() is None:
            yield f"dock title {w.windowTitle()!r}", hex_of(w.palette().color(QPalette.ColorRole.WindowText)), w
    if not status:
        return
    bar = window.statusBar()
    yield "status message", hex_of(bar.palette().color(QPalette.ColorRole.WindowText)), bar


def unreadable(window) -> tuple[int, list[str]]:
    """How many texts were checked, and those under AA."""
    image = window.grab().toImage()
    bad, seen = [], 0
    for name, fg, widget in texts(window):
        title = widget.fontMetrics().height() if isinstance(widget, QDockWidget) else None
        bg = background_of(image, widget, window, title)
        ratio = theme.contrast_ratio(fg, bg)
        seen += 1
        if ratio < AA:
            bad.append(f"{name}: {fg} on {bg} = {ratio:.2f}:1")
    return seen, bad


def test_every_text_in_the_window_meets_wcag_aa(window, qtbot):
    window.status.showMessage("tared for this session", 3000)  # over the trace too
    window.status.showMessage("marker at 12.3 s: marker", 3000)
    seen, bad = unreadable(window)
    assert seen > 20
    assert not bad, "\n".join(bad)


def test_every_text_in_the_replay_window_meets_wcag_aa(qtbot, tmp_path):
    from test_session_replay import make_recording

    from pressure.session.replay_setup import open_replay
    from pressure.ui.replay_window import ReplayWindow

    path = tmp_path / "s.pressure"
    make_recording(path, seconds=6.0, events=[(3.0, "marker", "pain reported", None)])
    pipeline = open_replay(path, filt=make_filter("none"), playing=True, clock=ManualClock())
    w = ReplayWindow(pipeline, audio=Silent("test"), window_seconds=10.0)
    qtbot.addWidget(w)
    w.resize(1280, 720)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: w._frame is not None, timeout=3000)
    seen, bad = unreadable(w)
    assert seen > 20
    assert not bad, "\n".join(bad)


def test_plot_texts_meet_wcag_aa(window, qtbot):
    """Axis numbers and titles, the band's and the ceiling's labels, a marker's label, and the
    off-scale badge (over its own box) against the plot's background."""
    trace = window.trace
    window.add_marker("pain reported")
    qtbot.waitUntil(lambda: len(trace.markers) == 1, timeout=3000)
    on_plot = {}
    for axis in ("left", "bottom"):
        item = trace.plot.getAxis(axis)
        on_plot[f"{axis} axis numbers"] = hex_of(item.textPen().color())
        # the title is HTML in the colour of labelStyle (setTextPen writes it there)
        on_plot[f"{axis} axis title"] = item.labelStyle.get("color") or hex_of(item.label.defaultTextColor())
    on_plot["overview axis numbers"] = hex_of(trace.overview.getAxis("bottom").textPen().color())
    on_plot["target label"] = hex_of(trace.target_line.label.brush().color())
    on_plot["ceiling label"] = hex_of(trace.ceiling_line.label.brush().color())
    on_plot["marker label"] = hex_of(trace.markers[0].label.brush().color())
    bad = [f"{name}: {fg} = {theme.contrast_ratio(fg, theme.PLOT_BACKGROUND):.2f}:1"
           for name, fg in on_plot.items() if theme.contrast_ratio(fg, theme.PLOT_BACKGROUND) < AA]
    assert not bad, "\n".join(bad)
    badge = trace.off_scale
    assert theme.contrast_ratio(hex_of(badge.label.brush().color()), hex_of(badge.box.brush().color())) >= AA


def pixel_size(widget) -> int:
    font = widget.font()
    return font.pixelSize() if font.pixelSize() > 0 else round(font.pointSizeF() * widget.logicalDpiY() / 72)


def test_the_status_that_matters_is_large_and_bold(window):
    status = window.status
    for label in (status.record_label, status.sensor_label, status.sound_label):
        assert pixel_size(label) >= 18 and label.font().bold(), label.text()
    assert pixel_size(window.statusBar()) >= 16  # the messages
    panel = window.findChild(QWidget, "scorePanel")
    assert panel is not None
    assert all(pixel_size(label) > 13 for label in panel.findChildren(QLabel) if label.text().strip())


def dialog_unreadable(dialog) -> tuple[int, list[str]]:
    """Like unreadable(), for a dialog: its labels, buttons and fields over its own grab."""
    image = dialog.grab().toImage()
    bad, seen = [], 0
    for name, fg, widget in texts(dialog, status=False):
        # a default button's 2-px focus frame is one flat colour, its face a gradient of many:
        # the face is what the text is on
        inset = 3 if isinstance(widget, QAbstractButton) else 0
        bg = background_of(image, widget, dialog, inset=inset)
        seen += 1
        if theme.contrast_ratio(fg, bg) < AA:
            bad.append(f"{name}: {fg} on {bg} = {theme.contrast_ratio(fg, bg):.2f}:1")
    return seen, bad


@pytest.mark.qt_log_ignore("propagateSizeHints")  # the offscreen plugin, on showing a dialog
def test_every_text_in_the_dialogs_meets_wcag_aa(window, qtbot):
    """The keys list (F1), the settings and the summary (F9): what a practitioner reads mid-session."""
    from test_ui_pedal_keys import while_modal

    results = {}

    def check(name):
        def act(dialog):
            qtbot.waitExposed(dialog)
            results[name] = dialog_unreadable(dialog)
        return act

    while_modal(qtbot, window.show_keys, check("keys list"))
    while_modal(qtbot, window.edit_settings, check("settings"))
    training = window.training
    training.show_summary_now()
    qtbot.waitUntil(lambda: training.summary is not None and training.summary.isVisible(), timeout=3000)
    results["summary"] = dialog_unreadable(training.summary)
    for name, (seen, bad) in results.items():
        assert seen >= 1, name
        assert not bad, f"{name}:\n" + "\n".join(bad)
