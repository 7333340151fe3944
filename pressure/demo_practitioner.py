"""The demo's simulated practitioner at the keys: it follows the routine the way a person would.

The built-in simulator only moves the force (firmware_sim/model.py profiles, open loop); a
routine also needs keys: Space when a step waits for it, P when the patient reports pain in a
pressure-pain-threshold trial. Without them the PPT routine sat at step 1 forever in the demo.
:class:`DemoPractitioner` watches the coach's state after each frame and says which key to
press; the window presses it through the same action the keyboard triggers.

The threshold is marked where the simulated patient "feels it": the simulated ramp stops at
the profile's threshold for a moment (the practitioner stops pushing at the patient's word,
presses the key, then lets go), so the key is pressed once a trial that ramped up has stopped
climbing near its peak, before letting go; a quick, clear fall from the peak also marks it (a
frame that came late). Only that: a hold that drifts down (an ischemic practitioner still
holding when a PPT trial starts) falls slowly from a force it did not ramp to in the trial, and
marked a false 29.9 N threshold before.
"""

from __future__ import annotations

ADVANCE = "advance"
THRESHOLD = "threshold"
PEAK_FALL = 0.03  # a fall of 3 % from the step's peak is the ramp turning back, not tremor
# ... and falling at least this fraction of the peak per second since it: a release (the whole
# force in about a second), not a hold's drift (a few % a minute); a rate, not a time since the
# peak, so a frame that comes late still sees the release.
FALL_RATE = 0.2
CLIMB = 0.01  # a rise of 1 % over the level last climbed to is the ramp still climbing ...
STILL_S = 0.15  # ... and this long without one, near the peak, is the stop at the patient's word


class DemoPractitioner:
    """``act(state)`` -> ADVANCE, THRESHOLD or None, once per coach state (frame)."""

    def __init__(self, routine):
        # a peak lower than this is noise at rest, not a trial's threshold
        scale = routine.ceiling or max((s.target or 0.0 for s in routine.steps), default=0.0) or 10.0
        self.min_peak = 0.1 * float(scale)
        self._step = None
        self._low = 0.0  # the least force in the trial so far: a threshold is ramped up from it
        self._rise = 0.0  # how far the trial ramped up to its peak
        self._peak = 0.0
        self._peak_t = 0.0
        self._level = 0.0  # the force the ramp last climbed to, and when
        self._climb_t = 0.0
        self._marked = False

    def act(self, state) -> str | None:
        if state is None or state.finished or state.step is None:
            return None
        if state.waiting_for_key:
            return ADVANCE
        value = float(state.value)
        if state.step_index != self._step:
            self._step, self._marked = state.step_index, False
            self._low, self._rise, self._peak, self._peak_t = value, 0.0, float("-inf"), float(state.t)
            self._level, self._climb_t = value, float(state.t)
        if state.step.kind != THRESHOLD or self._marked:
            return None
        self._low = min(self._low, value)
        if value > self._peak:
            self._peak, self._peak_t, self._rise = value, float(state.t), value - self._low
        if value > self._level * (1 + CLIMB) or value < self._low + self.min_peak:
            self._level, self._climb_t = value, float(state.t)
        if (self._rise >= self.min_peak and state.t - self._climb_t >= STILL_S
                and value >= self._peak * (1 - PEAK_FALL)):
            self._marked = True  # stopped at the peak: the patient's word, before letting go
            return THRESHOLD
        if (self._rise >= self.min_peak and value < self._peak * (1 - PEAK_FALL)
              and self._peak - value >= FALL_RATE * self._peak * (state.t - self._peak_t)):
            self._marked = True
            return THRESHOLD
        return None
