"""The client's report as one printable HTML page (A4), and the same page for Qt's PDF writer.

``render(data)`` is a self-contained page (inline SVG, no script, no external resource).
``render(data, images="resources")`` names the two drawings ``bodymap.svg`` and ``chart.svg``
as images instead, for a QTextDocument that is given them as resources (ui/clinical_pdf.py):
the tables, and so every number, are the same text in both.
"""

from __future__ import annotations

import html

from .bodymap import body_map
from .chart import chart
from .report import fmt, fmt_signed

CSS = """
@page { size: A4; margin: 14mm; }
body { font-family: sans-serif; font-size: 10pt; color: #212121; max-width: 180mm; margin: auto; }
h1 { font-size: 16pt; margin: 0 0 4px 0; } h2 { font-size: 12pt; margin: 14px 0 4px 0; }
table { border-collapse: collapse; margin: 4px 0 8px 0; page-break-inside: avoid; }
th, td { border: 1px solid #b0bec5; padding: 2px 6px; text-align: right; }
th { background: #eceff1; } td.l, th.l { text-align: left; }
.note { color: #546e7a; font-size: 8.5pt; } .flag { color: #546e7a; }
.figs { page-break-inside: avoid; }
"""

def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _flag(c: dict | None) -> str:
    if not c or c.get("within_error") is None:
        return "—"
    return "within measurement error" if c["within_error"] else "beyond measurement error"


def _set_cell(s: dict | None) -> str:
    if not s:
        return "—"
    return f"{fmt(s['mean'])} (CV {fmt(s['cv_pct'])} %, n {s['n']})"


