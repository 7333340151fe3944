"""Reading recordings: a reader for every released schema version, and quick summaries."""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from pathlib import Path

import numpy as np

from .rows import decode_event, fill_row, row_problem
from .salvage import SALVAGERS, padded_copy
from .schema import (
    APPLICATION_ID, F8, SCHEMA_VERSION, SQLITE_MAGIC, U1, RecordingError, default_meta,
)
from .session import Recording
from .validate import chunk_index_problem, event_index_problem, meta_problem

SALVAGE_HINT = "; `pressure export FILE --csv OUT --salvage` recovers the readable part"


def connect_ro(path: Path) -> sqlite3.Connection:
    """Open read-only: never changes the file, yet reads a -wal left by a killed writer."""
    path = Path(path)
    if not path.exists():
        raise RecordingError(f"{path}: no such file")
    if not path.is_file():
        raise RecordingError(f"{path}: not a file")
    try:
        with open(path, "rb") as f:
            head = f.read(100)
    except OSError as exc:
        raise RecordingError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if not head:
        raise RecordingError(f"{path}: the file is empty, not a recording")
    if not head.startswith(SQLITE_MAGIC[: len(head)]) or len(head) < len(SQLITE_MAGIC):
        raise RecordingError(f"{path}: not a pressure recording (not an SQLite file)")
    if len(head) < 100:
        raise RecordingError(f"{path}: the file is truncated ({len(head)} bytes)")
    uri = "file:" + uri_path(path) + "?mode=ro"
    try:
        db = sqlite3.connect(uri, uri=True, isolation_level=None)
    except sqlite3.Error as exc:
        raise RecordingError(f"{path}: cannot open ({exc})") from None
    try:
        db.execute("PRAGMA query_only=ON")
        # Read through SQLite, not the raw header: a killed writer's page 1 may be in the -wal.
        app_id = db.execute("PRAGMA application_id").fetchone()[0]
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as exc:
        db.close()
        if Path(f"{path}-wal").is_file() and "unable to open" in str(exc):
            raise RecordingError(interrupted_in_place(path, exc)) from None
        raise RecordingError(f"{path}: damaged or truncated recording ({exc})" + SALVAGE_HINT) from None
    if app_id != APPLICATION_ID:
        db.close()
        raise RecordingError(f"{path}: an SQLite database, but not a pressure recording")
    return db


INTERRUPTED = "an interrupted recording"


def interrupted_in_place(path: Path, exc: Exception) -> str:
    """A recording whose writer was killed leaves its last part in FILE-wal; reading that
    needs a FILE-shm beside it, which read-only media (a write-protected stick, a read-only
    share) cannot take. The file is not damaged: say so, and the two ways to read it."""
    why = ("its folder is read-only" if not os.access(path.parent, os.W_OK)
           else f"it cannot be opened in place ({exc})")
    return (f"{path}: {INTERRUPTED} (its writer never closed it; the last part is still in "
            f"{path.name}-wal) and {why}: read it with --salvage (`pressure export FILE --csv OUT "
            f"--salvage`), or copy {path.name} and {path.name}-wal somewhere writable and open the copy")


def uri_path(path: Path) -> str:
    from urllib.parse import quote
    return quote(str(Path(path).absolute()), safe="/:")


def read_meta(db: sqlite3.Connection, path: Path, lenient: bool = False) -> dict:
    try:
        rows = db.execute("SELECT key, value FROM meta").fetchall()
    except sqlite3.Error as exc:
        raise RecordingError(f"{path}: damaged or truncated recording, no metadata ({exc})") from None
    meta, bad = {}, []
    defaults = default_meta()
    for key, value in rows:
        try:
            parsed = json.loads(value)
        except RecursionError:
            problem = "is nested too deeply"
        except (TypeError, ValueError):
            problem = "is not JSON"
        else:
            problem = meta_problem(key, parsed)
        if problem is None:
            meta[key] = parsed
            continue
        if not lenient:
            shown = key if isinstance(key, str) and key.isprintable() and len(key) <= 40 else "?"
            raise RecordingError(f"{path}: damaged metadata ({shown!r} {problem})") from None
        bad.append(key)
        if isinstance(key, str) and key in defaults:
            meta[key] = defaults[key]
    if bad:
        meta["salvage_note"] = unreadable_meta_note(bad)
    return meta


def unreadable_meta_note(keys: list) -> str:
    """'N metadata entries unreadable (labels, routine)': the names only where the damage left
    them readable (a truncated page gives NULL keys, which say nothing to the user)."""
    named = [k for k in keys if isinstance(k, str) and k.isprintable() and 0 < len(k) <= 40]
    n = len(keys)
    note = f"{n} metadata {'entry' if n == 1 else 'entries'} unreadable"
    if named:
        shown = ", ".join(named[:8]) + (", ..." if len(named) > 8 else "")
        note += f" ({shown})"
    return note


