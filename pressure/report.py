"""Session reports: every number as JSON, and one self-contained HTML file for people.

Why one HTML file: an instructor mails it to a student or prints it; it must open in any
browser without the program, a network or a plugin. Everything is inline (CSS, an SVG plot
drawn by :mod:`pressure.svgplot`); there is no script. Every piece of text that comes from a
file (client and student names, notes, routine labels) goes through ``html.escape``.

The JSON (``build_report``) is the source of the HTML: the page shows what the JSON says, so
``report --json`` and ``report --html`` never disagree.
"""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass

import numpy as np

from . import __version__
from .errors import PressureError
from .markers import kept_markers
from .scoring import SessionScores, clean, score_recording
from .svgplot import SvgPlot

log = logging.getLogger(__name__)

HOLD_COLUMNS = (  # (key, heading, format)
    ("time_to_band_s", "time to band (s)", "{:.1f}"),
    ("overshoot_pct", "overshoot (% target)", "{:.1f}"),
    ("time_in_band_pct", "time in band (%)", "{:.1f}"),
    ("mae_pct", "mean abs. error (% target)", "{:.1f}"),
    ("cv_pct", "CV (%)", "{:.1f}"),
    ("drift_pct_per_10s", "drift (% target / 10 s)", "{:+.1f}"),
    ("release_drop_pct", "release drop (% target / 0.2 s)", "{:.0f}"),
)
META_KEYS = ("started_at", "ended_at", "duration_s", "kind", "unit", "area_cm2", "samples",
             "gaps", "reconnects", "program_version")


@dataclass
class Report:
    """A built report: ``data`` is the JSON, ``scores``/``comparison`` keep the traces."""

    data: dict
    scores: SessionScores
    comparison: object | None = None

    def html(self) -> str:
        ghost = None
        if self.comparison is not None and len(self.comparison.ghost_t):
            ghost = (self.comparison.ghost_t, self.comparison.ghost_value)
        return render_html(self.data, session_trace(self.scores), ghost)


def session_trace(scores) -> tuple:
    """(t, value) of the whole session: every run's trace in order when there are several runs
    in one unit (the plot shows them all), else the scored run's."""
    runs = [r for r in (scores.runs or ()) if r is not None]
    if len(runs) > 1 and len({r.unit for r in runs}) == 1:
        return np.concatenate([r.t for r in runs]), np.concatenate([r.value for r in runs])
    return scores.t, scores.value


def run_list(report: dict) -> list:
    """The report's runs (a session whose routine changed or restarted), or [] for one run."""
    runs = report.get("runs") or []
    return runs if len(runs) > 1 else []


def _metadata(rec) -> dict:
    meta = rec.meta
    out = {k: meta.get(k) for k in META_KEYS}
    sensor = meta.get("sensor") or {}
    out["sensor"] = {k: sensor.get(k) for k in ("id", "format", "rate_hz")} if isinstance(sensor, dict) else {}
    out["filter"] = meta.get("filter")
    labels = meta.get("labels") or {}
    out["labels"] = {str(k): str(v) for k, v in labels.items() if v} if isinstance(labels, dict) else {}
    out["source"] = meta.get("source")
    out["interrupted"] = rec.interrupted
    return out


def build(rec, routine=None, *, with_reference: bool = True) -> Report:
    """Score a recording and gather everything the report shows."""
    scores = score_recording(rec, routine)
    comparison, reference_note = None, None
    if with_reference:
        from .references import compare_with_reference, find_reference

        try:
            ref = find_reference(scores.routine_name)
            if ref is not None and ref.path.resolve() != rec.path.resolve():
                comparison = compare_with_reference(scores, routine)
        except PressureError as exc:  # a broken reference must not cost the report
            reference_note = str(exc)
            log.warning("reference not compared: %s", exc)
    data = {
        "file": str(rec.path),
        "generated_by": f"pressure {__version__}",
        "metadata": _metadata(rec),
        "routine": scores.routine_name,
        "score": scores.score,
        **{k: v for k, v in scores.to_dict().items() if k not in ("routine", "score")},
        "markers": [{"t_s": e.t, "text": e.text} for e in kept_markers(rec.events)],
        **clinical_events(rec.events),  # where and how it hurt (docs/clinical.md)
        "comparison": None if comparison is None else comparison.to_dict(),
    }
    if reference_note:
        data["reference_note"] = reference_note
    return Report(clean(data), scores, comparison)


def clinical_events(events) -> dict:
    """The recording's body sites and pain ratings: {"sites": [...], "pain": [...]}."""
    sites = [{"t_s": e.t, **{k: str(e.data.get(k) or "") for k in ("site", "side", "phase")}}
             for e in events if e.kind == "site" and isinstance(e.data, dict)]
    pain = [{"t_s": e.t, "nrs": e.data.get("nrs")} for e in events
            if e.kind == "pain" and isinstance(e.data, dict) and isinstance(e.data.get("nrs"), int)]
    return {"sites": sites, "pain": pain}


