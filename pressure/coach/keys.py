"""The coach's key presses (advance, PPT threshold): queued until the samples reach their time.

A mixin of :class:`~pressure.coach.machine.Coach`: it shares the coach's state, and keeps the
rules of a key press (when it counts, which value it takes) apart from the per-sample rules.
"""

from __future__ import annotations

import logging

import numpy as np

from .rules import HISTORY_S

log = logging.getLogger(__name__)


class KeyPresses:
    def advance(self, t: float) -> None:
        """The advance key: start the step that waits for it, or skip the current step."""
        self._key(float(t), "advance")

    def mark_threshold(self, t: float) -> None:
        """The PPT key: the value at ``t`` is the threshold of the current trial; go on."""
        self._key(float(t), "threshold")

    def _key(self, t: float, action: str) -> None:
        if self._finished:
            return
        if not self._started or t > self._last_t:
            self._actions.append((t, action))
            self._actions.sort(key=lambda a: a[0])
            return
        value = self._value_at(t) if action == "threshold" else self._last_v
        self._apply(action, t, value, self._last_t)
        self._state = self._make_state(())

    def _apply_actions_before(self, ti: float) -> None:
        while self._actions and self._actions[0][0] < ti and self._started:
            ta, action = self._actions.pop(0)
            self._last_t = max(self._last_t, ta)  # time has reached the key press
            self._apply(action, ta, self._last_v, self._last_t)

    def _apply(self, action: str, t_key: float, value: float, t_step: float) -> None:
        """Apply a key press: events of the step change happen at ``t_step``."""
        if self._finished:
            return
        if action == "advance":
            if self._waiting:
                self._begin(self._index, t_step, self._last_v, by_key=True)
            else:
                step = self._steps[self._index]
                data = {"kind": step.kind, "label": step.label}
                if step.kind == "hold":
                    data.update(hold_elapsed=self._hold_elapsed, duration=step.duration)
                self._emit(t_step, "step_skipped", data)
                self._end(t_step, self._last_v, skipped=True)
            return
        step = self._steps[self._index]
        if self._waiting or step.kind != "threshold":
            log.debug("threshold key at %.3f s ignored: no threshold trial running", t_key)
            return
        self._thresholds.append(value)
        self._ref_level = value
        self._emit(t_key, "threshold", {"value": value, "trial": len(self._thresholds)})
        self._end(t_step, self._last_v)

    def _remember(self, t: np.ndarray, v: np.ndarray) -> None:
        self._history.append((t.copy(), v.copy()))
        newest = t[-1]
        while len(self._history) > 1 and self._history[1][0][0] < newest - HISTORY_S:
            self._history.popleft()

    def _value_at(self, t: float) -> float:
        """The last value seen at or before ``t`` (the oldest kept if ``t`` is older)."""
        ts = np.concatenate([h[0] for h in self._history]) if self._history else np.empty(0)
        vs = np.concatenate([h[1] for h in self._history]) if self._history else np.empty(0)
        if not ts.size:
            return self._last_v
        i = int(np.searchsorted(ts, t, side="right")) - 1
        return float(vs[max(i, 0)])
