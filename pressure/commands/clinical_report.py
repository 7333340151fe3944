"""``report --client NAME``: a client's PPT record across visits as text, JSON, HTML or PDF."""

from __future__ import annotations

import json
import math
from pathlib import Path

from ..errors import PressureError


def _text(data: dict) -> str:
    from ..clinical.report import fmt, fmt_signed

    unit = data.get("unit")
    lines = [f"client: {data['client']['name']}", f"visits: {', '.join(data['visits']) or '-'}"]
    for s in data["sets"]:
        lines.append(f"{s['visit']}  {s['site'] or '-'} {s['side'] or '-'} {s['phase'] or '-'}: "
                     f"{', '.join(fmt(v) for v in s['trials'])} {unit}; mean {fmt(s['mean'])}, CV {fmt(s['cv_pct'])} %")
    for entry in data["sites"]:
        for v in entry["visits"]:
            c = v.get("treatment")
            if c:
                lines.append(f"{v['visit']}  {entry['site']} {entry['side']}: after treatment {fmt_signed(c['change'])} "
                             f"{unit} ({fmt_signed(c['change_pct'])} %), MDC {fmt(c['mdc'])}"
                             + (" - within measurement error" if c["within_error"] else ""))
        for a in entry["across_visits"]:
            lines.append(f"{a['visit']}  {entry['site']} {entry['side']}: since {a['since']} {fmt_signed(a['change'])} "
                         f"{unit} ({fmt_signed(a['change_pct'])} %), MDC {fmt(a['mdc'])}"
                         + (" - within measurement error" if a["within_error"] else ""))
    for d in data["sides"]:
        lines.append(f"{d['visit']}  {d['site']} {d['phase'] or ''}: left {fmt(d['left'])}, right {fmt(d['right'])}, "
                     f"difference {fmt_signed(d['diff_pct'])} %")
    for h in data.get("holds") or []:
        lines.append(f"{h['visit']}  hold {h['site'] or '-'} {h['side'] or '-'}: target {fmt(h['target'])} {h['unit']}, "
                     f"in band {fmt(h['time_in_band_pct'])} %, CV {fmt(h['cv_pct'])} %"
                     + ("" if h["pain"] is None else f", pain {h['pain']}/10"))
    for site, pop in (data.get("population_values") or {}).items():
        lines.append(f"population value, {site}: {fmt(pop['mean'])} ± {fmt(pop['sd'])} {pop['unit']} "
                     f"(healthy adults in one study; not a diagnosis)")
    for p in data.get("problems") or []:
        lines.append(f"left out: {p}")
    return "\n".join(lines)


def run_client(args) -> int:
    from ..clinical.html import render
    from ..clinical.report import client_report
    from ..recording.outputs import check_output, write_atomic

    if args.file is not None:
        raise PressureError("give either FILE or --client NAME, not both")
    if args.store or args.trainee:
        raise PressureError("--trainee/--store are for one session, not --client")
    if args.mdc is not None and not (math.isfinite(args.mdc) and args.mdc > 0):
        raise PressureError("--mdc must be a positive number")
    if args.html:  # before the work, not after
        check_output(Path(args.html), force=args.force, what="report")
    if args.pdf:
        check_output(Path(args.pdf), force=args.force, what="PDF report")
    data = client_report(args.client, drop_first=args.drop_first, fixed_mdc=args.mdc)
    if args.html:
        page = render(data)
        write_atomic(Path(args.html), lambda fh: fh.write(page), force=args.force, what="report")
    if args.pdf:
        from ..ui.clinical_pdf import write_pdf

        write_pdf(data, args.pdf, force=args.force)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=1))
    else:
        print(_text(data))
        for out in (args.html, args.pdf):
            if out:
                print(f"wrote {out}")
    return 0
