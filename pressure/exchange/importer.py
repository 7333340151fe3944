"""import_csv: another tool's CSV force log becomes a recording (kind "imported").

The rows go into the recording a block at a time as they are read, so an import of a file of
any length holds one block (a few MB) in memory, never the whole file.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import PressureError
from ..recording import LABEL_KEYS, RecordingWriter
from ..samples import DISPLAY_UNITS, FLAG_GAP_BEFORE, FORCE_UNITS, Block
from .reader import CsvRows, ImportReport


def import_csv(src, out, *, time_column: str | None = None, force_column: str | None = None,
               unit: str | None = None, time_unit: str | None = None,
               labels: dict | None = None, block_chars: int | None = None) -> ImportReport:
    """Turn another tool's CSV into a recording at ``out`` (never over an existing file)."""
    src, out = Path(src), Path(out)
    if out.exists():
        raise PressureError(f"{out} already exists; not overwriting it")
    options = {"block_chars": block_chars} if block_chars else {}
    with CsvRows(src, time_column=time_column, force_column=force_column, unit=unit,
                 time_unit=time_unit, **options) as rows:
        writer = None
        try:
            for t, value in rows.blocks():
                if writer is None:
                    writer = Writing(rows, out, labels)
                writer.append(t, value)
            events = rows.finish()  # nothing readable, or too much garbage: fails here
            writer.close(events)
        except BaseException:  # the half-written file is ours, made just now: remove it
            if writer is not None:
                writer.abandon()
            raise
    return rows.report


class Writing:
    """The recording being written: created at the first block, when the rate is known."""

    def __init__(self, rows: CsvRows, out: Path, labels: dict | None):
        report, restored = rows.report, rows.restored
        self.rows, self.out = rows, out
        self.scale = FORCE_UNITS[report.force_unit]
        self.offset = rows.order.first_t
        median = rows.order.median_step()
        self.gap = max(10 * median, 0.25) if median else None
        self.last_t: float | None = None
        meta = {
            "kind": "imported",
            "source": rows.report.source.name,
            "sensor": {"id": None, "url": None, "format": "csv",
                       "rate_hz": round(1.0 / median, 3) if median else None, "device_info": {}},
            "calibration": {"sensor_id": f"import:{report.source.name}", "zero": 0.0,
                            "scale": self.scale, "raw_unit": report.force_unit},
            "unit": report.force_unit if report.force_unit in DISPLAY_UNITS else "N",
            "source_columns": {"time": report.time_column, "force": report.force_column,
                               "time_unit": report.time_unit, "force_unit": report.force_unit},
            "source_metadata": report.metadata,
            "source_time_offset_s": self.offset,
            "import_notes": None,  # known at the end (a change from None is no meta_change event)
        }
        for key in ("labels", "routine", "area_cm2", "filter", "started_at"):
            if key in restored:
                meta[key] = restored[key]
        if "unit" in restored and isinstance(restored["unit"], str):
            meta["unit"] = restored["unit"]
        if labels:
            meta["labels"] = {**{k: "" for k in LABEL_KEYS}, **(meta.get("labels") or {}), **labels}
        self.writer = RecordingWriter(out, meta)  # refuses an existing file: nothing is touched then

    def append(self, t, value) -> None:
        t = t - self.offset
        flags = np.zeros(len(t), np.uint8)
        if self.gap is not None:
            steps = np.diff(t, prepend=t[0] if self.last_t is None else self.last_t)
            flags[steps > self.gap] = FLAG_GAP_BEFORE
        self.last_t = float(t[-1])
        self.writer.append(Block.make(t, value, value * self.scale, flags=flags))
        self.writer.flush()  # one block in memory at a time: wait until it is on disk

    def close(self, events: list) -> None:
        for et, kind, text, data in events:
            self.writer.add_event(et, kind, text, data)
        self.writer.update_meta(import_notes=self.rows.report.notes)
        self.writer.close()

    def abandon(self) -> None:
        try:
            self.writer.close()
        except Exception:  # noqa: BLE001 - the file goes anyway
            pass
        for extra in (self.out, Path(f"{self.out}-wal"), Path(f"{self.out}-shm")):
            extra.unlink(missing_ok=True)
