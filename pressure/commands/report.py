"""``report``: score a recorded session and print it, as JSON, or as a single-file HTML page.

A session recorded without a routine (an imported CSV) is scored against ``--routine`` or a
single hold from ``--target/--tolerance/--hold``, the same options as the live window.
``--trainee NAME --store`` also stores the attempt in the trainee's progress.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from ..errors import PressureError
from ._routine_options import add_routine_options, routine_from_args
from ._terminal import json_shown, shown

log = logging.getLogger(__name__)


def register(sub) -> None:
    p = sub.add_parser("report", help="score a recorded session: text, JSON or an HTML page",
                       description="Score a recorded session against its routine (or another one) "
                                   "and print the result as text, JSON or an HTML page.")
    p.add_argument("file", metavar="FILE", nargs="?", help="a recorded session (.pressure)")
    p.add_argument("--client", metavar="NAME", help="instead of FILE: the client's PPT record across "
                   "visits (docs/clinical.md), as text, --json, --html and/or --pdf")
    p.add_argument("--pdf", metavar="OUT.pdf", help="with --client: write the record as a PDF (A4)")
    p.add_argument("--drop-first", action="store_true", help="with --client: average PPT trials 2 on")
    p.add_argument("--mdc", type=float, metavar="VALUE",
                   help="with --client: a fixed minimal detectable change in the record's unit")
    p.add_argument("--json", action="store_true", help="print every number of the report as JSON")
    p.add_argument("--html", metavar="OUT.html", help="write the report as one self-contained HTML file")
    p.add_argument("--force", action="store_true", help="overwrite an existing --html file")
    p.add_argument("--trainee", metavar="NAME", help="the trainee who made this attempt (with --store)")
    p.add_argument("--store", action="store_true", help="store the attempt's scores for --trainee")
    p.add_argument("--no-reference", action="store_true", help="do not compare with the routine's reference")
    add_routine_options(p)
    p.set_defaults(func=run)


def write_new_file(path: Path, text: str, force: bool, source=None) -> None:
    """Write ``text`` atomically; an existing file is replaced only with ``force``, and a
    recording never (a typo must not cost a session): the rules of recording.outputs."""
    from ..recording.outputs import check_output, write_atomic

    if not text:  # only the early check, before the scoring work
        check_output(path, force=force, what="report", source=source)
        return
    write_atomic(path, lambda fh: fh.write(text), force=force, what="report", source=source)


def _unfinished(step: dict) -> str:
    if step.get("completed"):
        return ""
    frac = step.get("completed_fraction")
    word = "skipped" if step.get("skipped") else "unfinished"  # skipped: a double/long Space press
    return f" ({word})" if frac is None else f" ({word}, {frac * 100:.0f} % done)"


def _text(data: dict) -> str:
    from ..report import completion_text, number_text, run_list

    runs = run_list(data)
    lines = [f"{data['file']}"]
    if runs:  # the routine was changed or restarted: every run on its own
        lines.append(f"{len(runs)} runs (the routine was changed or restarted), each scored on its own:")
        for i, run in enumerate(runs, start=1):
            if run is None:
                lines.append(f"run {i}: nothing to score")
                continue
            start = run.get("run_start_s")
            lines.append(f"run {i} of {len(runs)}" + ("" if start is None else f", from {number_text(start)} s") + ":")
            lines += _run_lines(run, completion_text, number_text)
    else:
        lines += _run_lines(data, completion_text, number_text)
    cmp = data.get("comparison")
    if cmp:
        rms = cmp.get("rms_diff_pct")
        ref = cmp.get("reference_score")
        lines.append("reference: score " + ("-" if ref is None else number_text(ref, "{:.0f}"))
                     + ("" if rms is None else f", RMS difference {number_text(rms)} % of target"))
    return "\n".join(lines)


def _run_lines(data: dict, completion_text, number_text) -> list[str]:
    """One run of a routine as text lines: routine, score, the hold table, thresholds, worst."""
    unit = data.get("unit") or ""
    score = data.get("score")
    lines = [f"routine: {data.get('routine')}",
             f"score: {'-' if score is None else number_text(score, '{:.0f}')} / 100 ({completion_text(data)})"]
    if data.get("zero_suspect"):  # a wrong zero: said before any number (its CVs are withheld)
        lines.append(str(data["zero_suspect"]))
    head = ("step", "band", "time to band s", "overshoot %", "in band %", "MAE %", "CV %", "drift %/10s", "score")
    rows = [head]
    for s in data.get("steps") or []:
        if s.get("kind") != "hold":
            continue

        def f(key, fmt="{:.1f}"):
            v = s.get(key)
            return "-" if v is None else number_text(v, fmt)

        band = "-" if s.get("lower") is None else f"{f('lower', '{:g}')}-{f('upper', '{:g}')} {unit}"
        rows.append((f"{s['index'] + 1} {s.get('label') or 'hold'}" + _unfinished(s), band,
                     f("time_to_band_s"), f("overshoot_pct"), f("time_in_band_pct"), f("mae_pct"),
                     f("cv_pct"), f("drift_pct_per_10s", "{:+.1f}"), f("score", "{:.0f}")))
    if len(rows) > 1:
        widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
        lines += ["  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths)))
                  for r in rows]
    if data.get("thresholds"):
        vals = ", ".join(number_text(d["value"]) for d in data["thresholds"] if d.get("value") is not None)
        cv = data.get("threshold_cv_pct")
        lines.append(f"thresholds ({unit}): {vals}; mean {number_text(data.get('threshold_mean'))}"
                     + ("" if cv is None else f", CV {number_text(cv)} %"))
        pressed = [d.get("at_press") for d in data["thresholds"] if d.get("value") is not None]
        if any(p is not None for p in pressed):  # the peak is the threshold; the press came after it
            lines.append(f"  at the P press ({unit}): " + ", ".join("-" if p is None else number_text(p) for p in pressed))
    worst = data.get("worst")
    if worst:
        lines.append(f"worst moment: {number_text(worst['value'])} {unit} at {number_text(worst['t_s'])} s "
                     f"({number_text(worst['deviation_pct'], '{:+.0f}')} % of target)")
    return lines


def run(args) -> int:
    from ..library import resolve_recording
    from ..recording import open_recording
    from ..report import build

    if args.client is not None:
        from .clinical_report import run_client

        return run_client(args)
    if args.file is None:
        raise PressureError("give a recorded session FILE, or --client NAME")
    if args.pdf or args.drop_first or args.mdc is not None:
        raise PressureError("--pdf, --drop-first and --mdc go with --client NAME")
    args.file = resolve_recording(args.file)  # also a name as `sessions` prints it
    if args.store and not args.trainee:
        raise PressureError("--store needs --trainee NAME (whose attempt it is)")
    if args.trainee and not args.store:
        raise PressureError("--trainee is used with --store (add --store to keep the attempt)")
    if args.html:  # before the work, not after
        write_new_file(Path(args.html), "", force=args.force, source=args.file)
    if args.trainee:
        from ..trainees import get_trainee

        get_trainee(args.trainee)  # unknown trainee: say so before scoring
    rec = open_recording(args.file)
    routine = routine_from_args(args)
    report = build(rec, routine, with_reference=not args.no_reference)
    if args.html:
        write_new_file(Path(args.html), report.html(), args.force, source=rec.path)
    if args.store:
        from ..trainees import record_attempt

        attempt = record_attempt(args.trainee, rec.path, report.scores)
        report.data["stored_attempt"] = attempt.id
    if args.json:
        print(json_shown(json.dumps(report.data, ensure_ascii=False, indent=1)))
    else:
        print(shown(_text(report.data), keep_newlines=True))  # names and labels come from files
        if args.html:
            print(f"wrote {args.html}")
        if args.store:
            print(f"stored the attempt for {args.trainee}")
    return 0
