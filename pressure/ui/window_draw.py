"""Drawing one frame of the live window: trace, band, markers, readout, routine panel, sound
and (a few times a second) the overview strip and the status bar (a part of
:class:`~pressure.ui.main_window.MainWindow`).

The window only *shows* the coach's decisions; nothing here decides what a sample means.
"""

from __future__ import annotations

import logging
import math
import time

from . import theme
from .audio import play_frame_cues
from .plain_message import plain_tooltip
from .readout import cue_text

log = logging.getLogger(__name__)

STATS_INTERVAL_S = 0.25         # status bar refresh
OVERVIEW_INTERVAL_S = 0.2       # overview strip refresh


class FrameDrawing:
    """Draw the pipeline's frames (a mixin of MainWindow)."""

    def _draw(self, frame) -> None:
        p = self.pipeline
        now = time.monotonic()
        if frame.new:
            t, raw, smooth = p.history.window(frame.t - self.trace.window_seconds)
            self.trace.update_trace(t, raw, smooth, frame.t, p.history.last_window_index,
                                    p.history.version, p.history.gaps())
            pt, pv, _ = p.pacer.window(frame.t - self.trace.window_seconds)
            self.trace.update_pacer(pt, pv)
        # The slow parts (overview, status, the recording's sensor metadata) each take a tick
        # of their own: at most one of them per frame, so no frame carries two.
        periodic = False
        if now - self._last_overview_t >= OVERVIEW_INTERVAL_S and len(p.overview):
            self._last_overview_t = now
            periodic = True
            x, y = p.overview.curve()
            self.trace.update_overview(x, y, p.overview.span[1])
        if self._markers_drawn != len(p.markers):
            if len(p.markers) == self._markers_drawn + 1:  # a key press: one more
                self.trace.add_marker(p.markers[-1].t, p.markers[-1].text)
            else:  # a replay's markers, or a new list: all in one call
                self.trace.set_markers([m.t for m in p.markers], [m.text for m in p.markers])
            self._markers_drawn = len(p.markers)
        if p.routine is not self._shown_routine:  # changed by Settings, the instructor, a key
            self._apply_routine_look()
        state = frame.state
        band = state.band if state is not None else None
        if band != self._shown_band:
            self._shown_band = band
            target = state.target if state is not None else None
            self.trace.set_band(None if band is None else (band[0], target if target is not None else sum(band) / 2, band[1]))
        self._draw_readout(frame)
        self.trace.off_scale.set_style(self.readout.zone_style)  # the badge in the readout's colours
        self._draw_routine(state)
        self._sound(frame)
        if periodic:
            return
        if self._follow_due:
            self._follow_due = False
            p.follow_source()
        elif now - self._last_stats_t >= STATS_INTERVAL_S:
            self._last_stats_t = now
            self._follow_due = True
            self._stats = p.source.stats()
            self.status.update_stats(self._stats)
            if p.recorder_error and self._recording_path:
                self._recording_path = None
                self.status.set_recording(None, stopped=p.recorder_error)
                self.status.showMessage(f"Recording stopped: {p.recorder_error}")
            # A full disk does not stop the recorder (it waits, samples in memory): say so once.
            note = p.recorder.status if p.recorder is not None else ""
            if note != self._recorder_note:
                self._recorder_note = note
                self.status.record_label.setToolTip(plain_tooltip(note))  # it names the file
                if note:
                    self.status.showMessage(note, 10000)

    def _draw_readout(self, frame) -> None:
        p = self.pipeline
        if p.source.is_live:
            if not frame.connected:
                stats = self._stats
                if stats is not None and stats.state == "connecting" and not p.samples:
                    self.readout.show_stale("CONNECTING…", "waiting for the sensor")
                else:
                    self.readout.show_stale("DISCONNECTED", "sensor disconnected — reconnecting…")
                return
            if frame.stale:
                if not p.samples:
                    self.readout.show_stale("WAITING…", "no samples from the sensor yet")
                else:
                    self.readout.show_stale("NO SIGNAL", f"no sample for {frame.age_s:.1f} s")
                return
        elif frame.stale:
            self.readout.show_stale("NO DATA")
            return
        state = frame.state
        zone = theme.zone_key(state.zone) if state is not None else theme.IDLE
        cue = cue_text(state.cue, zone, state.waiting_for_key) if state is not None else ""
        if frame.saturated:
            cue = "SENSOR SATURATED"
        self.readout.show_value(frame.value, p.unit, zone, cue)
        stats = self._stats
        self.readout.set_note("" if stats is None or stats.calibrated
                              else "UNCALIBRATED: raw readings, not force (File › Calibration…)")

    def _draw_routine(self, state) -> None:
        # the readout has just said whether the samples are live (_draw_readout): the panel
        # must not look as if a hold is being timed while none arrive
        self.routine_panel.show_state(self.pipeline.routine, state, signal=not self.readout.stale)

    def _sound(self, frame) -> None:
        play_frame_cues(self.audio, frame, self.error_tone)

    def redraw_trace(self) -> None:
        """Draw the trace, pacer and overview for the pipeline as it is now, without waiting for
        new samples: after a seek, a re-analysis or a change of the trace window."""
        p = self.pipeline
        if math.isfinite(p.last_t):
            t, raw, smooth = p.history.window(p.last_t - self.trace.window_seconds)
            self.trace.update_trace(t, raw, smooth, p.last_t, p.history.last_window_index,
                                    p.history.version, p.history.gaps())
            pt, pv, _ = p.pacer.window(p.last_t - self.trace.window_seconds)
            self.trace.update_pacer(pt, pv)
        if len(p.overview):
            x, y = p.overview.curve()
            self.trace.update_overview(x, y, p.overview.span[1])
            self._last_overview_t = time.monotonic()