def schema_version(db: sqlite3.Connection, meta: dict, path: Path) -> int:
    version = meta.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool):
        try:
            version = int(db.execute("PRAGMA user_version").fetchone()[0])
        except sqlite3.Error:
            version = 0
    if version > SCHEMA_VERSION:
        raise RecordingError(
            f"{path} was written by a newer pressure (schema {version}); "
            f"this version reads up to {SCHEMA_VERSION}")
    if version not in READERS:
        raise RecordingError(f"{path}: unknown recording schema {version!r}")
    return version


def read_v1(db: sqlite3.Connection, path: Path, meta: dict) -> Recording:
    try:
        problem = chunk_index_problem(db) or event_index_problem(db)
        if problem:
            raise RecordingError(f"{path}: damaged recording ({problem})" + SALVAGE_HINT)
        total = db.execute("SELECT coalesce(sum(n), 0) FROM chunks").fetchone()[0]
        t = np.empty(total, F8)
        raw = np.empty(total, F8)
        flags = np.empty(total, U1)
        force = np.empty(total, F8)
        i = 0
        cur = db.execute("SELECT id, n, t, raw, flags, force_n, crc FROM chunks ORDER BY id")
        for row in cur:
            problem = row_problem(row)
            n = row[1]
            if problem or i + n > total:
                raise RecordingError(f"{path}: damaged recording ({problem or 'row sizes'})"
                                     + SALVAGE_HINT)
            fill_row(row, meta, t, raw, flags, force, i)
            i += n
        if i != total:
            raise RecordingError(f"{path}: damaged recording (sample rows disagree with their count)")
        events = [decode_event(r) for r in db.execute("SELECT t, kind, text, data FROM events ORDER BY t, id")]
    except ValueError as exc:
        raise RecordingError(f"{path}: damaged recording ({exc})" + SALVAGE_HINT) from None
    except sqlite3.Error as exc:
        raise RecordingError(f"{path}: damaged or truncated recording ({exc})" + SALVAGE_HINT) from None
    return Recording(path, meta, events, 1, t, raw, flags, force)


# schema version -> reader. Add a reader here for every version that was ever released.
READERS = {1: read_v1}


def open_recording(path, *, salvage: bool = False) -> Recording:
    """Read a recording of any released schema version; never modifies the file.

    A damaged file is a RecordingError; with ``salvage=True`` whatever is still readable is
    returned instead, with the losses listed in ``Recording.damage``.
    """
    path = Path(path)
    scratch = None
    try:
        db = connect_ro(path)
    except RecordingError as exc:
        if not salvage or ("damaged or truncated" not in str(exc) and INTERRUPTED not in str(exc)):
            raise
        scratch = tempfile.TemporaryDirectory(prefix="pressure-salvage-")
        try:
            db = connect_ro(padded_copy(path, Path(scratch.name)))
        except RecordingError:
            scratch.cleanup()
            raise RecordingError(str(exc).replace(SALVAGE_HINT, "; nothing in it could be salvaged")) from None
    try:
        try:
            meta = read_meta(db, path, lenient=salvage)
        except RecordingError as exc:
            if not salvage:
                raise
            meta = default_meta()
            meta["salvage_note"] = str(exc)
        version = schema_version(db, meta, path)
        if salvage:
            rec = SALVAGERS[version](db, path, meta)
            if "salvage_note" in meta:
                rec.damage.insert(0, meta["salvage_note"])
            return rec
        return READERS[version](db, path, meta)
    except MemoryError:
        raise RecordingError(f"{path}: too large to load into memory") from None
    finally:
        db.close()
        if scratch is not None:
            scratch.cleanup()


def read_summary(path) -> tuple[dict, dict]:
    """Metadata plus a few figures from the sample index, without loading any samples.

    Returns (meta, figures) with figures {samples, duration_s, markers, interrupted}; used by
    the session library, which must stay fast with hundreds of files.
    """
    path = Path(path)
    db = connect_ro(path)
    try:
        meta = read_meta(db, path)
        schema_version(db, meta, path)
        try:
            problem = chunk_index_problem(db) or event_index_problem(db)
            if problem:
                raise RecordingError(f"{path}: damaged recording ({problem})")
            n, t_end = db.execute("SELECT coalesce(sum(n), 0), max(t1) FROM chunks").fetchone()
            ev_end, markers = db.execute(
                "SELECT max(t), sum(kind = 'marker') FROM events").fetchone()
        except sqlite3.Error as exc:
            raise RecordingError(f"{path}: damaged or truncated recording ({exc})") from None
    finally:
        db.close()
    duration = max(t_end or 0.0, ev_end or 0.0, 0.0)
    return meta, {"samples": int(n), "duration_s": float(duration), "markers": int(markers or 0),
                  "interrupted": not meta.get("ended_at")}

