"""CSV export: one row per sample (time, raw, force, smoothed, zone, marker).

The header is row 1 and every row below it is data, so the file opens as a table with default
settings in LibreOffice, Excel and ``pandas.read_csv(path)``; the metadata and events go to a
JSON file beside it (``x.csv`` -> ``x.meta.json``), which an import of the CSV reads back. Rows are made and
written ``CHUNK_ROWS`` at a time (smoothing, units, the coach's zones all keep their state
between chunks), so no per-sample Python object of the whole session is ever held.
"""

from __future__ import annotations

import csv
import json
import logging
import re
from pathlib import Path

import numpy as np

from ..errors import PressureError
from ..recording import Recording, open_recording
from ..recording.outputs import check_output, write_atomic
from ..samples import normalize_unit, to_unit
from .cells import safe_cell
from .numtext import EXACT_LIMIT, exact_decimals, fixed_columns, text_columns, write_rows
from .table import SIDECAR_FORMAT, sidecar_path
from .zones import RecordedZones

log = logging.getLogger(__name__)

CHUNK_ROWS = 65536
# Both force columns at one precision: a micronewton is far below any sensor's resolution, and a
# spreadsheet shows the two columns alike.
FORCE_DECIMALS = 6
FORCE_SPEC = f"%.{FORCE_DECIMALS}f"


def format_numbers(values: np.ndarray, spec: str | None) -> list[str]:
    """Numbers as text, empty for NaN/inf; spec None: the shortest text that reads back exactly."""
    cells = list(map(repr if spec is None else spec.__mod__, values.tolist()))
    for i in np.flatnonzero(~np.isfinite(values)).tolist():
        cells[i] = ""
    return cells


def number_column(values: np.ndarray, spec: str | None) -> np.ndarray:
    """A column of number cells as numtext's character matrix: numpy's fixed-point text where
    it is exact (``spec`` None) or asked for ("%.6f"); else :func:`format_numbers`."""
    finite = values[np.isfinite(values)]
    big = float(np.abs(finite).max()) if finite.size else 0.0
    decimals = None
    fixed = re.fullmatch(r"%\.(\d)f", spec or "")
    if fixed and big * 10 ** int(fixed[1]) < EXACT_LIMIT:
        decimals = int(fixed[1])
    elif spec is None:
        decimals = exact_decimals(values)
    if decimals is not None:
        return fixed_columns(values, decimals)
    cells = np.array(format_numbers(values, spec), dtype=np.bytes_)
    return cells.view(np.uint8).reshape(len(values), -1)


def text_cell(text: str) -> str:
    """A text cell as csv.writer quotes it, never starting a formula (see cells.py)."""
    text = safe_cell(text)
    return f'"{text.replace(chr(34), chr(34) * 2)}"' if any(c in text for c in ',"\r\n') else text


