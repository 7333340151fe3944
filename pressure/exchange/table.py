"""Finding the table in a CSV text: safe lines, cells, numbers and clock times, the header row,
and the metadata block above it. Nothing read from a file is ever evaluated; JSON is only parsed.
"""

from __future__ import annotations

import csv
import json
import math
import re
from datetime import datetime, timezone
from datetime import time as dtime
from pathlib import Path

from ..errors import PressureError

EXPORT_TITLE = "# pressure recording export"  # the first line of our own export
MAX_LINE_CHARS = 65536
DELIMITERS = (",", ";", "\t", "|")


def read_lines(f, path: Path):
    """Yield lines, refusing absurdly long ones (a binary or one-line file) instead of eating RAM."""
    n = 0
    while True:
        line = f.readline(MAX_LINE_CHARS)
        if not line:
            return
        n += 1
        if len(line) >= MAX_LINE_CHARS and not line.endswith("\n"):
            raise PressureError(f"{path.name}: line {n} is longer than {MAX_LINE_CHARS} characters: "
                                "not a CSV file of samples")
        yield line


def is_binary(line: str) -> bool:
    """A line of binary data, not text: a NUL byte, or mostly undecodable/control characters
    (one such row is a serial glitch, skipped like other garbage; a file of them is refused)."""
    if "\x00" in line:
        return True
    s = line.strip()
    odd = sum(ch == "\ufffd" or (ch < " " and ch != "\t") for ch in s)
    return odd * 4 > len(s) > 0


def refuse_binary(lines: list[str], path: Path) -> None:
    """Refuse a file whose first lines are mostly binary (not a text CSV at all)."""
    content = [(n, ln) for n, ln in enumerate(lines, start=1) if ln.strip()]
    binary = [n for n, ln in content if is_binary(ln)]
    if binary and len(binary) * 2 >= len(content):
        raise PressureError(f"{path.name}: line {binary[0]} holds binary data: not a text CSV file")


def split(line: str, delim: str) -> list[str]:
    if delim == " ":
        return line.split()
    return next(csv.reader([line], delimiter=delim), [])


def number(cell: str, delim: str) -> float | None:
    s = cell.strip().strip('"').strip()
    if delim != "," and s.count(",") == 1 and "." not in s:
        s = s.replace(",", ".")  # decimal comma (European spreadsheets use ';' between cells)
    if not s or "_" in s:
        return None
    try:
        v = float(s)
    except ValueError:
        return None
    return v if math.isfinite(v) else None


CLOCK_BASE = datetime(2020, 1, 1)
# A year-first date with '/' or '.' between its parts (day-first and month-first dates are
# ambiguous, 05/12 or 12/05, and stay unread rather than read wrong).
_SLASH_DATE = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})((?:[ T].*)?)$")


def clock(cell: str) -> float | None:
    """Seconds from an ISO date-time (epoch) or a time of day ('12:00:01.5'); None if neither."""
    s = cell.strip().strip('"')
    if ":" not in s and "-" not in s[1:]:
        return None
    ymd = _SLASH_DATE.match(s)
    if ymd:  # 2026/12/05 or 2026.12.05: loggers and spreadsheets write these; year first is unambiguous
        s = f"{ymd[1]}-{int(ymd[2]):02d}-{int(ymd[3]):02d}{ymd[4]}"
    try:
        d = datetime.fromisoformat(s)
    except ValueError:
        pass
    else:  # seconds from a recent base, not from 1970: float64 keeps microseconds
        if d.tzinfo is not None:
            d = d.astimezone(timezone.utc).replace(tzinfo=None)
        return (d - CLOCK_BASE).total_seconds()
    try:
        tt = dtime.fromisoformat(s)
    except ValueError:
        return None
    return tt.hour * 3600 + tt.minute * 60 + tt.second + tt.microsecond / 1e6


def is_numeric_row(fields: list[str], delim: str) -> bool:
    """A data row: at least two cells, each a number or a clock time."""
    if len(fields) < 2:
        return False
    numbers = sum(number(c, delim) is not None for c in fields)
    return numbers >= 2 or (numbers >= 1 and any(clock(c) is not None for c in fields))



MISSING_CELLS = ("", "nan", "na", "n/a", "null", "none", "-")


def is_data_row(fields: list[str], delim: str) -> bool:
    """A row of numbers (text cells such as markers allowed, as in :func:`is_numeric_row`),
    or one in which the only cells that are not numbers are missing (blank, ``nan``, ``NA``)."""
    if is_numeric_row(fields, delim):
        return True
    missing = [c.strip().strip('"').strip().lower() in MISSING_CELLS for c in fields]
    present = [c for c, m in zip(fields, missing) if not m]
    return bool(present) and all(number(c, delim) is not None or clock(c) is not None
                                 for c in present)


def parse_time_cell(cell: str, delim: str, mode: list) -> float | None:
    v = number(cell, delim)
    if v is not None or mode[0] == "number":
        return v
    return clock(cell)


