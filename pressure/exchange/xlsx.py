"""Excel workbook export: a data sheet (the CSV's columns) and metadata and events sheets.

openpyxl is an optional dependency (the ``xlsx`` extra); without it the command says how to
install it. The workbook is written row by row in openpyxl's write-only mode, so memory stays
bounded however long the recording; a sheet holds at most 1,048,576 rows, so a longer
recording continues on "data 2", "data 3", ... each with the header row.

Text is stored as text: openpyxl makes any string that starts with ``=`` a formula, so every
text cell is written with its type set to string (a marker ``=1+1`` shows as ``=1+1``).
"""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import PressureError
from ..recording.outputs import check_output, write_atomic
from .export import FORCE_DECIMALS, ExportRows, open_for_export

SHEET_ROWS = 1_048_576  # Excel's limit, the header row included


def _openpyxl():
    try:
        import openpyxl
    except ImportError:
        raise PressureError("the .xlsx export needs openpyxl: pip install 'pressure[xlsx]' "
                            "(or pip install openpyxl); CSV export works without it") from None
    return openpyxl


def export_xlsx(source, out, *, unit: str | None = None, area_cm2: float | None = None,
                filter_name: str | None = None, force: bool = False, salvage: bool = False) -> Path:
    """Write a recording as an .xlsx workbook; refuses an existing ``out`` unless ``force``."""
    openpyxl = _openpyxl()
    from openpyxl.cell import WriteOnlyCell

    rec = open_for_export(source, salvage)
    out = check_output(out, force=force, what="xlsx export", source=rec.path)
    plan = ExportRows(rec, unit=unit, area_cm2=area_cm2, filter_name=filter_name, out_name=out.name)
    wb = openpyxl.Workbook(write_only=True)

    def text(ws, value: str):
        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"  # never a formula, whatever the text starts with
        return cell

    sheets = [wb.create_sheet("data")]
    sheets[0].append(plan.columns)
    used = 1
    for t, raw, force_u, smoothed_u, zone, marker in plan.chunks():
        cols = (t.round(6).tolist(), raw.tolist(), force_u.round(FORCE_DECIMALS).tolist(),
                smoothed_u.round(FORCE_DECIMALS).tolist())
        for k, row in enumerate(zip(*cols)):
            if used == SHEET_ROWS:
                ws = wb.create_sheet(f"data {len(sheets) + 1}")
                ws.append(plan.columns)
                sheets.append(ws)
                used = 1
            ws = sheets[-1]
            cells = [None if v != v else v for v in row]  # NaN: an empty cell
            cells.append(text(ws, zone[k]) if zone[k] else None)
            cells.append(text(ws, marker[k]) if marker[k] else None)
            ws.append(cells)
            used += 1

    side = plan.side
    meta_ws = wb.create_sheet("metadata")
    meta_ws.append(["key", "value"])
    rows = [("recording", side["recording"]), ("export_unit", side["export_unit"]),
            ("export_filter", json.dumps(side["export_filter"], ensure_ascii=False)),
            ("zone", side["zone"] or "")]
    rows += [(str(k), v if isinstance(v, str) else json.dumps(v, ensure_ascii=False))
             for k, v in side["metadata"].items()]
    rows += [("damage", d) for d in side["damage"]]
    rows += [(f"column {name}", what) for name, what in side["columns"].items()]
    for key, value in rows:
        meta_ws.append([text(meta_ws, key), text(meta_ws, value)])
    ev_ws = wb.create_sheet("events")
    ev_ws.append(["time_s", "kind", "text", "data"])
    for e in side["events"]:
        data = json.dumps(e["data"], ensure_ascii=False) if e.get("data") else ""
        ev_ws.append([e["t"], text(ev_ws, e["kind"]), text(ev_ws, e["text"]), text(ev_ws, data)])

    write_atomic(out, wb.save, force=force, what="xlsx export", source=rec.path, binary=True)
    return out
