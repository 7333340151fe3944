"""Training in any window (live or replay): score panel, summary at routine end, ghost, progress.

``install_training(window)`` adds everything by composition, through public Qt API and the
window's ``frame_hooks``; the window itself knows nothing about training. The live command
calls it for the live window, the replay command for the replay window.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QWidget

from ..errors import PressureError
from .ghost import Ghost, load_ghost_reference
from .plain_message import warn_plain
from .score_panel import ScorePanel, ScoreTracker
from .summary import SummaryDialog, WorstMark, scores_or_message

log = logging.getLogger(__name__)


class Training:
    """The training parts of one window; see :func:`install_training`."""

    def __init__(self, window, *, ghost: bool = True, summary_at_end: bool = True):
        self.window = window
        self.summary_at_end = summary_at_end
        self.panel = ScorePanel(window)
        # a strip along the bottom (no title bar, not movable): a dock on the right took the
        # readout's width, and the big number is what is read from across the table
        dock = QDockWidget("Scores", window)
        dock.setObjectName("scoresDock")
        dock.setWidget(self.panel)
        dock.setTitleBarWidget(QWidget(dock))
        dock.setFeatures(QDockWidget.DockWidgetFeature.NoDockWidgetFeatures)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        self.dock = dock
        self.tracker = ScoreTracker(window, self.panel)
        self.worst = WorstMark(window.trace)
        self.ghost = Ghost(window.trace) if ghost else None
        self._routine = None
        self._pipeline = None
        self.summary = None         # the last SummaryDialog
        self.scores = None          # ... and what it shows
        self.comparison = None
        self.progress_view = None
        self.replays: list = []     # replay windows opened from a live window
        self._build_menu()
        window.frame_hooks.append(self.on_frame)
        self._follow_pipeline()

    # --- menu ----------------------------------------------------------------------------------
    def _build_menu(self) -> None:
        w = self.window
        menu = w.menuBar().addMenu("&Training")
        self.menu = menu
        self.actions = {}
        for name, text, slot, key in (
            ("summary", "Session summary…", self.show_summary_now, "F9"),
            ("progress", "Trainee progress…", self.show_progress, None),
        ):
            self.actions[name] = self._add(menu, text, slot, key)
        ghost = self._add(menu, "Reference ghost", self.toggle_ghost, None)
        ghost.setCheckable(True)
        ghost.setChecked(self.ghost is not None)
        ghost.setEnabled(self.ghost is not None)
        self.actions["ghost"] = ghost
        if not w.pipeline.source.can_seek:  # a live window: replay opens in a window of its own
            menu.addSeparator()
            self.actions["open"] = self._add(menu, "Open recording…", self.open_recording, None)
            self.actions["library"] = self._add(menu, "Session library…", self.open_library, None)

    def _add(self, menu, text, slot, key) -> QAction:
        action = QAction(text, self.window)
        if key:
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda checked=False: slot())
        self.window.addAction(action)
        menu.addAction(action)
        return action

    # --- per frame -----------------------------------------------------------------------------
    def _follow_pipeline(self) -> None:
        """A new routine (or a new session) brings its own reference and a fresh start."""
        p = self.window.pipeline
        if p is self._pipeline and p.routine is self._routine:
            return
        self._pipeline, self._routine = p, p.routine
        self.worst.clear()
        if self.ghost is not None:
            self.ghost.set_reference(load_ghost_reference(p.routine))

    def on_frame(self, frame) -> None:
        self._follow_pipeline()
        self.tracker.on_frame(frame)
        p = self.window.pipeline
        if self.ghost is not None and self.actions["ghost"].isChecked():
            self.ghost.update(p.coach)
        if self.summary_at_end and any(e.kind == "routine_done" for e in frame.events):
            self.show_summary(whole=False)

    # --- summary -------------------------------------------------------------------------------
    def show_summary_now(self) -> None:
        """Menu/F9: a replay's whole file; a live window's session so far."""
        self.show_summary(whole=self.window.pipeline.source.can_seek)

    def show_summary(self, whole: bool = False):
        p = self.window.pipeline
        scores, problem = scores_or_message(p, whole)
        if scores is None:
            self.window.status.showMessage(f"no summary: {problem}", 6000)
            return None
        comparison = None
        if self.ghost is not None and self.ghost.reference is not None:
            from ..references import compare_with_reference

            try:
                comparison = compare_with_reference(scores, p.routine)
            except PressureError as exc:
                log.info("no comparison with the reference: %s", exc)
        self.scores, self.comparison = scores, comparison
        self.worst.show(scores.worst, scores.unit)
        if self.summary is not None:  # one summary at a time: the old one is freed, not hidden
            self.summary.close()
            self.summary.deleteLater()
        self.summary = SummaryDialog(self.window, scores, comparison, on_show_worst=self.show_worst)
        self.summary.show()
        return self.summary

    def show_worst(self, worst: dict) -> None:
        """Bring the worst moment into the trace (a replay jumps there; live it is marked)."""
        w = self.window
        if w.pipeline.source.can_seek:
            t = float(worst["t_s"]) + w.trace.window_seconds / 2
            w.seek(min(t, w.pipeline.source.t_end))
        self.worst.show(worst, w.pipeline.unit)

    # --- others ----------------------------------------------------------------------------------
    def toggle_ghost(self) -> None:
        if self.ghost is None:
            return
        on = self.actions["ghost"].isChecked()
        self.ghost.set_visible(on)

    def show_progress(self):
        from .progress_view import ProgressView

        recording = self.window.pipeline.source.recording
        labels = (recording.labels if recording is not None else {}) or {}
        trainee = labels.get("trainee") or labels.get("student")
        self.progress_view = ProgressView(self.window, trainee=trainee, routine=self.window.pipeline.routine.name)
        self.progress_view.sigTraineeAdded.connect(self._offer_trainee)
        self.progress_view.show()
        return self.progress_view

    def _offer_trainee(self, name: str) -> None:
        """A trainee added in the progress view is offered by the session bar's list at once."""
        from .session_bar import SessionBar

        bar = self.window.findChild(SessionBar)
        if bar is not None and bar.trainee.findText(name) < 0:
            bar.trainee.addItem(name)

    def open_recording(self, path=None):
        from PySide6.QtWidgets import QFileDialog

        from ..paths import sessions_dir
        from ..recording import EXTENSION
        from ..session.replay_setup import open_replay
        from .replay_window import ReplayWindow

        if path is None:
            path, _ = QFileDialog.getOpenFileName(self.window, "Open recording", str(sessions_dir()),
                                                  f"Recordings (*{EXTENSION});;All files (*)")
            if not path:
                return None
        try:
            pipeline = open_replay(path)
        except PressureError as exc:
            warn_plain(self.window, "Open recording", str(exc))  # it may quote the file: never HTML
            return None
        replay = ReplayWindow(pipeline, window_seconds=self.window.trace.window_seconds)
        install_training(replay)
        replay.resize(1280, 720)
        replay.show()
        self.replays.append(replay)
        return replay

    def open_library(self):
        from .session_browser import SessionBrowser

        browser = SessionBrowser(self.window)
        browser.sigOpen.connect(self.open_recording)
        browser.show()
        self.browser = browser
        return browser


def install_training(window, *, ghost: bool = True, summary_at_end: bool = True) -> Training:
    """Add the score panel, the end-of-routine summary, the reference ghost and the Training
    menu (progress; on a live window also Open recording / Session library) to ``window``.
    The result is kept as ``window.training``."""
    training = Training(window, ghost=ghost, summary_at_end=summary_at_end)
    window.training = training
    return training


__all__ = ["install_training", "Training"]