def render(data: dict, *, images: str = "inline") -> str:
    unit = _e(data.get("unit") or "")
    client = data.get("client") or {}
    visits = data.get("visits") or []
    out = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
           f"<title>PPT record: {_e(client.get('name', ''))}</title><style>{CSS}</style></head><body>"]
    out.append(f"<h1>PPT record: {_e(client.get('name', ''))}</h1>")
    places = ", ".join(f"{p['site'] or 'no site'} {p['side']}".strip() for p in data.get("places") or [])
    out.append("<table>"
               f"<tr><th class='l'>practitioner</th><td class='l'>{_e(', '.join(data.get('practitioners') or []) or '—')}</td></tr>"
               f"<tr><th class='l'>visits</th><td class='l'>{len(visits)}: {_e(', '.join(visits)) or '—'}</td></tr>"
               f"<tr><th class='l'>sites</th><td class='l'>{_e(places) or '—'}</td></tr>"
               f"<tr><th class='l'>unit</th><td class='l'>{unit}; threshold = the trial's "
               f"{_e(data.get('threshold_rule') or 'value at the P press')}; mean of "
               f"{'trials 2 on' if data.get('drop_first') else 'every trial'}</td></tr></table>")
    out.append("<p class='note'>These are this client's own measurements. A change is called within "
               "measurement error when it is not larger than the minimal detectable change (MDC) shown "
               "beside it. Nothing on this page is a diagnosis.</p>")
    svg, off_map = body_map(data.get("sites") or [], fmt)
    drawn = chart(data)
    out.append("<div class='figs'><h2>Body map</h2>")
    out.append(svg if images == "inline" else "<p><img src='bodymap.svg' width='330'></p>")
    if off_map:
        out.append(f"<p class='note'>not on the map: {_e(', '.join(off_map))}</p>")
    out.append("</div>")
    out.append("<h2>Sites</h2>")
    for entry in data.get("sites") or []:
        name = f"{entry['site'] or 'no site'} {entry['side']}".strip()
        pop = (data.get("population_values") or {}).get(entry["site"])
        pop_text = "" if pop is None else (f" <span class=flag>(population value [1]: {fmt(pop['mean'])} ± "
                                           f"{fmt(pop['sd'])} {unit}; not a diagnosis)</span>")
        out.append(f"<table><tr><th class='l' colspan='6'>{_e(name)}{pop_text}</th></tr>"
                   f"<tr><th class='l'>visit</th><th>before ({unit})</th><th>after ({unit})</th>"
                   f"<th>change ({unit})</th><th>change %</th><th>MDC ({unit})</th></tr>")
        for v in entry["visits"]:
            c = v.get("treatment")
            before = v.get("before") or v.get("unphased")
            out.append(f"<tr><td class='l'>{_e(v['visit'])}</td><td>{_set_cell(before)}</td>"
                       f"<td>{_set_cell(v.get('after'))}</td><td>{fmt_signed(c and c['change'])}</td>"
                       f"<td>{fmt_signed(c and c['change_pct'])}</td><td>{fmt(c and c['mdc'])}"
                       f"{'' if not c else ' <span class=flag>(' + _flag(c) + ')</span>'}</td></tr>")
        for a in entry.get("across_visits") or []:
            out.append(f"<tr><td class='l' colspan='3'>since {_e(a['since'])} ({_e(a['phase'] or 'unphased')} treatment): {fmt(a['from'])} → {fmt(a['to'])} on {_e(a['visit'])}</td>"
                       f"<td>{fmt_signed(a['change'])}</td>"
                       f"<td>{fmt_signed(a['change_pct'])}</td><td>{fmt(a['mdc'])} "
                       f"<span class=flag>({_flag(a)})</span></td></tr>")
        out.append("</table>")
    if data.get("sides"):
        out.append(f"<h2>Left and right</h2><table><tr><th class='l'>visit</th><th class='l'>site</th>"
                   f"<th class='l'>phase</th><th>left ({unit})</th><th>right ({unit})</th>"
                   f"<th>difference %</th><th class='l'>lower</th></tr>")
        for d in data["sides"]:
            out.append(f"<tr><td class='l'>{_e(d['visit'])}</td><td class='l'>{_e(d['site'])}</td>"
                       f"<td class='l'>{_e(d['phase'] or '—')}</td><td>{fmt(d['left'])}</td><td>{fmt(d['right'])}</td>"
                       f"<td>{fmt_signed(d['diff_pct'])}</td><td class='l'>{_e(d['lower'])}</td></tr>")
        out.append("</table><p class='note'>difference = (left − right) / mean of both × 100</p>")
    if drawn:
        out.append("<div class='figs'><h2>Across visits</h2>")
        out.append(drawn[0] if images == "inline" else "<p><img src='chart.svg' width='500'></p>")
        out.append(f"<p class='note'>{drawn[1]}</p></div>")
    out.append(f"<h2>Trials</h2><table><tr><th class='l'>visit</th><th class='l'>site</th><th class='l'>side</th>"
               f"<th class='l'>phase</th><th>trials ({unit})</th><th>mean</th><th>SD</th><th>CV %</th>"
               f"<th>pain 0-10</th></tr>")
    for s in data.get("sets") or []:
        pains = ", ".join("—" if p is None else str(p) for p in s.get("pain") or [])
        out.append(f"<tr><td class='l'>{_e(s['visit'])}</td><td class='l'>{_e(s['site'] or '—')}</td>"
                   f"<td class='l'>{_e(s['side'] or '—')}</td><td class='l'>{_e(s['phase'] or '—')}</td>"
                   f"<td>{', '.join(fmt(v) for v in s['trials'])}</td><td>{fmt(s['mean'])}</td>"
                   f"<td>{fmt(s['sd'])}</td><td>{fmt(s['cv_pct'])}</td><td>{_e(pains)}</td></tr>")
    out.append("</table>")
    if data.get("holds"):
        out.append("<h2>Treatment holds</h2><table><tr><th class='l'>visit</th><th class='l'>site</th>"
                   "<th class='l'>side</th><th>target</th><th>held s</th><th>time in band %</th>"
                   "<th>steadiness CV %</th><th>score</th><th>pain 0-10</th></tr>")
        for h in data["holds"]:
            out.append(f"<tr><td class='l'>{_e(h['visit'])}</td><td class='l'>{_e(h['site'] or '—')}</td>"
                       f"<td class='l'>{_e(h['side'] or '—')}</td><td>{fmt(h['target'])} {_e(h['unit'])}</td>"
                       f"<td>{fmt(h['hold_s'])}</td><td>{fmt(h['time_in_band_pct'])}</td><td>{fmt(h['cv_pct'])}</td>"
                       f"<td>{fmt(h['score'], 0)}</td><td>{'—' if h['pain'] is None else h['pain']}</td></tr>")
        out.append("</table>")
    if data.get("notes"):
        out.append("<h2>Notes</h2><table>")
        for n in data["notes"]:
            out.append(f"<tr><td class='l'>{_e(n['visit'])}</td><td class='l'>{_e(n['text'])}</td></tr>")
        out.append("</table>")
    mdc = data.get("fixed_mdc")
    out.append("<p class='note'>MDC: " + (f"{fmt(mdc)} {unit}, given by the practitioner." if mdc is not None else
               "1.96 × √(SD₁²/n₁ + SD₂²/n₂) of the two sets' own trials (no literature value is "
               "assumed; see docs/clinical.md).") + "</p>")
    if data.get("population_values"):
        source = next(iter(data["population_values"].values()))["source"]
        out.append(f"<p class='note'>[1] population values: what healthy adults measured in one study, "
                   f"mean ± SD; shown for orientation, never as a diagnosis. {_e(source)}</p>")
    if data.get("problems"):
        out.append(f"<p class='note'>left out: {_e('; '.join(data['problems']))}</p>")
    out.append("</body></html>")
    page = "".join(out)
    if images != "inline":  # Qt's rich text sizes a table to its content unless told the width
        page = page.replace("<table>", "<table width='100%' cellspacing='0' cellpadding='2' border='1'>")
    return page
