"""What the practitioner's keys put on a session: markers, a tare, a pain threshold, the next step.

The window (or a test) calls these between ticks; each one is a :class:`Marker` on the trace
and an event in the recording. A part of :class:`~pressure.session.pipeline.Pipeline`, whose
newest sample (``last_t``) they are placed at.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..errors import PressureError


@dataclass
class Marker:
    t: float
    kind: str      # the recording's event kind ("marker" or "threshold")
    text: str


class Marks:
    """The pipeline's key actions and its markers (a mixin of Pipeline)."""

    # --- keys ---------------------------------------------------------------------------------
    def add_marker(self, text: str) -> Marker | None:
        """A marker at the newest sample's time (None before the first sample)."""
        if math.isnan(self.last_t):
            return None
        marker = Marker(self.last_t, "marker", text)
        self.markers.append(marker)
        self._record_event(marker.t, "marker", text)
        return marker

    def note_tare(self, zero: float | None) -> Marker | None:
        """A tare (zero) was applied at the newest sample: a marker on the trace and a ``tare``
        event in the recording, so the step it makes in the readings is explained, not hidden.
        A source that keeps no calibration gives no zero (None): the event then has none, never
        a NaN (which the file refuses)."""
        if math.isnan(self.last_t):
            return None
        marker = Marker(self.last_t, "tare", "tare (zero)")
        self.markers.append(marker)
        known = zero is not None and math.isfinite(float(zero))
        self._record_event(marker.t, "tare", "tare (zero)", {"zero": float(zero)} if known else None)
        return marker

    def undo_marker(self) -> Marker | None:
        """Ctrl+Z / Backspace: take back the last marker key press (None if there is none).
        Recorded as a ``marker_undone`` event (pressure.markers), never erased from the log."""
        from ..markers import UNDONE

        for i in range(len(self.markers) - 1, -1, -1):
            marker = self.markers[i]
            if marker.kind == "marker":
                del self.markers[i]
                t = self.last_t if not math.isnan(self.last_t) else marker.t
                self._record_event(t, UNDONE, marker.text, {"t": marker.t, "text": marker.text})
                return marker
        return None

    def advance(self) -> None:
        """Space / the foot pedal: start the step that waits for the key, or skip the current one.

        The coach's step events arrive with the next tick's frame (and are recorded then)."""
        self.coach.advance(self.last_t if not math.isnan(self.last_t) else 0.0)

    def threshold_running(self) -> bool:
        state = self.state
        return (state is not None and state.step is not None and state.step.kind == "threshold"
                and not state.waiting_for_key and not state.finished)

    def mark_threshold(self) -> bool:
        """P: the patient reports pain. False (nothing done) unless a threshold trial is running;
        the coach's ``threshold`` event (with the value) arrives with the next frame."""
        if math.isnan(self.last_t) or not self.threshold_running():
            return False
        self.coach.mark_threshold(self.last_t)
        return True

    def raw_mean(self, seconds: float = 0.5) -> float:
        """Mean raw reading (sensor units, e.g. ADC counts) of the last ``seconds``: what a tare
        or a known-weight calibration needs."""
        recent = self.counts.recent(seconds, "raw")
        recent = recent[np.isfinite(recent)]
        if recent.size == 0:
            raise PressureError("no recent samples to measure: is the sensor connected?")
        return float(recent.mean())
