"""read_csv: another tool's CSV force log -> time and force arrays plus a report of what was
understood and assumed (irregular and duplicate time stamps kept, garbage rows skipped and named).
"""

from __future__ import annotations

import re
from array import array
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import PressureError
from .cells import unsafe_cell
from .columns import force_unit, pick_columns, time_scale
from .table import (
    EXPORT_TITLE, MAX_EVENTS, find_header, is_binary, marker_column, number, parse_metadata,
    parse_time_cell, read_lines, refuse_binary, restore_export_events, restore_export_meta, split,
)

MAX_ROWS = 10_000_000  # ~2.8 h at 1 kHz; ~160 MB while importing
GARBAGE_LIMIT = 0.20  # fail when more than this fraction of the data rows cannot be read
HEADER_SCAN_LINES = 1000  # lines of the table looked at to find the header and separator
MAX_COMMENT_LINES = 200_000  # '#' lines above the table (an export's events) before giving up


@dataclass
class ImportReport:
    """What the importer understood and assumed, for the user (printed by ``import``)."""

    source: Path
    delimiter: str = ","
    header_line: int | None = None
    time_column: str = ""
    time_unit: str = "s"
    force_column: str = ""
    force_unit: str = "N"
    rows: int = 0
    skipped: int = 0
    bad_rows: list[tuple[int, str]] = field(default_factory=list)  # first few (line, reason)
    out_of_order: int = 0
    duplicates: int = 0
    rate_hz: float | None = None
    time_offset_s: float = 0.0  # the source's first time stamp (times are stored from 0)
    marker_column: str | None = None  # the column whose text became marker events
    events: dict = field(default_factory=dict)  # kind -> how many events the import keeps
    metadata: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        delim = {"\t": "tab", " ": "spaces"}.get(self.delimiter, repr(self.delimiter))
        out = [f"read {self.source.name}: header on line {self.header_line}, separated by {delim}"
               if self.header_line else f"read {self.source.name}: no header row, separated by {delim}",
               f"time:  column {self.time_column!r} in {self.time_unit}",
               f"force: column {self.force_column!r} in {self.force_unit}",
               f"rows:  {self.rows} kept, {self.skipped} skipped"
               + (f", rate ~{self.rate_hz:.4g} samples/s" if self.rate_hz else "")]
        for line, reason in self.bad_rows:
            out.append(f"  skipped line {line}: {reason}")
        if self.skipped > len(self.bad_rows):
            out.append(f"  ... and {self.skipped - len(self.bad_rows)} more skipped lines")
        if self.events:
            where = (f"from column {self.marker_column!r}" if self.marker_column
                     else "from the export's '# event:' lines")
            out.append(f"events: {', '.join(f'{n} {k}' for k, n in self.events.items())} ({where})")
        if self.metadata:
            out.append("metadata: " + ", ".join(f"{k}={v}" for k, v in list(self.metadata.items())[:8]))
        out.extend(f"note: {n}" for n in self.notes)
        return out


@dataclass
class ImportedTrace:
    t: np.ndarray  # seconds from the first sample
    value: np.ndarray  # in report.force_unit, as in the file
    report: ImportReport
    restored_meta: dict  # metadata of a pressure export, restored on re-import
    events: list = field(default_factory=list)  # (t from the first sample, kind, text, data)


DELIMITER_NAMES = {";": "';' (a European spreadsheet)", "\t": "tabs", "|": "'|'", " ": "spaces"}
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


