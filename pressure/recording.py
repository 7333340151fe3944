"""Session recordings: one crash-safe SQLite file per session, and a reader for every version.

Why SQLite: a commit in WAL mode with ``synchronous=FULL`` is durable once it returns, even
across a power cut, and a file killed mid-write still opens (the reader replays the -wal).
Why blobs: one row per sample loads a one-hour 1 kHz session in seconds; samples stored as
little-endian arrays in rows of about half a second load it in a fraction of a second
(``np.frombuffer`` into preallocated arrays). The format is written down in
docs/recording-format.md; change it only together with that page and ``SCHEMA_VERSION``.

Writing never blocks the caller on the disk: :meth:`RecordingWriter.append` only queues the
block; a committer thread writes and commits everything queued every ``COMMIT_INTERVAL_S``, so
an fsync that takes 100 ms on a slow disk never stalls the live display.
"""

from __future__ import annotations

import atexit
import json
import logging
import math
import os
import shutil
import sqlite3
import tempfile
import threading
import time
import weakref
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np

from . import __version__
from .errors import PressureError
from .paths import sessions_dir
from .samples import FLAG_GAP_BEFORE, FLAG_RECONNECT, FLAG_RESTART, Block

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
    "routine_done", "meta_change",
)
LABEL_KEYS = ("client", "practitioner", "student", "trainee", "muscle", "notes")
KINDS = ("live", "imported", "reference")

_SQLITE_MAGIC = b"SQLite format 3\x00"
_F8 = np.dtype("<f8")
_U1 = np.dtype("u1")

_SCHEMA_V1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
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


def _json(value) -> str:
    try:
        return json.dumps(value, allow_nan=False, ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"recording metadata must be plain JSON data: {exc}") from None


# ----------------------------------------------------------------------------------- writing

_OPEN_WRITERS: "weakref.WeakSet[RecordingWriter]" = weakref.WeakSet()


@atexit.register
def _close_open_writers() -> None:
    """A program that exits without closing its recording still ends it properly."""
    for writer in list(_OPEN_WRITERS):
        try:
            writer.close()
        except Exception as exc:  # noqa: BLE001 - at exit, say it and go on with the others
            log.error("could not close %s at exit: %s", writer.path, exc)



