"""A session in runs: each time a routine was set or restarted mid-session (a ``routine`` event
in the recording) a new run starts, and each run is scored on its own.

The same rule live (the pipeline's runs), in replay and in ``report``: the trace is smoothed
once over the whole session (the filter does not restart with a routine), then cut at the run
boundaries and scored against that run's routine with that run's events.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..errors import PressureError


@dataclass
class RunSpan:
    start_t: float   # -inf: from the session's start
    end_t: float     # inf: to the session's end
    routine: object  # a Routine


def recording_runs(rec, routine) -> list[RunSpan]:
    """The runs of a recording whose own routine is ``routine`` (the last one set): one run
    per ``routine`` event, and the run before the first."""
    from ..routine import Routine

    changes = sorted((e for e in rec.events if e.kind == "routine"), key=lambda e: e.t)
    if not changes:
        return [RunSpan(-math.inf, math.inf, routine)]
    runs, start = [], -math.inf
    previous = (changes[0].data or {}).get("previous")
    current = _routine_or(previous, routine, Routine)
    for e in changes:
        runs.append(RunSpan(start, float(e.t), current))
        start, current = float(e.t), _routine_or((e.data or {}).get("routine"), routine, Routine)
    runs.append(RunSpan(start, math.inf, current))
    return runs


def _routine_or(data, fallback, cls):
    if not data:
        return fallback
    try:
        return cls.from_dict(data)
    except PressureError:
        return fallback


def score_runs(t, value_n, runs, *, events=(), filter_info=None, recorded_at=None, units=None):
    """Score every run of a smoothed trace (``value_n`` in newtons); the result is the last
    run that has anything to score, with ``runs`` holding every run's scores (None for a run
    with nothing to score) when there is more than one."""
    from ..samples import to_unit
    from .session import score_trace

    t = np.asarray(t, dtype=float)
    value_n = np.asarray(value_n, dtype=float)
    results, problem = [], None
    for i, run in enumerate(runs):
        a = int(np.searchsorted(t, run.start_t, side="left"))
        b = int(np.searchsorted(t, run.end_t, side="left"))
        r = run.routine
        run_events = [e for e in events if run.start_t <= float(e.t) < run.end_t] \
            if not callable(events) else events(i)
        try:
            scores = score_trace(t[a:b], to_unit(value_n[a:b], r.unit, r.area_cm2), r, events=run_events,
                                 filter_info=filter_info, recorded_at=recorded_at)
            scores.run_start_s = float(t[a]) if b > a else None
            results.append(scores)
        except PressureError as exc:
            results.append(None)
            problem = exc
    scored = [s for s in results if s is not None]
    if not scored:
        raise problem or PressureError("the session has no samples to score")
    last = scored[-1]
    if len(runs) > 1:
        last.runs = results
    return last
