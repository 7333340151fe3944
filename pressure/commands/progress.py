"""``progress``: each score of a trainee's stored attempts over time (text table or JSON)."""

from __future__ import annotations

import json

from ..trainees import PROGRESS_METRICS

HEADINGS = {"score": "score", "time_in_band_pct": "in band %", "cv_pct": "CV %", "mae_pct": "MAE %",
            "drift_pct_per_10s": "drift %/10s", "overshoot_pct": "overshoot %",
            "time_to_band_s": "to band s"}


def register(sub) -> None:
    p = sub.add_parser("progress", help="a trainee's scores over time",
                       description=__doc__.splitlines()[0].replace("``", ""))
    p.add_argument("--trainee", required=True, metavar="NAME")
    p.add_argument("--routine", metavar="NAME|FILE", help="only attempts at this routine")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..references import resolve_routine_name
    from ..report import number_text, plural
    from ..trainees import get_trainee, progress

    trainee = get_trainee(args.trainee)
    routine = resolve_routine_name(args.routine) if args.routine else None
    attempts = progress(trainee.name, routine)
    if args.json:
        print(json.dumps({"trainee": trainee.name, "routine": routine,
                          "attempts": [a.to_dict() for a in attempts]}, ensure_ascii=False, indent=1))
        return 0
    if not attempts:
        what = f" at {routine!r}" if routine else ""
        print(f"{trainee.name} has no stored attempts{what} yet; store one with "
              f"'report FILE --trainee \"{trainee.name}\" --store'")
        return 0
    rows = [("date", "routine", *(HEADINGS[k] for k in PROGRESS_METRICS))]
    for a in attempts:
        s = a.summary()
        cells = []
        for k in PROGRESS_METRICS:
            v = s.get(k)
            fmt = "{:.0f}" if k == "score" else "{:+.1f}" if k.startswith("drift") else "{:.1f}"
            cells.append("-" if v is None else number_text(v, fmt))
        rows.append((a.recorded_at[:16].replace("T", " "), a.routine[:32], *cells))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    print(f"{trainee.name}: {plural(len(attempts), 'attempt')}")
    for r in rows:
        print("  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))))
    return 0
