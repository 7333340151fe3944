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