class RecordingWriter:
    """Writes one session file. ``append`` is cheap and never waits for the disk.

    Use as a context manager or call :meth:`close`; a writer that is never closed (crash,
    kill -9, power cut) leaves a file that still opens, minus at most the last commit interval.
    A disk problem (disk full, USB stick pulled) never makes ``append`` fail and drop samples:
    they stay queued in memory and every commit interval tries again; :attr:`error` says what
    is wrong meanwhile (the window shows it), ``flush`` and ``close`` raise RecordingError.
    Writers still open when the interpreter exits normally are closed then (atexit).
    """

    def __init__(self, path, meta: dict | None = None, *, overwrite: bool = False,
                 commit_interval: float = COMMIT_INTERVAL_S):
        self.path = Path(path)
        self.commit_interval = float(commit_interval)
        self._meta = default_meta()
        for key, value in (meta or {}).items():
            self._meta[key] = value
        self._meta["schema_version"] = SCHEMA_VERSION
        self._meta["program_version"] = __version__
        self._meta["started_at"] = self._meta.get("started_at") or now_iso()
        self._meta["ended_at"] = None
        _json(self._meta)  # fail now, in the caller, if the metadata is not JSON data
        self._lock = threading.Condition()
        self._pending: list[Block] = []
        self._pending_events: list[tuple] = []
        self._meta_dirty = True
        self.samples_written = 0  # samples handed to append (committed or queued)
        self.samples_committed = 0  # samples known to be on disk
        self._last_t = 0.0
        self._gaps = 0
        self._reconnects = 0
        self._error: BaseException | None = None
        self._flush_requested = 0
        self._flush_done = 0
        self._closing = False
        self._closed = False
        self.commit_cpu_s = 0.0  # CPU time the committer thread spent writing (for benchmarks)
        self._db = self._create(overwrite)
        self._thread = threading.Thread(target=self._run, name=f"recorder {self.path.name}",
                                        daemon=True)
        self._thread.start()
        _OPEN_WRITERS.add(self)

    # -- creating the file

    def _create(self, overwrite: bool) -> sqlite3.Connection:
        path = self.path
        if path.exists() or path.is_symlink():
            if not overwrite:
                raise RecordingError(f"{path} already exists; not overwriting it")
            if not path.is_file() or not is_recording_file(path):
                raise RecordingError(f"{path} exists and is not a pressure recording; not overwriting it")
            for extra in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
                extra.unlink(missing_ok=True)
        if not path.parent.is_dir():
            raise RecordingError(f"cannot create {path}: folder {path.parent} does not exist")
        try:  # O_EXCL: claim the name atomically, private to the user from the first byte
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            os.close(fd)
            os.chmod(path, 0o600)
        except FileExistsError:
            raise RecordingError(f"{path} already exists; not overwriting it") from None
        except OSError as exc:
            raise RecordingError(f"cannot create {path}: {exc.strerror or exc}") from None
        try:
            db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            # The identity goes into the main file's header before WAL mode begins, so that
            # even a file whose writer is killed a moment later says what it is.
            db.execute(f"PRAGMA application_id={APPLICATION_ID}")
            db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.execute("BEGIN")
            for stmt in _SCHEMA_V1.split(";"):
                if stmt.strip():
                    db.execute(stmt)
            db.executemany("INSERT INTO meta(key, value) VALUES (?, ?)",
                           [(k, _json(v)) for k, v in self._meta.items()])
            db.execute("COMMIT")
        except sqlite3.Error as exc:
            path.unlink(missing_ok=True)
            raise RecordingError(f"cannot create recording {path}: {exc}") from None
        for extra in (Path(f"{path}-wal"), Path(f"{path}-shm")):
            try:
                os.chmod(extra, 0o600)
            except OSError:
                pass
        self._meta_dirty = False
        log.info("recording to %s", path)
        return db

    # -- the caller's side

    @property
    def meta(self) -> dict:
        with self._lock:
            return json.loads(_json(self._meta))

    @property
    def error(self) -> BaseException | None:
        """The last error of the committer thread (None while all is well)."""
        return self._error

    def _check(self, errors: bool = False) -> None:
        if self._closed:
            raise RecordingError(f"{self.path} is closed")
        if errors and self._error is not None:
            raise RecordingError(f"cannot write {self.path}: {self._error}")

    def append(self, block: Block) -> None:
        """Queue a block of samples; the committer thread writes it within a commit interval."""
        n = len(block)
        if n == 0:
            return
        self._check()
        flags = block.flags
        marks = np.flatnonzero(flags & (FLAG_GAP_BEFORE | FLAG_RECONNECT | FLAG_RESTART))
        with self._lock:
            self._pending.append(block)
            self.samples_written += n
            self._last_t = float(block.t[-1])
            for i in marks:  # gaps and reconnects are stored as events too, not only as flags
                f, t = int(flags[i]), float(block.t[i])
                if f & FLAG_RECONNECT:
                    self._reconnects += 1
                    self._pending_events.append((t, "reconnect", "", None))
                if f & FLAG_RESTART:
                    self._pending_events.append((t, "restart", "", None))
                if f & FLAG_GAP_BEFORE:
                    self._gaps += 1
                    self._pending_events.append((t, "gap", "", None))

    def add_event(self, t: float, kind: str, text: str = "", data: dict | None = None) -> None:
        """Store an event (marker, step start/end, ...) at session time ``t``."""
        if kind not in EVENT_KINDS:
            raise ValueError(f"unknown event kind {kind!r}; one of {', '.join(EVENT_KINDS)}")
        t = float(t)
        if not math.isfinite(t):
            raise ValueError("event time must be finite")
        data_json = None if data is None else _json(data)
        self._check()
        with self._lock:
            if kind == "gap":
                self._gaps += 1
            elif kind == "reconnect":
                self._reconnects += 1
            self._pending_events.append((t, kind, str(text), data_json))

    def update_meta(self, **changes) -> None:
        """Change metadata during the session; the change is also kept as a meta_change event."""
        for key in ("schema_version", "program_version"):
            changes.pop(key, None)
        _json(changes)
        self._check()
        with self._lock:
            previous = {k: self._meta.get(k) for k in changes}
            self._meta.update(changes)
            self._meta_dirty = True
            # A value that was unknown becoming known is not a change worth a history entry.
            changed = {k: v for k, v in changes.items() if previous[k] not in (None, "", {}, [])
                       and previous[k] != v}
            if changed:
                self._pending_events.append(
                    (self._last_t, "meta_change", ", ".join(changed),
                     _json({"changes": changed, "previous": {k: previous[k] for k in changed}})))

    def flush(self, timeout: float | None = 30.0) -> None:
        """Write and commit everything queued now; returns once it is on disk.

        Raises RecordingError if the disk refuses (the samples stay queued for the next try)."""
        self._check()
        with self._lock:
            self._flush_requested += 1
            ticket = self._flush_requested
            self._lock.notify_all()
            ok = self._lock.wait_for(lambda: self._flush_done >= ticket
                                     or not self._thread.is_alive(), timeout)
        if not ok:
            raise RecordingError(f"writing {self.path} takes too long (disk stalled?)")
        self._check(errors=True)

    def close(self) -> None:
        """Commit the rest, record the end time and duration, and leave a single-file database."""
        if self._closed:
            return
        with self._lock:
            self._meta["ended_at"] = now_iso()
            self._meta_dirty = True
            self._closing = True
            self._lock.notify_all()
        self._thread.join()
        self._closed = True
        _OPEN_WRITERS.discard(self)
        error = self._error
        try:
            if error is None:  # fold the -wal back in: a closed recording is one plain file
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                self._db.execute("PRAGMA journal_mode=DELETE")
        except sqlite3.Error as exc:
            log.warning("could not checkpoint %s: %s", self.path, exc)
        finally:
            self._db.close()
        if error is not None:
            raise RecordingError(f"cannot write {self.path}: {error}")
        log.info("closed %s (%d samples)", self.path, self.samples_committed)

    def __enter__(self) -> "RecordingWriter":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- the committer thread

    def _run(self) -> None:
        next_commit = time.monotonic() + self.commit_interval
        while True:
            with self._lock:
                self._lock.wait_for(
                    lambda: self._closing or self._flush_requested > self._flush_done,
                    max(0.0, next_commit - time.monotonic()))
                closing = self._closing
                ticket = self._flush_requested
                blocks, self._pending = self._pending, []
                events, self._pending_events = self._pending_events, []
                meta = self._snapshot_meta() if (blocks or events or self._meta_dirty or closing) else None
            next_commit = time.monotonic() + self.commit_interval
            if blocks or events or meta is not None:
                cpu0 = time.thread_time()
                try:
                    self._commit(blocks, events, meta)
                except (sqlite3.Error, OSError, ValueError) as exc:
                    log.error("recording %s: commit failed: %s", self.path, exc)
                    with self._lock:  # keep the data queued for the next try
                        self._pending[:0] = blocks
                        self._pending_events[:0] = events
                        self._meta_dirty = True
                        self._error = exc
                        self._flush_done = max(self._flush_done, ticket)  # tried: flush() reports
                        self._lock.notify_all()
                    if closing:
                        return
                    continue
                self.commit_cpu_s += time.thread_time() - cpu0
            with self._lock:
                self._error = None
                self.samples_committed += sum(len(b) for b in blocks)
                self._flush_done = max(self._flush_done, ticket)
                self._lock.notify_all()
            if closing:
                return

    def _snapshot_meta(self) -> dict:
        self._meta["samples"] = self.samples_written
        self._meta["gaps"] = self._gaps
        self._meta["reconnects"] = self._reconnects
        last_event = max((e[0] for e in self._pending_events), default=0.0)
        self._meta["duration_s"] = max(self._last_t, last_event, self._meta.get("duration_s") or 0.0)
        self._meta_dirty = False
        return dict(self._meta)

    def _commit(self, blocks: list[Block], events: list[tuple], meta: dict | None) -> None:
        db = self._db
        db.execute("BEGIN")
        try:
            if blocks:
                whole = Block.concat(blocks)
                rows = []
                for start, stop in _row_bounds(whole.t):
                    part = whole[start:stop]
                    blobs = (part.t.astype(_F8, copy=False).tobytes(),
                             part.raw.astype(_F8, copy=False).tobytes(),
                             part.flags.astype(_U1, copy=False).tobytes(),
                             part.force_n.astype(_F8, copy=False).tobytes())
                    rows.append((float(part.t[0]), float(part.t[-1]), len(part), *blobs,
                                 _crc(*blobs)))
                db.executemany("INSERT INTO chunks(t0, t1, n, t, raw, flags, force_n, crc) "
                               "VALUES (?,?,?,?,?,?,?,?)", rows)
            if events:
                db.executemany("INSERT INTO events(t, kind, text, data) VALUES (?,?,?,?)", events)
            if meta is not None:
                db.executemany("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
                               [(k, _json(v)) for k, v in meta.items()])
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise


