"""The zone column of an export: which zone the coach showed after each sample."""

from __future__ import annotations

import numpy as np

from ..errors import PressureError
from ..recording import Recording
from ..samples import to_unit


class RecordedZones:
    """The zone column a chunk at a time: the coach runs over each chunk of the smoothed trace
    as it did live (it keeps its state between chunks), and its new events set the zones."""

    def __init__(self, rec: Recording):
        self.note = ""
        self.routine = None
        routine_d = rec.meta.get("routine")
        if not routine_d:
            self.note = "no routine in this session"
            return
        try:
            from ..coach import Coach
            from ..routine import Routine
            self.routine = Routine.from_dict(routine_d)
        except ImportError:
            self.note = "the coach is not available"
            return
        except PressureError as exc:
            self.note = f"routine unreadable: {exc}"
            return
        self.coach = Coach(self.routine)
        self.state = (-1, False)
        self.seen = 0

    def chunk(self, t: np.ndarray, smoothed_n: np.ndarray) -> list[str] | None:
        """Zones of the next chunk of samples, or None when the session has no usable routine."""
        if self.routine is None:
            return None
        value = to_unit(smoothed_n, self.routine.unit, self.routine.area_cm2)
        self.coach.update(t, value)
        events = self.coach.events[self.seen:]
        self.seen += len(events)
        zones, self.state = zone_array(t, value, self.routine, events, self.state)
        return zones.tolist()


def recorded_zones(rec: Recording, smoothed_n: np.ndarray) -> tuple[list[str] | None, str]:
    """Zone per sample from the coach run over the smoothed trace, or (None, why not)."""
    zones = RecordedZones(rec)
    return zones.chunk(rec.t, smoothed_n), zones.note


def zones_from_events(t: np.ndarray, value: np.ndarray, routine, events) -> list[str]:
    """The zone the coach showed after each sample, rebuilt from its events in one pass.

    Feeding the coach one sample at a time is a Python call per sample (far too slow for an
    hour at 1 kHz); its events say when the step, the waiting and the ceiling alarm changed, and
    between them the zone is only a comparison with the step's band.
    """
    return zone_array(t, value, routine, events)[0].tolist()


def zone_array(t, value, routine, events, state=(-1, False)):
    """(zones as an array, the state after the last sample) for samples that start in
    ``state`` (the running step, the ceiling alarm): one chunk of a longer trace."""
    n = len(t)
    step_of = np.full(n, -1, np.int64)  # -1: not running (not started, waiting, finished)
    over = np.zeros(n, bool)
    times = np.array([e.t for e in events], float)
    cut = np.searchsorted(t, times, side="left")  # first sample whose state shows the event
    (running_step, is_over), prev = state, 0
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
    return zone, (running_step, is_over)
