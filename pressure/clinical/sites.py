"""Where it hurt: body sites, sides and phases as a recording carries them.

A recording's labels (``site``, ``side``, ``phase``) say where it starts; a ``site`` event
(data ``{"site", "side", "phase"}``) changes them from its time on, so each PPT trial or hold
within one recording has its own place. Older recordings only have ``labels.muscle``: it is
read as the site.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from ..errors import PressureError

# Common myofascial trigger-point sites (free text is accepted too). ``view``: where the body
# map draws them (front/back) and at which point of its 100 x 220 outline, for the left side
# of the body as seen on the back view; the right side mirrors x (bodymap.py).
SITES = {
    "upper trapezius": ("back", 38, 42),
    "levator scapulae": ("back", 42, 36),
    "infraspinatus": ("back", 32, 62),
    "supraspinatus": ("back", 34, 50),
    "rhomboid": ("back", 43, 60),
    "suboccipital": ("back", 45, 24),
    "erector spinae": ("back", 45, 92),
    "quadratus lumborum": ("back", 41, 104),
    "gluteus medius": ("back", 34, 118),
    "piriformis": ("back", 40, 126),
    "gastrocnemius": ("back", 40, 182),
    "sternocleidomastoid": ("front", 45, 30),
    "pectoralis major": ("front", 37, 55),
    "deltoid": ("front", 26, 50),
    "forearm extensors": ("front", 16, 98),
    "tibialis anterior": ("front", 41, 180),
    "masseter": ("front", 46, 20),
    "temporalis": ("front", 43, 12),
}
SIDES = ("left", "right", "midline")
PHASES = ("before", "after")
MAX_TEXT = 60


@dataclass(frozen=True)
class Place:
    """Where a trial or hold was measured, and whether before or after treatment."""

    site: str = ""
    side: str = ""
    phase: str = ""

    def to_dict(self) -> dict:
        return {"site": self.site, "side": self.side, "phase": self.phase}


def clean_site(text) -> str:
    """A site as stored: lower case, single spaces, no control characters ('' for none)."""
    if text is None:
        return ""
    if not isinstance(text, str):
        raise PressureError(f"a body site must be text, not {text!r}")
    bad = [c for c in text if unicodedata.category(c).startswith("C")]
    if bad:
        raise PressureError(f"a body site must not contain control characters (found {bad[0]!r})")
    site = unicodedata.normalize("NFC", " ".join(text.split())).casefold()
    if len(site) > MAX_TEXT:
        raise PressureError(f"a body site is at most {MAX_TEXT} characters")
    return site


def clean_choice(text, allowed: tuple, what: str) -> str:
    value = "" if text is None else " ".join(str(text).split()).casefold()
    if value and value not in allowed:
        raise PressureError(f"{what} {text!r}: use one of {', '.join(allowed)}")
    return value


def place(site="", side="", phase="") -> Place:
    return Place(clean_site(site), clean_choice(side, SIDES, "side"), clean_choice(phase, PHASES, "phase"))


def lenient_place(data: dict) -> Place:
    """A Place from what a file says: anything unusable becomes '' (a file never stops a report)."""
    try:
        site = clean_site(data.get("site") if isinstance(data.get("site"), str) else "")
    except PressureError:
        site = ""
    side = str(data.get("side") or "").casefold()
    phase = str(data.get("phase") or "").casefold()
    return Place(site, side if side in SIDES else "", phase if phase in PHASES else "")


def initial_place(labels: dict) -> Place:
    """The place a recording starts at, from its labels (``muscle`` when it has no ``site``)."""
    labels = labels if isinstance(labels, dict) else {}
    site = labels.get("site") or labels.get("muscle") or ""
    return lenient_place({"site": site, "side": labels.get("side"), "phase": labels.get("phase")})


def place_at(t: float, start: Place, events) -> Place:
    """The place in effect at session time ``t``: the last ``site`` event at or before it."""
    current = start
    for e in events:
        if e.kind == "site" and e.t <= t and isinstance(e.data, dict):
            current = lenient_place(e.data)
    return current