def _row_bounds(t: np.ndarray):
    """Split a run of samples into rows of at most ROW_SPAN_S seconds / MAX_ROW_SAMPLES."""
    n, start = len(t), 0
    while start < n:
        limit = t[start] + ROW_SPAN_S
        stop = int(np.searchsorted(t[start:start + MAX_ROW_SAMPLES], limit, side="left")) + start
        if not start < stop <= n or not np.isfinite(limit):
            stop = min(n, start + MAX_ROW_SAMPLES)
        yield start, stop
        start = stop


# ----------------------------------------------------------------------------------- reading


def is_recording_file(path) -> bool:
    """True if ``path`` is an SQLite file carrying our application id (any schema version)."""
    try:
        with open(path, "rb") as f:
            head = f.read(100)
    except OSError:
        return False
    return (len(head) == 100 and head.startswith(_SQLITE_MAGIC)
            and int.from_bytes(head[68:72], "big") == APPLICATION_ID)


def _connect_ro(path: Path) -> sqlite3.Connection:
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
    if not head.startswith(_SQLITE_MAGIC[: len(head)]) or len(head) < len(_SQLITE_MAGIC):
        raise RecordingError(f"{path}: not a pressure recording (not an SQLite file)")
    if len(head) < 100:
        raise RecordingError(f"{path}: the file is truncated ({len(head)} bytes)")
    uri = "file:" + _uri_path(path) + "?mode=ro"
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
        raise RecordingError(f"{path}: damaged or truncated recording ({exc})" + _SALVAGE_HINT) from None
    if app_id != APPLICATION_ID:
        db.close()
        raise RecordingError(f"{path}: an SQLite database, but not a pressure recording")
    return db


