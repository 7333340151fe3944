"""The reference as a ghost trace: the instructor's demonstration drawn under the student's.

Steps take different times for different people, so the ghost is laid step by step: when the
student's step ``i`` starts at ``t_i``, the reference's step ``i`` is drawn from ``t_i`` on
(:meth:`pressure.references.ReferenceTrace.segment`). The step running now shows the
reference ahead of the student too: where the hand should go next. Works the same live and in
replay, because both read the step starts from the pipeline's coach.
"""

from __future__ import annotations

import logging

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGraphicsSimpleTextItem

from ..errors import PressureError
from ..session.gaps import with_breaks

log = logging.getLogger(__name__)

GHOST_PEN = (190, 140, 255, 170)
# Thinner than the live trace (theme.SMOOTH_WIDTH): the student's own line is the one to follow.
GHOST_WIDTH = 1.5


class Ghost:
    """One dashed curve on the trace (and a faint one on the overview) from a ReferenceTrace."""

    def __init__(self, trace, reference=None):
        self.trace = trace
        self.reference = reference
        pen = pg.mkPen(GHOST_PEN, width=GHOST_WIDTH, style=Qt.PenStyle.DashLine)
        self.curve = pg.PlotCurveItem(pen=pen)
        self.curve.setZValue(-5)  # under the student's trace
        self.overview_curve = pg.PlotCurveItem(pen=pg.mkPen(GHOST_PEN, width=1))
        # "reference: NAME" in the plot's top-left corner (view pixels: it does not scroll away)
        self.label = QGraphicsSimpleTextItem("", trace.plot.getViewBox())
        self.label.setBrush(QColor(*GHOST_PEN[:3]))
        self.label.setPos(8, 28)
        self.label.setVisible(False)
        trace.add_scrolling(self.curve)
        trace.overview.addItem(self.overview_curve)
        self._starts: tuple = ()
        self.x = np.empty(0)
        self.y = np.empty(0)

    @property
    def active(self) -> bool:
        return self.reference is not None and self.x.size > 0

    def set_reference(self, reference) -> None:
        self.reference = reference
        self.label.setText(f"reference: {reference.name or reference.routine}" if reference is not None else "")
        self._starts = ()
        self._draw(())

    def update(self, coach) -> None:
        """Redraw when the set of started steps changed (a new step, a restart, a jump)."""
        if self.reference is None:
            return
        starts = tuple((e.step, e.t) for e in coach.events if e.kind == "step_start")
        if starts != self._starts:
            self._starts = starts
            self._draw(starts)

    def _draw(self, starts) -> None:
        xs, ys = [], []
        if self.reference is not None:
            for step, t0 in starts:
                t, v = with_breaks(*self.reference.segment(step))  # a gap in it is no ramp either
                if t.size:
                    xs.extend((t + t0, [np.nan]))
                    ys.extend((v, [np.nan]))
        self.x = np.concatenate(xs) if xs else np.empty(0)
        self.y = np.concatenate(ys) if ys else np.empty(0)
        self.curve.setData(self.x, self.y, connect="finite")
        self.overview_curve.setData(self.x, self.y, connect="finite")
        self.label.setVisible(self.active and self.curve.isVisible())

    def set_visible(self, on: bool) -> None:
        self.curve.setVisible(on)
        self.overview_curve.setVisible(on)
        self.label.setVisible(on and self.active)

    def remove(self) -> None:
        if self.label.scene() is not None:
            self.label.scene().removeItem(self.label)
        self.trace.remove_scrolling(self.curve)
        self.trace.overview.removeItem(self.overview_curve)


def load_ghost_reference(routine):
    """The stored reference of ``routine`` as a ReferenceTrace in the routine's unit, or None
    (no reference, or one that cannot be read: logged, the window goes on without a ghost)."""
    from ..references import reference_trace

    try:
        return reference_trace(routine.name, routine)
    except PressureError as exc:
        log.warning("no ghost for %s: %s", routine.name, exc)
        return None
