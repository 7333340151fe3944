"""What a recording file is: format constants, the SQL schema, metadata defaults, file names.

The format is written down in docs/recording-format.md; change it only together with that
page and ``SCHEMA_VERSION``.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import tempfile
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np

from .. import __version__
from ..errors import PressureError
from ..paths import sessions_dir

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
EXTENSION = ".pressure"
# 'PRSR' in the SQLite header (PRAGMA application_id): tells our files from other SQLite files.
APPLICATION_ID = 0x50525352
# Commit (and fsync) at least this often: a kill -9 or power cut loses at most this much plus
# the time one commit takes. Half a second keeps that under the promised one second.
COMMIT_INTERVAL_S = 0.5
# A row holds at most this span of samples (and at most MAX_ROW_SAMPLES): a commit that fell
# behind, or a file written in one go (import), is split into rows like a live session's.
ROW_SPAN_S = COMMIT_INTERVAL_S
MAX_ROW_SAMPLES = 8192

EVENT_KINDS = (
    "marker", "step_start", "step_end", "threshold", "gap", "reconnect", "restart", "note",
    "routine_done", "meta_change", "marker_undone", "tare",
    "routine", "disconnected",  # a routine (re)started: a new run to score; the sensor's port went away
    "step_skipped",  # the advance key skipped a running step (a deliberate double or long press)
    "site",  # body site, side and phase from here on (data: site, side, phase; docs/clinical.md)
    "pain",  # a pain rating 0-10 (NRS) for the trial or hold just done (data: nrs)
)
LABEL_KEYS = ("client", "practitioner", "student", "trainee", "muscle", "notes",
              "client_id", "site", "side", "phase")  # the clinical record: docs/clinical.md
KINDS = ("live", "imported", "reference")

SQLITE_MAGIC = b"SQLite format 3\x00"
F8 = np.dtype("<f8")
U1 = np.dtype("u1")

SCHEMA_V1 = """CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE chunks (
    id INTEGER PRIMARY KEY,
    t0 REAL NOT NULL,
    t1 REAL NOT NULL,
    n INTEGER NOT NULL,
    t BLOB NOT NULL,
    raw BLOB NOT NULL,
    flags BLOB NOT NULL,
    force_n BLOB,
    crc INTEGER NOT NULL
);
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    t REAL NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL DEFAULT '',
    data TEXT
);
"""



class RecordingError(PressureError):
    """A recording that cannot be written or read: the message names the file and the problem."""


@dataclass(frozen=True)
class RecordedEvent:
    t: float
    kind: str
    text: str = ""
    data: dict | None = None


def now_iso() -> str:
    """Local time with its UTC offset, e.g. 2026-11-26T14:25:01+01:00."""
    return datetime.now().astimezone().isoformat(timespec="seconds")


def new_session_path(started: datetime | None = None, folder: Path | None = None) -> Path:
    """A fresh file name in the sessions folder, named by its start time (never an existing one)."""
    started = started or datetime.now()
    folder = Path(folder) if folder is not None else sessions_dir()
    stem = started.strftime("%Y-%m-%d_%H%M%S")
    path = folder / f"{stem}{EXTENSION}"
    n = 2
    while path.exists():
        path = folder / f"{stem}-{n}{EXTENSION}"
        n += 1
    return path


def default_meta() -> dict:
    """Every documented key with its empty value; writers fill what they know."""
    return {
        "schema_version": SCHEMA_VERSION,
        "program_version": __version__,
        "started_at": None,
        "ended_at": None,
        "duration_s": None,
        "kind": "live",
        "sensor": {"id": None, "url": None, "format": None, "rate_hz": None, "device_info": {}},
        "calibration": None,
        "unit": "N",
        "area_cm2": None,
        "filter": None,
        "routine": None,
        "labels": {k: "" for k in LABEL_KEYS},
        "source": None,
        "samples": 0,
        "gaps": 0,
        "reconnects": 0,
    }




def meta_json(value) -> str:
    try:
        return json.dumps(value, allow_nan=False, ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"recording metadata must be plain JSON data: {exc}") from None



def is_recording_file(path) -> bool:
    """True if ``path`` is an SQLite file carrying our application id (any schema version)."""
    try:
        with open(path, "rb") as f:
            head = f.read(100)
    except OSError:
        return False
    return (len(head) == 100 and head.startswith(SQLITE_MAGIC)
            and int.from_bytes(head[68:72], "big") == APPLICATION_ID)


def _claim(tmp: Path, path: Path) -> None:
    """Give the finished file its name, never over an existing file (a hard link fails if the
    name is taken; where links are not supported, a check and a rename)."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise RecordingError(f"{path} already exists; not overwriting it") from None
    except OSError as exc:
        if path.exists():
            raise RecordingError(f"{path} already exists; not overwriting it") from None
        try:
            os.rename(tmp, path)
        except OSError:
            raise RecordingError(f"cannot create {path}: {exc.strerror or exc}") from None


def create_file(path: Path, meta: dict, *, overwrite: bool = False) -> sqlite3.Connection:
    """Create a new, empty recording holding ``meta``; open for writing, in WAL mode."""
    if path.exists() or path.is_symlink():
        if not overwrite:
            raise RecordingError(f"{path} already exists; not overwriting it")
        if not path.is_file() or not is_recording_file(path):
            raise RecordingError(f"{path} exists and is not a pressure recording; not overwriting it")
        for extra in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
            extra.unlink(missing_ok=True)
    if not path.parent.is_dir():
        raise RecordingError(f"cannot create {path}: folder {path.parent} does not exist")
    # The file is built under a temporary name and appears under its own only once its schema
    # and metadata are in: a kill -9 a moment after creation left a stub without tables that
    # showed as damaged forever. The temporary name does not end in EXTENSION, so the library
    # never lists it.
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".creating", dir=path.parent)
        os.close(fd)  # mkstemp: 0600 from the first byte
    except OSError as exc:
        raise RecordingError(f"cannot create {path}: {exc.strerror or exc}") from None
    tmp = Path(tmp_name)
    try:
        with closing(sqlite3.connect(tmp, isolation_level=None)) as build:
            build.execute(f"PRAGMA application_id={APPLICATION_ID}")
            build.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            build.execute("PRAGMA synchronous=FULL")
            build.execute("BEGIN")
            for stmt in SCHEMA_V1.split(";"):
                if stmt.strip():
                    build.execute(stmt)
            build.executemany("INSERT INTO meta(key, value) VALUES (?, ?)",
                              [(k, meta_json(v)) for k, v in meta.items()])
            build.execute("COMMIT")
            # WAL is persistent in the header: switched here, the file under its own name never
            # goes through the switch (a kill during it left a hot -journal that read-only
            # readers cannot roll back). Closing folds the temporary -wal back in.
            build.execute("PRAGMA journal_mode=WAL")
        _claim(tmp, path)
    except sqlite3.Error as exc:
        raise RecordingError(f"cannot create recording {path}: {exc}") from None
    finally:
        for extra in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm"), Path(f"{tmp}-journal")):
            extra.unlink(missing_ok=True)
    try:
        db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
    except sqlite3.Error as exc:
        raise RecordingError(f"cannot open recording {path} for writing: {exc}") from None
    for extra in (Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            os.chmod(extra, 0o600)
        except OSError:
            pass
    log.info("recording to %s", path)
    return db
