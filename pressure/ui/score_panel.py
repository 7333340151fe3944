"""The live score panel: time in band, steadiness and error of the current hold, so far; in a
pressure-pain threshold routine the trials' thresholds instead.

Numbers come from :class:`pressure.scoring.LiveScorer` (the definitions of docs/scoring.md),
fed with each frame's new smoothed samples and the coach state of that same frame. A student
sees while pressing whether the hold is steady, not only at the end.

:class:`ScoreTracker` is the glue to a window's ``frame_hooks``; the numbers themselves are the
session's (:mod:`pressure.session.live_score`), computed without Qt.
"""

from __future__ import annotations

import logging
import math
import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QSizePolicy, QWidget

from ..session.live_score import LiveScore
from . import theme
from .live_label import LiveLabel

log = logging.getLogger(__name__)

HOLD_ROWS = (
    ("hold_timer", "time in band", "", "the hold timer, the same time as the countdown: seconds "
     "counted so far of the hold's duration"),
    ("time_in_band_pct", "share in band", "%", "share of this hold (since first reaching the band) "
     "spent inside the band"),
    ("cv_pct", "steadiness (CV)", "%", "variation of the force in this hold: lower is steadier"),
    ("mae_pct", "mean error", "%", "mean distance from the target, % of target"),
    ("session_time_in_band_pct", "all holds in band", "%", "time in band over every hold so far"),
    ("holds_done", "holds done", "", "holds finished in this routine"),
)
PPT_ROWS = (
    ("trial", "PPT trial", "", "the pressure-pain threshold trial under way (of the routine's trials)"),
    ("last", "last threshold", "", "the value marked with P in the last trial"),
    ("thresholds", "thresholds so far", "", "every threshold marked so far, in order"),
    ("mean", "mean", "", "mean of the thresholds so far: the PPT"),
    ("cv", "CV between trials", "%", "variation between the trials' thresholds (needs two)"),
    ("count", "trials marked", "", "trials with a threshold marked"),
)
ROWS = HOLD_ROWS  # the default view
# the hold timer's label says what it counts (the coach's timer, per the step's on_leave)
HOLD_TIMER_LABELS = {"pause": "time in band", "reset": "in band since entering",
                     "record": "since first in band"}


def _fmt(value, unit: str) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    if isinstance(value, int):
        return f"{value}"
    return f"{value:.1f} {unit}".strip()


def _level(value: float, unit: str) -> str:
    """A threshold: whole units from 100 up (kPa), one decimal below."""
    if not math.isfinite(value):
        return "—"
    return f"{value:.0f}" if abs(value) >= 100 else f"{value:.1f}"


def panel_mode(routine, state) -> str | None:
    """'ppt' in a threshold step, 'hold' in a hold step, else None (keep what is shown)."""
    step = state.step if state is not None else None
    kind = step.kind if step is not None else None
    if kind == "threshold":
        return "ppt"
    if kind == "hold":
        return "hold"
    return None


def routine_mode(routine) -> str:
    """The view a routine starts with: its first hold or threshold step decides."""
    for step in routine.steps:
        if step.kind in ("hold", "threshold"):
            return "ppt" if step.kind == "threshold" else "hold"
    return "hold"


def ppt_texts(routine, state) -> dict:
    """The PPT trial numbers: trial k of n, the thresholds so far, their mean and CV."""
    from ..scoring import threshold_stats
    from ..scoring.metrics import cv_min_mean

    unit = routine.unit
    steps = routine.steps
    total = sum(1 for s in steps if s.kind == "threshold")
    values = tuple(state.thresholds) if state is not None else ()
    index = state.step_index if state is not None else 0
    if state is not None and state.finished:
        trial = total
    else:
        trial = sum(1 for s in steps[:index + 1] if s.kind == "threshold")
    mean, cv = threshold_stats(values, cv_min_mean(unit, routine.area_cm2))
    shown = values[-4:]
    listed = " · ".join(_level(v, unit) for v in shown)
    return {
        "trial": f"{max(trial, 1)} of {total}" if total else "—",
        "last": f"{_level(values[-1], unit)} {unit}" if values else "—",
        "thresholds": (("… " if len(values) > len(shown) else "") + listed) if values else "—",
        "mean": f"{_level(mean, unit)} {unit}" if values else "—",
        "cv": _fmt(cv, "%"),
        "count": f"{len(values)}",
    }


