"""Going on with a changed routine in the same run: the coach keeps its step and hold time.

Settings OK with a new ceiling, target, tolerance, hold or unit must never restart a running
step (a hold at 0:29 left must not become "1:00 paused"). The routine keeps its steps, so the
coach's place in it stays valid: :func:`retarget` swaps what the coach took from the routine
(steps, ceiling and its hysteresis, release floor) and converts what it remembers in the
routine's unit. Kept beside the session (its only user) so the coach stays one pure state
machine; ``tests/test_session_changes.py`` pins it to the coach's state.
"""

from __future__ import annotations

from collections import deque

# what a coach takes from its routine when it is made: taken from a fresh coach of the new one
_FROM_ROUTINE = ("_steps", "_ceiling", "_ceiling_clear", "_release_floor", "_slow_limit")
_VALUES = ("_last_v", "_step_v0", "_ref_level")  # single values in the routine's unit
_LISTS = ("_thresholds", "_peak_v")              # lists of values in the routine's unit


def retarget(coach, routine, factor: float = 1.0) -> None:
    """Make ``coach`` go on with ``routine`` (the same steps, kinds in order) from where it is.
    ``factor``: new unit per old unit (1 when the unit stays)."""
    if [s.kind for s in routine.steps] != [s.kind for s in coach.routine.steps]:
        raise ValueError("a coach is retargeted only to a routine with the same steps")
    fresh = type(coach)(routine)
    state = vars(coach)
    for name in _FROM_ROUTINE:
        if name in state:  # _slow_limit: only a coach that knows the sensor's rate has it
            state[name] = getattr(fresh, name)
    coach.routine = routine
    coach._over = coach._over and coach._ceiling is not None  # no ceiling, no alarm standing
    for name in _VALUES:
        if state.get(name) is not None:
            state[name] = state[name] * factor
    for name in _LISTS:
        if name in state:
            state[name] = [x * factor for x in state[name]]
    coach._history = deque((t, v * factor) for t, v in coach._history)
    if coach._event_band is not None and not coach._finished:
        coach._event_band = coach._steps[coach._index].band()  # the running step's new band
    coach._state = coach._make_state(())