def build_report(rec, routine=None) -> dict:
    """The report as JSON-able data (every number the HTML shows)."""
    return build(rec, routine).data


# ------------------------------------------------------------------ HTML

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em auto;max-width:1000px;
color:#222;padding:0 1em}
h1{font-size:1.4em;margin-bottom:.2em}h2{font-size:1.1em;margin-top:1.6em}
.score{font-size:2.4em;font-weight:bold}.muted{color:#666}
table{border-collapse:collapse;margin:.5em 0;font-size:.92em}
th,td{border:1px solid #ccc;padding:.25em .6em;text-align:right}
th{background:#f3f3f3}td.l,th.l{text-align:left}
dl{display:grid;grid-template-columns:max-content auto;gap:.15em 1em}dt{color:#555}dd{margin:0}
.legend span{display:inline-block;margin-right:1.2em}
@media print{body{margin:0;max-width:none}}
"""


def _e(value) -> str:
    return html.escape("" if value is None else str(value))


def number_text(value, fmt: str = "{:.1f}") -> str:
    """``fmt.format(value)``, but a value that rounds to zero has no sign: "0", never "-0" or
    "+0" (a worst moment "-0 % of target" reads as an error). Shared by every text output."""
    text = fmt.format(value)
    if text[:1] in "+-" and not text.strip("+-0."):
        text = text[1:]
    return text


def local_time_text(stamp) -> str | None:
    """An ISO time stamp as local time with its zone ("2026-12-04 05:14:03 CET"); other text
    is shown as it is."""
    if not isinstance(stamp, str):
        return stamp
    from datetime import datetime
    try:
        when = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp
    return when.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z (UTC%z)")


def completion_text(report: dict) -> str:
    """'holds completed: 1 of 5' (the score counts the rest by the part of them done)."""
    done, total = report.get("holds_completed"), report.get("holds_total")
    if not total:
        return "no holds in the routine"
    return f"holds completed: {done} of {total}"


def plural(n: int, word: str) -> str:
    """'1 attempt', '2 attempts'."""
    return f"{n} {word}" + ("" if n == 1 else "s")


def _num(value, fmt: str = "{:.1f}") -> str:
    if value is None:
        return "&ndash;"
    if isinstance(value, bool):
        return "yes" if value else "no"
    try:
        return _e(number_text(value, fmt))
    except (TypeError, ValueError):
        return _e(value)


def _plot(report: dict, trace, ghost) -> str:
    t, y = (np.asarray(a, dtype=float) for a in trace)
    ok = np.isfinite(t) & np.isfinite(y)
    t, y = t[ok], y[ok]
    runs = [r for r in run_list(report) if r is not None]
    steps = [s for r in runs for s in r.get("steps") or []] if runs else (report.get("steps") or [])
    unit = report.get("unit") or ""
    uppers = [s.get("upper") for s in steps if s.get("upper") is not None]
    y_hi = max([float(np.max(y)) if y.size else 1.0, *uppers]) * 1.08
    y_lo = min(0.0, float(np.min(y)) if y.size else 0.0)
    x0, x1 = (float(t[0]), float(t[-1])) if t.size else (0.0, 1.0)
    plot = SvgPlot((x0, x1), (y_lo, y_hi), y_label=unit, title="force over time")
    for s in steps:
        if s.get("kind") == "hold":
            plot.span(s.get("hold_start_s") or s["start_s"], s["end_s"],
                      title=f"hold window, step {s['index'] + 1}")
    for s in steps:
        if s.get("lower") is not None and s.get("kind") in ("ramp", "hold"):
            plot.band(s["start_s"], s["end_s"], s["lower"], s["upper"],
                      title=f"target band {number_text(s['lower'], '{:g}')}-{number_text(s['upper'], '{:g}')} {unit}")
    if ghost is not None:
        plot.line(ghost[0], ghost[1], stroke="#8e24aa", width=1.0, dash="5,4", css_class="ghost",
                  title="reference")
    plot.line(t, y, stroke="#111", title="attempt (smoothed)")
    for s in steps:
        plot.vline(s["start_s"], f"{s['index'] + 1} {s.get('label') or s.get('kind')}", stroke="#999")
    for i, r in enumerate(runs[1:], start=2):
        if r.get("run_start_s") is not None:
            plot.vline(r["run_start_s"], f"run {i}: {r.get('routine')}", stroke="#6a1b9a")
    for p in report.get("pain") or []:
        plot.vline(p["t_s"], f"pain {p['nrs']}/10", stroke="#6a1b9a", dash="1,2")
    for m in report.get("markers") or []:
        plot.vline(m["t_s"], m.get("text") or "marker", stroke="#ef6c00", dash="1,2")
    for thr in report.get("thresholds") or []:
        if thr.get("value") is not None:
            plot.point(thr.get("peak_t_s") or thr["t_s"], thr["value"], f"threshold {number_text(thr['value'], '{:g}')} {unit}", fill="#1565c0")
    worst = report.get("worst")
    if worst and worst.get("t_s") is not None:
        plot.point(worst["t_s"], worst["value"],
                   f"worst moment: {number_text(worst['value'])} {unit} at {number_text(worst['t_s'])} s "
                   f"({number_text(worst['deviation_pct'], '{:+.0f}')} % of target)")
    return plot.render()


def _table(steps: list[dict], unit: str) -> str:
    holds = [s for s in steps if s.get("kind") == "hold"]
    rows = []
    head = "".join(f"<th>{_e(h)}</th>" for _, h, _ in HOLD_COLUMNS)
    for s in holds:
        cells = "".join(f"<td>{_num(s.get(k), f)}</td>" for k, _, f in HOLD_COLUMNS)
        abrupt = s.get("abrupt_release")
        rows.append(
            f"<tr><td class='l'>{s['index'] + 1} {_e(s.get('label'))}</td>"
            f"<td>{_num(s.get('target'), '{:g}')} &plusmn; "
            f"{_num(None if s.get('upper') is None else s['upper'] - s['target'], '{:g}')}</td>"
            f"{cells}<td>{'abrupt' if abrupt else ('gentle' if abrupt is False else '&ndash;')}</td>"
            f"<td>{'yes' if s.get('completed') else 'no'}</td>"
            f"<td><b>{_num(s.get('score'), '{:.0f}')}</b></td></tr>")
    out = [f"<table class='steps'><thead><tr><th class='l'>hold</th><th>target ({_e(unit)})</th>"
           f"{head}<th>release</th><th>finished</th><th>score</th></tr></thead><tbody>{''.join(rows)}"
           f"</tbody></table>"]
    paced = [s for s in steps if s.get("kind") in ("ramp", "threshold") and s.get("rate_prescribed")]
    if paced:
        r = "".join(
            f"<tr><td class='l'>{s['index'] + 1} {_e(s.get('label') or s['kind'])}</td>"
            f"<td>{_num(s.get('rate_prescribed'), '{:g}')}</td><td>{_num(s.get('rate_achieved'))}</td>"
            f"<td>{_num(s.get('rate_error_pct'), '{:+.0f}')}</td><td>{_num(s.get('threshold'))}</td>"
            f"<td><b>{_num(s.get('score'), '{:.0f}')}</b></td></tr>" for s in paced)
        out.append(f"<table class='ramps'><thead><tr><th class='l'>ramp / trial</th>"
                   f"<th>prescribed ({_e(unit)}/s)</th><th>achieved</th><th>error (%)</th>"
                   f"<th>threshold ({_e(unit)})</th><th>score</th></tr></thead><tbody>{r}</tbody></table>")
    return "".join(out)


def _comparison(cmp: dict | None) -> str:
    if not cmp:
        return ""
    rows = []
    for s in cmp.get("steps") or []:
        st, rf = s.get("student") or {}, s.get("reference") or {}
        cells = "".join(f"<td>{_num(st.get(k), f)}</td><td class='muted'>{_num(rf.get(k), f)}</td>"
                        for k, _, f in HOLD_COLUMNS if k in st)
        rows.append(f"<tr><td class='l'>{s['student_step'] + 1} {_e(s.get('label'))}</td>{cells}"
                    f"<td>{_num(s.get('rms_diff_pct'))}</td><td>{_num(s.get('mean_diff_pct'), '{:+.1f}')}</td></tr>")
    head = "".join(f"<th colspan='2'>{_e(h)}</th>" for k, h, _ in HOLD_COLUMNS if k != "release_drop_pct")
    return (f"<h2>Compared with the reference</h2><p>score {_num(cmp.get('student_score'), '{:.0f}')} "
            f"(reference {_num(cmp.get('reference_score'), '{:.0f}')}); RMS difference of the aligned "
            f"holds {_num(cmp.get('rms_diff_pct'))} % of target. Each pair of columns: attempt, "
            f"<span class='muted'>reference</span>.</p>"
            f"<table class='comparison'><thead><tr><th class='l'>hold</th>{head}<th>RMS diff (%)</th>"
            f"<th>mean diff (%)</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
            f"<p class='muted'>reference: {_e(cmp.get('reference'))}</p>")


def _steps_html(report: dict, unit: str, thresholds_html: str) -> str:
    """The steps table: one per run (each its routine, bands and score) when there are several."""
    runs = run_list(report)
    if not runs:
        return f"<h2>Steps</h2>{_table(report.get('steps') or [], unit)}{thresholds_html}"
    out = [f"<h2>Runs</h2><p class='muted'>The routine was changed or restarted during the session: "
           f"{len(runs)} runs, each scored on its own with its own routine. The score above is the last run's.</p>"]
    for i, r in enumerate(runs, start=1):
        if r is None:
            out.append(f"<h2>Run {i}: nothing to score</h2>")
            continue
        r_unit = r.get("unit") or unit
        out.append(f"<h2>Run {i} of {len(runs)}: {_e(r.get('routine'))}</h2>"
                   f"<p>from {_num(r.get('run_start_s'))} s; score <b>{_num(r.get('score'), '{:.0f}')}</b> / 100 "
                   f"<span class='muted'>({_e(completion_text(r))})</span></p>{_table(r.get('steps') or [], r_unit)}")
        if r.get("thresholds"):
            vals = ", ".join(_num(d.get("value")) for d in r["thresholds"])
            out.append(f"<p>pain thresholds ({_e(r_unit)}): {vals}; mean {_num(r.get('threshold_mean'))}</p>")
    return "".join(out)


def render_html(report: dict, trace, ghost=None) -> str:
    """One self-contained HTML page: header, score, the plot, the per-step table, comparison.

    ``trace`` is (t, smoothed value in the report's unit); ``ghost`` an optional reference
    (t, value) drawn dashed under it.
    """
    meta = report.get("metadata") or {}
    labels = meta.get("labels") or {}
    unit = report.get("unit") or ""
    # the report goes to clients and trainees: the file's name, never where it sits on disk
    name = str(report.get("file") or "").replace("\\", "/").rsplit("/", 1)[-1]
    facts = [("file", name), ("started", local_time_text(meta.get("started_at"))),
             ("duration", None if meta.get("duration_s") is None else f"{number_text(meta['duration_s'])} s"),
             ("routine", report.get("routine")), ("unit", unit),
             ("filter", (report.get("filter") or {}).get("name")),
             ("sensor", (meta.get("sensor") or {}).get("id"))]
    facts += [(k, v) for k, v in labels.items()]
    if meta.get("interrupted"):
        facts.append(("note", "the recording was interrupted (not closed)"))
    if report.get("zero_suspect"):
        facts.append(("zero", report["zero_suspect"]))
    if report.get("reference_note"):
        facts.append(("reference", report["reference_note"]))
    dl = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in facts if v not in (None, ""))
    summary = report.get("summary") or {}
    thr = ""
    if report.get("thresholds"):
        vals = ", ".join(_num(d.get("value")) for d in report["thresholds"])
        thr = (f"<p>pain thresholds ({_e(unit)}, the peak up to each P press): {vals}; mean "
               f"{_num(report.get('threshold_mean'))}, CV {_num(report.get('threshold_cv_pct'))} %")
        pressed = [d.get("at_press") for d in report["thresholds"]]
        if any(p is not None for p in pressed):
            thr += f"; at the P press: {', '.join(_num(p) for p in pressed)}"
        thr += "</p>"
    worst = report.get("worst")
    worst_text = ""
    if worst:
        worst_text = (f"<p>worst moment (red circle): {_num(worst.get('value'))} {_e(unit)} at "
                      f"{_num(worst.get('t_s'))} s, {_num(worst.get('deviation_pct'), '{:+.0f}')} % "
                      f"from the target of hold {worst['step'] + 1}.</p>")
    names = [r.get("routine") for r in run_list(report) if r is not None]
    heading = " → ".join(str(n) for n in names) if names else report.get("routine")
    title = f"pressure report: {heading or ''}"
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{_e(title)}</title>"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<meta name='generator' content='{_e(report.get('generated_by'))}'><style>{_CSS}</style></head><body>"
        f"<h1>{_e(heading)}</h1>"
        f"<p><span class='score'>{_num(report.get('score'), '{:.0f}')}</span> / 100 "
        f"<span class='muted'>session score (docs/scoring.md); {_e(completion_text(report))}; mean time in band "
        f"{_num(summary.get('time_in_band_pct'))} %, mean CV {_num(summary.get('cv_pct'))} %</span></p>"
        f"<dl>{dl}</dl>"
        f"<h2>Trace</h2>{_plot(report, trace, ghost)}"
        f"<p class='legend muted'><span>black: attempt (smoothed)</span><span>green: target band</span>"
        f"<span>blue shading: hold windows</span>{'<span>purple dashed: reference</span>' if ghost is not None else ''}"
        f"<span>grey lines: step starts</span><span>orange: markers</span></p>{worst_text}"
        f"{_steps_html(report, unit, thr)}"
        f"{_comparison(report.get('comparison'))}"
        f"<p class='muted'>{_e(report.get('generated_by'))}</p></body></html>\n")
