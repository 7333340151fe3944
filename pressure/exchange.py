"""CSV exchange with other tools: export a recording, import another tool's force log.

Export writes one row per sample (time, raw, force, smoothed, zone, marker) below a block of
``# key: value`` comment lines holding the metadata, so the file opens in a spreadsheet and in
``pandas.read_csv(path, comment="#")``. Import reads what force-training apps, rocket test
stands and Arduino loggers write: it finds the header below an optional metadata block, picks
the time and force columns by name, works out their units, keeps irregular and duplicate
time stamps, skips garbage rows (naming them) and says everything it assumed. Nothing read
from a file is ever evaluated; JSON is only parsed.
"""

from __future__ import annotations

import csv
import json
import logging
import math
import os
import re
import tempfile
from array import array
from dataclasses import dataclass, field
from datetime import datetime, timezone
from datetime import time as dtime
from pathlib import Path

import numpy as np

from .errors import PressureError
from .recording import LABEL_KEYS, Recording, RecordingWriter, open_recording
from .samples import DISPLAY_UNITS, FLAG_GAP_BEFORE, FORCE_UNITS, Block, normalize_unit, to_unit

log = logging.getLogger(__name__)

EXPORT_TITLE = "# pressure recording export"
MAX_LINE_CHARS = 65536
MAX_ROWS = 10_000_000  # ~2.8 h at 1 kHz; ~160 MB while importing
GARBAGE_LIMIT = 0.20  # fail when more than this fraction of the data rows cannot be read
HEADER_SCAN_LINES = 1000

TIME_UNITS = {"s": 1.0, "sec": 1.0, "secs": 1.0, "second": 1.0, "seconds": 1.0,
              "ms": 1e-3, "msec": 1e-3, "millis": 1e-3, "millisecond": 1e-3, "milliseconds": 1e-3,
              "us": 1e-6, "µs": 1e-6, "micros": 1e-6, "microsecond": 1e-6, "microseconds": 1e-6,
              "min": 60.0, "minute": 60.0, "minutes": 60.0}
TIME_NAMES = ("time", "t", "times", "timestamp", "timestamps", "elapsed", "elapsed time", "zeit")
# Force column names in order of preference, with the unit they usually carry when unnamed.
FORCE_NAMES = {"force": None, "thrust": None, "load": None, "weight": "kgf", "mass": "kgf",
               "measures": "gf", "measure": "gf", "measurement": "gf", "reading": None,
               "readings": None, "value": None, "values": None, "kraft": None, "f": None}
_UNIT_WORDS = {"n": "N", "newton": "N", "newtons": "N", "kn": "kN", "mn": "mN", "kg": "kgf",
               "kgf": "kgf", "g": "gf", "gf": "gf", "gram": "gf", "grams": "gf", "lb": "lbf",
               "lbs": "lbf", "lbf": "lbf", "oz": "ozf", "ozf": "ozf", "kilogram": "kgf",
               "kilograms": "kgf", "pound": "lbf", "pounds": "lbf"}
_DELIMITERS = (",", ";", "\t", "|")


# ------------------------------------------------------------------------------------ export


def _zones(rec: Recording, smoothed_n: np.ndarray) -> tuple[list[str] | None, str]:
    """Zone per sample from the coach run over the smoothed trace, or (None, why not)."""
    routine_d = rec.meta.get("routine")
    if not routine_d:
        return None, "no routine in this session"
    try:
        from .coach import Coach
        from .routine import Routine
        routine = Routine.from_dict(routine_d)
    except ImportError:
        return None, "the coach is not available"
    except PressureError as exc:
        return None, f"routine unreadable: {exc}"
    value = to_unit(smoothed_n, routine.unit, routine.area_cm2)
    coach = Coach(routine)
    coach.update(rec.t, value)
    return zones_from_events(rec.t, value, routine, coach.events), ""