def _uri_path(path: Path) -> str:
    from urllib.parse import quote
    return quote(str(Path(path).absolute()), safe="/:")


def _read_meta(db: sqlite3.Connection, path: Path, lenient: bool = False) -> dict:
    try:
        rows = db.execute("SELECT key, value FROM meta").fetchall()
    except sqlite3.Error as exc:
        raise RecordingError(f"{path}: damaged or truncated recording, no metadata ({exc})") from None
    meta, bad = {}, []
    for key, value in rows:
        try:
            meta[key] = json.loads(value)
        except (TypeError, ValueError):
            if not lenient:
                raise RecordingError(f"{path}: damaged metadata (key {key!r} is not JSON)") from None
            bad.append(str(key))
    if bad:
        meta["salvage_note"] = f"metadata keys unreadable: {', '.join(bad)}"
    return meta


def _schema_version(db: sqlite3.Connection, meta: dict, path: Path) -> int:
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
    if version not in _READERS:
        raise RecordingError(f"{path}: unknown recording schema {version!r}")
    return version


class Recording:
    """A whole session read into memory: metadata, events and the sample arrays.

    ``t``, ``raw``, ``force_n`` (float64) and ``flags`` (uint8) cover the whole session;
    ``window``/``index_at`` find samples by time with a binary search (for replay and seek).
    """

    def __init__(self, path: Path, meta: dict, events: list[RecordedEvent], schema_version: int,
                 t: np.ndarray, raw: np.ndarray, flags: np.ndarray, force_n: np.ndarray):
        self.path = Path(path)
        self.meta = meta
        self.events = events
        self.schema_version = schema_version
        self.t, self.raw, self.flags, self.force_n = t, raw, flags, force_n
        self.damage: list[str] = []  # what a salvage could not read (empty for a sound file)
        self._rate: float | None = None

    def __len__(self) -> int:
        return int(self.t.shape[0])

    @property
    def markers(self) -> list[RecordedEvent]:
        return [e for e in self.events if e.kind == "marker"]

    @property
    def labels(self) -> dict:
        return dict(self.meta.get("labels") or {})

    @property
    def interrupted(self) -> bool:
        """True if the writer never closed the file (crash, kill, power cut)."""
        return not self.meta.get("ended_at")

    @property
    def duration(self) -> float:
        """Session length in seconds on its time axis (sessions start at t = 0)."""
        end = float(self.t[-1]) if len(self) else 0.0
        if self.events:
            end = max(end, max(e.t for e in self.events))
        return max(end, 0.0)

    @property
    def rate_hz(self) -> float | None:
        """The sensor's nominal rate if known, else the median sample rate of the trace."""
        if self._rate is None:
            nominal = (self.meta.get("sensor") or {}).get("rate_hz")
            if isinstance(nominal, (int, float)) and nominal > 0:
                self._rate = float(nominal)
            elif len(self) > 1:
                steps = np.diff(self.t[: 100_000])
                steps = steps[steps > 0]
                self._rate = float(1.0 / np.median(steps)) if steps.size else 0.0
            else:
                self._rate = 0.0
        return self._rate or None

    def index_at(self, t: float) -> int:
        """Index of the sample showing at time ``t``: the last one at or before ``t``
        (0 before the first sample; 0 for an empty recording)."""
        i = int(np.searchsorted(self.t, t, side="right")) - 1
        return max(0, min(i, len(self) - 1))

    def window(self, t0: float, t1: float) -> Block:
        """The samples with t0 <= t <= t1 (views into the session arrays, arrival NaN)."""
        a = int(np.searchsorted(self.t, t0, side="left"))
        b = int(np.searchsorted(self.t, t1, side="right"))
        return self._block(a, max(a, b))

    def block(self) -> Block:
        """The whole session as one Block."""
        return self._block(0, len(self))

    def _block(self, a: int, b: int) -> Block:
        return Block(t=self.t[a:b], raw=self.raw[a:b], force_n=self.force_n[a:b],
                     flags=self.flags[a:b], arrival=np.full(b - a, np.nan))


