"""The big number: the smoothed pressure, its unit, the zone colour and the direction cue.

Read at a glance from two metres away, so the font scales with the widget (F11 makes it
bigger still), the background says the zone and the cue says it again in words (for
colour-blind readers and for peripheral vision) with a shape before the words (an arrow up:
press harder, down: ease off, a dot: hold), readable without colour and without reading. A
value that is not live is never shown as live: when samples stop (or the sensor is gone) the
panel turns light and hatched with a dashed frame (a look no live state has), says why, and
shows the last value struck out (or a dash).
"""

from __future__ import annotations

import logging
import math
import time

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from . import theme
from .live_label import LiveLabel, set_font
from .cues import STALE_SHAPE, WAITING_CUE, cue_text, with_shape  # noqa: F401 (cue_text: for main_window)

log = logging.getLogger(__name__)

WAITING, WAITING_STYLE, WAITING_BORDER = theme.WAITING, theme.WAITING_STYLE, theme.WAITING_BORDER
# No signal: light stripes (a hatch) in a dashed dark frame, dark text; see theme.STALE_HATCH.
STALE_SHEET = (
    "#readout {{ background: qlineargradient(spread:repeat, x1:0, y1:0, x2:0.03, y2:0.05,"
    " stop:0 {bg}, stop:0.5 {bg}, stop:0.51 {hatch}, stop:1 {hatch});"
    " border: 6px dashed {border}; border-radius: 10px; }}"
    "#readout QLabel {{ color: {text}; background: transparent; border: none; }}"
).format(bg=theme.ZONES[theme.STALE].background, hatch=theme.STALE_HATCH, border=theme.STALE_BORDER,
         text=theme.ZONES[theme.STALE].text)


def decimals_for(scale: float) -> int:
    """Fixed decimals for a display range, so the number does not jump in width while pressing."""
    if not math.isfinite(scale) or scale <= 0:
        return 1
    return 2 if scale < 10 else 1 if scale < 100 else 0