def zones_from_events(t: np.ndarray, value: np.ndarray, routine, events) -> list[str]:
    """The zone the coach showed after each sample, rebuilt from its events in one pass.

    Feeding the coach one sample at a time costs ~16 us a sample (a minute for an hour at
    1 kHz); its events say when the step, the waiting and the ceiling alarm changed, and
    between them the zone is only a comparison with the step's band.
    """
    n = len(t)
    step_of = np.full(n, -1, np.int64)  # -1: not running (not started, waiting, finished)
    over = np.zeros(n, bool)
    times = np.array([e.t for e in events], float)
    cut = np.searchsorted(t, times, side="left")  # first sample whose state shows the event
    running_step, is_over, prev = -1, False, 0
    for e, at in zip(events, cut.tolist()):
        step_of[prev:at] = running_step
        over[prev:at] = is_over
        prev = max(prev, at)
        if e.kind == "step_start":
            running_step = e.step
        elif e.kind in ("key_wait", "routine_done"):
            running_step = -1
        elif e.kind == "ceiling":
            is_over = True
        elif e.kind == "ceiling_clear":
            is_over = False
    step_of[prev:] = running_step
    over[prev:] = is_over
    zone = np.full(n, "none", dtype=object)
    for i, step in enumerate(routine.steps):
        band = step.band()
        if band is None:
            continue
        sel = (step_of == i) & np.isfinite(value)
        zone[sel & (value < band[0])] = "below"
        zone[sel & (value > band[1])] = "above"
        zone[sel & (value >= band[0]) & (value <= band[1])] = "in"
    zone[over] = "over"
    return zone.tolist()


def _fmt(values: np.ndarray, spec: str | None) -> list[str]:
    """Numbers as text, empty for NaN/inf; spec None: the shortest text that reads back exactly."""
    if spec is None:
        return [repr(v) if math.isfinite(v) else "" for v in values.tolist()]
    return [(spec % v) if math.isfinite(v) else "" for v in values.tolist()]


def export_csv(source, out, *, unit: str | None = None, area_cm2: float | None = None,
               filter_name: str | None = None, force: bool = False, salvage: bool = False) -> Path:
    """Write a recording as CSV; refuses an existing ``out`` unless ``force``. Returns ``out``.

    ``salvage``: export what is still readable from a damaged file (the losses are listed in
    the header as ``# damage:`` lines)."""
    from .filters import default_filter, filter_from_description, make_filter

    rec = source if isinstance(source, Recording) else open_recording(source, salvage=salvage)
    out = Path(out)
    if out.exists() and not force:
        raise PressureError(f"{out} already exists; use --force to replace it")
    if out.exists() and not out.is_file():
        raise PressureError(f"{out} is not a file")
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
    zones, zone_note = _zones(rec, smoothed_n)
    marker_at: dict[int, str] = {}
    for m in rec.markers:
        i = rec.index_at(m.t)
        text = (m.text or "marker").replace("#", "\uff03").replace("\n", " ").replace("\r", " ")
        marker_at[i] = f"{marker_at[i]}; {text}" if i in marker_at else text

    header = [EXPORT_TITLE, f"# file: {rec.path.name}"]
    for key, value in meta.items():
        header.append(f"# {key}: {json.dumps(value, ensure_ascii=False)}")
    header.append(f"# export_unit: {json.dumps(unit)}")
    header.append(f"# export_filter: {json.dumps(flt.describe())}")
    if zone_note:
        header.append(f"# zone: empty ({zone_note})")
    for problem in rec.damage:
        header.append(f"# damage: {problem}")
    for e in rec.events:
        data = f" {json.dumps(e.data, ensure_ascii=False)}" if e.data else ""
        header.append(f"# event: {e.t:.6f} {e.kind} {json.dumps(e.text, ensure_ascii=False)}{data}")
    header.append("# columns: time_s = seconds since the session start; raw = the sensor's "
                  f"reading; force_{unit} and smoothed_{unit} in {unit}; zone from the routine's "
                  "coach over the smoothed value; marker = the practitioner's markers")
    columns = ["time_s", "raw", f"force_{unit}", f"smoothed_{unit}", "zone", "marker"]

    force_u = to_unit(rec.force_n, unit, area)
    smooth_u = to_unit(smoothed_n, unit, area)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write("\n".join(h.replace("\n", " ").replace("\r", " ") for h in header) + "\n")
            w = csv.writer(f, lineterminator="\n")
            w.writerow(columns)
            step = 65536
            for a in range(0, len(rec), step):
                b = min(len(rec), a + step)
                cols = (_fmt(rec.t[a:b], "%.6f"), _fmt(rec.raw[a:b], None),
                        _fmt(force_u[a:b], None), _fmt(smooth_u[a:b], "%.6g"),
                        zones[a:b] if zones is not None else [""] * (b - a),
                        [marker_at.get(i, "") for i in range(a, b)])
                w.writerows(zip(*cols))
        os.chmod(tmp, 0o600)  # it carries the same client names as the recording
        if force:
            os.replace(tmp, out)
        else:
            try:
                os.link(tmp, out)  # never replaces a file that appeared meanwhile
            except FileExistsError:
                raise PressureError(f"{out} already exists; use --force to replace it") from None
            os.unlink(tmp)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out


