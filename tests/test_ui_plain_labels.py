"""Routine names and step labels come from files: in the live and replay windows every label
(and tooltip) that shows them is plain text, never HTML (a routine named
``<b>X</b><img src=...>`` shows exactly that text)."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from pressure.filters import make_filter
from pressure.routine import Routine
from pressure.routine.steps import Step

NAME = "<b>X</b><img src='/tmp/local.png'>"
LABEL = "<i>press</i><img src=x>"
DESCRIPTION = "<h1>big</h1>"
MARKS = ("X</b>", "<i>press", "<h1>big")


def hostile_routine() -> Routine:
    return Routine(name=NAME, description=DESCRIPTION, unit="N", steps=(
        Step("ramp", target=10.0, label=LABEL),
        Step("hold", target=10.0, tolerance=1.0, duration=3.0, label=LABEL + " hold"),
        Step("rest", duration=2.0, label=LABEL + " rest")))


def rich_places(window) -> list[str]:
    """Every label that shows a routine text as rich text, and every tooltip with it unescaped."""
    bad = []
    for label in window.findChildren(QLabel):
        if any(m in label.text() for m in MARKS) and label.textFormat() != Qt.TextFormat.PlainText:
            bad.append(f"label in {type(label.parent()).__name__}: {label.text()!r}")
    for widget in window.findChildren(QWidget):
        if any(m in widget.toolTip() for m in MARKS):
            bad.append(f"tooltip of {type(widget).__name__} in {type(widget.parent()).__name__}: "
                       f"{widget.toolTip()!r}")
    return bad


def shown(window) -> list[str]:
    return [lab.text() for lab in window.findChildren(QLabel) if lab.isVisible()]


def test_live_window_shows_routine_texts_as_plain_text(qtbot):
    from pressure.session.pipeline import Pipeline
    from pressure.session.scripted import ManualClock, ScriptedSource
    from pressure.ui.main_window import MainWindow
    from pressure.ui.session_bar import install_session_bar
    from pressure.ui.training import install_training

    source = ScriptedSource(ManualClock(), rate=100.0)
    window = MainWindow(Pipeline(source, hostile_routine(), make_filter("none")), window_seconds=10.0)
    qtbot.addWidget(window)
    install_training(window)
    install_session_bar(window)
    window.resize(1100, 650)
    window.show()
    for value in (2.0, 6.0, 10.0, 10.0, 10.0):
        source.push(value, seconds=0.6)
    qtbot.waitUntil(lambda: any("press" in t for t in shown(window)), timeout=5000)
    assert any(NAME in t for t in shown(window))  # the literal text is shown
    bad = rich_places(window)
    assert not bad, "\n".join(bad)
    source.push(10.0, seconds=4.0)  # the hold done, then the rest: the routine's end and summary
    source.push(0.0, seconds=3.0)
    qtbot.waitUntil(lambda: window.training.summary is not None, timeout=5000)
    assert NAME in window.training.summary.text.toPlainText()  # its HTML escapes the name
    bad = rich_places(window)
    assert not bad, "\n".join(bad)


def test_a_routine_file_loaded_in_the_window_is_named_in_plain_text(qtbot, tmp_path):
    from pressure.routine.tomlwrite import routine_toml
    from pressure.session.pipeline import Pipeline
    from pressure.session.scripted import ManualClock, ScriptedSource
    from pressure.ui.main_window import MainWindow
    from pressure.ui.overlay import MessageOverlay

    path = tmp_path / "hostile.toml"
    path.write_text(routine_toml(hostile_routine().to_dict()))
    source = ScriptedSource(ManualClock(), rate=100.0)
    window = MainWindow(Pipeline(source, hostile_routine(), make_filter("none")), window_seconds=10.0)
    qtbot.addWidget(window)
    window.show()
    window.load_routine(str(path))  # says "routine: <name>" in the bar and over the trace
    overlay = window.findChild(MessageOverlay)
    assert NAME in overlay.text() and overlay.isVisible()
    bad = rich_places(window)
    assert not bad, "\n".join(bad)


def test_replay_window_shows_routine_texts_as_plain_text(qtbot, tmp_path):
    from test_session_replay import make_recording
    from test_ui_replay import FakeAudio

    from pressure.session.replay_setup import open_replay
    from pressure.session.scripted import ManualClock
    from pressure.ui.replay_window import ReplayWindow
    from pressure.ui.training import install_training

    path = tmp_path / "s.pressure"
    make_recording(path, seconds=8.0, routine=hostile_routine(),
                   force=lambda t: np.minimum(t * 5.0, 10.0))
    pipeline = open_replay(path, filt=make_filter("none"), speed=1.0, playing=True, clock=ManualClock())
    window = ReplayWindow(pipeline, audio=FakeAudio(), window_seconds=10.0)
    qtbot.addWidget(window)
    install_training(window)
    window.resize(1100, 650)
    window.show()
    qtbot.waitUntil(lambda: any(NAME in t for t in shown(window)), timeout=5000)
    bad = rich_places(window)
    assert not bad, "\n".join(bad)


def test_a_routine_file_error_is_shown_as_plain_text(qtbot, tmp_path, monkeypatch):
    from pressure.session.pipeline import Pipeline
    from pressure.session.scripted import ManualClock, ScriptedSource
    from pressure.ui.main_window import MainWindow
    from PySide6.QtWidgets import QMessageBox

    path = tmp_path / "bad.toml"
    path.write_text('name = "x"\n"<img src=x><b>key</b>" = 1\n[[steps]]\nkind = "rest"\nduration = 1\n')
    shown_boxes = []

    def exec_(box):
        shown_boxes.append((box.text(), box.textFormat()))
        return 0

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: shown_boxes.append((a[2], Qt.TextFormat.AutoText)))
    source = ScriptedSource(ManualClock(), rate=100.0)
    window = MainWindow(Pipeline(source, hostile_routine(), make_filter("none")), window_seconds=10.0)
    qtbot.addWidget(window)
    window.load_routine(str(path))
    assert len(shown_boxes) == 1
    text, fmt = shown_boxes[0]
    assert "<img src=x><b>key</b>" in text and fmt == Qt.TextFormat.PlainText


def test_the_settings_dialog_names_the_running_routine_in_plain_text(qtbot):
    from pressure.filters import FILTERS
    from pressure.routine import BUILTIN_ROUTINES
    from pressure.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(None, filters=FILTERS, filter_name="one_euro", strength=-1.0,
                            routines=BUILTIN_ROUTINES, routine_name="", unit="N", target=10.0,
                            tolerance="10%", hold=3.0, ceiling=0.0, window_seconds=20.0, y_max=0.0,
                            record=True, error_tone=False, current=hostile_routine())
    qtbot.addWidget(dialog)
    assert any(m in dialog.about.text() for m in MARKS)  # the name is shown ...
    assert rich_places(dialog) == []  # ... as the text it is


def _shown(tip: str) -> str:
    """What a tooltip shows: Qt draws it as HTML when it looks like HTML."""
    from PySide6.QtGui import QTextDocument
    from PySide6.QtGui import Qt as QtGui

    if not QtGui.mightBeRichText(tip):
        return tip
    doc = QTextDocument()
    doc.setHtml(tip)
    return doc.toPlainText()


@pytest.mark.parametrize("text", [NAME, "plain words", "a < b & c", "/sessions/<b>Ann</b>.pressure"])
def test_a_plain_tooltip_shows_the_text_as_it_is(qtbot, text):
    from pressure.ui.plain_message import plain_tooltip

    assert _shown(plain_tooltip(text)) == text


def test_status_tooltips_with_device_or_file_text_are_plain(qtbot):
    from pressure.session.source import SourceStats
    from pressure.ui.status import StatusBar

    bar = StatusBar()
    qtbot.addWidget(bar)
    bar.update_stats(SourceStats(sensor="ble://P", rate_hz=80.0, message=NAME))
    assert _shown(bar.sensor_label.toolTip()) == NAME
    bar.set_recording("/data/<b>Ann</b><img src=x>.pressure")
    assert _shown(bar.record_label.toolTip()) == "/data/<b>Ann</b><img src=x>.pressure"


def test_the_session_library_names_unreadable_files_in_plain_text(qtbot, tmp_path):
    from pressure.ui.session_browser import SessionBrowser

    (tmp_path / "<img src=x><b>Ann.pressure").write_bytes(b"not a recording")  # no '/' in a name
    browser = SessionBrowser(None, folder=tmp_path)
    qtbot.addWidget(browser)
    assert "<img src=x><b>Ann" in browser.problems.text()
    assert browser.problems.textFormat() == Qt.TextFormat.PlainText
