"""The session's side of the recording: events and metadata handed to the recorder.

The :class:`~pressure.session.recorder.Recorder` writes samples on its own thread; the session
hands it what happened (markers, steps, thresholds, a routine or filter change). A recorder
that fails (disk full, file removed) is dropped and its error kept: the display carries on.
A part of :class:`~pressure.session.pipeline.Pipeline`.
"""

from __future__ import annotations

import logging
import math

from ..errors import PressureError
from .marks import Marker

log = logging.getLogger(__name__)


class RecordingLink:
    """The pipeline's recorder and what it records (a mixin of Pipeline)."""

    def _check_recorder(self) -> None:
        """A recorder that failed (disk full, file removed) stops; the display carries on."""
        if self.recorder is not None and self.recorder.error:
            self.recorder_error = self.recorder.error
            self._failed_recorder, self.recorder = self.recorder, None

    def _record(self, action) -> None:
        try:
            action()
        except PressureError as exc:
            self.recorder_error = str(exc)
            log.error("recording stopped: %s", exc)
            self._failed_recorder, self.recorder = self.recorder, None

    def _record_event(self, t, kind, text="", data=None) -> None:
        if self.recorder is not None:
            self._record(lambda: self.recorder.add_event(t, kind, text, data))

    def _record_meta(self, **changes) -> None:
        if self.recorder is not None:
            self._record(lambda: self.recorder.update_meta(**changes))

    def _record_coach_event(self, event) -> None:
        """Step changes, thresholds and the routine's end go into the recording as events; the
        band/countdown/ceiling events are for sound only (the samples already show them)."""
        kind = event.kind
        if kind in ("step_start", "step_end", "step_skipped", "routine_done", "threshold") and self.record_steps:
            data = dict(event.data)
            data["step"] = event.step
            text = str(data.get("label") or data.get("kind") or "")
            if kind == "threshold":
                self.markers.append(Marker(event.t, "threshold", f"PPT {data.get('value', math.nan):.1f} {self.unit}"))
                text = self.markers[-1].text
            self._record_event(event.t, kind, text, data)

    def attach_recorder(self, recorder) -> None:
        """Record from now on with ``recorder`` (REC on mid-session; the last file is closed)."""
        self.close()
        self.recorder, self.recorder_error = recorder, ""

    def follow_source(self) -> None:
        """Notice a failed recorder (called a few times a second; the recorder itself follows
        the sensor's identity and calibration on its own thread)."""
        self._check_recorder()

    def close(self) -> None:
        """Close the recording (all samples and events committed); the source is stopped by its owner."""
        recorder, self.recorder = self.recorder or self._failed_recorder, None
        self._failed_recorder = None
        if recorder is not None:
            try:
                recorder.close()
            except PressureError as exc:
                self.recorder_error = str(exc)
                log.error("closing the recording failed: %s", exc)
