"""Checks on what a recording file claims, before anything uses it.

A recording is data from outside (a colleague's file, a damaged disk, a crafted file): every
metadata value is checked for its type and range, every text for valid Unicode, every sample
and event time for being a finite number in a sane range, and every sample row's ``n`` against
its blobs. A problem is a RecordingError that names the field, never a TypeError three layers
up in a report.
"""

from __future__ import annotations

import math
import sqlite3

from .schema import MAX_ROW_SAMPLES

MAX_T_S = 1e9  # about 31 years from the session's start: any later time is damage
MAX_DEPTH = 64  # metadata is a few levels deep; deeper is not ours

_NUMBER = "a number"
_TEXT = "text"

# key -> (allowed Python types, description); None is always allowed except where noted.
_META_TYPES: dict[str, tuple[tuple[type, ...], str]] = {
    "schema_version": ((int,), "a whole number"),
    "program_version": ((str,), _TEXT),
    "started_at": ((str,), _TEXT),
    "ended_at": ((str,), _TEXT),
    "duration_s": ((int, float), _NUMBER),
    "kind": ((str,), _TEXT),
    "sensor": ((dict,), "a table"),
    "calibration": ((dict,), "a table"),
    "unit": ((str,), _TEXT),
    "area_cm2": ((int, float), _NUMBER),
    "filter": ((dict, str), "a table"),
    "routine": ((dict,), "a table"),
    "labels": ((dict,), "a table"),
    "source": ((str,), _TEXT),
    "samples": ((int,), "a whole number"),
    "gaps": ((int,), "a whole number"),
    "reconnects": ((int,), "a whole number"),
    "continues": ((dict,), "a table"),  # a file REC on started mid-session: where it begins
}
_NON_NEGATIVE = {"duration_s", "area_cm2", "samples", "gaps", "reconnects"}
_SENSOR_NUMBERS = ("rate_hz",)
_CALIBRATION_NUMBERS = ("zero", "scale")


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def text_problem(value) -> str | None:
    """Why a parsed JSON value cannot be shown or written back (lone surrogates, too deep)."""
    stack = [(value, 0)]
    while stack:
        v, depth = stack.pop()
        if depth > MAX_DEPTH:
            return f"nested more than {MAX_DEPTH} levels deep"
        if isinstance(v, str):
            try:
                v.encode("utf-8")
            except UnicodeEncodeError:
                return "holds text that is not valid Unicode"
        elif isinstance(v, float) and not math.isfinite(v):
            return "holds a number that is not finite"
        elif isinstance(v, dict):
            stack.extend((k, depth + 1) for k in v)
            stack.extend((x, depth + 1) for x in v.values())
        elif isinstance(v, list):
            stack.extend((x, depth + 1) for x in v)
    return None


def meta_problem(key, value) -> str | None:
    """Why metadata ``key`` cannot hold ``value`` (None if it can)."""
    if not isinstance(key, str):
        return "a metadata key is not text"
    problem = text_problem(value)
    if problem:
        return problem
    if value is None or key not in _META_TYPES:
        return None
    types, what = _META_TYPES[key]
    if isinstance(value, bool) or not isinstance(value, types):
        return f"is {_shown(value)}, not {what}"
    if key in _NON_NEGATIVE and not value >= 0:
        return f"is {_shown(value)}, not a number of 0 or more"
    if key == "sensor":
        for name in _SENSOR_NUMBERS:
            v = value.get(name)
            if v is not None and (not _is_number(v) or not v >= 0):
                return f"{name} is {_shown(v)}, not a number of 0 or more"
    if key == "calibration":
        for name in _CALIBRATION_NUMBERS:
            v = value.get(name)
            if v is not None and not _is_number(v):
                return f"{name} is {_shown(v)}, not a number"
    if key == "labels":
        for k, v in value.items():
            if v is not None and not isinstance(v, (str, int, float)):
                return f"label {_shown(k)} is not a single value"
    return None


def chunk_index_problem(db: sqlite3.Connection) -> str | None:
    """The first sample row whose ``n`` or times are not what a writer stores (None if none)."""
    row = db.execute(
        "SELECT id, n, t0, t1 FROM chunks WHERE typeof(n) != 'integer' OR n < 0 OR n > ? "
        "OR typeof(t0) NOT IN ('integer', 'real') OR typeof(t1) NOT IN ('integer', 'real') "
        "OR abs(t0) > ? OR abs(t1) > ? "
        # length() of a blob is read from the record header: no sample is loaded
        "OR typeof(t) != 'blob' OR typeof(raw) != 'blob' OR typeof(flags) != 'blob' "
        "OR length(t) != 8 * n OR length(raw) != 8 * n OR length(flags) != n "
        "OR (force_n IS NOT NULL AND (typeof(force_n) != 'blob' OR length(force_n) != 8 * n)) "
        "ORDER BY id LIMIT 1",
        (MAX_ROW_SAMPLES, MAX_T_S, MAX_T_S)).fetchone()
    if row is None:
        return None
    row_id, n, t0, t1 = row
    if not isinstance(n, int) or not 0 <= n <= MAX_ROW_SAMPLES:
        return f"sample row {row_id}: n = {_shown(n)} is not a whole number from 0 to {MAX_ROW_SAMPLES}"
    if all(_is_number(v) and abs(v) <= MAX_T_S for v in (t0, t1)):
        return f"sample row {row_id} has wrong sizes (n = {n} against its blobs)"
    return f"sample row {row_id}: times {_shown(t0)} .. {_shown(t1)} are not finite seconds in range"


def event_index_problem(db: sqlite3.Connection) -> str | None:
    """The first event whose time or kind is not what a writer stores (None if none)."""
    row = db.execute(
        "SELECT id, t, kind FROM events WHERE typeof(t) NOT IN ('integer', 'real') OR abs(t) > ? "
        "OR typeof(kind) != 'text' OR typeof(text) NOT IN ('text', 'null') "
        "OR typeof(data) NOT IN ('text', 'null') ORDER BY id LIMIT 1", (MAX_T_S,)).fetchone()
    if row is None:
        return None
    row_id, t, kind = row
    if not _is_number(t) or not abs(t) <= MAX_T_S:
        return f"event {row_id}: time {_shown(t)} is not finite seconds in range"
    return f"event {row_id}: kind, text or data is not text"
