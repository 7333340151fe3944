"""The status bar: which sensor, how fast, and everything that went wrong on the wire.

Sample rate, bad lines, gaps and reconnects are always visible (never hidden behind a menu):
a practitioner who sees "gaps 12" knows the trace has holes before trusting a score.
"""

from __future__ import annotations

import math

from PySide6.QtWidgets import QLabel, QStatusBar


class StatusBar(QStatusBar):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.sensor_label = QLabel("sensor: —")
        self.rate_label = QLabel("— S/s")
        self.health_label = QLabel("bad lines 0 · gaps 0 · reconnects 0")
        self.record_label = QLabel("")
        self.sound_label = QLabel("")
        for w in (self.sensor_label, self.rate_label, self.health_label, self.record_label, self.sound_label):
            w.setContentsMargins(6, 0, 6, 0)
            self.addPermanentWidget(w)
        self._last = None

    def update_stats(self, stats) -> None:
        """Show a pipeline.SourceStats; only touches labels whose text changed."""
        rate = round(stats.rate_hz) if math.isfinite(stats.rate_hz) else -1
        key = (stats.sensor, rate, stats.bad_lines, stats.gaps, stats.reconnects,
               stats.lost, stats.connected, stats.state, stats.calibrated)
        if key == self._last:
            return
        self._last = key
        text = f"sensor: {stats.sensor}"
        if not stats.connected:
            text += f" ({stats.state})"
        if not stats.calibrated:
            text += " · UNCALIBRATED (raw readings)"
        self.sensor_label.setText(text)
        self.sensor_label.setToolTip(stats.message)
        self.rate_label.setText("— S/s" if not math.isfinite(stats.rate_hz) else f"{stats.rate_hz:.0f} S/s")
        text = f"bad lines {stats.bad_lines} · gaps {stats.gaps} · reconnects {stats.reconnects}"
        if stats.lost:
            text += f" · dropped {stats.lost}"
        self.health_label.setText(text)
        bad = stats.bad_lines or stats.gaps or stats.reconnects or stats.lost or not stats.connected
        style = "color: #f2a900;" if bad else ""
        if self.health_label.styleSheet() != style:  # a style set again re-polishes and relayouts
            self.health_label.setStyleSheet(style)

    def set_recording(self, path: str | None) -> None:
        self.record_label.setText("● REC" if path else "not recording")
        self.record_label.setToolTip(path or "recording is off (--no-record or the setting)")
        self.record_label.setStyleSheet("color: #ff5252; font-weight: bold;" if path else "color: #9aa4b2;")

    def set_sound(self, available: bool, muted: bool, reason: str = "") -> None:
        if not available:
            self.sound_label.setText("sound off")
            self.sound_label.setToolTip(reason)
        else:
            self.sound_label.setText("muted (S)" if muted else "sound on (S)")
            self.sound_label.setToolTip("S mutes and unmutes")
