"""Progress of a trainee: each score of each stored attempt of a routine, over time.

An instructor asks "is she getting steadier at the ischemic hold?": one point per attempt,
in the order they were recorded, for the chosen figure (session score, time in band, CV...).
Data from :func:`pressure.trainees.progress`; nothing is computed here. A new student is added
from the view itself (the same :func:`pressure.trainees.add_trainee` as ``trainees add``, so a
name is refused here for exactly the reasons the command refuses it).
"""

from __future__ import annotations

import logging
import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox, QDialog, QHBoxLayout, QLabel, QLayout, QLineEdit, QPushButton, QVBoxLayout,
)

from ..errors import PressureError
from ..trainees import MAX_NAME, PROGRESS_METRICS
from . import theme

log = logging.getLogger(__name__)

METRIC_NAMES = {
    "score": "session score (0-100)", "time_in_band_pct": "time in band %", "cv_pct": "steadiness: CV %",
    "mae_pct": "mean error % of target", "drift_pct_per_10s": "drift % per 10 s",
    "overshoot_pct": "overshoot % of target", "time_to_band_s": "time to band s",
}


def series(attempts, metric: str) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(attempt number from 1, value or NaN, date labels) for one metric."""
    values = []
    for a in attempts:
        v = a.summary().get(metric)
        values.append(float(v) if isinstance(v, (int, float)) and math.isfinite(v) else math.nan)
    labels = [(a.recorded_at or "")[:10] for a in attempts]
    return np.arange(1, len(attempts) + 1, dtype=float), np.array(values, dtype=float), labels


class ProgressView(QDialog):
    """Trainee, routine and metric pickers above a plot with one point per attempt."""

    sigTraineeAdded = Signal(str)  # the stored name (the session bar offers it at once)

    def __init__(self, parent=None, trainee: str | None = None, routine: str | None = None):
        super().__init__(parent)
        self.setWindowTitle("Progress")
        self.trainee = QComboBox(self)
        self.routine = QComboBox(self)
        # not "metric": that name is QPaintDevice.metric(), which Qt calls when it paints the view
        self.figure = QComboBox(self)
        for key in PROGRESS_METRICS:
            self.figure.addItem(METRIC_NAMES.get(key, key), key)
        self.message = QLabel("", self)
        self.message.setWordWrap(True)  # a refused name's reason is a long sentence
        self.plot = pg.PlotWidget(self)
        self.plot.setBackground(theme.PLOT_BACKGROUND)
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        self.plot.setLabel("bottom", "attempt")
        self.curve = self.plot.plot(pen=pg.mkPen(theme.SMOOTH_PEN, width=2), symbol="o", symbolSize=9,
                                    symbolBrush=theme.TARGET_PEN, connect="finite")
        top = QHBoxLayout()
        for text, w in (("trainee", self.trainee), ("routine", self.routine), ("figure", self.figure)):
            top.addWidget(QLabel(text, self))
            top.addWidget(w, 1)
        self.new_name = QLineEdit(self)
        self.new_name.setPlaceholderText("new trainee's name")
        self.new_name.setMaxLength(MAX_NAME + 20)  # room to trim spaces; clean_name says why if too long
        self.add_button = QPushButton("Add trainee", self)
        self.add_button.setAutoDefault(False)  # Enter in the field adds; it never closes the view
        self.add_button.clicked.connect(self.add_trainee)
        self.new_name.returnPressed.connect(self.add_trainee)
        adding = QHBoxLayout()
        adding.addWidget(self.new_name, 1)
        adding.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(adding)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.message)
        # no size hints from the contents: offscreen/minimal platforms cannot take them
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self.attempts: list = []
        self.trainee.currentTextChanged.connect(self._trainee_changed)
        self.routine.currentTextChanged.connect(lambda _: self.refresh())
        self.figure.currentIndexChanged.connect(lambda _: self.redraw())
        self._load_trainees(trainee, routine)
        self.resize(760, 460)

    def _load_trainees(self, trainee, routine) -> None:
        from ..trainees import list_trainees

        try:
            names = [t.name for t in list_trainees()]
        except PressureError as exc:
            self.message.setText(str(exc))
            return
        if not names:
            self.message.setText("No trainees yet: type a name in the box above and press Add trainee.")
            return
        self.trainee.blockSignals(True)
        self.trainee.clear()
        self.trainee.addItems(names)
        self.trainee.blockSignals(False)
        if trainee and trainee in names:
            self.trainee.setCurrentText(trainee)
        self._trainee_changed(self.trainee.currentText(), routine)

    def add_trainee(self) -> None:
        """Add the typed name as a trainee and pick it; a refused name is said why, and kept
        in the field to be corrected."""
        from ..trainees import add_trainee

        try:
            added = add_trainee(self.new_name.text())
        except PressureError as exc:
            self.message.setText(f"Not added: {exc}")
            self.new_name.setFocus()
            return
        self.new_name.clear()
        self.sigTraineeAdded.emit(added.name)
        self._load_trainees(added.name, None)
        self.message.setText(f"Added trainee {added.name}. {self.message.text()}".strip())

    def _trainee_changed(self, name: str, routine: str | None = None) -> None:
        from ..trainees import routines_of

        self.routine.blockSignals(True)
        self.routine.clear()
        try:
            self.routine.addItems(routines_of(name) if name else [])
        except PressureError as exc:
            self.message.setText(str(exc))
        if routine:
            self.routine.setCurrentText(routine)
        self.routine.blockSignals(False)
        self.refresh()

    def refresh(self) -> None:
        from ..trainees import progress

        name, routine = self.trainee.currentText(), self.routine.currentText()
        self.attempts = []
        if name and routine:
            try:
                self.attempts = progress(name, routine)
            except PressureError as exc:
                self.message.setText(str(exc))
        self.redraw()

    def redraw(self) -> None:
        key = self.figure.currentData()
        x, y, dates = series(self.attempts, key)
        self.curve.setData(x, y)
        self.plot.setLabel("left", METRIC_NAMES.get(key, key))
        ticks = [(float(i), d) for i, d in zip(x, dates)]
        step = max(1, len(ticks) // 8)
        self.plot.getAxis("bottom").setTicks([ticks[::step]] if ticks else None)
        if len(x):  # half an attempt of room each side: the first and last dates are not cut off
            self.plot.setXRange(0.5, len(x) + 0.5, padding=0)
        if self.attempts:
            shown = int(np.isfinite(y).sum())
            self.message.setText(f"{len(self.attempts)} attempts of {self.routine.currentText()} "
                                 f"({shown} with this figure)")
        elif self.trainee.currentText():
            self.message.setText("No scored attempts for this trainee and routine yet.")
