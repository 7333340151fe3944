"""The class table at the end of a routine: each station's scores, as rows, CSV and one HTML page."""

from __future__ import annotations

import csv
import html
import io
import time

COLUMNS = (("station", "Station"), ("trainee", "Trainee"), ("time_in_band_pct", "Time in band %"),
           ("steps_done", "Steps done"), ("run_s", "Time in steps (s)"), ("final", "Routine done"))
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def class_rows(stations) -> list[dict]:
    """One row per station (StationView objects), sorted by station name."""
    rows = []
    for v in sorted(stations, key=lambda v: v.station):
        s = v.scores
        rows.append({"station": v.station, "trainee": v.trainee,
                     "time_in_band_pct": s.get("time_in_band_pct"), "steps_done": s.get("steps_done"),
                     "run_s": s.get("run_s"), "final": bool(v.final)})
    return rows


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def _safe(text: str) -> str:
    """Names come from the stations: one starting like a formula is quoted so it stays text."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv(rows) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow([title for _, title in COLUMNS])
    for r in rows:
        w.writerow([_safe(cell_text(r[k])) for k, _ in COLUMNS])
    return out.getvalue()


def to_html(rows, room: str) -> str:
    head = "".join(f"<th>{html.escape(t)}</th>" for _, t in COLUMNS)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(cell_text(r[k]))}</td>" for k, _ in COLUMNS) + "</tr>\n"
                   for r in rows)
    when = time.strftime("%Y-%m-%d %H:%M")
    return (f"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Class {html.escape(room)}</title>"
            "<style>body{font-family:sans-serif}table{border-collapse:collapse}"
            "td,th{border:1px solid #999;padding:4px 8px;text-align:left}</style></head><body>"
            f"<h1>Class {html.escape(room)}</h1><p>{when}</p><table><tr>{head}</tr>\n{body}</table></body></html>\n")