# ------------------------------------------------------------------------------------ import


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


def _lines(f, path: Path):
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
        if "\x00" in line:
            raise PressureError(f"{path.name}: line {n} holds binary data: not a text CSV file")
        yield line


def _split(line: str, delim: str) -> list[str]:
    if delim == " ":
        return line.split()
    return next(csv.reader([line], delimiter=delim), [])


def _number(cell: str, delim: str) -> float | None:
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


_CLOCK_BASE = datetime(2020, 1, 1)


def _clock(cell: str) -> float | None:
    """Seconds from an ISO date-time (epoch) or a time of day ('12:00:01.5'); None if neither."""
    s = cell.strip().strip('"')
    if ":" not in s and "-" not in s[1:]:
        return None
    try:
        d = datetime.fromisoformat(s)
    except ValueError:
        pass
    else:  # seconds from a recent base, not from 1970: float64 keeps microseconds
        if d.tzinfo is not None:
            d = d.astimezone(timezone.utc).replace(tzinfo=None)
        return (d - _CLOCK_BASE).total_seconds()
    try:
        tt = dtime.fromisoformat(s)
    except ValueError:
        return None
    return tt.hour * 3600 + tt.minute * 60 + tt.second + tt.microsecond / 1e6


def _is_numeric_row(fields: list[str], delim: str) -> bool:
    """A data row: at least two cells, each a number or a clock time."""
    if len(fields) < 2:
        return False
    numbers = sum(_number(c, delim) is not None for c in fields)
    return numbers >= 2 or (numbers >= 1 and any(_clock(c) is not None for c in fields))


def _find_header(lines: list[str]):
    """(header_index or None, first_data_index, delimiter) from the first lines of the file."""
    content = [(i, ln.strip()) for i, ln in enumerate(lines)]
    content = [(i, s) for i, s in content if s and not s.startswith("#")]
    for k, (i, s) in enumerate(content):
        for delim in (*_DELIMITERS, " "):
            fields = _split(s, delim)
            if len(fields) < 2:
                continue
            following = [_split(x, delim) for _, x in content[k + 1:k + 6]]
            if not following:
                continue
            # the row right after is data, and most of the next few are (garbage rows happen)
            data = [len(f) == len(fields) and _is_numeric_row(f, delim) for f in following]
            table = data[0] and sum(data) * 2 > len(data)
            if _is_numeric_row(fields, delim):
                if table:
                    return None, i, delim  # numbers from the start: no header row
                continue
            if table and all(c.strip() for c in fields):
                return i, content[k + 1][0], delim
    return None, None, ","


def _parse_metadata(lines: list[str], delim: str) -> dict:
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
        fields = _split(s, delim if delim != " " else ",")
        if len(fields) == 2 and fields[0].strip():
            meta[fields[0].strip()] = fields[1].strip()
        else:
            free.append(s)
    if free:
        meta["text"] = " / ".join(free)[:2000]
    return meta


def _name_and_unit(header: str) -> tuple[str, str | None]:
    """'Time (s)' -> ('time', 's'); 'force_kgf' -> ('force', 'kgf'); 'ms' -> ('ms', None)."""
    h = header.strip().strip('"').strip().lower()
    m = re.match(r"^(.*?)\s*[\(\[]\s*([^\)\]]*?)\s*[\)\]]\s*$", h)
    if m:
        return m.group(1).strip(), m.group(2).strip() or None
    m = re.match(r"^(.*?)[\s_\-/]+([a-zµ/]+)$", h)
    if m and (m.group(2) in TIME_UNITS or m.group(2) in _UNIT_WORDS):
        return m.group(1).strip(), m.group(2)
    return h, None


