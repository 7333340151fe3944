"""CSV export: one row per sample (time, raw, force, smoothed, zone, marker).

The rows sit below a block of ``# key: value`` comment lines holding the metadata, so the
file opens in a spreadsheet and in ``pandas.read_csv(path, comment="#")``.
"""

from __future__ import annotations

import csv
import logging
import math
from pathlib import Path

import numpy as np

from ..errors import PressureError
from ..recording import Recording, open_recording
from ..recording.outputs import check_output, write_atomic
from ..samples import normalize_unit, to_unit
from .cells import comment_text, json_one_cell, safe_cell
from .table import EXPORT_TITLE
from .zones import recorded_zones

log = logging.getLogger(__name__)


def format_numbers(values: np.ndarray, spec: str | None) -> list[str]:
    """Numbers as text, empty for NaN/inf; spec None: the shortest text that reads back exactly."""
    if spec is None:
        return [repr(v) if math.isfinite(v) else "" for v in values.tolist()]
    return [(spec % v) if math.isfinite(v) else "" for v in values.tolist()]


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
    smoothed_n = flt.process(rec.t, rec.force_n)
    zones, zone_note = recorded_zones(rec, smoothed_n)
    marker_at: dict[int, str] = {}
    for m in rec.markers:
        i = rec.index_at(m.t)
        text = (m.text or "marker").replace("#", "\uff03").replace("\n", " ").replace("\r", " ")
        marker_at[i] = f"{marker_at[i]}; {text}" if i in marker_at else text

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

    force_u = to_unit(rec.force_n, unit, area)
    smooth_u = to_unit(smoothed_n, unit, area)
    def write(f) -> None:
        f.write("\n".join(h.replace("\n", " ").replace("\r", " ") for h in header) + "\n")
        w = csv.writer(f, lineterminator="\n")
        w.writerow(columns)
        step = 65536
        for a in range(0, len(rec), step):
            b = min(len(rec), a + step)
            cols = (format_numbers(rec.t[a:b], "%.6f"), format_numbers(rec.raw[a:b], None),
                    format_numbers(force_u[a:b], None), format_numbers(smooth_u[a:b], "%.6g"),
                    [safe_cell(z) for z in zones[a:b]] if zones is not None else [""] * (b - a),
                    [safe_cell(marker_at.get(i, "")) for i in range(a, b)])
            w.writerows(zip(*cols))

    write_atomic(out, write, force=force, what="CSV export", source=rec.path, newline="")
    return out
