"""Reading another tool's CSV force log in blocks: :class:`CsvRows` hands out the rows in time
order a block at a time (memory bounded however long the file; ``import`` writes each block
into the recording), plus a report of what was understood and assumed (irregular and
duplicate time stamps kept, garbage rows skipped and named). :func:`read_csv` collects them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import PressureError
from ..recording.validate import MAX_T_S
from .body import BLOCK_CHARS, parse_block, text_blocks
from .columns import time_scale
from .importreport import ImportReport
from .layout import HEADER_SCAN_LINES, read_layout
from .ordering import TimeOrder

GARBAGE_LIMIT = 0.20  # fail when more than this fraction of the data rows cannot be read
# A recording holds times up to MAX_T_S from its start: a row further than half that from the
# middle of the file's first block (one stray 1e308) is dropped and named, not written into a
# file that every later command would call damaged.
FAR_S = MAX_T_S / 2


@dataclass
class ImportedTrace:
    t: np.ndarray  # seconds from the first sample
    value: np.ndarray  # in report.force_unit, as in the file
    report: ImportReport
    restored_meta: dict  # metadata of a pressure export, restored on re-import
    events: list = field(default_factory=list)  # (t from the first sample, kind, text, data)


ENCODING_NAMES = {"utf-8-sig": "UTF-8", "utf-16": "UTF-16 (byte order mark)",
                  "cp1252": "Windows-1252 (not UTF-8)"}


def sniff_encoding(path: Path, probe: int = 1 << 16) -> str:
    """UTF-16 when the file starts with its byte order mark (Excel's "Unicode text"); UTF-8
    (with or without BOM) when the first 64 KB decode as UTF-8; otherwise Windows-1252, which
    older Excel and Windows tools write (``Müller`` there is not valid UTF-8)."""
    with open(path, "rb") as fh:
        start = fh.read(probe)
    if start[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "utf-16"
    try:
        start.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(start) - 3:  # not just a character cut by the probe's end
            return "cp1252"
    return "utf-8-sig"


class CsvRows:
    """The rows of a CSV force log, a block at a time, in time order (a context manager).

    Opening reads the first lines (header, separator, columns; errors there come at once);
    :meth:`blocks` yields (seconds in the file's time, force in ``report.force_unit``);
    :meth:`finish` then checks what was skipped and returns the events (times from the
    first sample, which ``report.time_offset_s`` gives in the file's time)."""

    def __init__(self, path, *, time_column: str | None = None, force_column: str | None = None,
                 unit: str | None = None, time_unit: str | None = None,
                 block_chars: int = BLOCK_CHARS):
        path = Path(path)
        self.report = report = ImportReport(source=path)
        self.time_unit = time_unit
        self.block_chars = block_chars
        if not path.is_file():
            raise PressureError(f"{path}: no such file" if not path.exists() else f"{path}: not a file")
        try:
            encoding = sniff_encoding(path)
            self._f = open(path, encoding=encoding, errors="replace", newline=None)
        except OSError as exc:
            raise PressureError(f"{path}: cannot read ({exc.strerror or exc})") from None
        try:
            report.notes.append(f"encoding: {ENCODING_NAMES[encoding]}")
            self.layout = read_layout(self._f, path, report, time_column=time_column,
                                      force_column=force_column, unit=unit)
        except BaseException:
            self._f.close()
            raise
        self.restored = self.layout.restored
        self.order = TimeOrder(path.name)
        self._marks: list[tuple[float, str]] = []
        self.scale: float | None = None
        self._centre: float | None = None
        self.far_rows = 0  # rows dropped for a time far from all the others
        self._far_example = 0.0
        self.blocks_read = 0  # blocks of text parsed (memory is bounded by one block)

    def __enter__(self) -> "CsvRows":
        return self

    def __exit__(self, *exc) -> None:
        self._f.close()

    def blocks(self):
        report, layout = self.report, self.layout
        try:
            for line_no, text in text_blocks(self._f, layout, self.block_chars):
                self.blocks_read += 1
                t, v = parse_block(text, line_no, layout, report, self._marks)
                if not len(t):
                    continue
                if self.scale is None:
                    self._decide_scale(t)
                t, v = self._near(t * self.scale, v)
                out = self.order.push(t, v)
                if len(out[0]):
                    yield out
            out = self.order.finish()
            if len(out[0]):
                yield out
        except OSError as exc:
            raise PressureError(f"{report.source}: cannot read ({exc.strerror or exc})") from None

    def _near(self, t, v):
        if self._centre is None:
            self._centre = float(np.median(t))
        far = ~(np.abs(t - self._centre) <= FAR_S)  # NaN (inf - inf) counts as far too
        if not far.any():
            return t, v
        if not self.far_rows:
            self._far_example = float(t[far][0])
        self.far_rows += int(np.count_nonzero(far))
        self.report.skipped += int(np.count_nonzero(far))
        return t[~far], v[~far]

    def _decide_scale(self, t) -> None:
        layout, report = self.layout, self.report
        if layout.mode[0] == "clock":
            report.time_unit = "clock time"
            self.scale = 1.0
        else:
            self.scale = time_scale(layout.tname, layout.tunit, t, self.time_unit, report)

    def finish(self) -> list:
        report, order = self.report, self.order
        report.rows = order.rows
        total = report.rows + report.skipped
        name = report.source.name
        if report.rows == 0:
            first = "; ".join(f"line {n}: {r}" for n, r in report.bad_rows[:3])
            raise PressureError(f"{name}: no readable rows" + (f" ({first})" if first else ""))
        far = (f"{self.far_rows} row(s) with a time {self._far_example:g} s more than {FAR_S:.0e} s "
               "from the others" if self.far_rows else "")
        if report.skipped > GARBAGE_LIMIT * total:
            first = "; ".join([f"line {n}: {r}" for n, r in report.bad_rows[:5]] + ([far] if far else []))
            raise PressureError(f"{name}: {report.skipped} of {total} rows cannot be read "
                                f"(more than {GARBAGE_LIMIT:.0%}): {first}")
        report.out_of_order = order.backwards
        report.duplicates = order.duplicates
        median = order.median_step()
        report.rate_hz = 1.0 / median if median else None
        report.notes.extend(order.notes())
        report.time_offset_s = order.first_t
        if far:
            report.notes.append(f"dropped {far}")
        events = self.layout.events
        if self._marks:
            events = [(tm * self.scale, "marker", note, None) for tm, note in self._marks]
        events = [(et - report.time_offset_s, kind, text, data) for et, kind, text, data in events]
        kept = [e for e in events if abs(e[0]) <= MAX_T_S]  # NaN fails too
        if len(kept) < len(events):
            report.notes.append(f"{len(events) - len(kept)} event(s) dropped: their time lies outside the rows'")
            events = kept
        for _, kind, _, _ in events:
            report.events[kind] = report.events.get(kind, 0) + 1
        return events


def read_csv(path, *, time_column: str | None = None, force_column: str | None = None,
             unit: str | None = None, time_unit: str | None = None) -> ImportedTrace:
    """The whole file as arrays (``import`` streams instead). PressureError if unreadable."""
    with CsvRows(path, time_column=time_column, force_column=force_column, unit=unit,
                 time_unit=time_unit) as rows:
        parts = list(rows.blocks())
        events = rows.finish()
    t = np.concatenate([p[0] for p in parts])
    value = np.concatenate([p[1] for p in parts])
    return ImportedTrace(t=t - t[0], value=value, report=rows.report, restored_meta=rows.restored,
                         events=events)
