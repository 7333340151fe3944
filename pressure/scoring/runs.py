"""A session in runs: each time a routine was set or restarted mid-session (a ``routine`` event
in the recording) a new run starts, and each run is scored on its own.

The same rule live (the pipeline's runs), in replay and in ``report``: the trace is smoothed
once over the whole session (the filter does not restart with a routine), then cut at the run
boundaries and scored against that run's routine with that run's events.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

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

    changes = sorted((e for e in rec.events if e.kind == "routine" or _amends(e)), key=lambda e: e.t)
    if not any(e.kind == "routine" for e in changes):
        return [RunSpan(-math.inf, math.inf, routine)]
    runs, start = [], -math.inf
    first = next(e for e in changes if e.kind == "routine")
    current = _routine_or((first.data or {}).get("previous"), routine, Routine)
    for e in changes:
        if e.kind != "routine":  # Settings changed the running routine: the run goes on with it
            current = _routine_or(e.data["changes"]["routine"], current, Routine)
            continue
        runs.append(RunSpan(start, float(e.t), current))
        start, current = float(e.t), _routine_or((e.data or {}).get("routine"), routine, Routine)
    runs.append(RunSpan(start, math.inf, current))
    from .continued import continued_routine

    # a file that continues a session begins in its first run's middle
    runs[0].routine = continued_routine(runs[0].routine, rec.meta.get("continues"))
    return runs


def _amends(e) -> bool:
    """A ``meta_change`` that gave the running run new targets (Pipeline.amend_routine, which
    names the run; the writer's own note of the metadata change names none)."""
    data = e.data if isinstance(e.data, dict) else {}
    changes = data.get("changes")
    return (e.kind == "meta_change" and "run" in data and isinstance(changes, dict)
            and isinstance(changes.get("routine"), dict))


def _routine_or(data, fallback, cls):
    if not data:
        return fallback
    try:
        return cls.from_dict(data)
    except PressureError:
        return fallback
