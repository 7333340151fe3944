"""Colours and fonts of the live window, in one place.

The zone colours are read from across a treatment table, often by someone with a
colour-vision deficiency (about one man in twelve), so they are taken from the colour-blind-safe
schemes of Okabe & Ito (2008) and Paul Tol (2021): blue for "in the band" (hold) rather than
green, light cyan below, orange above, a deep red over the ceiling. A red-green reader loses
the red-green axis, not the blue-yellow one nor lightness: each zone differs from the others in
lightness or on the blue-yellow axis, and tests/test_colour_vision.py checks every pair with the
Machado (2009) simulations (CIEDE2000 >= 20). Every zone also says its meaning in words and a
shape (the cue), and each background comes with the text colour that keeps a contrast ratio of
at least 4.5:1 against it.

"No signal" is the one light, hatched panel (``STALE`` with ``STALE_HATCH``): nothing live
ever looks like it, whatever one's colour vision.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

# Zone names used by the window (mapped from the coach's zones in ``zone_key``).
BELOW, IN_BAND, ABOVE, CEILING, IDLE, STALE = "below", "in", "above", "ceiling", "idle", "stale"


@dataclass(frozen=True)
class ZoneStyle:
    background: str
    text: str
    label: str  # what the zone means, for tooltips and accessibility


ZONES: dict[str, ZoneStyle] = {
    BELOW: ZoneStyle("#33bbee", "#111111", "below the target band"),        # Tol vibrant cyan
    IN_BAND: ZoneStyle("#0072b2", "#ffffff", "in the target band"),         # Okabe-Ito blue
    ABOVE: ZoneStyle("#e69f00", "#111111", "above the target band"),        # Okabe-Ito orange
    # a deep red, darker than the orange and lighter than the idle grey for a protanope
    CEILING: ZoneStyle("#c0182b", "#ffffff", "over the safety ceiling"),
    IDLE: ZoneStyle("#2b2f36", "#e8e8e8", "no target in this step"),
    STALE: ZoneStyle("#e0e0e0", "#111111", "no live signal"),
}
# The no-signal panel's second stripe and border (a hatch: it reads "not live" without colour).
STALE_HATCH = "#c4c4c4"
STALE_BORDER = "#111111"
# A live value while the routine waits for the key (Space or the pedal). Not the no-signal look:
# the value is live; not a zone colour either (there is no band to be in). Framed in lilac.
WAITING = "waiting"
WAITING_STYLE = ZoneStyle("#4527a0", "#ffffff", "live: waiting for the Space key (or the pedal)")
WAITING_BORDER = "#b39ddb"

# The hold timer's bar: the hold's blue (lighter, to stand out on the dark track) while it runs,
# the "above" orange while it is paused; green and amber were one colour to a deuteranope.
PROGRESS_RUNNING = "#3d9be9"
PROGRESS_PAUSED = "#e69f00"
PROGRESS_TRACK = "#2b2f36"

# Plot colours (pyqtgraph accepts these strings).
PLOT_BACKGROUND = "#15181d"
PLOT_FOREGROUND = "#c8ccd2"
RAW_PEN = (170, 180, 195, 90)        # faint: raw readings
SMOOTH_PEN = "#ffffff"                # bold: smoothed value
TARGET_PEN = "#3ddc84"
BAND_BRUSH = (61, 220, 132, 45)
PACER_PEN = "#8ab4f8"
CEILING_PEN = "#ff3b3b"
MARKER_PEN = "#ffd54f"
OVERVIEW_PEN = "#9aa4b2"
OVERVIEW_REGION_BRUSH = (255, 255, 255, 30)

SMOOTH_WIDTH = 3
RAW_WIDTH = 1


def zone_key(zone: object) -> str:
    """Map a coach zone (enum or string, any spelling) onto the window's zone names."""
    name = str((zone.value if isinstance(zone, Enum) else zone) or "").lower()
    name = name.rsplit(".", 1)[-1]
    if name in ("ceiling", "over_ceiling", "over", "alarm", "danger"):
        return CEILING
    if name in ("below", "under", "low", "too_low"):
        return BELOW
    if name in ("in", "in_band", "inside", "ok", "band", "good"):
        return IN_BAND
    if name in ("above", "high", "too_high"):
        return ABOVE
    return IDLE


def contrast_ratio(fg: str, bg: str) -> float:
    """WCAG contrast ratio of two '#rrggbb' colours (used by the tests to keep the palette honest)."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255.0 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)