def _pick_columns(headers: list[str], time_column, force_column, report: ImportReport):
    parsed = [_name_and_unit(h) for h in headers]

    def by_request(name, what):
        want = name.strip().lower()
        for i, (h, (base, _)) in enumerate(zip(headers, parsed)):
            if h.strip().strip('"').strip().lower() == want or base == want:
                return i
        raise PressureError(f"{report.source.name}: no {what} column named {name!r}; "
                            f"the columns are {', '.join(repr(h) for h in headers)}")

    if time_column:
        ti = by_request(time_column, "time")
    else:
        ti = next((i for i, (base, unit) in enumerate(parsed)
                   if base in TIME_NAMES or base in TIME_UNITS or (unit in TIME_UNITS and base in ("", "t"))),
                  None)
        if ti is None:
            raise PressureError(
                f"{report.source.name}: found no time column among {', '.join(repr(h) for h in headers)} "
                "(looked for time, t, times, timestamp, seconds, ms, millis...); use --time-column")
    if force_column:
        fi = by_request(force_column, "force")
        if fi == ti:
            raise PressureError("the time and force columns must differ")
    else:
        candidates = [i for i in range(len(headers)) if i != ti]
        fi = None
        for name in FORCE_NAMES:
            fi = next((i for i in candidates if parsed[i][0] == name), None)
            if fi is not None:
                break
        if fi is None:  # a column named only by its unit: "N", "kg", "Force (N)" handled above
            fi = next((i for i in candidates if parsed[i][0] in _UNIT_WORDS), None)
        if fi is None and len(candidates) == 1:
            fi = candidates[0]
            report.notes.append(f"took {headers[fi]!r}, the only other column, as the force")
        if fi is None:
            raise PressureError(
                f"{report.source.name}: cannot tell which column is the force among "
                f"{', '.join(repr(headers[i]) for i in candidates)}; use --force-column")
    return ti, fi, parsed[ti], parsed[fi]


def _time_scale(name: str, unit: str | None, t: np.ndarray, time_unit: str | None,
                report: ImportReport) -> float:
    if time_unit:
        key = time_unit.strip().lower()
        if key not in TIME_UNITS:
            raise PressureError(f"unknown time unit {time_unit!r}; use s, ms or us")
        report.time_unit = key
        return TIME_UNITS[key]
    for word in (unit, name):
        if word in TIME_UNITS:
            report.time_unit = word
            return TIME_UNITS[word]
    steps = np.diff(t[:10001])
    steps = steps[steps > 0]
    step = float(np.median(steps)) if steps.size else 0.0
    integers = bool(np.all(t[:10001] == np.round(t[:10001])))
    if integers and 1 <= step <= 1000:
        report.time_unit = "ms"
        report.notes.append(f"the time unit is not named; whole-number steps of {step:g} look like "
                            "milliseconds (use --time-unit s if they are seconds)")
        return 1e-3
    if integers and step > 1000:
        report.time_unit = "us"
        report.notes.append(f"the time unit is not named; whole-number steps of {step:g} look like "
                            "microseconds (use --time-unit to say otherwise)")
        return 1e-6
    report.time_unit = "s"
    if step:
        report.notes.append("the time unit is not named; took seconds")
    return 1.0


def _force_unit(name: str, unit: str | None, override: str | None, report: ImportReport) -> str:
    named = None
    if unit is not None:
        named = _UNIT_WORDS.get(unit)
        if named is None:
            try:
                named = normalize_unit(unit)
            except PressureError:
                named = None
            if named is not None and named not in FORCE_UNITS:
                raise PressureError(f"{report.source.name}: the force column is in {unit}, a "
                                    "pressure; only force columns can be imported")
        if named is None:
            report.notes.append(f"unknown force unit {unit!r} in the header")
    elif name in _UNIT_WORDS:
        named = _UNIT_WORDS[name]
    if override:
        chosen = normalize_unit(override)
        if chosen not in FORCE_UNITS:
            raise PressureError(f"--unit {override}: imports need a force unit "
                                f"({', '.join(FORCE_UNITS)})")
        if named and named != chosen:
            report.notes.append(f"--unit {chosen} overrides the header's {named}")
        return chosen
    if named:
        return named
    guess = FORCE_NAMES.get(name)
    if guess:
        report.notes.append(f"the force unit is not named; took {guess} as tools that write "
                            f"{name!r} usually mean (use --unit to say otherwise)")
        return guess
    report.notes.append("the force unit is not named; took N (use --unit to say otherwise)")
    return "N"