def _crc(t: bytes, raw: bytes, flags: bytes, force: bytes | None) -> int:
    """CRC-32 over a row's blobs: SQLite checks its pages' structure, not the bytes in them."""
    crc = zlib.crc32(flags, zlib.crc32(raw, zlib.crc32(t)))
    return zlib.crc32(force, crc) if force is not None else crc


def _first_t(tb: bytes) -> float:
    return float(np.frombuffer(tb[:8], _F8)[0]) if len(tb) >= 8 else float("nan")


def _force_from_calibration(raw: np.ndarray, meta: dict) -> np.ndarray:
    cal = meta.get("calibration") or {}
    try:
        zero, scale = float(cal.get("zero", 0.0)), float(cal.get("scale", 1.0))
    except (TypeError, ValueError, AttributeError):
        zero, scale = 0.0, 1.0
    return (raw - zero) * scale


_SALVAGE_HINT = "; `pressure export FILE --csv OUT --salvage` recovers the readable part"


def _read_v1(db: sqlite3.Connection, path: Path, meta: dict) -> Recording:
    try:
        total = db.execute("SELECT coalesce(sum(n), 0) FROM chunks").fetchone()[0]
        t = np.empty(total, _F8)
        raw = np.empty(total, _F8)
        flags = np.empty(total, _U1)
        force = np.empty(total, _F8)
        i = 0
        cur = db.execute("SELECT id, n, t, raw, flags, force_n, crc FROM chunks ORDER BY id")
        for row in cur:
            problem = _row_problem(row)
            n = row[1]
            if problem or i + n > total:
                raise RecordingError(f"{path}: damaged recording ({problem or 'row sizes'})"
                                     + _SALVAGE_HINT)
            _fill(row, meta, t, raw, flags, force, i)
            i += n
        if i != total:
            raise RecordingError(f"{path}: damaged recording (sample rows disagree with their count)")
        events = [_event(r) for r in db.execute("SELECT t, kind, text, data FROM events ORDER BY t, id")]
    except sqlite3.Error as exc:
        raise RecordingError(f"{path}: damaged or truncated recording ({exc})" + _SALVAGE_HINT) from None
    return Recording(path, meta, events, 1, t, raw, flags, force)


def _row_problem(row) -> str | None:
    row_id, n, tb, rb, fb, nb, crc = row
    if (not isinstance(n, int) or n < 0 or not all(isinstance(b, bytes) for b in (tb, rb, fb))
            or len(tb) != 8 * n or len(rb) != 8 * n or len(fb) != n
            or (nb is not None and (not isinstance(nb, bytes) or len(nb) != 8 * n))):
        return f"sample row {row_id} has wrong sizes"
    if _crc(tb, rb, fb, nb) != crc:
        return f"sample row {row_id}, near t = {_first_t(tb):.3f} s, fails its checksum"
    return None


