"""Trainee profiles and their scored attempts, in one private SQLite file.

Why a database and not files per trainee: an instructor asks "is she improving at the steady
hold?" - one indexed query over every attempt answers it, and SQLite makes each stored attempt
atomic (a crash never leaves half an attempt). The file lives in the user's data folder
(``pressure.paths.data_dir()/trainees.sqlite``), readable by the user only (0600): it holds
names of students.

The same file also keeps which recording is the reference for a routine (see
``pressure.references``), so everything about training lives in one place.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from . import private_db
from .errors import PressureError
from .paths import data_dir
from .private_db import now_iso

log = logging.getLogger(__name__)

DB_NAME = "trainees.sqlite"
SCHEMA_VERSION = 1
MAX_NAME = private_db.MAX_NAME
# Per-attempt figures the progress view plots (keys of SessionScores.to_dict()["summary"]).
PROGRESS_METRICS = ("score", "time_in_band_pct", "cv_pct", "mae_pct", "drift_pct_per_10s",
                    "overshoot_pct", "time_to_band_s")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS trainees (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    created TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS attempts (
    id INTEGER PRIMARY KEY,
    trainee_id INTEGER NOT NULL REFERENCES trainees(id),
    routine TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    session_path TEXT NOT NULL,
    score REAL,
    metrics TEXT NOT NULL,
    stored_at TEXT NOT NULL,
    UNIQUE (trainee_id, session_path, routine)
);
CREATE INDEX IF NOT EXISTS attempts_by_trainee ON attempts(trainee_id, routine, recorded_at);
CREATE TABLE IF NOT EXISTS refs (
    routine TEXT PRIMARY KEY,
    stored_path TEXT NOT NULL,
    source_path TEXT NOT NULL,
    set_at TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class Trainee:
    name: str
    created: str
    notes: str = ""
    attempts: int = 0

    def to_dict(self) -> dict:
        return {"name": self.name, "created": self.created, "notes": self.notes,
                "attempts": self.attempts}


@dataclass(frozen=True)
class Attempt:
    """One scored attempt. ``metrics`` is the SessionScores.to_dict() stored with it."""

    id: int
    trainee: str
    routine: str
    recorded_at: str
    session_path: str
    score: float | None
    metrics: dict = field(default_factory=dict, repr=False)

    def summary(self) -> dict:
        """The figures the progress view plots: {metric: value or None}."""
        summary = self.metrics.get("summary") or {}
        out = {k: summary.get(k) for k in PROGRESS_METRICS}
        out["score"] = self.score
        return out

    def to_dict(self) -> dict:
        return {"id": self.id, "trainee": self.trainee, "routine": self.routine,
                "recorded_at": self.recorded_at, "session_path": self.session_path,
                **self.summary()}


def db_path() -> Path:
    return data_dir() / DB_NAME


def connect(path: Path | None = None):
    """An open connection to the trainee database (created 0600 on first use), in a transaction."""
    return private_db.connect(path if path is not None else db_path(),
                              "the trainee database", _SCHEMA, SCHEMA_VERSION)


def clean_name(name) -> str:
    return private_db.clean_name(name, "trainee")


def add_trainee(name: str, notes: str = "") -> Trainee:
    """Create a trainee; a name that exists already (any letter case) is refused."""
    name = clean_name(name)
    created = now_iso()
    with connect() as db:
        row = db.execute("SELECT name FROM trainees WHERE name = ?", (name,)).fetchone()
        if row:
            raise PressureError(f"trainee {row[0]!r} exists already")
        db.execute("INSERT INTO trainees(name, created, notes) VALUES (?, ?, ?)",
                   (name, created, str(notes or "")))
    log.info("added trainee %r", name)
    return Trainee(name, created, str(notes or ""), 0)


def list_trainees() -> list[Trainee]:
    with connect() as db:
        rows = db.execute(
            "SELECT t.name, t.created, t.notes, count(a.id) FROM trainees t "
            "LEFT JOIN attempts a ON a.trainee_id = t.id GROUP BY t.id ORDER BY t.name COLLATE NOCASE"
        ).fetchall()
    return [Trainee(*r) for r in rows]


def _trainee_id(db: sqlite3.Connection, name: str) -> tuple[int, str]:
    name = clean_name(name)
    row = db.execute("SELECT id, name FROM trainees WHERE name = ?", (name,)).fetchone()
    if row:
        return int(row[0]), str(row[1])
    known = [r[0] for r in db.execute("SELECT name FROM trainees ORDER BY name COLLATE NOCASE")]
    if not known:
        raise PressureError(f"no trainee {name!r}: there are no trainees yet; "
                            f"add one with 'trainees add NAME'")
    raise PressureError(f"no trainee {name!r}; known trainees: {', '.join(known)}")


def get_trainee(name: str) -> Trainee:
    with connect() as db:
        tid, stored = _trainee_id(db, name)
        created, notes = db.execute("SELECT created, notes FROM trainees WHERE id = ?", (tid,)).fetchone()
        n = db.execute("SELECT count(*) FROM attempts WHERE trainee_id = ?", (tid,)).fetchone()[0]
    return Trainee(stored, created, notes, int(n))


def record_attempt(trainee: str, session_path, scores, recorded_at: str | None = None) -> Attempt:
    """Store one scored attempt (``scores`` is a SessionScores) for an existing trainee.

    The same session stored twice for the same trainee and routine is refused: the first
    stored attempt is never overwritten.
    """
    metrics = scores.to_dict()
    routine = str(scores.routine_name)
    path = str(Path(session_path).absolute())
    when = recorded_at or scores.recorded_at or now_iso()
    with connect() as db:
        tid, stored = _trainee_id(db, trainee)
        try:
            cur = db.execute(
                "INSERT INTO attempts(trainee_id, routine, recorded_at, session_path, score, metrics, "
                "stored_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (tid, routine, when, path, scores.score, json.dumps(metrics, allow_nan=False), now_iso()))
        except sqlite3.IntegrityError:
            raise PressureError(f"{path} is already stored for {stored} ({routine})") from None
    log.info("stored attempt %s for %r (%s)", path, stored, routine)
    return Attempt(int(cur.lastrowid), stored, routine, when, path, scores.score, metrics)


def progress(trainee: str, routine: str | None = None) -> list[Attempt]:
    """Every stored attempt of a trainee (optionally one routine), oldest first."""
    with connect() as db:
        tid, stored = _trainee_id(db, trainee)
        sql = ("SELECT id, routine, recorded_at, session_path, score, metrics FROM attempts "
               "WHERE trainee_id = ?")
        args: list = [tid]
        if routine is not None:
            sql += " AND routine = ?"
            args.append(routine)
        rows = db.execute(sql + " ORDER BY recorded_at, id", args).fetchall()
    out = []
    for aid, r, when, path, score, metrics in rows:
        try:
            data = json.loads(metrics)
        except ValueError:
            log.warning("attempt %s has unreadable metrics; showing its score only", aid)
            data = {}
        out.append(Attempt(int(aid), stored, r, when, path, score, data if isinstance(data, dict) else {}))
    return out


def routines_of(trainee: str) -> list[str]:
    """The routines a trainee has attempts for (to offer in the progress view)."""
    with connect() as db:
        tid, _ = _trainee_id(db, trainee)
        return [r[0] for r in db.execute(
            "SELECT DISTINCT routine FROM attempts WHERE trainee_id = ? ORDER BY routine", (tid,))]
