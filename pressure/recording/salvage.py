"""Salvage: everything still readable from a damaged or truncated recording."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import numpy as np

from ..samples import FLAG_GAP_BEFORE
from .rows import decode_event, fill_row, row_problem
from .schema import F8, U1
from .session import Recording


def salvage_v1(db: sqlite3.Connection, path: Path, meta: dict) -> Recording:
    """Everything still readable from a damaged file, row by row; what was lost is listed in
    ``Recording.damage`` and the first sample after a lost row carries FLAG_GAP_BEFORE."""
    damage: list[str] = []

    def rows(table: str, columns: str):
        try:
            last = db.execute(f"SELECT max(id) FROM {table}").fetchone()[0] or 0
        except sqlite3.Error as exc:
            damage.append(f"{table}: the index of rows is unreadable ({exc})")
            last = None
        if last is not None:  # point look-ups: one bad page costs only its own rows
            bad = 0
            for row_id in range(1, last + 1):
                try:
                    row = db.execute(f"SELECT id, {columns} FROM {table} WHERE id = ?",
                                     (row_id,)).fetchone()
                except sqlite3.Error:
                    bad += 1
                    yield None
                    continue
                if row is not None:
                    yield row
            if bad:
                damage.append(f"{table}: {bad} rows unreadable")
            return
        try:  # no index: read in order up to the damage
            for row in db.execute(f"SELECT id, {columns} FROM {table} ORDER BY id"):
                yield row
        except sqlite3.Error as exc:
            damage.append(f"{table}: reading stopped at damaged pages ({exc})")
            yield None

    parts, lost_before = [], False
    for row in rows("chunks", "n, t, raw, flags, force_n, crc"):
        problem = None if row is None else row_problem(row)
        if row is None or problem:
            if problem:
                damage.append(problem)
            lost_before = True
            continue
        n = row[1]
        arrays = [np.empty(n, F8), np.empty(n, F8), np.empty(n, U1), np.empty(n, F8)]
        fill_row(row, meta, *arrays, 0)
        if lost_before and n:
            arrays[2][0] |= FLAG_GAP_BEFORE
            lost_before = False
        parts.append(arrays)
    events = []
    for row in rows("events", "t, kind, text, data"):
        if row is not None:
            try:
                events.append(decode_event(row[1:]))
            except (TypeError, ValueError, OverflowError):
                damage.append(f"event row {row[0]} unreadable")
    events.sort(key=lambda e: e.t)
    cols = [np.concatenate([p[k] for p in parts]) if parts else np.empty(0, (F8, F8, U1, F8)[k])
            for k in range(4)]
    rec = Recording(path, meta, events, 1, *cols)
    rec.damage = damage
    return rec



MAX_PADDING_BYTES = 256 << 20

# schema version -> salvage reader, beside READERS in reader.py.
SALVAGERS = {1: salvage_v1}


def padded_copy(path: Path, folder: Path) -> Path:
    """A private copy of a truncated file, padded with zeros to the size its header states.

    SQLite refuses every page of a file shorter than its header says; padded, only the
    missing pages are unreadable and the salvage reads the rest. The original is not touched.
    """
    copy = folder / path.name
    shutil.copyfile(path, copy)
    wal = Path(f"{path}-wal")
    if wal.exists():
        shutil.copyfile(wal, Path(f"{copy}-wal"))
    with open(copy, "r+b") as f:
        head = f.read(100)
        page = int.from_bytes(head[16:18], "big")
        page = 65536 if page == 1 else page
        pages = int.from_bytes(head[28:32], "big")
        size = f.seek(0, os.SEEK_END)
        # A crafted header can claim terabytes (60 TB was tried): the padding is sparse
        # (truncate writes no data) and at most MAX_PADDING_BYTES or the input's own size.
        if page >= 512 and pages and size < page * pages <= size + max(size, MAX_PADDING_BYTES):
            try:
                f.truncate(page * pages)
            except OSError:  # a filesystem without room or sparse files: salvage unpadded
                pass
    return copy