def _fill(row, meta, t, raw, flags, force, i) -> None:
    _, n, tb, rb, fb, nb, _ = row
    t[i:i + n] = np.frombuffer(tb, _F8)
    raw[i:i + n] = np.frombuffer(rb, _F8)
    flags[i:i + n] = np.frombuffer(fb, _U1)
    if nb is None:  # a writer may leave force out: it follows from raw + calibration
        force[i:i + n] = _force_from_calibration(raw[i:i + n], meta)
    else:
        force[i:i + n] = np.frombuffer(nb, _F8)


def _event(r) -> RecordedEvent:
    et, kind, text, data = r
    try:
        payload = json.loads(data) if data else None
    except (TypeError, ValueError):
        payload = {"unreadable": str(data)}
    return RecordedEvent(float(et), str(kind), str(text or ""), payload)


def _salvage_v1(db: sqlite3.Connection, path: Path, meta: dict) -> Recording:
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
        problem = None if row is None else _row_problem(row)
        if row is None or problem:
            if problem:
                damage.append(problem)
            lost_before = True
            continue
        n = row[1]
        arrays = [np.empty(n, _F8), np.empty(n, _F8), np.empty(n, _U1), np.empty(n, _F8)]
        _fill(row, meta, *arrays, 0)
        if lost_before and n:
            arrays[2][0] |= FLAG_GAP_BEFORE
            lost_before = False
        parts.append(arrays)
    events = []
    for row in rows("events", "t, kind, text, data"):
        if row is not None:
            try:
                events.append(_event(row[1:]))
            except (TypeError, ValueError):
                damage.append(f"event row {row[0]} unreadable")
    events.sort(key=lambda e: e.t)
    cols = [np.concatenate([p[k] for p in parts]) if parts else np.empty(0, (_F8, _F8, _U1, _F8)[k])
            for k in range(4)]
    rec = Recording(path, meta, events, 1, *cols)
    rec.damage = damage
    return rec


# schema version -> reader. Add a reader here for every version that was ever released.
_READERS = {1: _read_v1}
_SALVAGERS = {1: _salvage_v1}


def open_recording(path, *, salvage: bool = False) -> Recording:
    """Read a recording of any released schema version; never modifies the file.

    A damaged file is a RecordingError; with ``salvage=True`` whatever is still readable is
    returned instead, with the losses listed in ``Recording.damage``.
    """
    path = Path(path)
    scratch = None
    try:
        db = _connect_ro(path)
    except RecordingError as exc:
        if not salvage or "damaged or truncated" not in str(exc):
            raise
        scratch = tempfile.TemporaryDirectory(prefix="pressure-salvage-")
        try:
            db = _connect_ro(_padded_copy(path, Path(scratch.name)))
        except RecordingError:
            scratch.cleanup()
            raise exc from None
    try:
        try:
            meta = _read_meta(db, path, lenient=salvage)
        except RecordingError as exc:
            if not salvage:
                raise
            meta = default_meta()
            meta["salvage_note"] = str(exc)
        version = _schema_version(db, meta, path)
        if salvage:
            rec = _SALVAGERS[version](db, path, meta)
            if "salvage_note" in meta:
                rec.damage.insert(0, meta["salvage_note"])
            return rec
        return _READERS[version](db, path, meta)
    except MemoryError:
        raise RecordingError(f"{path}: too large to load into memory") from None
    finally:
        db.close()
        if scratch is not None:
            scratch.cleanup()


def _padded_copy(path: Path, folder: Path) -> Path:
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
        if page >= 512 and pages and size < page * pages:
            f.truncate(page * pages)
    return copy


def read_summary(path) -> tuple[dict, dict]:
    """Metadata plus a few figures from the sample index, without loading any samples.

    Returns (meta, figures) with figures {samples, duration_s, markers, interrupted}; used by
    the session library, which must stay fast with hundreds of files.
    """
    path = Path(path)
    db = _connect_ro(path)
    try:
        meta = _read_meta(db, path)
        _schema_version(db, meta, path)
        try:
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
