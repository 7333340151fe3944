"""The live score panel: time in band, steadiness and error of the current hold, so far.

Numbers come from :class:`pressure.scoring.LiveScorer` (the definitions of docs/scoring.md),
fed with each frame's new smoothed samples and the coach state of that same frame. A student
sees while pressing whether the hold is steady, not only at the end.

:class:`ScoreTracker` is the glue to a window's ``frame_hooks``. When the coach is replaced
(a routine restarted) or the replay jumped, it starts again from the current step's start,
with the smoothed samples the pipeline still holds.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from types import SimpleNamespace

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QSizePolicy, QWidget

from ..scoring import LiveScorer
from . import theme

log = logging.getLogger(__name__)

ROWS = (
    ("time_in_band_pct", "time in band", "%", "share of this hold inside the band"),
    ("cv_pct", "steadiness (CV)", "%", "variation of the force in this hold: lower is steadier"),
    ("mae_pct", "mean error", "%", "mean distance from the target, % of target"),
    ("hold_s", "hold time", "s", "seconds of this hold scored so far"),
    ("session_time_in_band_pct", "all holds in band", "%", "time in band over every hold so far"),
    ("holds_done", "holds done", "", "holds finished in this routine"),
)


def _fmt(value, unit: str) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    if isinstance(value, int):
        return f"{value}"
    return f"{value:.1f} {unit}".strip()


class ScorePanel(QWidget):
    """A compact strip of labelled numbers (name over value, side by side); ``show_numbers(LiveNumbers)``
    fills it. A strip under the window's parts, not a column beside them: the readout keeps its width."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("scorePanel")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(f"#scorePanel {{ background: {theme.PLOT_BACKGROUND}; }}"
                           f"#scorePanel QLabel {{ color: {theme.PLOT_FOREGROUND}; font-size: 12px; }}"
                           "#scorePanel QLabel[role='value'] { font-weight: bold; font-size: 17px; }")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        grid = QGridLayout(self)
        grid.setContentsMargins(8, 2, 8, 2)
        grid.setVerticalSpacing(0)
        grid.setHorizontalSpacing(18)
        self.values: dict[str, QLabel] = {}
        for col, (key, text, _unit, tip) in enumerate(ROWS):
            name = QLabel(text, self)
            value = QLabel("—", self)
            value.setProperty("role", "value")
            for w in (name, value):
                w.setToolTip(tip)
                w.setAlignment(Qt.AlignmentFlag.AlignCenter)
            grid.addWidget(name, 0, col)
            grid.addWidget(value, 1, col)
            self.values[key] = value

    def show_numbers(self, numbers) -> None:
        for key, _text, unit, _tip in ROWS:
            value = getattr(numbers, key, None)
            if key == "hold_s" and not getattr(numbers, "in_hold", False) and not value:
                value = None
            text = _fmt(value, unit)
            label = self.values[key]
            if label.text() != text:
                label.setText(text)


class ScoreTracker:
    """Feeds a LiveScorer from a window's frames and shows its numbers on a ScorePanel."""

    def __init__(self, window, panel: ScorePanel):
        self.window = window
        self.panel = panel
        self.scorer = None
        self._coach = None
        self._last_t = math.nan
        self._holds_before = 0  # holds finished before the point a rebuild started from
        self.numbers = None

    def on_frame(self, frame) -> None:
        p = self.window.pipeline
        if p.coach is not self._coach or self.scorer is None or self.scorer.routine is not p.routine:
            self.rebuild()
            return
        if frame.new and frame.state is not None:
            t, _raw, smooth = p.history.window(-np.inf)
            n = min(frame.new, len(t))
            self._show(self.scorer.update(t[-n:], smooth[-n:], frame.state))
            self._last_t = float(t[-1]) if len(t) else math.nan
        elif math.isfinite(p.last_t) and p.last_t != self._last_t and not frame.new:
            self.rebuild()  # the replay jumped

    def rebuild(self) -> None:
        """Start again from the current step's start with the samples the pipeline holds."""
        p = self.window.pipeline
        self._coach = p.coach
        self.scorer = LiveScorer(p.routine)
        self._last_t = p.last_t
        state = p.state
        self._holds_before = 0
        if state is None or not math.isfinite(p.last_t):
            self._show(self.scorer.numbers)
            return
        starts = [e for e in p.coach.events if e.kind == "step_start" and e.t <= p.last_t]
        holds_before = sum(1 for e in p.coach.events if e.kind == "step_end" and e.t <= p.last_t
                           and p.routine.steps[e.step].kind == "hold")
        t, _raw, smooth = p.history.window(starts[-1].t if starts else -np.inf)
        fake = SimpleNamespace(events=(starts[-1],) if starts else (), step_index=state.step_index)
        self._holds_before = holds_before
        self._show(self.scorer.update(t, smooth, fake))

    def _show(self, numbers) -> None:
        if self._holds_before:
            numbers = dataclasses.replace(numbers, holds_done=numbers.holds_done + self._holds_before)
        self.numbers = numbers
        self.panel.show_numbers(numbers)