class ExportRows:
    """What an export of ``rec`` writes, whatever the file type: the metadata (:attr:`side`),
    the column names and the rows, chunk by chunk (:meth:`chunks`). The smoothing and the
    coach's zones keep their state between chunks, so the rows are the same however cut."""

    def __init__(self, rec, *, unit, area_cm2, filter_name, out_name: str):
        from ..filters import default_filter, filter_from_description, make_filter

        meta = rec.meta
        self.rec = rec
        self.unit = unit = normalize_unit(unit or meta.get("unit") or "N")
        self.area = area_cm2 if area_cm2 is not None else meta.get("area_cm2")
        to_unit(1.0, unit, self.area)  # a pressure unit without an area fails here, before any writing
        if filter_name:
            self.flt = make_filter(filter_name)
        elif meta.get("filter"):
            try:
                self.flt = filter_from_description(meta["filter"])
            except PressureError as exc:
                log.warning("%s: stored filter unusable (%s); using the default", rec.path, exc)
                self.flt = default_filter()
        else:
            self.flt = default_filter()
        self.zones = RecordedZones(rec)
        self.marker_at: dict[int, str] = {}
        for m in rec.markers:
            i = rec.index_at(m.t)
            text = (m.text or "marker").replace("\n", " ").replace("\r", " ")
            self.marker_at[i] = f"{self.marker_at[i]}; {text}" if i in self.marker_at else text
        zone_note = self.zones.note  # known before any row: the metadata says why the column is empty
        self.side = {
            "format": SIDECAR_FORMAT,
            "version": 2,
            "csv": out_name,
            "recording": rec.path.name,
            "metadata": meta,
            "export_unit": unit,
            "export_filter": self.flt.describe(),
            "zone": f"empty ({zone_note})" if zone_note else None,
            "damage": [str(p) for p in rec.damage],
            "events": [{"t": round(float(e.t), 6), "kind": str(e.kind), "text": e.text,
                        **({"data": e.data} if e.data else {})} for e in rec.events],
            "columns": {
                "time_s": "seconds since the session start",
                "raw": "the sensor's reading",
                f"force_{unit}": f"force in {unit}, {FORCE_DECIMALS} decimals",
                f"smoothed_{unit}": f"smoothed force in {unit} "
                                    f"({self.flt.describe().get('name', '')}), {FORCE_DECIMALS} decimals",
                "zone": "the routine's coach over the smoothed value",
                "marker": "the practitioner's markers",
            },
        }
        self.columns = list(self.side["columns"])

    def chunks(self, rows: int = CHUNK_ROWS, marker_cell=str):
        """(t, raw, force, smoothed, zone, marker) per chunk: four arrays and two lists of text
        (``marker_cell`` makes a marker's text a cell of the file type; "" where none)."""
        rec = self.rec
        at = np.array(sorted(self.marker_at), dtype=np.int64)
        for a in range(0, len(rec), rows):
            b = min(len(rec), a + rows)
            t, force_n = rec.t[a:b], rec.force_n[a:b]
            smoothed_n = self.flt.process(t, force_n)
            zone = self.zones.chunk(t, smoothed_n) or [""] * (b - a)
            marker = [""] * (b - a)
            for i in at[np.searchsorted(at, a):np.searchsorted(at, b)].tolist():
                marker[i - a] = marker_cell(self.marker_at[i])
            yield (t, rec.raw[a:b], to_unit(force_n, self.unit, self.area),
                   to_unit(smoothed_n, self.unit, self.area), zone, marker)


def open_for_export(source, salvage: bool) -> Recording:
    return source if isinstance(source, Recording) else open_recording(source, salvage=salvage)


def export_csv(source, out, *, unit: str | None = None, area_cm2: float | None = None,
               filter_name: str | None = None, force: bool = False, salvage: bool = False) -> Path:
    """Write a recording as CSV, its metadata and events as JSON beside it (``x.meta.json``);
    refuses an existing ``out`` (or metadata file) unless ``force``. Returns ``out``.

    ``salvage``: export what is still readable from a damaged file (the losses are listed in
    the metadata file's ``damage`` list)."""
    rec = open_for_export(source, salvage)
    out = check_output(out, force=force, what="CSV export", source=rec.path)  # before the work
    side_out = check_output(sidecar_path(out), force=force, what="CSV export metadata", source=rec.path)
    plan = ExportRows(rec, unit=unit, area_cm2=area_cm2, filter_name=filter_name, out_name=out.name)

    def write(f) -> None:
        csv.writer(f, lineterminator="\n").writerow(plan.columns)
        for t, raw, force_u, smoothed_u, zone, marker in plan.chunks(marker_cell=text_cell):
            # markers are spliced into their rows (numtext.write_rows): one long marker must
            # not widen every row of the chunk
            write_rows(f.write, [
                number_column(t, "%.6f"), number_column(raw, None),
                number_column(force_u, FORCE_SPEC), number_column(smoothed_u, FORCE_SPEC),
                text_columns(zone)], {i: m for i, m in enumerate(marker) if m})

    write_atomic(out, write, force=force, what="CSV export", source=rec.path, newline="")
    write_atomic(side_out, lambda f: json.dump(plan.side, f, ensure_ascii=False, indent=1),
                 force=force, what="CSV export metadata", source=rec.path)
    return out