def _parse_time_cell(cell: str, delim: str, mode: list) -> float | None:
    v = _number(cell, delim)
    if v is not None or mode[0] == "number":
        return v
    return _clock(cell)


def read_csv(path, *, time_column: str | None = None, force_column: str | None = None,
             unit: str | None = None, time_unit: str | None = None) -> ImportedTrace:
    """Parse another tool's CSV force log (streamed, memory capped). PressureError if unreadable."""
    path = Path(path)
    report = ImportReport(source=path)
    if not path.is_file():
        raise PressureError(f"{path}: no such file" if not path.exists() else f"{path}: not a file")
    try:
        f = open(path, encoding="utf-8-sig", errors="replace", newline="")
    except OSError as exc:
        raise PressureError(f"{path}: cannot read ({exc.strerror or exc})") from None
    with f:
        lines = _lines(f, path)
        head = []
        for ln in lines:
            head.append(ln)
            if len(head) >= HEADER_SCAN_LINES:
                break
        if not any(h.strip() for h in head):
            raise PressureError(f"{path.name}: the file is empty")
        hi, di, delim = _find_header(head)
        if di is None:
            raise PressureError(f"{path.name}: found no table of numbers in the first "
                                f"{len(head)} lines (a header row followed by rows of numbers)")
        report.delimiter = delim
        meta_lines = head[:hi if hi is not None else di]
        restored = _restore_export_meta(meta_lines) if meta_lines and meta_lines[0].startswith(EXPORT_TITLE) else {}
        report.metadata = {} if restored else _parse_metadata(meta_lines, delim)
        if hi is not None:
            report.header_line = hi + 1
            headers = [h.strip() for h in _split(head[hi].strip(), delim)]
        else:
            width = len(_split(head[di].strip(), delim))
            headers = [f"column {k + 1}" for k in range(width)]
            report.notes.append("no header row: took column 1 as the time and column 2 as the force")
            time_column, force_column = time_column or "column 1", force_column or "column 2"
        ti, fi, (tname, tunit), (fname, funit) = _pick_columns(headers, time_column, force_column, report)
        report.time_column, report.force_column = headers[ti], headers[fi]
        report.force_unit = _force_unit(fname, funit, unit, report)

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
            cells = _split(s, delim)
            if len(cells) <= need:
                reason = f"{len(cells)} cells, expected {len(headers)}"
                tv = fv = None
            else:
                tv = _parse_time_cell(cells[ti], delim, mode)
                fv = _number(cells[fi], delim)
                reason = (f"time {cells[ti].strip()!r} is not a number" if tv is None else
                          f"force {cells[fi].strip()!r} is not a number")
            if tv is None or fv is None:
                report.skipped += 1
                if len(report.bad_rows) < 10:
                    report.bad_rows.append((line_no, f"{reason}: {s[:60]!r}"))
                continue
            if mode[0] is None:
                mode[0] = "number" if _number(cells[ti], delim) is not None else "clock"
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
        scale = _time_scale(tname, tunit, t, time_unit, report)
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
    return ImportedTrace(t=t - t[0], value=value, report=report, restored_meta=restored)


def _restore_export_meta(lines: list[str]) -> dict:
    """Metadata from a pressure export's header (JSON values only; anything else is ignored)."""
    restored = {}
    keep = {"labels", "routine", "unit", "area_cm2", "filter", "sensor", "calibration",
            "started_at", "kind", "source"}
    for ln in lines:
        m = re.match(r"^#\s*([a-z_]+):\s*(.*)$", ln.strip())
        if m and m.group(1) in keep:
            try:
                restored[m.group(1)] = json.loads(m.group(2))
            except ValueError:
                continue
    return restored


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
        writer.close()
    except BaseException:  # the half-written file is ours, made just now: remove it
        for extra in (out, Path(f"{out}-wal"), Path(f"{out}-shm")):
            extra.unlink(missing_ok=True)
        raise
    return report
