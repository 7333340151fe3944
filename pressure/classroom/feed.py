"""The adapter between a session and a station: one call per tick, whatever runs the session.

``publish_frame(station, frame, unit)`` reads what the session engine's per-tick frame holds
(``t``, ``value``, ``state`` -- the coach's state -- and ``events``) and publishes it; the live
window and ``record`` call it after each tick, so moving the engine means re-wiring one call.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

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
    if station is None or frame is None or not math.isfinite(getattr(frame, "t", math.nan)):
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
        if (math.isfinite(dt) and 0 < dt < 1.0 and state.band is not None and not state.waiting_for_key
                and not state.finished):
            tally.run_s += dt
            if zone == "in":
                tally.in_band_s += dt
    tally.last_t = frame.t
    for e in getattr(frame, "events", ()):
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


def publish_block(station, block, state, unit: str, area_cm2=None) -> None:
    """The same for a loop without a Frame (``record``): after a block of samples went through
    the coach (``state``: its state, None without a routine)."""
    if station is None or not len(block):
        return
    if state is not None:
        value = state.value
    else:
        from ..samples import to_unit

        value = float(to_unit(block.force_n[-1], unit, area_cm2))
    publish_frame(station, SimpleNamespace(t=float(block.t[-1]), value=value, state=state,
                                           events=state.events if state is not None else ()), unit)


def attach(pipeline, station) -> None:
    """Publish after each of ``pipeline``'s ticks (the live window), by wrapping its tick."""
    if station is None:
        return
    tick = pipeline.tick

    def tick_and_publish():
        while station.commands:  # the instructor's "start": here, in the window's own thread
            routine = command_routine(station.commands.popleft(), pipeline.routine)
            if routine is not None:
                pipeline.set_routine(routine)
                station.__dict__.pop("_tally", None)
        frame = tick()
        publish_frame(station, frame, pipeline.unit)
        return frame

    pipeline.tick = tick_and_publish


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