def find_header(lines: list[str]):
    """(header_index or None, first_data_index, delimiter) from the first lines of the file."""
    content = [(i, ln.strip()) for i, ln in enumerate(lines)]
    content = [(i, s) for i, s in content if s and not s.startswith("#") and not is_binary(s)]
    for k, (i, s) in enumerate(content):
        for delim in (*DELIMITERS, " "):
            fields = split(s, delim)
            if len(fields) < 2:
                continue
            following = [split(x, delim) for _, x in content[k + 1:k + 6]]
            if not following:
                continue
            # the row right after is data, and most of the next few are (garbage rows happen)
            # a blank or "nan" cell in the first data row does not make it text (``0.00,nan``)
            data = [len(f) == len(fields) and is_data_row(f, delim) for f in following]
            table = data[0] and sum(data) * 2 > len(data)
            if is_numeric_row(fields, delim):
                if table:
                    return None, i, delim  # numbers from the start: no header row
                continue
            if table and all(c.strip() for c in fields):
                return i, content[k + 1][0], delim
    return None, None, ","


def parse_metadata(lines: list[str], delim: str) -> dict:
    meta: dict = {}
    free = []
    for ln in lines:
        s = ln.strip().lstrip("#").strip()
        if not s:
            continue
        if ":" in s and not s.startswith("http"):
            k, v = s.split(":", 1)
            meta[k.strip()] = v.strip()
            continue
        fields = split(s, delim if delim != " " else ",")
        if len(fields) == 2 and fields[0].strip():
            meta[fields[0].strip()] = fields[1].strip()
        else:
            free.append(s)
    if free:
        meta["text"] = " / ".join(free)[:2000]
    return meta


MARKER_NAMES = ("marker", "markers", "mark", "marks", "annotation", "annotations", "comment",
                "comments")
MAX_EVENTS = 100_000


def marker_column(headers: list[str], taken: tuple[int, ...]) -> int | None:
    """Index of a marker/annotation column (text the practitioner noted at a moment), or None."""
    for i, h in enumerate(headers):
        if i not in taken and h.strip().strip('"').strip().lower() in MARKER_NAMES:
            return i
    return None


def _event(t, kind, text, data):
    """One restored event, or None when any part is not what an export writes."""
    from ..recording import EVENT_KINDS

    if kind not in EVENT_KINDS or not isinstance(text, str):
        return None
    if isinstance(t, bool) or not isinstance(t, (int, float)) or not math.isfinite(t):
        return None
    if not (data is None or isinstance(data, dict)):
        return None
    return float(t), kind, text, data


def restore_export_events(lines: list[str]) -> list[tuple[float, str, str, dict | None]]:
    """(t, kind, text, data) of every ``# event: T KIND "TEXT" [DATA]`` line of a pressure
    export's header (markers and the coach's step events); malformed lines are ignored."""
    events = []
    decoder = json.JSONDecoder()
    for ln in lines:
        m = re.match(r"^#\s*event:\s*(\S+)\s+([a-z_]+)\s+(.*)$", ln.strip())
        if not m or m.group(2) not in EVENT_KINDS:
            continue
        try:
            t = float(m.group(1))
            text, end = decoder.raw_decode(m.group(3))
            rest = m.group(3)[end:].strip()
            data = json.loads(rest) if rest else None
        except ValueError:
            continue
        event = _event(t, m.group(2), text, data)
        if event is None:
            continue
        events.append(event)
        if len(events) >= MAX_EVENTS:
            break
    return events


# the metadata an import takes back from an export of ours; the rest describes the old file
RESTORED_KEYS = {"labels", "routine", "unit", "area_cm2", "filter", "sensor", "calibration",
                 "started_at", "kind", "source"}


def restore_export_meta(lines: list[str]) -> dict:
    """Metadata from a pressure export's header (JSON values only; anything else is ignored)."""
    restored = {}
    for ln in lines:
        m = re.match(r"^#\s*([a-z_]+):\s*(.*)$", ln.strip())
        if m and m.group(1) in RESTORED_KEYS:
            try:
                restored[m.group(1)] = json.loads(m.group(2))
            except ValueError:
                continue
    return restored


SIDECAR_SUFFIX = ".meta.json"  # x.csv -> x.meta.json: the export's metadata and events
SIDECAR_FORMAT = "pressure recording export"
SIDECAR_MAX_BYTES = 256 << 20  # an export's events (100,000 at most are taken back) fit well below


def sidecar_path(csv_path: Path) -> Path:
    return csv_path.with_name(csv_path.stem + SIDECAR_SUFFIX)


def restore_sidecar(csv_path: Path) -> tuple[dict, list] | None:
    """(metadata, events) from the metadata file an export wrote beside ``csv_path``, or None
    when there is none, it is not ours, or it names another CSV (a renamed pair still imports,
    as a plain table)."""
    side = sidecar_path(csv_path)
    try:
        if not side.is_file() or side.stat().st_size > SIDECAR_MAX_BYTES:
            return None
        doc = json.loads(side.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(doc, dict) or doc.get("format") != SIDECAR_FORMAT or doc.get("csv") != csv_path.name:
        return None
    meta = doc.get("metadata")
    restored = {k: v for k, v in meta.items() if k in RESTORED_KEYS} if isinstance(meta, dict) else {}
    events = []
    for e in doc.get("events") or []:
        if not isinstance(e, dict):
            continue
        event = _event(e.get("t"), e.get("kind"), e.get("text"), e.get("data"))
        if event is not None:
            events.append(event)
            if len(events) >= MAX_EVENTS:
                break
    return restored, events
