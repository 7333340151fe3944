"""``sessions``: list the recorded sessions (date, duration, routine, labels), newest first."""

from __future__ import annotations

import json
import sys

from ..library import list_sessions
from ._terminal import json_shown, shown


def register(sub) -> None:
    p = sub.add_parser("sessions", help="list recorded sessions",
                       description=__doc__.splitlines()[0].replace("``", ""))
    p.add_argument("--search", metavar="TEXT", help="only sessions whose labels, routine, "
                   "date or file name contain TEXT (case-insensitive)")
    p.add_argument("--folder", metavar="DIR", help="another folder of recordings")
    p.add_argument("--json", action="store_true", help="print one JSON list")
    p.set_defaults(func=run)


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def run(args) -> int:
    sessions = list_sessions(args.folder, search=args.search)
    for path, problem in sessions.problems:
        print(shown(f"pressure: skipped {path.name}: {problem}"), file=sys.stderr)
    if args.json:  # labels come from files: no escape sequence reaches the terminal
        text = json.dumps([s.to_json() for s in sessions], ensure_ascii=False, indent=1)
        print(json_shown(text))
        return 0
    if not sessions:
        print("no sessions" + (f" matching {shown(repr(args.search))}" if args.search else ""))
        return 0
    rows = [("started", "length", "kind", "source", "routine", "labels", "file")]
    for s in sessions:
        labels = ", ".join(f"{k}={v}" for k, v in s.labels.items())
        kind = s.kind + (" (interrupted)" if s.interrupted else "")
        rows.append(tuple(map(shown, (
            (s.started_at or "?")[:19].replace("T", " "), _duration(s.duration_s), kind,
            s.origin, s.routine or "-", labels or "-",
            # what replay/report/export accept: a bare name in the sessions folder
            s.path.name if args.folder is None else str(s.path)))))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)) + "  " + r[-1])
    return 0