def read_csv(path, *, time_column: str | None = None, force_column: str | None = None,
             unit: str | None = None, time_unit: str | None = None) -> ImportedTrace:
    """Parse another tool's CSV force log (streamed, memory capped). PressureError if unreadable."""
    path = Path(path)
    report = ImportReport(source=path)
    if not path.is_file():
        raise PressureError(f"{path}: no such file" if not path.exists() else f"{path}: not a file")
    try:
        encoding = sniff_encoding(path)
        f = open(path, encoding=encoding, errors="replace", newline="")
    except OSError as exc:
        raise PressureError(f"{path}: cannot read ({exc.strerror or exc})") from None
    with f:
        lines = read_lines(f, path)
        head = []
        comments = 0  # '#' lines (an export lists every event there) do not use up the scan
        for ln in lines:
            head.append(ln)
            if ln.lstrip().startswith("#") and comments < MAX_COMMENT_LINES:
                comments += 1
            elif len(head) - comments >= HEADER_SCAN_LINES:
                break
        if not any(h.strip() for h in head):
            raise PressureError(f"{path.name}: the file is empty")
        refuse_binary(head, path)
        hi, di, delim = find_header(head)
        if di is None:
            raise PressureError(f"{path.name}: found no table of numbers in the first "
                                f"{len(head)} lines (a header row followed by rows of numbers)")
        report.delimiter = delim
        report.notes.append(f"encoding: {ENCODING_NAMES[encoding]}")
        if delim != ",":
            sample = " ".join(head[di:di + 20])
            comma = re.search(r"\d,\d", sample) is not None
            report.notes.append(f"cells separated by {DELIMITER_NAMES.get(delim, repr(delim))}"
                                + ("; decimal commas (0,5 read as 0.5)" if comma else ""))
        meta_lines = head[:hi if hi is not None else di]
        restored = restore_export_meta(meta_lines) if meta_lines and meta_lines[0].startswith(EXPORT_TITLE) else {}
        report.metadata = {} if restored else parse_metadata(meta_lines, delim)
        if hi is not None:
            report.header_line = hi + 1
            headers = [h.strip() for h in split(head[hi].strip(), delim)]
        else:
            width = len(split(head[di].strip(), delim))
            headers = [f"column {k + 1}" for k in range(width)]
            report.notes.append("no header row: took column 1 as the time and column 2 as the force")
            time_column, force_column = time_column or "column 1", force_column or "column 2"
        ti, fi, (tname, tunit), (fname, funit) = pick_columns(headers, time_column, force_column, report)
        report.time_column, report.force_column = headers[ti], headers[fi]
        report.force_unit = force_unit(fname, funit, unit, report)
        # events: a pressure export lists every event (markers, steps) in its header; another
        # tool's CSV may have a marker/comment column, whose text becomes marker events
        events = restore_export_events(meta_lines) if restored else []
        mi = None if events else marker_column(headers, (ti, fi))
        if mi is not None:
            report.marker_column = headers[mi]
        marks: list[tuple[float, str]] = []

        ts, vs = array("d"), array("d")
        mode = [None]
        need = max(ti, fi)

        def rows():
            for k, ln in enumerate(head[di:], start=di + 1):
                yield k, ln
            for k, ln in enumerate(lines, start=len(head) + 1):
                yield k, ln

        for line_no, ln in rows():
            s = ln.strip()
            if not s or s.startswith("#"):
                continue
            cells = [] if is_binary(s) else split(s, delim)
            if not cells:
                reason = "binary data, not text"
                tv = fv = None
            elif len(cells) <= need:
                reason = f"{len(cells)} cells, expected {len(headers)}"
                tv = fv = None
            else:
                tv = parse_time_cell(cells[ti], delim, mode)
                fv = number(cells[fi], delim)
                reason = (f"time {cells[ti].strip()!r} is not a number" if tv is None else
                          f"force {cells[fi].strip()!r} is not a number")
            if tv is None or fv is None:
                report.skipped += 1
                if len(report.bad_rows) < 10:
                    report.bad_rows.append((line_no, f"{reason}: {s[:60]!r}"))
                continue
            if mode[0] is None:
                mode[0] = "number" if number(cells[ti], delim) is not None else "clock"
            if mi is not None and mi < len(cells) and len(marks) < MAX_EVENTS:
                note = cells[mi].strip().strip('"').strip()
                if note:
                    marks.append((tv, unsafe_cell(note).replace("\uff03", "#")))
            ts.append(tv)
            vs.append(fv)
            if len(ts) > MAX_ROWS:
                raise PressureError(f"{path.name}: more than {MAX_ROWS:,} rows; split the file "
                                    "into shorter sessions")
    report.rows = len(ts)
    total = report.rows + report.skipped
    if report.rows == 0:
        first = "; ".join(f"line {n}: {r}" for n, r in report.bad_rows[:3])
        raise PressureError(f"{path.name}: no readable rows" + (f" ({first})" if first else ""))
    if report.skipped > GARBAGE_LIMIT * total:
        first = "; ".join(f"line {n}: {r}" for n, r in report.bad_rows[:5])
        raise PressureError(f"{path.name}: {report.skipped} of {total} rows cannot be read "
                            f"(more than {GARBAGE_LIMIT:.0%}): {first}")
    t = np.frombuffer(ts, dtype=np.float64)
    value = np.frombuffer(vs, dtype=np.float64)
    if mode[0] == "clock":
        report.time_unit = "clock time"
        scale = 1.0
    else:
        scale = time_scale(tname, tunit, t, time_unit, report)
    t = t * scale
    backwards = int(np.count_nonzero(np.diff(t) < 0))
    if backwards:
        order = np.argsort(t, kind="stable")
        t, value = t[order], value[order]
        report.out_of_order = backwards
        report.notes.append(f"{backwards} time stamps went backwards: rows sorted by time (stable)")
    else:
        value = value.copy()
    steps = np.diff(t)
    report.duplicates = int(np.count_nonzero(steps == 0))
    if report.duplicates:
        report.notes.append(f"{report.duplicates} rows repeat the time of the row before: kept")
    positive = steps[steps > 0]
    if positive.size:
        median = float(np.median(positive))
        report.rate_hz = 1.0 / median
        if positive.size > 10 and float(positive.max()) > 1.5 * float(positive.min()) + 1e-12 \
                and float(np.percentile(positive, 95)) > 1.2 * median:
            report.notes.append(f"irregular time steps ({positive.min():.4g} to {positive.max():.4g} s, "
                                f"median {median:.4g} s): kept as they are")
    report.time_offset_s = float(t[0])
    if marks:
        events = [(tm * scale, "marker", note, None) for tm, note in marks]
    events = [(et - report.time_offset_s, kind, text, data) for et, kind, text, data in events]
    for _, kind, _, _ in events:
        report.events[kind] = report.events.get(kind, 0) + 1
    return ImportedTrace(t=t - t[0], value=value, report=report, restored_meta=restored,
                         events=events)
