"""What the readout's cue says: the coach's cue in words, and a shape before them.

The shape (an arrow up: press harder, down: ease off, a dot: hold) carries the meaning without
colour and without reading, for colour-blind readers and for peripheral vision. A glyph the
font lacks would be drawn as an empty box, so each has a plain ASCII fallback.
"""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontMetrics

from . import theme

CUE_TEXT = {
    "press": "PRESS HARDER",
    "hold": "HOLD",
    "ease": "EASE OFF",
    "release": "RELEASE",
    "let_go": "LET GO FULLY",
    "rest": "REST",
    "done": "ROUTINE DONE",
    "stop": "",
    "check_zero": "BELOW ZERO: TARE (T)",  # the zero is wrong (pressure.zero.below_floor)
}


WAITING_CUE = "SPACE: NEXT STEP"

# The shape before each cue's words, and a plain fallback for a font without the glyph.
CUE_SHAPES = {
    "PRESS HARDER": "\u25b2",      # ▲
    "EASE OFF": "\u25bc",          # ▼
    "HOLD": "\u25cf",              # ●
    "RELEASE!": "\u25bc\u25bc",    # ▼▼ over the ceiling
    "RELEASE": "\u25bc",
    "LET GO FULLY": "\u25bc\u25bc",  # a release whose time is up with the force still on
    "REST": "\u25cb",              # ○
    WAITING_CUE: "\u25b6",         # ▶
    "ROUTINE DONE": "\u2713",      # ✓
    "SENSOR SATURATED": "!",
    "BELOW ZERO: TARE (T)": "!",
}
STALE_SHAPE = "\u00d7"             # × before NO SIGNAL, DISCONNECTED, ...
ASCII_SHAPES = {"\u25b2": "^", "\u25bc": "v", "\u25cf": "=", "\u25cb": "~", "\u25b6": ">", "\u2713": "*"}


def cue_text(cue: str, zone: str = "", waiting_for_key: bool = False) -> str:
    """Words for the coach's cue. Over the ceiling it is an order ("RELEASE!"); a step that
    waits for the key says which key."""
    if zone == theme.CEILING:
        return "RELEASE!"
    if waiting_for_key:
        return WAITING_CUE
    return CUE_TEXT.get(cue, str(cue).replace("_", " ").upper())


def with_shape(words: str, font: QFont | None = None) -> str:
    """The cue as shown: its shape, then its words ("\u25b2 PRESS HARDER"). A glyph the font
    lacks would be an empty box: then the plain fallback ("^ PRESS HARDER")."""
    shape = CUE_SHAPES.get(words, "")
    if not words or not shape:
        return words
    metrics = QFontMetrics(font if font is not None else QFont())
    if not all(metrics.inFontUcs4(ord(ch)) for ch in shape):
        shape = "".join(ASCII_SHAPES.get(ch, ch) for ch in shape)
    return f"{shape} {words}"
