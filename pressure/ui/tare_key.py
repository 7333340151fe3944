"""T: zero the sensor for this session, only from a reading that is live, connected and steady.

Under load or during a hold a single press (a bumped pedal) must not move the zero: it asks for
a second press within TARE_CONFIRM_S. A tare is refused, with the reason shown, when the sensor
is disconnected, no sample came lately, or the reading moves (pressure.zero's steady rule): a
zero taken on a ramp or from the last value before a cable came out is worse than none.
"""

from __future__ import annotations

import logging
import math
import time

from ..errors import PressureError

log = logging.getLogger(__name__)

TARE_CONFIRM_S = 2.0    # a tare under load needs a second T within this time
TARE_FREE_SHARE = 0.02  # below this share of the display range a tare needs no confirming


class TareKey:
    """The window's T key (and Tare button)."""

    def __init__(self, window):
        self.window = window
        self.asked_at = -math.inf  # when a tare under load last asked for its second press

    def _say(self, text: str, ms: int) -> None:
        self.window.status.showMessage(text, ms)

    def press(self) -> None:
        from ..session.zero_watch import tare_reading
        w = self.window
        pipeline = w.pipeline
        source = pipeline.source
        if not source.can_tare:
            self._say("tare needs a live sensor", 3000)
            return
        lo, hi = w.trace.y_range  # the display's range: what "steady" and "under load" are shares of
        try:  # first: a reading that is not there or moves is refused before anything is asked
            raw_mean = tare_reading(pipeline, hi)
        except PressureError as exc:
            self.asked_at = -math.inf
            self._say(f"not tared: {exc}", 6000)
            return
        value, unit = self._load(hi - lo, raw_mean)
        now = time.monotonic()
        if value is not None and now - self.asked_at > TARE_CONFIRM_S:
            self.asked_at = now
            self._say(f"the sensor reads {value:.1f} {unit}: press T again within "
                      f"{TARE_CONFIRM_S:g} s to make this the zero", int(TARE_CONFIRM_S * 1000))
            return
        self.asked_at = -math.inf
        try:
            cal = source.tare(raw_mean)
        except PressureError as exc:
            self._say(f"tare failed: {exc}", 5000)
            return
        pipeline.note_tare(cal.zero if cal is not None else None)
        w.alerts.reset_zero()  # the at-rest warning starts over from the new zero
        self._say("tared for this session: the sensor reads zero now "
                  "(the stored calibration is unchanged)", 4000)

    def _load(self, span: float, raw_mean: float) -> tuple[float | None, str]:
        """The value that makes a tare need confirming (None: at rest, a tare is harmless): more
        than TARE_FREE_SHARE of the display range, by the zero in use or by the device's own, or
        any value while a hold runs."""
        from ..session.zero_watch import device_load

        w = self.window
        by_device = device_load(w.pipeline, raw_mean)
        if by_device is not None and abs(by_device) > TARE_FREE_SHARE * span:
            return by_device, f"{w.pipeline.unit} by the device's own zero"
        frame, unit = w._frame, w.pipeline.unit
        value = frame.value if frame is not None else math.nan
        if not math.isfinite(value):
            return None, unit
        state = frame.state
        holding = (state is not None and state.step is not None and state.step.kind == "hold"
                   and not state.waiting_for_key and not state.finished)
        if holding or abs(value) > TARE_FREE_SHARE * span:
            return value, unit
        return None, unit
