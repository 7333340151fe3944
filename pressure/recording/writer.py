"""RecordingWriter: writes one session file, crash-safe, without ever blocking its caller.

Why SQLite: a commit in WAL mode with ``synchronous=FULL`` is durable once it returns, even
across a power cut, and a file killed mid-write still opens (the reader replays the -wal).
:meth:`RecordingWriter.append` only queues the block; a committer thread writes and commits
everything queued every ``COMMIT_INTERVAL_S``, so an fsync that takes 100 ms on a slow disk
never stalls the live display.
"""

from __future__ import annotations

import atexit
import json
import logging
import math
import sqlite3
import threading
import time
import weakref
from pathlib import Path

import numpy as np

from .. import __version__
from ..samples import FLAG_GAP_BEFORE, FLAG_RECONNECT, FLAG_RESTART, Block
from .rows import encode_rows
from .schema import (
    COMMIT_INTERVAL_S, EVENT_KINDS, SCHEMA_VERSION, RecordingError, create_file, default_meta,
    meta_json, now_iso,
)

log = logging.getLogger(__name__)

# While the disk refuses, samples wait in memory up to this many (10 minutes at 1 kHz, about
# 30 MB); later ones are dropped and the recording gets a gap where they were.
MAX_PENDING_SAMPLES = 600_000

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
    is wrong meanwhile and :attr:`state` / :attr:`status` say it in one line for the window or
    the command line (logged once per episode, not on every retry); beyond
    ``MAX_PENDING_SAMPLES`` newer samples are dropped and a gap marks them. ``flush`` and
    ``close`` raise RecordingError while it lasts. A session that never got a sample (a sensor
    switch) leaves no file: :meth:`close` removes it (``discarded`` is then True).
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
        meta_json(self._meta)  # fail now, in the caller, if the metadata is not JSON data
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
        self.samples_dropped = 0  # samples beyond MAX_PENDING_SAMPLES while the disk refused
        self._pending_samples = 0
        self._gap_next = False
        self.discarded = False
        self.rescued_to: Path | None = None  # where the recording went when its disk stayed full
        self._final_status = ""
        self._flush_requested = 0
        self._flush_done = 0
        self._closing = False
        self._closed = False
        self.commit_cpu_s = 0.0  # CPU time the committer thread spent writing (for benchmarks)
        self._db = create_file(self.path, self._meta, overwrite=overwrite)
        self._meta_dirty = False
        self._thread = threading.Thread(target=self._run, name=f"recorder {self.path.name}",
                                        daemon=True)
        self._thread.start()
        _OPEN_WRITERS.add(self)

    # -- the caller's side

    @property
    def meta(self) -> dict:
        with self._lock:
            return json.loads(meta_json(self._meta))

    @property
    def error(self) -> BaseException | None:
        """The last error of the committer thread (None while all is well)."""
        return self._error

    @property
    def state(self) -> str:
        """'ok', 'disk_full' (samples wait in memory) or 'error' (another write problem)."""
        error = self._error
        if error is None:
            return "ok"
        return "disk_full" if _is_disk_full(error) else "error"

    @property
    def status(self) -> str:
        """One line for the user: empty while all is well."""
        if self._final_status:
            return self._final_status
        error, dropped = self._error, self.samples_dropped
        if error is None:
            return f"recording: {dropped} samples were lost while the disk was full" if dropped else ""
        if _is_disk_full(error):
            line = (f"disk full: {self.path.name} waits for space; "
                    f"{self._pending_samples} samples kept in memory")
            return line + (f", {dropped} lost" if dropped else "")
        return f"cannot write {self.path.name}: {error}"

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
        with self._lock:
            if self._error is not None and self._pending_samples + n > MAX_PENDING_SAMPLES:
                self.samples_dropped += n
                self._gap_next = True
                return
            if self._gap_next:  # the samples dropped while the disk was full: a gap
                flags = flags.copy()
                flags[0] |= FLAG_GAP_BEFORE
                block = Block(t=block.t, raw=block.raw, force_n=block.force_n, flags=flags,
                              arrival=block.arrival)
                self._gap_next = False
            marks = np.flatnonzero(flags & (FLAG_GAP_BEFORE | FLAG_RECONNECT | FLAG_RESTART))
            self._pending.append(block)
            self._pending_samples += n
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
        data_json = None if data is None else meta_json(data)
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
        meta_json(changes)
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
                     meta_json({"changes": changed, "previous": {k: previous[k] for k in changed}})))

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
            else:
                self._final_status = f"cannot write {self.path}: {error}"
                self._final_status = self._rescue(error)
        except sqlite3.Error as exc:
            log.warning("could not checkpoint %s: %s", self.path, exc)
        finally:
            self._db.close()
        if error is not None:
            raise RecordingError(self._final_status)
        if self.samples_written == 0:  # nothing was measured (a sensor switch): keep no file
            for extra in (self.path, Path(f"{self.path}-wal"), Path(f"{self.path}-shm")):
                extra.unlink(missing_ok=True)
            self.discarded = True
            log.info("discarded %s: no samples", self.path)
            return
        log.info("closed %s (%d samples)", self.path, self.samples_committed)

    def _rescue(self, error: BaseException) -> str:
        """The disk still refuses at the end: write the recording, with what waited in memory,
        somewhere that has space (rescue.py) and say in one line how many samples are where."""
        from .rescue import rescue

        waiting = self._pending_samples
        where = f"cannot write {self.path}: {_reason(error)}"
        if self.samples_written == 0 or (not waiting and not self._pending_events and not self._meta_dirty):
            return where  # nothing measured, or nothing that is not already in the file
        with self._lock:
            blocks, events = list(self._pending), list(self._pending_events)
            meta = self._snapshot_meta()
        meta["rescued_from"] = str(self.path)
        try:
            copy, whole = rescue(self._db, self.path, meta,
                                 lambda db: self._commit(blocks, events, meta, db))
        except RecordingError as exc:
            line = (f"{where}; {self.samples_committed} samples are in it, "
                    f"{waiting} more were lost ({exc})")
            return line
        self.rescued_to = copy
        with self._lock:
            self._pending, self._pending_events = [], []
            self._pending_samples = 0
        if whole:
            line = (f"{where}; all {self.samples_committed + waiting} samples were saved to {copy} "
                    f"instead ({self.samples_committed} are in {self.path.name})")
        else:
            line = (f"{where}; {self.samples_committed} samples are in it, the other {waiting} "
                    f"were saved to {copy}")
        return line

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
                meta = self._snapshot_meta(events) if (blocks or events or self._meta_dirty or closing) else None
            next_commit = time.monotonic() + self.commit_interval
            if blocks or events or meta is not None:
                cpu0 = time.thread_time()
                try:
                    self._commit(blocks, events, meta)
                except (sqlite3.Error, OSError, ValueError) as exc:
                    if self._error is None or str(self._error) != str(exc):  # once per episode
                        log.error("recording %s: commit failed: %s (samples kept in memory, "
                                  "retrying)", self.path, exc)
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
            recovered = self._error is not None
            if recovered:
                log.warning("recording %s: writing again (%d samples lost meanwhile)",
                            self.path, self.samples_dropped)
                try:  # the -wal grew while the disk was full: fold it back now
                    self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                except sqlite3.Error:
                    pass
            with self._lock:
                self._error = None
                done = sum(len(b) for b in blocks)
                self._pending_samples = max(0, self._pending_samples - done)
                self.samples_committed += done
                self._flush_done = max(self._flush_done, ticket)
                self._lock.notify_all()
            if closing:
                return

    def _snapshot_meta(self, events=()) -> dict:
        """The metadata with this commit's figures; ``events``: the events it writes (taken off
        the pending list already: an event after the last sample still counts in duration_s)."""
        self._meta["samples"] = self.samples_written
        self._meta["gaps"] = self._gaps
        self._meta["reconnects"] = self._reconnects
        last_event = max((e[0] for e in [*events, *self._pending_events]), default=0.0)
        self._meta["duration_s"] = max(self._last_t, last_event, self._meta.get("duration_s") or 0.0)
        self._meta_dirty = False
        return dict(self._meta)

    def _commit(self, blocks: list[Block], events: list[tuple], meta: dict | None, db=None) -> None:
        db = self._db if db is None else db
        db.execute("BEGIN")
        try:
            if blocks:
                rows = encode_rows(Block.concat(blocks))
                db.executemany("INSERT INTO chunks(t0, t1, n, t, raw, flags, force_n, crc) "
                               "VALUES (?,?,?,?,?,?,?,?)", rows)
            if events:
                db.executemany("INSERT INTO events(t, kind, text, data) VALUES (?,?,?,?)", events)
            if meta is not None:
                db.executemany("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
                               [(k, meta_json(v)) for k, v in meta.items()])
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise


def _reason(error: BaseException) -> str:
    return "the disk is full" if _is_disk_full(error) else str(error)


def _is_disk_full(error: BaseException) -> bool:
    import errno

    return ("database or disk is full" in str(error)
            or getattr(error, "errno", None) in (errno.ENOSPC, errno.EDQUOT)
            or getattr(error, "sqlite_errorcode", None) == 13)  # SQLITE_FULL