class Readout(QWidget):
    """Value + unit, cue, and a state line; coloured by zone."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("readout")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.value_label = LiveLabel("—", self)  # changes up to 15 times a second
        self.value_label.setObjectName("readoutValue")
        self.value_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.unit_label = QLabel("", self)
        self.unit_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.cue_label = QLabel("", self)
        self.cue_label.setObjectName("readoutCue")
        self.cue_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.state_label = QLabel("", self)  # why the value is not live, when it is not
        self.state_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.state_label.setWordWrap(True)
        for label in (self.unit_label, self.cue_label, self.state_label):
            label.setTextFormat(Qt.TextFormat.PlainText)  # cues and notes may quote a step or a sensor
        for label in (self.value_label, self.unit_label, self.cue_label, self.state_label):
            # the fonts follow the panel's size, so the labels must never push the panel's size
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            label.setMinimumWidth(0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(0)
        layout.addStretch(1)
        layout.addWidget(self.value_label)
        layout.addWidget(self.unit_label)
        layout.addWidget(self.cue_label)
        layout.addWidget(self.state_label)
        layout.addStretch(1)
        self.decimals = 1
        self.number_interval_s = 1 / 15  # the number changes at most this often: readable, cheap
        self._number_shown_at = -1.0
        self.zone = ""
        self.cue = ""  # the cue's words (the label shows them after their shape)
        self.stale = False
        self._stale_key = None
        self._last_value = math.nan
        self._text = ""
        self._apply_zone(theme.IDLE)
        self._scale_fonts()

    # --- what the window calls -------------------------------------------------------------
    def format(self, value: float) -> str:
        """Fixed decimals; a value that rounds to zero is "0.0", never "-0.0"."""
        if not math.isfinite(value):
            return "—"
        text = f"{value:.{self.decimals}f}"
        return text[1:] if text.startswith("-") and float(text) == 0 else text

    def show_value(self, value: float, unit: str, zone: str, cue: str, now: float | None = None) -> None:
        """A live value: big, coloured by zone, with the cue under it.

        Zone and cue change at once; the digits at most every ``number_interval_s`` (digits
        that change 60 times a second cannot be read, and each change relayouts the label)."""
        fresh = self.stale
        if self.stale:
            self.stale = False
            self._stale_key = None
            self.state_label.setText("")
            self._set_strike(False)
        self._last_value = value
        now = time.monotonic() if now is None else now
        text = self.format(value)
        if text != self._text and (fresh or now - self._number_shown_at >= self.number_interval_s):
            self._number_shown_at = now
            self._text = text
            self.value_label.setText(text)
        if self.unit_label.text() != unit:
            self.unit_label.setText(unit)
        if self.cue != cue or fresh:
            self.cue = cue
            self._set_fitted(self.cue_label, with_shape(cue, self.cue_label.font()))
        if cue == WAITING_CUE and zone != theme.CEILING:
            zone = WAITING  # the key prompt, in its own live colour
        self._apply_zone(zone)

    def set_note(self, text: str) -> None:
        """A standing note under a live value (e.g. an uncalibrated sensor); stale states replace it."""
        if not self.stale and self.state_label.text() != text:
            self.state_label.setText(text)

    def show_stale(self, headline: str, detail: str = "") -> None:
        """Not live: grey, the reason in words, the last value struck out (or a dash)."""
        if self.stale and self._stale_key == (headline, detail):
            return
        self.stale = True
        self._stale_key = (headline, detail)
        last = self._last_value
        self._text = self.format(last)
        self.value_label.setText(self._text)
        self._set_strike(math.isfinite(last))
        self.cue = headline
        self._set_fitted(self.cue_label, f"{STALE_SHAPE} {headline}")
        note = "the last value, struck out: it is not live" if math.isfinite(last) else ""
        self.state_label.setText(" · ".join(filter(None, (detail, note))))
        self._apply_zone(theme.STALE)

    @property
    def zone_style(self) -> theme.ZoneStyle:
        """The colours the panel shows now (its zone's, the key prompt's or no signal's)."""
        return WAITING_STYLE if self.zone == WAITING else theme.ZONES.get(self.zone, theme.ZONES[theme.IDLE])

    # --- look ------------------------------------------------------------------------------
    def _apply_zone(self, zone: str) -> None:
        if zone == self.zone:
            return
        self.zone = zone
        border = ""
        if zone == theme.STALE:
            self.setStyleSheet(STALE_SHEET)
            self.setToolTip(theme.ZONES[theme.STALE].label)
            return
        if zone == WAITING:
            style, border = WAITING_STYLE, f" border: 6px solid {WAITING_BORDER};"
        else:
            style = theme.ZONES.get(zone, theme.ZONES[theme.IDLE])
        self.setStyleSheet(
            f"#readout {{ background: {style.background}; border-radius: 10px;{border} }}"
            f"#readout QLabel {{ color: {style.text}; background: transparent; border: none; }}"
        )
        self.setToolTip(style.label)

    def _set_strike(self, on: bool) -> None:
        font = self.value_label.font()
        font.setStrikeOut(on)
        self.value_label.setFont(font)

    def _set_fitted(self, label: QLabel, text: str) -> None:
        """Set text, shrinking the font (one estimate) if it would not fit the panel's width."""
        label.setText(text)
        px = self._px.get(label, 14)
        font = QFont(label.font())
        font.setPixelSize(px)
        advance = QFontMetrics(font).horizontalAdvance(text)
        width = max(self.width() - 40, 40)
        if advance > width:
            font.setPixelSize(max(10, int(px * width / advance)))
        set_font(label, font)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._scale_fonts()

    def _scale_fonts(self) -> None:
        """The number takes as much of the panel as fits: ~45% of the height, width for 6 digits."""
        self._px = {}
        h, w = max(self.height(), 60), max(self.width(), 80)
        big = int(max(24, min(h * 0.42, w / 4.2)))
        for label, px, bold in (
            (self.value_label, big, True),
            (self.unit_label, max(12, big // 4), False),
            (self.cue_label, max(14, big // 3), True),
            (self.state_label, max(10, big // 7), False),
        ):
            font = QFont(label.font())
            font.setPixelSize(px)
            font.setBold(bold)
            if label is self.value_label:
                font.setStrikeOut(self.stale and math.isfinite(self._last_value))
                font.setFamilies(["DejaVu Sans Mono", "Menlo", "Consolas", "monospace"])  # digits of one width
            label.setFont(font)
            self._px[label] = px
        self._set_fitted(self.cue_label, self.cue_label.text())
