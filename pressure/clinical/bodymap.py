"""The body map: front and back outlines drawn by the program (SVG), each measured site a dot
coloured by how its PPT changed across visits, with its latest value written beside it.

Colours carry a word too (the legend and each dot's title), never colour alone: up beyond the
measurement error, down beyond it, within it, or measured once.
"""

from __future__ import annotations

import html

from .sites import SITES

W, H = 100, 220
# (fill, word) for each way a site can have changed (checked for colour-vision deficiency by eye:
# blue / orange / grey differ in lightness as well as hue)
COLOURS = {
    "up": ("#1565c0", "higher than at the first visit (beyond measurement error)"),
    "down": ("#ef6c00", "lower than at the first visit (beyond measurement error)"),
    "same": ("#9e9e9e", "within measurement error of the first visit"),
    "once": ("#ffffff", "measured at one visit"),
}

_OUTLINE = (
    '<circle cx="50" cy="14" r="10"/>'
    '<path d="M45 23 L55 23 L56 30 L76 34 Q82 36 82 44 L74 106 Q50 114 26 106 L18 44 Q18 36 24 34 L44 30 Z"/>'
    '<path d="M20 38 Q12 70 8 108 M80 38 Q88 70 92 108" fill="none" stroke-width="8" stroke-linecap="round"/>'
    '<path d="M38 108 L36 208 M62 108 L64 208" fill="none" stroke-width="12" stroke-linecap="round"/>'
)


def _xy(site: str, side: str, view: str) -> tuple[float, float] | None:
    spot = SITES.get(site)
    if spot is None or spot[0] != view:
        return None
    _, x, y = spot
    if side == "midline":
        x = W / 2
    # the back view shows the client's left on the viewer's left; the front view mirrors it
    elif (side == "right") == (view == "back"):
        x = W - x
    return x, y


def trend_of(entry: dict) -> str:
    across = entry.get("across_visits") or []
    if not across:
        return "once"
    last = across[-1]
    if last.get("within_error") is None or last["within_error"]:
        return "same"
    return "up" if last["change"] > 0 else "down"


def latest_value(entry: dict) -> float | None:
    for v in reversed(entry.get("visits") or []):
        for key in ("before", "unphased", "after"):
            if v.get(key) and v[key].get("mean") is not None:
                return v[key]["mean"]
    return None


def body_map(sites: list[dict], fmt) -> tuple[str, list[str]]:
    """(the SVG, sites not on the map) for the ``sites`` entries of a client report."""
    parts, off_map = [], []
    for i, view in enumerate(("front", "back")):
        ox = i * (W + 40) + 10
        dots = []
        for entry in sites:
            xy = _xy(entry["site"], entry["side"], view)
            if xy is None:
                continue
            trend = trend_of(entry)
            fill, word = COLOURS[trend]
            value = latest_value(entry)
            label = fmt(value, 0)
            title = f"{entry['site']} {entry['side']}: {label}; {word}"
            tx = xy[0] + (7 if xy[0] >= W / 2 else -7)
            anchor = "start" if xy[0] >= W / 2 else "end"
            dots.append(f'<g><circle cx="{xy[0]:.1f}" cy="{xy[1]:.1f}" r="4.5" fill="{fill}" '
                        f'stroke="#212121" stroke-width="1.2"/><text x="{tx:.1f}" y="{xy[1] + 3:.1f}" '
                        f'font-size="7" text-anchor="{anchor}" fill="#212121">{html.escape(label)}</text>'
                        f'<title>{html.escape(title)}</title></g>')
        parts.append(f'<g transform="translate({ox} 16)"><text x="{W / 2}" y="-4" font-size="9" '
                     f'text-anchor="middle" fill="#424242">{view}</text>'
                     f'<g fill="#eceff1" stroke="#90a4ae" stroke-width="1.2">{_OUTLINE}</g>{"".join(dots)}</g>')
    for entry in sites:
        if entry["site"] not in SITES or not entry["site"]:
            off_map.append(f"{entry['site'] or 'no site'} {entry['side']}".strip())
    legend = []
    for j, (fill, word) in enumerate(COLOURS.values()):
        y = 2 * H // 2 + 30 + j * 11
        legend.append(f'<circle cx="16" cy="{y}" r="4" fill="{fill}" stroke="#212121"/>'
                      f'<text x="24" y="{y + 3}" font-size="8" fill="#212121">{html.escape(word)}</text>')
    total_w, total_h = 2 * W + 60, H + 80
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {total_w} {total_h}" '
           f'width="{total_w * 1.5:.0f}" height="{total_h * 1.5:.0f}" font-family="sans-serif" role="img" '
           f'class="bodymap">{"".join(parts)}{"".join(legend)}</svg>')
    return svg, off_map
