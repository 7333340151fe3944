"""CSV export: one row per sample (time, raw, force, smoothed, zone, marker).

The rows sit below a block of ``# key: value`` comment lines holding the metadata, so the
file opens in a spreadsheet and in ``pandas.read_csv(path, comment="#")``. They are made and
written ``CHUNK_ROWS`` at a time (smoothing, units, the coach's zones all keep their state
between chunks), so no per-sample Python object of the whole session is ever held.
"""

from __future__ import annotations

import csv
import logging
from pathlib import Path

import numpy as np

from ..errors import PressureError
from ..recording import Recording, open_recording
from ..recording.outputs import check_output, write_atomic
from ..samples import normalize_unit, to_unit
from .cells import comment_text, json_one_cell, safe_cell
from .numtext import EXACT_LIMIT, exact_decimals, fixed_columns, text_columns, write_rows
from .table import EXPORT_TITLE
from .zones import RecordedZones

log = logging.getLogger(__name__)

CHUNK_ROWS = 65536


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
    if spec == "%.6f" and big * 1e6 < EXACT_LIMIT:
        decimals = 6
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


def export_csv(source, out, *, unit: str | None = None, area_cm2: float | None = None,
               filter_name: str | None = None, force: bool = False, salvage: bool = False) -> Path:
    """Write a recording as CSV; refuses an existing ``out`` unless ``force``. Returns ``out``.

    ``salvage``: export what is still readable from a damaged file (the losses are listed in
    the header as ``# damage:`` lines)."""
    from ..filters import default_filter, filter_from_description, make_filter

    rec = source if isinstance(source, Recording) else open_recording(source, salvage=salvage)
    out = check_output(out, force=force, what="CSV export", source=rec.path)  # before the work
    meta = rec.meta
    unit = normalize_unit(unit or meta.get("unit") or "N")
    area = area_cm2 if area_cm2 is not None else meta.get("area_cm2")
    to_unit(1.0, unit, area)  # a pressure unit without an area fails here, before any writing
    if filter_name:
        flt = make_filter(filter_name)
    elif meta.get("filter"):
        try:
            flt = filter_from_description(meta["filter"])
        except PressureError as exc:
            log.warning("%s: stored filter unusable (%s); using the default", rec.path, exc)
            flt = default_filter()
    else:
        flt = default_filter()
    zones = RecordedZones(rec)
    marker_at: dict[int, str] = {}
    for m in rec.markers:
        i = rec.index_at(m.t)
        text = (m.text or "marker").replace("#", "\uff03").replace("\n", " ").replace("\r", " ")
        marker_at[i] = f"{marker_at[i]}; {text}" if i in marker_at else text
    zone_note = zones.note  # known before any row: the header says why the column is empty

    header = [EXPORT_TITLE, f"# file: {comment_text(rec.path.name)}"]
    for key, value in meta.items():
        header.append(f"# {comment_text(str(key))}: {json_one_cell(value)}")
    header.append(f"# export_unit: {json_one_cell(unit)}")
    header.append(f"# export_filter: {json_one_cell(flt.describe())}")
    if zone_note:
        header.append(f"# zone: empty ({zone_note})")
    for problem in rec.damage:
        header.append(f"# damage: {comment_text(str(problem))}")
    for e in rec.events:
        data = f" {json_one_cell(e.data)}" if e.data else ""
        header.append(f"# event: {e.t:.6f} {comment_text(str(e.kind))} {json_one_cell(e.text)}{data}")
    header.append("# columns: time_s = seconds since the session start; raw = the sensor's "
                  f"reading; force_{unit} and smoothed_{unit} in {unit}; zone from the routine's "
                  "coach over the smoothed value; marker = the practitioner's markers")
    columns = ["time_s", "raw", f"force_{unit}", f"smoothed_{unit}", "zone", "marker"]

    def write(f) -> None:
        for h in header:  # line by line: no second copy of every event's text at once
            f.write(h.replace("\n", " ").replace("\r", " ") + "\n")
        csv.writer(f, lineterminator="\n").writerow(columns)
        at = np.array(sorted(marker_at), dtype=np.int64)
        for a in range(0, len(rec), CHUNK_ROWS):
            b = min(len(rec), a + CHUNK_ROWS)
            t, force_n = rec.t[a:b], rec.force_n[a:b]
            smoothed_n = flt.process(t, force_n)
            zone = zones.chunk(t, smoothed_n) or [""] * (b - a)
            marker = {i - a: text_cell(marker_at[i])
                      for i in at[np.searchsorted(at, a):np.searchsorted(at, b)].tolist()}
            write_rows(f.write, [
                number_column(t, "%.6f"), number_column(rec.raw[a:b], None),
                number_column(to_unit(force_n, unit, area), None),
                number_column(to_unit(smoothed_n, unit, area), "%.6g"),
                text_columns(zone)], marker)

    write_atomic(out, write, force=force, what="CSV export", source=rec.path, newline="")
    return out
