"""The adapter between a session and a station: one call per tick, whatever runs the session.

``publish_frame(station, frame, unit)`` reads what the session engine's per-tick frame holds
(``t``, ``value``, ``state`` -- the coach's state -- and ``events``) and publishes it;
:func:`attach` subscribes it to a pipeline (``Pipeline.subscribe``), so whatever ticks the
session -- the live window or ``record`` -- publishes it.
"""

from __future__ import annotations

import math

SCORE_EVERY_S = 1.0
_EVENTS = ("step_start", "step_end", "routine_done", "threshold", "marker")


class _Tally:
    """Time in band so far: seconds in the band while a step with a band runs."""

    def __init__(self):
        self.last_t = math.nan
        self.in_band_s = 0.0
        self.run_s = 0.0
        self.steps_done = 0
        self.next_score = 0.0

    def pct(self) -> float | None:
        return 100.0 * self.in_band_s / self.run_s if self.run_s > 0 else None


def publish_frame(station, frame, unit: str) -> None:
    """Publish one tick of a session (None station: nothing to do)."""
    if station is None or frame is None or not math.isfinite(frame.t):
        return
    tally = station.__dict__.setdefault("_tally", _Tally())
    state = frame.state
    step_label, remaining, zone = "", None, ""
    if state is not None:
        zone = state.zone
        step = state.step
        if step is not None:
            step_label = step.label or step.kind
        remaining = state.hold_remaining if state.hold_remaining is not None else state.step_remaining
        dt = frame.t - tally.last_t
        if (math.isfinite(dt) and 0 < dt <= frame.gap_limit_s and state.band is not None and not state.waiting_for_key
                and not state.finished):
            tally.run_s += dt
            if zone == "in":
                tally.in_band_s += dt
    tally.last_t = frame.t
    for e in frame.events:
        if e.kind in _EVENTS:
            station.event(e.t, e.kind, str(e.data.get("label") or ""), str(e.step))
        if e.kind == "step_end" and not e.data.get("skipped"):  # a skipped step is not done
            tally.steps_done += 1
        if e.kind == "routine_done":
            station.score(_scores(tally), final=True)
    station.live(frame.t, frame.value, unit, zone, step_label, remaining, tally.in_band_s, tally.run_s)
    finished = state is not None and state.finished  # the final score stands until a new routine
    if frame.t >= tally.next_score and tally.run_s > 0 and not finished:
        tally.next_score = frame.t + SCORE_EVERY_S
        station.score(_scores(tally))


def _scores(tally: _Tally) -> dict:
    pct = tally.pct()
    out = {"run_s": tally.run_s, "steps_done": tally.steps_done}
    if pct is not None:
        out["time_in_band_pct"] = pct
    return out


def attach(pipeline, station, load_routine=None):
    """Publish each of ``pipeline``'s ticks and take the instructor's commands as ticks start
    (a listener of the pipeline: whatever ticks it, the window or ``record``). ``load_routine``:
    how the session starts a routine (the window's Routine menu's path: unit conversion).
    Returns the listeners, for ``pipeline.unsubscribe`` (None without a station)."""
    if station is None:
        return None
    load_routine = load_routine or pipeline.set_routine

    def take_commands():
        while station.commands:  # the instructor's "start": here, in the ticking thread
            routine = command_routine(station.commands.popleft(), pipeline.routine)
            if routine is not None:
                load_routine(routine)
                station.__dict__.pop("_tally", None)

    def on_frame(frame):
        publish_frame(station, frame, pipeline.unit)

    pipeline.subscribe(on_frame, before_tick=take_commands)
    return on_frame, take_commands


def command_routine(cmd: dict, current):
    """The routine a verified "start" command asks for: a built-in preset by name (never a path:
    the name came over the network), or the current routine again; None if there is none."""
    from ..routine.presets import get_routine, routine_names

    if cmd.get("action") != "start":
        return None
    name = cmd.get("routine") or ""
    if name in routine_names():
        return get_routine(name)
    if name:
        import logging

        logging.getLogger(__name__).warning("the instructor asked for an unknown routine %r", name)
        return None
    return current
