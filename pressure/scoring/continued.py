"""A file that continues a session (REC off, then on, mid-routine) holds only the rest of its
first run: replay and ``report`` run that run from where the file begins, not from step 1.

The file's metadata ``continues`` says where (the step running when REC came on, its time left,
whether it waited for the key). The routine scored and replayed for that run is the routine
from that step on, the step shortened to the time it had left, so the countdown and the
scores cover what the file holds. See docs/recording-format.md.
"""

from __future__ import annotations

import dataclasses

from ..errors import PressureError


def continued_routine(routine, continues):
    """``routine`` from the step ``continues`` names (the routine itself when the file does not
    continue a session, or when what it says cannot be used)."""
    if not isinstance(continues, dict):
        return routine
    k = continues.get("step")
    if not isinstance(k, int) or isinstance(k, bool) or not 0 <= k < len(routine.steps):
        return routine
    first = routine.steps[k]
    changes = {}
    if not continues.get("waiting_for_key"):
        changes["advance"] = "auto"  # it was running already: no key starts it in this file
    left = continues.get("step_remaining_s")
    if first.kind in ("hold", "rest") and isinstance(left, (int, float)) and not isinstance(left, bool) \
            and 0 < left < (first.duration or 0):
        changes["duration"] = max(round(float(left), 1), 0.1)  # "hold 25 s", not "hold 25.01 s"
    try:
        first = dataclasses.replace(first, **changes)
        return dataclasses.replace(routine, steps=(first, *routine.steps[k + 1:]))
    except (PressureError, TypeError, ValueError):
        return routine
