"""The zone column of an export: which zone the coach showed after each sample."""

from __future__ import annotations

import numpy as np

from ..errors import PressureError
from ..recording import Recording
from ..samples import to_unit


def recorded_zones(rec: Recording, smoothed_n: np.ndarray) -> tuple[list[str] | None, str]:
    """Zone per sample from the coach run over the smoothed trace, or (None, why not)."""
    routine_d = rec.meta.get("routine")
    if not routine_d:
        return None, "no routine in this session"
    try:
        from ..coach import Coach
        from ..routine import Routine
        routine = Routine.from_dict(routine_d)
    except ImportError:
        return None, "the coach is not available"
    except PressureError as exc:
        return None, f"routine unreadable: {exc}"
    value = to_unit(smoothed_n, routine.unit, routine.area_cm2)
    coach = Coach(routine)
    coach.update(rec.t, value)
    return zones_from_events(rec.t, value, routine, coach.events), ""


def zones_from_events(t: np.ndarray, value: np.ndarray, routine, events) -> list[str]:
    """The zone the coach showed after each sample, rebuilt from its events in one pass.

    Feeding the coach one sample at a time is a Python call per sample (far too slow for an
    hour at 1 kHz); its events say when the step, the waiting and the ceiling alarm changed, and
    between them the zone is only a comparison with the step's band.
    """
    n = len(t)
    step_of = np.full(n, -1, np.int64)  # -1: not running (not started, waiting, finished)
    over = np.zeros(n, bool)
    times = np.array([e.t for e in events], float)
    cut = np.searchsorted(t, times, side="left")  # first sample whose state shows the event
    running_step, is_over, prev = -1, False, 0
    for e, at in zip(events, cut.tolist()):
        step_of[prev:at] = running_step
        over[prev:at] = is_over
        prev = max(prev, at)
        if e.kind == "step_start":
            running_step = e.step
        elif e.kind in ("key_wait", "routine_done"):
            running_step = -1
        elif e.kind == "ceiling":
            is_over = True
        elif e.kind == "ceiling_clear":
            is_over = False
    step_of[prev:] = running_step
    over[prev:] = is_over
    zone = np.full(n, "none", dtype=object)
    for i, step in enumerate(routine.steps):
        band = step.band()
        if band is None:
            continue
        sel = (step_of == i) & np.isfinite(value)
        zone[sel & (value < band[0])] = "below"
        zone[sel & (value > band[1])] = "above"
        zone[sel & (value >= band[0]) & (value <= band[1])] = "in"
    zone[over] = "over"
    return zone.tolist()
