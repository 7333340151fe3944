"""Step changes: a step ends, the next begins (or waits for the key), steps already done end at once.

A mixin of :class:`~pressure.coach.machine.Coach`, kept apart from the per-sample rules.
"""

from __future__ import annotations

import math

from ..routine import Step


class StepChanges:
    def _end(self, t: float, v: float, **data) -> None:
        step = self._steps[self._index]
        if step.kind in ("ramp", "hold") and not data.get("skipped"):
            self._ref_level = step.target
        data = {"kind": step.kind, **data}
        if step.kind == "hold":
            data["hold_elapsed"] = self._hold_elapsed
        self._emit(t, "step_end", data)
        self._begin(self._index + 1, t, v)

    def _begin(self, index: int, t: float, v: float, by_key: bool = False) -> None:
        """Start step ``index`` at ``t`` (or wait for the key); steps whose end condition already
        holds (a ramp already in its band, a release already let go) end at once, in a loop."""
        while True:
            self._index = index
            if index >= len(self._steps):
                self._finished = True
                self._waiting = False
                self._in_band, self._event_band = False, None
                self._emit(t, "routine_done", {"thresholds": list(self._thresholds)})
                return
            step = self._steps[index]
            if step.advance == "key" and not by_key:
                self._waiting = True
                self._in_band, self._event_band = False, None
                self._emit(t, "key_wait", {"next": index})
                return
            by_key = False
            self._start(step, t, v)
            if step.kind == "ramp" and self._ramp_reached(step, t, v):
                self._ref_level = step.target
                self._emit(t, "step_end", {"kind": "ramp"})
            elif step.kind == "release" and v < self._release_level():
                self._emit(t, "step_end", {"kind": "release"})
            else:
                return
            index += 1

    def _start(self, step: Step, t: float, v: float) -> None:
        self._waiting = False
        self._step_t0, self._step_v0 = t, v
        self._hold_elapsed = 0.0
        self._overdue = False
        self._countdown_done = set()
        band = step.band()
        if band != self._event_band:
            self._in_band = False
        self._event_band = band
        self._ramp_down = band is not None and v > band[1]
        self._peak_t, self._peak_v = [], []
        if step.kind == "threshold" and math.isfinite(v):
            self._peak_t.append(t)
            self._peak_v.append(v)
        self._emit(t, "step_start", {"kind": step.kind, "label": step.label})
        if step.kind == "hold":
            inside = band[0] <= v <= band[1]
            self._hold_started = inside
            if inside and not self._in_band:
                self._in_band = True
                self._emit(t, "enter_band", {"value": v})
