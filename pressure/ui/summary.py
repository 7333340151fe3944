"""The end-of-routine summary: each step's scores, the session score, the worst moment on the
trace, and (for a student with a reference) the attempt and the reference side by side.

Scores come from :func:`pressure.session.scores.session_scores`: the whole session, run by
run, with the coach's own events (key presses included), so the numbers match a report of the
same session. The dialog is not modal: the practitioner may keep working while it is open.
"""

from __future__ import annotations

import html
import logging
import math

import pyqtgraph as pg
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLayout, QPushButton, QTextBrowser, QVBoxLayout

from ..errors import PressureError
from ..session.scores import session_scores
from . import theme

log = logging.getLogger(__name__)

WORST_PEN = "#ff6e40"
STEP_COLUMNS = (("time_in_band_pct", "in band %"), ("cv_pct", "CV %"), ("mae_pct", "error %"),
                ("drift_pct_per_10s", "drift %/10 s"), ("overshoot_pct", "overshoot %"),
                ("time_to_band_s", "to band s"))


def _num(v, digits=1) -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "—"
    if isinstance(v, bool):
        return "yes" if v else "no"
    return f"{v:.{digits}f}"


def summary_html(scores, comparison=None) -> str:
    """The summary as simple HTML (a QTextBrowser shows it; the tests read it). A session of
    several runs (a routine changed or restarted) shows every run, each with its own routine,
    bands and scores, the latest last."""
    e = html.escape
    runs = scores.runs if len(scores.runs or ()) > 1 else None
    if runs is None:
        out = [run_html(scores)]
    else:
        out = [f"<p>This session has {len(runs)} runs (a routine was changed or restarted); "
               f"each is scored on its own with its own routine.</p>"]
        for i, run in enumerate(runs):
            heading = f"Run {i + 1} of {len(runs)}"
            if run is None:
                out.append(f"<h3>{heading}: nothing to score</h3>")
                continue
            start = run.run_start_s
            heading += f" (from {_num(start)} s)" if start is not None else ""
            out.append(run_html(run, f"{e(heading)}: "))
    if comparison is not None:
        out.append(comparison_html(comparison))
    return "".join(out)


def run_html(scores, heading: str = "") -> str:
    """One run of a routine: its steps (with their bands), thresholds and worst moment."""
    e = html.escape
    out = [f"<h2>{heading}{e(scores.routine_name)}: score {_num(scores.score, 0)} / 100</h2>"]
    if not scores.finished:
        out.append("<p><i>The routine did not finish: the scores cover the steps that ran.</i></p>")
    if scores.zero_suspect:  # a wrong zero: said before any number
        out.append(f"<p><b>{e(scores.zero_suspect)}</b> (CV not given)</p>")
    head = "".join(f"<th>{e(h)}</th>" for _, h in STEP_COLUMNS)
    out.append(f"<table border='1' cellspacing='0' cellpadding='3'><tr><th>step</th><th>kind</th>"
               f"<th>band {e(scores.unit)}</th><th>time s</th><th>score</th>{head}</tr>")
    for s in scores.steps:
        cells = "".join(f"<td>{_num(s.metrics.get(k))}</td>" for k, _ in STEP_COLUMNS)
        name = f"{s.index + 1}" + (f" {e(s.label)}" if s.label else "")
        kind = e(s.kind) + (" (skipped)" if s.skipped else "")  # not a step done
        band = f"{_num(s.lower)} – {_num(s.upper)}" if s.lower is not None and s.upper is not None else "—"
        out.append(f"<tr><td>{name}</td><td>{kind}</td><td>{band}</td><td>{_num(s.end_s - s.start_s)}</td>"
                   f"<td><b>{_num(s.score, 0)}</b></td>{cells}</tr>")
    out.append("</table>")
    summary = scores.summary()
    if summary["holds"]:  # a PPT routine has no hold: its numbers are the thresholds below
        out.append(f"<p>Overall: time in band {_num(summary.get('time_in_band_pct'))} %, "
                   f"CV {_num(summary.get('cv_pct'))} %, mean error {_num(summary.get('mae_pct'))} %.</p>")
    if scores.thresholds:
        pressed = [d.get("at_press") for d in scores.thresholds]
        at_press = (f"; at the P press: {', '.join(_num(v) for v in pressed)}"
                    if any(v is not None for v in pressed) else "")  # the threshold is the peak before it
        out.append(f"<p>Pain thresholds (peaks): {', '.join(_num(d['value']) for d in scores.thresholds)} "
                   f"{e(scores.unit)} (mean {_num(scores.threshold_mean)}, CV {_num(scores.threshold_cv_pct)} %)"
                   f"{at_press}</p>")
    w = scores.worst
    if w:
        out.append(f"<p>Worst moment: <b>{_num(w['value'])} {e(scores.unit)}</b> at {_num(w['t_s'])} s "
                   f"(step {w['step'] + 1}, {w['deviation_pct']:+.0f} % from target"
                   f"{'; still inside the band' if w.get('in_band') else ''}), marked on the trace.</p>")
    return "".join(out)


