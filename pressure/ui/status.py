"""The status bar: which sensor, how fast, and everything that went wrong on the wire.

Sample rate, bad lines, gaps and reconnects are always visible (never hidden behind a menu):
a practitioner who sees "gaps 12" knows the trace has holes before trusting a score.

Read from the treatment table: light text on the window's dark background (at least 4.5:1,
tests/test_ui_contrast.py), and what matters at a glance (recording, sensor state, sound) large
and bold, in amber when something is wrong. Messages also go over the trace
(``MainWindow.show_message``); the bar keeps them for a second look.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QStatusBar

from . import theme
from ..device_status import is_low
from .live_label import LiveLabel
from .plain_message import plain_tooltip
from .overlay import SHOW_S, MessageOverlay

TEXT = "#e8e8e8"          # 14:1 on theme.PLOT_BACKGROUND
WARN = "#f2a900"          # amber: something is wrong (9:1)
REC = "#ff6b6b"           # recording (6:1)
OFF = "#b8c0cc"           # a quiet "off" (9:1)
SHEET = (f"QStatusBar {{ background: {theme.PLOT_BACKGROUND}; color: {TEXT}; font-size: 16px; }}"
         f"QStatusBar QLabel {{ color: {TEXT}; font-size: 15px; }}"
         "QStatusBar QLabel[role='key'] { font-size: 18px; font-weight: bold; }")


class StatusBar(QStatusBar):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.sensor_label = QLabel("sensor: —")
        self.sensor_label.setTextFormat(Qt.PlainText)  # a wireless sensor's name and firmware text
        self.rate_label = LiveLabel("— S/s")  # the rate and counts change while the sensor reads
        self.health_label = LiveLabel("bad lines 0 · gaps 0 · reconnects 0")
        self.record_label = QLabel("")
        self.record_label.setTextFormat(Qt.PlainText)
        self.sound_label = QLabel("")
        for w in (self.sensor_label, self.record_label, self.sound_label):
            # the status that matters: large and bold (set before the sheet polishes the labels)
            w.setProperty("role", "key")
        self.setStyleSheet(SHEET)
        for w in (self.sensor_label, self.rate_label, self.health_label, self.record_label, self.sound_label):
            w.setContentsMargins(6, 0, 6, 0)
            self.addPermanentWidget(w)
        self._last = None
        self.overlay: MessageOverlay | None = None

    def attach_overlay(self, host) -> MessageOverlay:
        """From now on every message also shows over ``host`` (the trace) for a moment."""
        self.overlay = MessageOverlay(host)
        return self.overlay

    def showMessage(self, text: str, timeout: int = 0) -> None:  # noqa: N802 - Qt API
        """The one way the window says something in passing: in the bar (for ``timeout`` ms, 0:
        until the next message) and, large, over the trace for at most SHOW_S seconds."""
        super().showMessage(text, timeout)
        if self.overlay is not None:
            self.overlay.show_message(text, min(SHOW_S, timeout / 1000) if timeout > 0 else SHOW_S)

    def note(self, text: str, timeout: int = 0) -> None:
        """A background notice ("analysis complete") in the bar only: nothing the practitioner
        asked for, so it does not cover the trace."""
        super().showMessage(text, timeout)

    def clearMessage(self) -> None:  # noqa: N802 - Qt API
        """A message taken back is gone from over the trace too."""
        super().clearMessage()
        if self.overlay is not None:
            self.overlay.hide()

    def update_stats(self, stats) -> None:
        """Show a pipeline.SourceStats; only touches labels whose text changed."""
        rate = round(stats.rate_hz) if math.isfinite(stats.rate_hz) else -1
        device = getattr(stats, "device", "")  # battery, firmware, low power (Bluetooth sensors)
        key = (stats.sensor, rate, stats.bad_lines, stats.gaps, stats.reconnects,
               stats.lost, stats.connected, stats.state, stats.calibrated, device)
        if key == self._last:
            return
        self._last = key
        text = f"sensor: {stats.sensor}"
        if not stats.connected:
            text += f" ({stats.state})"
        if not stats.calibrated:
            text += " · UNCALIBRATED (raw readings)"
        if device:
            text += f" · {device}"
        # set only what changed: a style sheet set again (even the same) re-polishes the label
        # and relayouts the bar, and the rate changes here several times a second
        if self.sensor_label.text() != text:
            self.sensor_label.setText(text)
        tip = plain_tooltip(stats.message or "")  # the device's own words
        if self.sensor_label.toolTip() != tip:
            self.sensor_label.setToolTip(tip)
        style = "" if stats.connected and stats.calibrated and not is_low(device) else f"color: {WARN};"
        if self.sensor_label.styleSheet() != style:
            self.sensor_label.setStyleSheet(style)
        self.rate_label.setText("— S/s" if not math.isfinite(stats.rate_hz) else f"{stats.rate_hz:.0f} S/s")
        text = f"bad lines {stats.bad_lines} · gaps {stats.gaps} · reconnects {stats.reconnects}"
        if stats.lost:
            text += f" · dropped {stats.lost}"
        self.health_label.setText(text)
        bad = stats.bad_lines or stats.gaps or stats.reconnects or stats.lost or not stats.connected
        style = f"color: {WARN};" if bad else ""
        if self.health_label.styleSheet() != style:  # a style set again re-polishes and relayouts
            self.health_label.setStyleSheet(style)

    def set_recording(self, path: str | None, stopped: str = "") -> None:
        """Recording to ``path``, or not; ``stopped``: why a recording stopped on its own (a warning)."""
        self.record_label.setText("● REC" if path else "RECORDING STOPPED" if stopped else "not recording")
        self.record_label.setToolTip(plain_tooltip(path or stopped or "recording is off (--no-record or the setting)"))
        self.record_label.setStyleSheet(f"color: {REC};" if path else f"color: {WARN};" if stopped
                                        else f"color: {OFF};")

    def set_sound(self, available: bool, muted: bool, reason: str = "") -> None:
        if not available:
            self.sound_label.setText("sound off")
            self.sound_label.setToolTip(reason)
            self.sound_label.setStyleSheet(f"color: {WARN};")
        else:
            self.sound_label.setText("muted (S)" if muted else "sound on (S)")
            self.sound_label.setToolTip("S mutes and unmutes")
            self.sound_label.setStyleSheet(f"color: {WARN};" if muted else "")
