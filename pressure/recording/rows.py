"""Sample rows: how a run of samples becomes blobs in the ``chunks`` table and back.

One row holds up to ``ROW_SPAN_S`` seconds (and ``MAX_ROW_SAMPLES``) of samples as
little-endian arrays plus a CRC-32 over them; the writer encodes, the reader and the salvage
check and decode with the same helpers.
"""

from __future__ import annotations

import json
import zlib

import numpy as np

from ..samples import Block
from .schema import F8, MAX_ROW_SAMPLES, ROW_SPAN_S, U1, RecordedEvent
from .validate import MAX_T_S, text_problem


def row_bounds(t: np.ndarray):
    """Split a run of samples into rows of at most ROW_SPAN_S seconds / MAX_ROW_SAMPLES."""
    n, start = len(t), 0
    while start < n:
        limit = t[start] + ROW_SPAN_S
        stop = int(np.searchsorted(t[start:start + MAX_ROW_SAMPLES], limit, side="left")) + start
        if not start < stop <= n or not np.isfinite(limit):
            stop = min(n, start + MAX_ROW_SAMPLES)
        yield start, stop
        start = stop



def encode_rows(whole: Block) -> list[tuple]:
    """``chunks`` rows (t0, t1, n, t, raw, flags, force_n, crc) for a run of samples."""
    rows = []
    for start, stop in row_bounds(whole.t):
        part = whole[start:stop]
        blobs = (part.t.astype(F8, copy=False).tobytes(),
                 part.raw.astype(F8, copy=False).tobytes(),
                 part.flags.astype(U1, copy=False).tobytes(),
                 part.force_n.astype(F8, copy=False).tobytes())
        rows.append((float(part.t[0]), float(part.t[-1]), len(part), *blobs, row_crc(*blobs)))
    return rows


def row_crc(t: bytes, raw: bytes, flags: bytes, force: bytes | None) -> int:
    """CRC-32 over a row's blobs: SQLite checks its pages' structure, not the bytes in them."""
    crc = zlib.crc32(flags, zlib.crc32(raw, zlib.crc32(t)))
    return zlib.crc32(force, crc) if force is not None else crc


def first_t(tb: bytes) -> float:
    return float(np.frombuffer(tb[:8], F8)[0]) if len(tb) >= 8 else float("nan")


def force_from_calibration(raw: np.ndarray, meta: dict) -> np.ndarray:
    cal = meta.get("calibration") or {}
    try:
        zero, scale = float(cal.get("zero", 0.0)), float(cal.get("scale", 1.0))
    except (TypeError, ValueError, AttributeError):
        zero, scale = 0.0, 1.0
    return (raw - zero) * scale



def row_problem(row) -> str | None:
    row_id, n, tb, rb, fb, nb, crc = row
    if (not isinstance(n, int) or isinstance(n, bool) or not 0 <= n <= MAX_ROW_SAMPLES
            or not isinstance(crc, int) or not all(isinstance(b, bytes) for b in (tb, rb, fb))
            or len(tb) != 8 * n or len(rb) != 8 * n or len(fb) != n
            or (nb is not None and (not isinstance(nb, bytes) or len(nb) != 8 * n))):
        return f"sample row {row_id} has wrong sizes"
    if row_crc(tb, rb, fb, nb) != crc:
        return f"sample row {row_id}, near t = {first_t(tb):.3f} s, fails its checksum"
    times = np.frombuffer(tb, F8)
    if not (np.isfinite(times).all() and (np.abs(times) <= MAX_T_S).all()):
        return f"sample row {row_id} has sample times that are not finite seconds in range"
    return None


def fill_row(row, meta, t, raw, flags, force, i) -> None:
    _, n, tb, rb, fb, nb, _ = row
    t[i:i + n] = np.frombuffer(tb, F8)
    raw[i:i + n] = np.frombuffer(rb, F8)
    flags[i:i + n] = np.frombuffer(fb, U1)
    if nb is None:  # a writer may leave force out: it follows from raw + calibration
        force[i:i + n] = force_from_calibration(raw[i:i + n], meta)
    else:
        force[i:i + n] = np.frombuffer(nb, F8)


def decode_event(r) -> RecordedEvent:
    et, kind, text, data = r
    if not isinstance(et, (int, float)) or isinstance(et, bool) or not abs(et) <= MAX_T_S:
        raise ValueError(f"event time {str(et)[:40]!r} is not finite seconds in range")
    try:
        payload = json.loads(data) if data else None
    except (TypeError, ValueError, RecursionError):
        payload = {"unreadable": str(data)[:200]}
    if text_problem(payload):
        payload = {"unreadable": "not valid text"}
    elif payload is not None and not isinstance(payload, dict):  # writers store a table or nothing
        payload = {"unreadable": str(data)[:200]}
    text = str(text or "")
    if text_problem(text) or text_problem(str(kind)):
        raise ValueError("event text is not valid Unicode")
    return RecordedEvent(float(et), str(kind), text, payload)
