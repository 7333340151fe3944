"""What the display shows from the coach's state: zone, cue, pacer, timers (CoachState).

A mixin of :class:`~pressure.coach.machine.Coach`: it reads the coach's state and never changes it.
"""

from __future__ import annotations

import math

from ..routine import Step
from .rules import EPS
from .state import CoachState, Event


class Display:
    def _make_state(self, events: tuple[Event, ...]) -> CoachState:
        finished, waiting, started = self._finished, self._waiting, self._started
        step = None if finished else self._steps[self._index]
        t, v = self._last_t, self._last_v
        band = step.band() if step is not None else None
        running = started and not finished and not waiting
        if self._over:
            zone = "over"
        elif not running or band is None or math.isnan(v):
            zone = "none"
        elif v < band[0]:
            zone = "below"
        elif v > band[1]:
            zone = "above"
        else:
            zone = "in"
        step_elapsed = t - self._step_t0 if running else 0.0
        pacer = self._pacer(step, step_elapsed) if running else None
        hold_elapsed, hold_remaining = 0.0, None
        step_remaining = None
        if running and step.kind == "hold":
            hold_elapsed = self._hold_elapsed
            hold_remaining = max(step.duration - hold_elapsed, 0.0)
            step_remaining = hold_remaining
        elif running and step.duration is not None:
            step_remaining = max(step.duration - step_elapsed, 0.0)
        elif running and step.kind == "ramp" and step.rate:
            step_remaining = max(abs(step.target - self._step_v0) / step.rate - step_elapsed, 0.0)
        return CoachState(
            t=t, step_index=self._index, step=step, zone=zone, cue=self._cue(step, zone, running),
            value=v, target=None if step is None else step.target, band=band, pacer=pacer,
            hold_elapsed=hold_elapsed, hold_remaining=hold_remaining, step_elapsed=step_elapsed,
            step_remaining=step_remaining, waiting_for_key=waiting, finished=finished,
            thresholds=tuple(self._thresholds), events=events,
        )

    def _pacer(self, step: Step, elapsed: float) -> float | None:
        if step.rate is None:
            return None
        if step.kind == "threshold":
            cap = step.target if step.target is not None else self._ceiling
            p = step.rate * elapsed
            return p if cap is None else min(p, cap)
        v0 = self._step_v0
        if math.isnan(v0):
            v0 = 0.0
        if self._ramp_down:
            return max(v0 - step.rate * elapsed, step.target)
        return min(v0 + step.rate * elapsed, step.target)

    def _cue(self, step: Step | None, zone: str, running: bool) -> str:
        if zone == "over":
            return "release"
        if self._finished:
            return "done"
        if not running:
            return "stop"
        kind = step.kind
        if kind == "release" and self._overdue:
            return "let_go"  # the release's time is up and the force is still on
        if kind in ("rest", "release"):
            return kind
        if kind == "threshold":
            cue = "hold" if self._at_cap(step) else "press"
        else:
            cue = {"below": "press", "in": "hold", "above": "ease"}.get(zone, "stop")
        if cue == "press" and self._ceiling is not None and self._last_v >= self._ceiling:
            cue = "hold"  # at the ceiling a cue never asks for more force
        return cue

    def _at_cap(self, step: Step) -> bool:
        """A threshold trial whose pacer has reached its cap (the step's target or the ceiling):
        pressing harder is past what the routine allows, so the cue says hold, not press."""
        cap = step.target if step.target is not None else self._ceiling
        if cap is None or step.rate is None:
            return False
        return step.rate * (self._last_t - self._step_t0) >= cap - EPS
