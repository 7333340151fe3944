"""The rows below the header, read in blocks of a few MB so memory stays bounded however long
the file: numpy parses a block of clean numbers in C; a block with anything else in it (a
garbage row, ``nan``, a marker column, clock times, comments) is read line by line, which
skips and names the rows it cannot read.
"""

from __future__ import annotations

import io
from array import array

import numpy as np

from ..errors import PressureError
from .cells import unsafe_cell
from .table import MAX_EVENTS, MAX_LINE_CHARS, is_binary, number, parse_time_cell, split

BLOCK_CHARS = 4 << 20  # characters read at a time (~250k rows of time,force at 1 kHz)
MAX_BAD_ROWS_SHOWN = 10


def text_blocks(f, layout, block_chars: int = BLOCK_CHARS):
    """(first line number, text of whole lines) for the table: first the rows read with the
    header plus the first block, then block after block; the half line at a block's end waits
    for the next block."""
    line_no = layout.first_line
    carry = "".join(layout.rows)
    while True:
        chunk = f.read(block_chars)
        text = carry + chunk
        if not chunk:
            if text.strip():
                yield line_no, text if text.endswith("\n") else text + "\n"
            return
        cut = text.rfind("\n") + 1
        if cut == 0:
            if len(text) >= MAX_LINE_CHARS:
                raise PressureError(f"{layout.name}: line {line_no} is longer than "
                                    f"{MAX_LINE_CHARS} characters: not a CSV file of samples")
            carry = text
            continue
        whole, carry = text[:cut], text[cut:]
        yield line_no, whole
        line_no += whole.count("\n")


def parse_block(text: str, first_line: int, layout, report, marks: list):
    """(times as in the file, forces) of one block's readable rows; rows that cannot be read
    are counted in ``report.skipped`` (the first few named in ``report.bad_rows``)."""
    fast = fast_block(text, layout)
    if fast is not None:
        return fast
    return slow_block(text, first_line, layout, report, marks)


def fast_block(text: str, layout):
    """Both columns of a block of plain numbers parsed by numpy, or None when the block needs
    the line-by-line reader (anything numpy would read differently from :func:`number`)."""
    delim = layout.delim
    if layout.mode[0] != "number" or "#" in text or "_" in text:
        return None
    if layout.mi is not None and not (  # a marker column: fast only where all its cells are empty
            delim != " " and layout.mi == len(layout.headers) - 1
            and text.count(delim + "\n") == text.count("\n")):
        return None
    if delim != ",":
        text = text.replace(",", ".")  # decimal commas; "1,234.5" then fails and goes slow
    try:
        table = np.loadtxt(io.StringIO(text), dtype=np.float64, comments=None, quotechar='"',
                           delimiter=None if delim == " " else delim,
                           usecols=(layout.ti, layout.fi), ndmin=2)
    except ValueError:
        return None
    if not np.isfinite(table).all():  # nan/inf cells are skipped rows, named: the slow reader
        return None
    return np.ascontiguousarray(table[:, 0]), np.ascontiguousarray(table[:, 1])


def slow_block(text: str, first_line: int, layout, report, marks: list):
    ti, fi, mi, delim, mode = layout.ti, layout.fi, layout.mi, layout.delim, layout.mode
    need = max(ti, fi)
    ts, vs = array("d"), array("d")
    for line_no, ln in enumerate(text.split("\n"), start=first_line):
        s = ln.strip()
        if not s or s.startswith("#"):
            continue
        cells = [] if is_binary(s) else split(s, delim)
        if not cells:
            reason = "binary data, not text"
            tv = fv = None
        elif len(cells) <= need:
            reason = f"{len(cells)} cells, expected {len(layout.headers)}"
            tv = fv = None
        else:
            tv = parse_time_cell(cells[ti], delim, mode)
            fv = number(cells[fi], delim)
            reason = (f"time {cells[ti].strip()!r} is not a number" if tv is None else
                      f"force {cells[fi].strip()!r} is not a number")
        if tv is None or fv is None:
            report.skipped += 1
            if len(report.bad_rows) < MAX_BAD_ROWS_SHOWN:
                report.bad_rows.append((line_no, f"{reason}: {s[:60]!r}"))
            continue
        if mode[0] is None:
            mode[0] = "number" if number(cells[ti], delim) is not None else "clock"
        if mi is not None and mi < len(cells) and len(marks) < MAX_EVENTS:
            note = cells[mi].strip()
            if delim == " ":  # split on blanks, not by the csv module: its quotes are still on
                note = note.strip('"').strip()
            if note:
                marks.append((tv, unsafe_cell(note).replace("\uff03", "#")))
        ts.append(tv)
        vs.append(fv)
    return np.frombuffer(ts, dtype=np.float64), np.frombuffer(vs, dtype=np.float64)
