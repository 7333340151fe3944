"""``import``: turn another tool's CSV force log into a recording, saying what it understood."""

from __future__ import annotations

import sys
from pathlib import Path

from ._label_options import add_label_option, parse_labels


def register(sub) -> None:
    p = sub.add_parser("import", help="import another tool's CSV force log as a recording",
                       description="Find the time and force columns by name (time/t/times/ms..., "
                                   "force/weight/thrust/load/measures...), their units, skip "
                                   "unreadable rows (named on stderr) and write a recording.")
    p.add_argument("csv", metavar="CSV", help="the CSV file to read")
    p.add_argument("--out", metavar="FILE", default=None,
                   help="the recording to create (default: a new file in the sessions folder)")
    p.add_argument("--time-column", metavar="NAME", help="the time column's header, or its number "
                   "(1 = the first); wins over the header detection")
    p.add_argument("--force-column", metavar="NAME", help="the force column's header, or its number")
    p.add_argument("--unit", metavar="UNIT", help="the force column's unit (N, kgf, gf, lbf...; "
                   "default: from the header, else N)")
    p.add_argument("--time-unit", metavar="UNIT", help="the time column's unit (s, ms, us; "
                   "default: from the header, else from the steps)")
    add_label_option(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from ..exchange import import_csv
    from ..recording import new_session_path

    labels = parse_labels(args.label)
    out = Path(args.out) if args.out else new_session_path()
    report = import_csv(args.csv, out, time_column=args.time_column,
                        force_column=args.force_column, unit=args.unit,
                        time_unit=args.time_unit, labels=labels or None)
    for line in report.lines():
        print(line, file=sys.stderr)
    print(out)
    return 0
