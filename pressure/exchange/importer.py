"""import_csv: another tool's CSV force log becomes a recording (kind "imported")."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import PressureError
from ..recording import LABEL_KEYS, RecordingWriter
from ..samples import DISPLAY_UNITS, FLAG_GAP_BEFORE, FORCE_UNITS, Block
from .reader import ImportReport, read_csv


def import_csv(src, out, *, time_column: str | None = None, force_column: str | None = None,
               unit: str | None = None, time_unit: str | None = None,
               labels: dict | None = None) -> ImportReport:
    """Turn another tool's CSV into a recording at ``out`` (never over an existing file)."""
    src, out = Path(src), Path(out)
    if out.exists():
        raise PressureError(f"{out} already exists; not overwriting it")
    trace = read_csv(src, time_column=time_column, force_column=force_column, unit=unit,
                     time_unit=time_unit)
    report = trace.report
    scale = FORCE_UNITS[report.force_unit]
    flags = np.zeros(len(trace.t), np.uint8)
    steps = np.diff(trace.t)
    positive = steps[steps > 0]
    if positive.size:
        gap = max(10 * float(np.median(positive)), 0.25)
        flags[1:][steps > gap] = FLAG_GAP_BEFORE
    restored = trace.restored_meta
    meta = {
        "kind": "imported",
        "source": src.name,
        "sensor": {"id": None, "url": None, "format": "csv",
                   "rate_hz": round(report.rate_hz, 3) if report.rate_hz else None, "device_info": {}},
        "calibration": {"sensor_id": f"import:{src.name}", "zero": 0.0, "scale": scale,
                        "raw_unit": report.force_unit},
        "unit": report.force_unit if report.force_unit in DISPLAY_UNITS else "N",
        "source_columns": {"time": report.time_column, "force": report.force_column,
                           "time_unit": report.time_unit, "force_unit": report.force_unit},
        "source_metadata": report.metadata,
        "source_time_offset_s": report.time_offset_s,
        "import_notes": report.notes,
    }
    for key in ("labels", "routine", "area_cm2", "filter", "started_at"):
        if key in restored:
            meta[key] = restored[key]
    if "unit" in restored and isinstance(restored["unit"], str):
        meta["unit"] = restored["unit"]
    if labels:
        meta["labels"] = {**{k: "" for k in LABEL_KEYS}, **(meta.get("labels") or {}), **labels}
    block = Block.make(trace.t, trace.value, trace.value * scale, flags=flags)
    writer = RecordingWriter(out, meta)  # refuses an existing file: nothing is touched then
    try:
        writer.append(block)
        for et, kind, text, data in trace.events:
            writer.add_event(et, kind, text, data)
        writer.close()
    except BaseException:  # the half-written file is ours, made just now: remove it
        for extra in (out, Path(f"{out}-wal"), Path(f"{out}-shm")):
            extra.unlink(missing_ok=True)
        raise
    return report
