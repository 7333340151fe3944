"""The window's per-site summary, without Qt: this session's PPT trials by place, the same
visit's other recordings (the other side, the other phase) and the client's previous visit,
all through ``ppt.trial_set`` / ``ppt.side_difference`` as the report computes them."""

from __future__ import annotations

import logging
from collections import defaultdict

from ..errors import PressureError
from .measures import Trial
from .ppt import side_difference, trial_set
from .report import fmt, fmt_signed
from .sites import Place

log = logging.getLogger(__name__)

OTHER_SIDE = {"left": "right", "right": "left"}


def client_history(client_name: str, unit: str, exclude=()) -> list[Trial]:
    """The client's recorded PPT trials in ``unit`` (not those of files in ``exclude``)."""
    from .clients import get_client
    from .measures import measures_of, read_events
    from .records import recordings_of

    try:
        client = get_client(client_name)
    except PressureError:
        return []
    skip = {str(p) for p in exclude if p}
    out: list[Trial] = []
    for info in recordings_of(client):
        if str(info.path) in skip:
            continue
        try:
            trials, _, _ = measures_of(read_events(info.path), unit, holds=False)
        except PressureError as exc:
            log.info("%s left out of the summary: %s", info.path.name, exc)
            continue
        out += trials
    return out


class LiveSummary:
    """Collects this session's thresholds by place; says what the window shows after each."""

    def __init__(self, unit: str, today: str, history: list[Trial] | None = None,
                 area_cm2: float | None = None):
        from ..scoring.metrics import cv_min_mean

        self.unit = unit
        self.today = today
        self.history = list(history or [])
        self.session: dict[tuple, list[float]] = defaultdict(list)
        try:  # no CV around a mean too small to mean anything: the report's rule (ppt.outcomes)
            self.min_mean = cv_min_mean(unit, area_cm2)
        except (PressureError, ValueError, TypeError, ZeroDivisionError):
            self.min_mean = 0.0

    def add(self, value: float, where: Place) -> None:
        self.session[(where.site, where.side, where.phase)].append(float(value))

    def _today(self, site: str, side: str, phase: str) -> list[float]:
        past = [t.value for t in self.history
                if t.visit == self.today and (t.site, t.side, t.phase) == (site, side, phase)]
        return past + self.session.get((site, side, phase), [])

    def current(self, where: Place) -> dict:
        return trial_set(self._today(where.site, where.side, where.phase), min_mean=self.min_mean)

    def previous(self, where: Place) -> tuple[str, dict] | None:
        """The latest earlier visit's set for this site and side (before treatment if it had one)."""
        visits = sorted({t.visit for t in self.history if t.visit < self.today
                         and (t.site, t.side) == (where.site, where.side)})
        if not visits:
            return None
        last = visits[-1]
        for phase in (where.phase, "before", "", "after"):
            values = [t.value for t in self.history
                      if t.visit == last and (t.site, t.side, t.phase) == (where.site, where.side, phase)]
            if values:
                return last, {**trial_set(values, min_mean=self.min_mean), "phase": phase}
        return None

    def lines(self, where: Place) -> tuple[str, str]:
        """(the current set's line, the faint line of earlier values) for ``where``."""
        name = " ".join(x for x in (where.site or "no site", where.side, where.phase) if x)
        cur = self.current(where)
        if not cur["n"]:
            text = f"{name}: no trials yet"
        else:
            text = (f"{name}: {', '.join(fmt(v) for v in cur['trials'])} {self.unit}; "
                    f"mean {fmt(cur['mean'])}" + ("" if cur["cv_pct"] is None else f", CV {fmt(cur['cv_pct'])} %"))
            other = OTHER_SIDE.get(where.side)
            if other:
                o = trial_set(self._today(where.site, other, where.phase), min_mean=self.min_mean)
                left, right = (cur, o) if where.side == "left" else (o, cur)
                d = side_difference(left if left["n"] else None, right if right["n"] else None)
                if d is not None:
                    text += f"; left/right {fmt_signed(d['diff_pct'])} %"
        prev = self.previous(where)
        faint = "" if prev is None else (f"{prev[0]}{' ' + prev[1]['phase'] if prev[1]['phase'] else ''}: "
                                         f"mean {fmt(prev[1]['mean'])} {self.unit}")
        return text, faint
