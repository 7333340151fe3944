"""The demo's simulated practitioner at the keys: it follows the routine the way a person would.

The built-in simulator only moves the force (firmware_sim/model.py profiles, open loop); a
routine also needs keys: Space when a step waits for it, P when the patient reports pain in a
pressure-pain-threshold trial. Without them the PPT routine sat at step 1 forever in the demo.
:class:`DemoPractitioner` watches the coach's state after each frame and says which key to
press; the window presses it through the same action the keyboard triggers.

The threshold is marked where the simulated patient "feels it": the simulated ramp turns back
at the profile's threshold, so the first clear fall from the step's peak is that moment.
"""

from __future__ import annotations

ADVANCE = "advance"
THRESHOLD = "threshold"
PEAK_FALL = 0.03  # a fall of 3 % from the step's peak is the ramp turning back, not tremor


class DemoPractitioner:
    """``act(state)`` -> ADVANCE, THRESHOLD or None, once per coach state (frame)."""

    def __init__(self, routine):
        # a peak lower than this is noise at rest, not a trial's threshold
        scale = routine.ceiling or max((s.target or 0.0 for s in routine.steps), default=0.0) or 10.0
        self.min_peak = 0.1 * float(scale)
        self._step = None
        self._peak = 0.0
        self._marked = False

    def act(self, state) -> str | None:
        if state is None or state.finished or state.step is None:
            return None
        if state.waiting_for_key:
            return ADVANCE
        if state.step_index != self._step:
            self._step, self._peak, self._marked = state.step_index, float("-inf"), False
        if state.step.kind != THRESHOLD or self._marked:
            return None
        value = float(state.value)
        if value > self._peak:
            self._peak = value
        elif self._peak >= self.min_peak and value < self._peak * (1 - PEAK_FALL):
            self._marked = True
            return THRESHOLD
        return None
