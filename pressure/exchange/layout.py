"""The shape of a CSV file, from its first lines: where the table starts, the separator, the
header, which columns are time, force and markers. Only these first lines are ever held in
memory at once; the rows below them are read in blocks (body.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import PressureError
from .columns import force_unit, name_and_unit, pick_columns
from .table import (
    EXPORT_TITLE, clock, find_header, marker_column, number, parse_metadata, read_lines,
    refuse_binary, restore_export_events, restore_export_meta, restore_sidecar, sidecar_path, split,
)

HEADER_SCAN_LINES = 1000  # lines of the table looked at to find the header and separator
MAX_COMMENT_LINES = 200_000
_DAY_OR_MONTH_FIRST = re.compile(r"\b\d{1,2}[/.]\d{1,2}[/.]\d{4}\b")  # '#' lines above the table (an export's events) before giving up
DELIMITER_NAMES = {";": "';' (a European spreadsheet)", "\t": "tabs", "|": "'|'", " ": "spaces"}


@dataclass
class Layout:
    """Where the numbers are: what body.py needs to read every row below the header."""

    name: str  # the file's name, for messages
    delim: str
    headers: list[str]
    ti: int  # time column
    fi: int  # force column
    mi: int | None  # marker column (its text becomes marker events), or None
    tname: str = ""
    tunit: str | None = None
    rows: list[str] = field(default_factory=list)  # the table's lines read with the header
    first_line: int = 1  # the line number of rows[0]
    mode: list = field(default_factory=lambda: [None])  # "number" or "clock" time cells
    restored: dict = field(default_factory=dict)  # a pressure export's own metadata
    events: list = field(default_factory=list)  # a pressure export's '# event:' lines


def read_layout(f, path: Path, report, *, time_column: str | None, force_column: str | None,
                unit: str | None) -> Layout:
    """Read the file's first lines from ``f`` and work out its layout (notes go to ``report``).

    ``f`` is left at the first line after those read; ``Layout.rows`` holds the table's rows
    that were read with the header."""
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
        hint = ""
        if any(_DAY_OR_MONTH_FIRST.search(h) for h in head[:50]):
            hint = ("; dates such as 05/12/2026 are ambiguous (day or month first): write them "
                    "year first (2026/12/05 10:00:00) or as seconds")
        raise PressureError(f"{path.name}: found no table of numbers in the first "
                            f"{len(head)} lines (a header row followed by rows of numbers){hint}")
    if time_column or force_column:
        hi, di = named_header(head, hi, di, delim, time_column, force_column)
    report.delimiter = delim
    if delim != ",":
        sample = " ".join(head[di:di + 20])
        comma = re.search(r"\d,\d", sample) is not None
        report.notes.append(f"cells separated by {DELIMITER_NAMES.get(delim, repr(delim))}"
                            + ("; decimal commas (0,5 read as 0.5)" if comma else ""))
    meta_lines = head[:hi if hi is not None else di]
    old_style = bool(meta_lines) and meta_lines[0].startswith(EXPORT_TITLE)
    restored = restore_export_meta(meta_lines) if old_style else {}
    side_events = None
    side = None if old_style else restore_sidecar(path)
    if side is not None:
        restored, side_events = side
        report.notes.append(f"metadata and events from {sidecar_path(path).name}")
    report.metadata = {} if restored else parse_metadata(meta_lines, delim)
    if hi is not None:
        report.header_line = hi + 1
        headers = [h.strip() for h in split(head[hi].strip(), delim)]
    else:
        width = len(split(head[di].strip(), delim))
        headers = [f"column {k + 1}" for k in range(width)]
        report.notes.append("no header row: took column 1 as the time and column 2 as the force"
                            if not (time_column or force_column) else "no header row")
        time_column = time_column or ("column 2" if is_column(force_column, 1) else "column 1")
        force_column = force_column or ("column 1" if is_column(time_column, 2) else "column 2")
    ti, fi, (tname, tunit), (fname, funit) = pick_columns(headers, time_column, force_column, report)
    report.time_column, report.force_column = headers[ti], headers[fi]
    report.force_unit = force_unit(fname, funit, unit, report)
    # events: a pressure export lists every event (markers, steps) in its header; another
    # tool's CSV may have a marker/comment column, whose text becomes marker events
    events = side_events if side_events is not None else restore_export_events(meta_lines) if restored else []
    mi = None if events else marker_column(headers, (ti, fi))
    if mi is not None:
        report.marker_column = headers[mi]
    layout = Layout(name=path.name, delim=delim, headers=headers, ti=ti, fi=fi, mi=mi, tname=tname, tunit=tunit,
                    rows=head[di:], first_line=di + 1, restored=restored, events=events)
    first = split(head[di].strip(), delim)
    if ti < len(first):  # clock times or numbers, from the first data row (body.py decides later)
        cell = first[ti]
        layout.mode[0] = ("number" if number(cell, delim) is not None
                          else "clock" if clock(cell) is not None else None)
    return layout


def is_column(name: str | None, k: int) -> bool:
    """``name`` is "column K" or "K" (a column given by its number)."""
    return name is not None and re.fullmatch(rf"\s*(column\s*)?{k}\s*", name.lower()) is not None


def named_header(head: list[str], hi, di: int, delim: str, time_column, force_column):
    """(header index, first data index): the options win over header detection. When the
    header found (or none) does not name the requested columns but a line above the numbers
    does (a first row of blanks, ``nan`` or garbage hid it), that line is the header."""
    wanted = [w.strip().strip('"').strip().lower() for w in (time_column, force_column)
              if w and not re.fullmatch(r"\s*(column\s*)?\d+\s*", w.lower())]
    if not wanted:
        return hi, di

    def names(i):
        cells = [c.strip().strip('"').strip().lower() for c in split(head[i].strip(), delim)]
        return set(cells) | {name_and_unit(c)[0] for c in cells}

    if hi is not None and all(w in names(hi) for w in wanted):
        return hi, di
    for i in range(di - 1, -1, -1):
        s = head[i].strip()
        if s and not s.startswith("#") and all(w in names(i) for w in wanted):
            return i, i + 1
    return hi, di
