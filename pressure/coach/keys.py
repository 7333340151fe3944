"""The coach's key presses (advance, PPT threshold): queued until the samples reach their time.

A mixin of :class:`~pressure.coach.machine.Coach`: it shares the coach's state, and keeps the
rules of a key press (when it counts, which value it takes) apart from the per-sample rules.
"""

from __future__ import annotations

import bisect
import logging
import math

import numpy as np

from .rules import HISTORY_S

log = logging.getLogger(__name__)


class KeyPresses:
    def advance(self, t: float) -> None:
        """The advance key: start the step that waits for it, or skip the current step."""
        self._key(float(t), "advance")

    def mark_threshold(self, t: float) -> None:
        """The PPT key: the trial's peak up to ``t`` is its threshold (the value at ``t`` is kept
        beside it, ``at_press``); go on."""
        self._key(float(t), "threshold")

    @property
    def trial_peak(self) -> float:
        """The running threshold trial's peak so far (what P would mark now); NaN outside a trial."""
        return self._peak_v[-1] if self._peak_v and not self._waiting and not self._finished else math.nan

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
        peak, peak_t = self._peak_before(t_key)
        if peak is None or not peak >= value:  # no sample of the trial before the press
            peak, peak_t = value, t_key
        self._thresholds.append(peak)
        self._ref_level = peak
        self._emit(t_key, "threshold", {"value": peak, "at_press": value, "peak_t": peak_t,
                                        "trial": len(self._thresholds)})
        self._end(t_step, self._last_v)

    def _peak_before(self, t: float) -> tuple[float | None, float | None]:
        """The trial's peak among its samples at or before ``t``, and when it was reached."""
        i = bisect.bisect_right(self._peak_t, t) - 1
        return (None, None) if i < 0 else (self._peak_v[i], self._peak_t[i])

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
