"""``export``: write a recording as CSV (+ a metadata file) or as an .xlsx workbook."""

from __future__ import annotations

import sys

from ..errors import PressureError


def register(sub) -> None:
    p = sub.add_parser("export", help="export a recording as CSV or .xlsx for spreadsheets and pandas",
                       description="Write one row per sample (time_s, raw, force, smoothed, zone, "
                                   "marker) with the header in row 1: it opens as a table in "
                                   "LibreOffice, Excel and pandas.read_csv(OUT). The metadata and "
                                   "events go to OUT's .meta.json beside it (x.csv -> x.meta.json); "
                                   "--xlsx writes them as sheets of the workbook.")
    p.add_argument("file", metavar="FILE", help="the recording (.pressure)")
    p.add_argument("--csv", default=None, metavar="OUT", help="the CSV file to write")
    p.add_argument("--xlsx", default=None, metavar="OUT",
                   help="an Excel workbook to write (needs openpyxl: pip install 'pressure[xlsx]')")
    p.add_argument("--unit", default=None, metavar="UNIT",
                   help="unit of the force columns (default: the session's own)")
    p.add_argument("--area", default=None, metavar="CM2|NAME",
                   help="contact area for pressure units (default: the session's own)")
    p.add_argument("--filter", default=None, metavar="NAME",
                   help="smoothing for the smoothed column (default: the session's own)")
    p.add_argument("--force", action="store_true", help="replace OUT if it exists")
    p.add_argument("--salvage", action="store_true",
                   help="export whatever is still readable from a damaged recording")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..exchange import export_csv
    from ..filters import FILTERS
    from ..library import resolve_recording
    from ..recording import open_recording

    if not args.csv and not args.xlsx:
        raise PressureError("say where to write: --csv OUT and/or --xlsx OUT")
    args.file = resolve_recording(args.file)  # also a name as `sessions` prints it
    if args.filter is not None and args.filter not in FILTERS:
        raise PressureError(f"unknown filter {args.filter!r}; choose one of {', '.join(FILTERS)}")
    area = None
    if args.area is not None:
        from ._routine_options import parse_area
        area = parse_area(args.area)
    if args.xlsx:
        from ..exchange.xlsx import _openpyxl
        _openpyxl()  # missing: say so before any work
    rec = open_recording(args.file, salvage=args.salvage)
    for problem in rec.damage:
        print(f"pressure: damaged, not exported: {problem}", file=sys.stderr)
    options = dict(unit=args.unit, area_cm2=area, filter_name=args.filter, force=args.force)
    if args.csv:
        from ..exchange.table import sidecar_path
        out = export_csv(rec, args.csv, **options)
        print(out)
        print(sidecar_path(out))
    if args.xlsx:
        from ..exchange.xlsx import export_xlsx
        print(export_xlsx(rec, args.xlsx, **options))
    return 0
