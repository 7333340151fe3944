"""Running the coach over a recorded trace, re-applying the key presses the live run made."""

from __future__ import annotations

import math

import numpy as np

from ..coach import Coach


def event_fields(e) -> tuple[float, str, dict]:
    """(t, kind, data) of a recorded event (RecordedEvent, coach Event or a dict)."""
    if isinstance(e, dict):
        return float(e.get("t", math.nan)), str(e.get("kind", "")), dict(e.get("data") or {})
    return float(getattr(e, "t")), str(getattr(e, "kind")), dict(getattr(e, "data", None) or {})


def replay_coach(t: np.ndarray, value: np.ndarray, routine, events=()) -> Coach:
    """Run the coach over a smoothed trace, re-applying the recorded key presses.

    Key presses are not stored as such; they are read back from the events the live run
    recorded: a ``threshold`` event is the threshold key; a ``step_start`` event while the
    replayed coach waits for the key is the advance key; a ``step_end`` marked ``skipped`` is
    the advance key skipping a step. The coach starts at the first recorded ``step_start``
    (the routine may have been started after the recording), else at the first sample.
    """
    keys = []
    start_t = None
    for e in events or ():
        et, kind, data = event_fields(e)
        if not math.isfinite(et):
            continue
        if kind == "step_start" and start_t is None:
            start_t = et
        if kind == "threshold":
            keys.append((et, "threshold"))
        elif kind == "step_start":
            keys.append((et, "start"))
        elif kind == "step_end" and data.get("skipped"):
            keys.append((et, "skip"))
    keys.sort(key=lambda k: k[0])
    coach = Coach(routine, start_t=start_t)
    done = 0
    for tk, action in keys:
        upto = int(np.searchsorted(t, tk, side="right"))
        if upto > done:
            coach.update(t[done:upto], value[done:upto])
            done = upto
        state = coach.state
        if state.finished:
            break
        if action == "threshold" and state.step is not None and state.step.kind == "threshold" \
                and not state.waiting_for_key:
            coach.mark_threshold(tk)
        elif action == "start" and state.waiting_for_key:
            coach.advance(tk)
        elif action == "skip" and not state.waiting_for_key:
            coach.advance(tk)
    coach.update(t[done:], value[done:])
    return coach


def step_spans(coach: Coach, t_end: float) -> list[tuple[int, float, float, bool]]:
    """(step index, start, end, completed) for every step the coach started, in order."""
    spans = []
    open_: dict[int, float] = {}
    for e in coach.events:
        if e.kind == "step_start":
            open_[e.step] = e.t
        elif e.kind == "step_end" and e.step in open_:
            spans.append((e.step, open_.pop(e.step), e.t, True))
    for idx, t0 in open_.items():
        spans.append((idx, t0, t_end, False))
    spans.sort(key=lambda s: (s[1], s[0]))
    return spans
