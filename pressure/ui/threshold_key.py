"""P, the pressure-pain threshold key: a threshold below a sensible minimum asks first.

In a PPT trial, P once accepted -0.2 N: a bumped key at rest, or a sensor whose zero has
drifted. A threshold at or below ``THRESHOLD_MIN_SHARE`` of the display range (or at or below
zero) is refused once with a message; a second P within ``THRESHOLD_CONFIRM_S`` marks it
(the same rule as a tare under load). A negative reading is never marked as a threshold: it
says the zero is wrong, and the message asks for a tare instead.
"""

from __future__ import annotations

import math
import time

THRESHOLD_CONFIRM_S = 2.0   # a second P within this time marks a low threshold
THRESHOLD_MIN_SHARE = 0.02  # below this share of the display range a threshold asks first


class ThresholdKey:
    """The P key of one window (its pipeline, status bar and display range)."""

    def __init__(self, window, clock=time.monotonic):
        self.window = window
        self.clock = clock
        self._asked_at = -math.inf

    def minimum(self) -> float:
        lo, hi = self.window.trace.y_range  # the display range the window shows now
        return THRESHOLD_MIN_SHARE * (hi - lo)

    def press(self) -> bool:
        """True when the threshold was marked."""
        w, p = self.window, self.window.pipeline
        if not p.threshold_running():
            w.status.showMessage("P marks a threshold only during a PPT trial", 4000)
            return False
        value, unit = p.last_value, p.unit
        if not math.isfinite(value):
            w.status.showMessage("no reading to mark as the threshold", 4000)
            return False
        if value < 0:
            self._asked_at = -math.inf
            w.status.showMessage(f"the sensor reads {value:.1f} {unit}: below zero is no threshold "
                                 "(not marked). Take the pressure off and tare (T).", 6000)
            return False
        peak = p.coach.trial_peak  # what P marks: the trial's peak (an algometer holds it)
        value = peak if math.isfinite(peak) else value
        minimum = self.minimum()
        now = self.clock()
        if value <= minimum and now - self._asked_at > THRESHOLD_CONFIRM_S:
            self._asked_at = now
            w.status.showMessage(f"threshold {value:.1f} {unit} is at or below {minimum:.1f} {unit}: "
                                 f"press P again within {THRESHOLD_CONFIRM_S:g} s to mark it",
                                 int(THRESHOLD_CONFIRM_S * 1000))
            return False
        self._asked_at = -math.inf
        return p.mark_threshold()