class ScorePanel(QWidget):
    """A compact strip of labelled numbers (name over value, side by side); ``show_numbers(LiveNumbers)``
    fills it. A strip under the window's parts, not a column beside them: the readout keeps its width.

    Two views: the hold numbers, and in a pressure-pain threshold (PPT) routine the trial numbers
    (hold metrics mean nothing there). The hold timer column is the coach's timer, the very time
    the countdown and its progress bar show, with a label that says what it counts."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("scorePanel")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(f"#scorePanel {{ background: {theme.PLOT_BACKGROUND}; }}"
                           f"#scorePanel QLabel {{ color: {theme.PLOT_FOREGROUND}; font-size: 15px; }}"
                           "#scorePanel QLabel[role='value'] { font-weight: bold; font-size: 21px; }")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        grid = QGridLayout(self)
        grid.setContentsMargins(8, 2, 8, 2)
        grid.setVerticalSpacing(0)
        grid.setHorizontalSpacing(18)
        self._names: list[QLabel] = []
        self._cells: list[QLabel] = []
        for col in range(len(HOLD_ROWS)):
            name = QLabel("", self)
            name.setTextFormat(Qt.TextFormat.PlainText)
            value = LiveLabel("—", self)  # changes ten times a second in a hold
            value.setProperty("role", "value")
            for w in (name, value):
                w.setAlignment(Qt.AlignmentFlag.AlignCenter)
            grid.addWidget(name, 0, col)
            grid.addWidget(value, 1, col)
            self._names.append(name)
            self._cells.append(value)
        self.mode = ""
        self.values: dict[str, QLabel] = {}
        self.set_mode("hold")

    @property
    def names(self) -> dict[str, str]:
        """Column key -> the name shown over it (for tests and screen readers)."""
        return {key: self._names[i].text() for i, key in enumerate(self.values)}

    def set_mode(self, mode: str) -> None:
        """'hold' or 'ppt': which numbers the strip shows."""
        if mode == self.mode:
            return
        self.mode = mode
        rows = PPT_ROWS if mode == "ppt" else HOLD_ROWS
        self.values = {}
        for (key, text, _unit, tip), name, value in zip(rows, self._names, self._cells):
            name.setText(text)
            for w in (name, value):
                w.setToolTip(tip)
            value.setText("—")
            self.values[key] = value

    def show_numbers(self, numbers, state=None, routine=None) -> None:
        """The numbers of ``numbers`` (LiveNumbers); with the coach ``state`` and ``routine`` the
        hold timer (or, in a threshold step, the PPT trial numbers) too."""
        mode = panel_mode(routine, state) if routine is not None else None
        if mode is None and not self.values:
            mode = "hold"
        if mode is not None:
            self.set_mode(mode)
        if self.mode == "ppt":
            if routine is not None:
                texts = ppt_texts(routine, state)
                for key, label in self.values.items():
                    self._set(label, texts[key])
            return
        for key, _text, unit, _tip in HOLD_ROWS:
            if key == "hold_timer":
                self._show_timer(state)
                continue
            value = getattr(numbers, key)  # the column's LiveNumbers field, by its key
            self._set(self.values[key], _fmt(value, unit))

    def _show_timer(self, state) -> None:
        step = state.step if state is not None else None
        if step is None or step.kind != "hold":
            return  # the last hold's timer stays (or the dash before the first hold)
        text = f"{state.hold_elapsed:.1f} of {step.duration:g} s"
        self._set(self.values["hold_timer"], text)
        name = HOLD_TIMER_LABELS.get(step.on_leave, "hold timer")
        if self._names[0].text() != name:
            self._names[0].setText(name)

    @staticmethod
    def _set(label: QLabel, text: str) -> None:
        if label.text() != text:
            label.setText(text)


class ScoreTracker:
    """Shows the session's live score (:class:`~pressure.session.live_score.LiveScore`) on a
    ScorePanel: the samples are scored and the numbers shown at most every ``interval_s`` (of
    session time or of wall time, whichever passes first; the samples between wait and are
    scored together), at once when the scorer starts again or the view changes (hold <-> PPT).
    Numbers that change 60 times a second cannot be read, and each change relayouts and
    repaints the strip."""

    interval_s = 0.1

    def __init__(self, window, panel: ScorePanel):
        self.window = window
        self.panel = panel
        self._shown_t = -math.inf  # session time and wall time the panel last changed
        self._shown_wall = -math.inf

    @property
    def live(self) -> LiveScore:
        """The session's scorer (a new session brings its own)."""
        return self.window.session.score

    @property
    def numbers(self):
        return self.live.numbers

    def on_frame(self, frame) -> None:
        p = self.window.pipeline
        wall = time.monotonic()
        t = frame.t if math.isfinite(frame.t) else -math.inf
        due = t - self._shown_t >= self.interval_s - 1e-9 or wall - self._shown_wall >= self.interval_s
        # a step that changes the view (hold <-> PPT) is shown at once
        urgent = panel_mode(p.routine, frame.state) not in (None, self.panel.mode)
        change = self.live.on_frame(p, frame, score=due or urgent)
        if change == "rebuilt":
            self.panel.set_mode(routine_mode(p.routine))
        if change in ("updated", "rebuilt"):
            self._shown_t, self._shown_wall = t, wall
            self.panel.show_numbers(self.live.numbers, frame.state if change == "updated" else p.state, p.routine)

    def rebuild(self) -> None:
        p = self.window.pipeline
        self.live.rebuild(p)
        self.panel.set_mode(routine_mode(p.routine))
        self.panel.show_numbers(self.live.numbers, p.state, p.routine)
