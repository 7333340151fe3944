"""The chart across visits: each site and side's PPT at each visit (before treatment solid,
after dashed), days since the first visit along the bottom; an SVG drawn by svgplot."""

from __future__ import annotations

import html

from ..svgplot import SvgPlot
from .report import fmt

PALETTE = ("#1565c0", "#ef6c00", "#2e7d32", "#6a1b9a", "#00838f", "#ad1457", "#4e342e", "#37474f")


def chart(data: dict) -> tuple[str, str] | None:
    """(the SVG, its legend as HTML) of PPT at each visit, one line per site and side (before
    treatment solid, after dashed); None with nothing to draw."""
    visits = data.get("visits") or []
    values = [s["mean"] for s in data.get("sets") or [] if s.get("mean") is not None]
    if not visits or not values:
        return None
    top = max(values) * 1.15
    day = _days(visits)
    span = max(day.values()) if day else 0
    plot = SvgPlot((-1.0, max(7, span) + 1.0), (0.0, top), width=640, height=260,
                   x_label=f"days since the first visit ({visits[0]})",
                   y_label=f"PPT ({data.get('unit')})", title="PPT across visits")
    legend = []
    for k, entry in enumerate(data.get("sites") or []):
        colour = PALETTE[k % len(PALETTE)]
        name = f"{entry['site'] or 'no site'} {entry['side']}".strip()
        for phase, dash in (("before", ""), ("unphased", ""), ("after", "5,3")):
            xs = [day[v["visit"]] for v in entry["visits"] if v.get(phase)]
            ys = [v[phase]["mean"] for v in entry["visits"] if v.get(phase)]
            if not xs:
                continue
            if len(xs) > 1:
                plot.line(xs, ys, stroke=colour, width=1.6, dash=dash, title=f"{name} {phase}")
            for x, y in zip(xs, ys):
                plot.point(x, y, f"{name} {phase}: {fmt(y)}", fill=colour, r=3.5)
        legend.append(f'<span style="color:{colour}">&#9632;</span> {html.escape(name)}')
    return plot.render(), " &nbsp; ".join(legend) + " &nbsp; (solid: before treatment; dashed: after)"


def _days(visits: list[str]) -> dict[str, float]:
    """Days from the first visit to each (a visit without a date: its place in the list)."""
    from datetime import date

    try:
        dates = [date.fromisoformat(v) for v in visits]
    except ValueError:
        return {v: float(i) for i, v in enumerate(visits)}
    return {v: float((d - dates[0]).days) for v, d in zip(visits, dates)}