def comparison_html(c) -> str:
    out = [f"<h3>Against the reference: score {_num(c.student_score, 0)} vs {_num(c.reference_score, 0)}; "
           f"difference of the aligned traces {_num(c.rms_diff_pct)} % RMS</h3>"]
    out.append("<table border='1' cellspacing='0' cellpadding='3'><tr><th>step</th><th>metric</th>"
               "<th>attempt</th><th>reference</th></tr>")
    for s in c.steps:
        rows = [("score", "score")] + [(k, h) for k, h in STEP_COLUMNS]
        out.append(f"<tr><td rowspan='{len(rows) + 1}'>{s.student_step + 1} {html.escape(s.label)}</td>"
                   f"<td>aligned difference (RMS / mean)</td><td colspan='2'>{_num(s.rms_diff_pct)} % / "
                   f"{_num(s.mean_diff_pct)} %</td></tr>")
        for key, name in rows:
            out.append(f"<tr><td>{html.escape(name)}</td><td>{_num(s.student.get(key))}</td>"
                       f"<td>{_num(s.reference.get(key))}</td></tr>")
    out.append("</table>")
    return "".join(out)


class WorstMark:
    """A ring and a label at the worst moment, on the trace and on the overview."""

    def __init__(self, trace):
        self.trace = trace
        self.items: list = []

    def show(self, worst: dict | None, unit: str) -> None:
        self.clear()
        if not worst:
            return
        t, v = float(worst["t_s"]), float(worst["value"])
        for on_trace, size in ((True, 18), (False, 10)):
            ring = pg.ScatterPlotItem([t], [v], size=size, pen=pg.mkPen(WORST_PEN, width=3), brush=None,
                                      symbol="o")
            self._add(ring, on_trace)
        label = pg.TextItem(f"worst {v:.1f} {unit}", color=WORST_PEN, anchor=(0, 1))
        label.setPos(t, v)
        self._add(label, True)

    def _add(self, item, on_trace: bool) -> None:
        if on_trace:  # in session time: it scrolls with the trace
            self.trace.add_scrolling(item)
        else:
            self.trace.overview.addItem(item)
        self.items.append((on_trace, item))

    def clear(self) -> None:
        for on_trace, item in self.items:
            if on_trace:
                self.trace.remove_scrolling(item)
            else:
                self.trace.overview.removeItem(item)
        self.items.clear()


class SummaryDialog(QDialog):
    """The summary; ``Show worst moment`` asks the window to bring it into view."""

    def __init__(self, parent, scores, comparison=None, on_show_worst=None):
        super().__init__(parent)
        self.setWindowTitle(f"Summary — {scores.routine_name}")
        self.scores = scores
        self.comparison = comparison
        self.text = QTextBrowser(self)
        self.text.setHtml(summary_html(scores, comparison))
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        box.rejected.connect(self.reject)
        if scores.worst and on_show_worst is not None:
            button = QPushButton("Show worst moment", self)
            button.clicked.connect(lambda: on_show_worst(scores.worst))
            box.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
            self.worst_button = button
        layout.addWidget(box)
        # no size hints from the contents: offscreen/minimal platforms cannot take them
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self.resize(760, 480)
        self.setStyleSheet(f"QTextBrowser {{ background: {theme.PLOT_BACKGROUND}; color: {theme.PLOT_FOREGROUND}; }}")


def scores_or_message(pipeline, whole: bool = False):
    """(scores, None) or (None, the reason nothing can be scored)."""
    try:
        return session_scores(pipeline, whole), None
    except PressureError as exc:
        return None, str(exc)
