"""The live window on a scripted source, for pytest-qt tests: built, shown, and fed samples that a
test waits to see drawn (on a frame, never on a sleep)."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from pressure.filters import make_filter
from pressure.session.pipeline import Pipeline
from pressure.session.scripted import ManualClock, ScriptedSource
from pressure.ui.audio import Silent
from pressure.ui.main_window import MainWindow


def scripted_window(qtbot, routine, *, filt: str = "none", rate: float = 100.0, size=(900, 600),
                    recorder=None, prepare=None, **window_options):
    """(window, source, clock): a shown MainWindow running ``routine`` on a ScriptedSource;
    ``prepare(window)`` runs before it is shown (panels to install)."""
    clock = ManualClock()
    source = ScriptedSource(clock, rate=rate)
    pipeline = Pipeline(source, routine, make_filter(filt), recorder=recorder, clock=clock)
    window_options.setdefault("audio", Silent("test"))
    window = MainWindow(pipeline, **window_options)
    if prepare is not None:
        prepare(window)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    return window, source, clock


def drawn(window, qtbot, source, value, seconds: float) -> None:
    """Push ``seconds`` of ``value`` and wait until a frame has drawn them."""
    source.push([value], seconds=seconds)
    target = source.t
    qtbot.waitUntil(lambda: window._frame is not None and window._frame.t >= target, timeout=3000)


def while_modal(qtbot, open_dialog, act):
    """Open a modal dialog with ``open_dialog()`` and run ``act(dialog)`` while it is open."""
    done = []

    def run():
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(10, run)
            return
        try:
            act(dialog)
            done.append(True)
        finally:
            dialog.close()

    QTimer.singleShot(0, run)
    open_dialog()
    assert done, "the dialog was not seen open"
