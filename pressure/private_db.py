"""A private SQLite store of people in the user's data folder: the trainee database and the
client list both hold names (of students, of patients), so both are created 0600, versioned by
``PRAGMA user_version`` and opened for one transaction at a time, and both store a person's
name cleaned the same way.

Every ``connect`` opens and closes its own connection, so the window and a command run at the
same time never share one; SQLite's lock and a busy timeout serialise them.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import unicodedata
from contextlib import closing, contextmanager
from datetime import datetime
from pathlib import Path

from .errors import PressureError

log = logging.getLogger(__name__)

MAX_NAME = 80
JOINERS = "\u200c\u200d"  # zero-width (non-)joiners: part of how some names are spelt


def now_iso() -> str:
    """When a row is stored: local time with its zone, to the second."""
    return datetime.now().astimezone().isoformat(timespec="seconds")


@contextmanager
def connect(path: Path, what: str, schema: str, version: int):
    """An open connection to ``path`` (created 0600 on first use, ``schema`` run when its
    user_version is below ``version``), in one transaction. ``what`` names the store in the
    error lines ("the client list")."""
    path = Path(path)
    if not path.exists():
        try:
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        except OSError as exc:
            raise PressureError(f"cannot create {what} {path}: {exc.strerror or exc}") from None
    try:
        os.chmod(path, 0o600)
    except OSError:  # e.g. a filesystem without permissions; nothing better to do
        pass
    try:
        db = sqlite3.connect(path, timeout=10.0)
    except sqlite3.Error as exc:
        raise PressureError(f"cannot open {what} {path}: {exc}") from None
    with closing(db):
        try:
            found = db.execute("PRAGMA user_version").fetchone()[0]
            if found > version:
                raise PressureError(f"{path} was written by a newer pressure (schema {found}); "
                                    f"this version reads up to {version}")
            if found < version:
                with db:
                    db.executescript(schema)
                    db.execute(f"PRAGMA user_version = {int(version)}")
            db.execute("PRAGMA foreign_keys = ON")
            with db:  # commit on success, roll back on any error
                yield db
        except sqlite3.DatabaseError as exc:
            raise PressureError(f"{what} {path} is damaged or not a database ({exc})") from None


def clean_name(name, kind: str, *, quote_it: bool = True) -> str:
    """A ``kind`` name ("trainee", "client") as stored: trimmed, NFC, single spaces, no control
    characters, not empty, at most MAX_NAME characters. ``quote_it=False`` keeps the rejected
    name out of the error line (a patient's name may end up in a shared log)."""
    if not isinstance(name, str):
        raise PressureError(f"a {kind} name must be text, not {name!r}")
    # checked before spaces are collapsed, which would turn a tab or line break into a space
    bad = [c for c in name.strip() if unicodedata.category(c).startswith("C") and c not in JOINERS]
    if bad:
        where = f" in {name.strip()!r}" if quote_it else ""
        raise PressureError(f"a {kind} name must not contain tabs, line breaks or other control "
                            f"characters (found {bad[0]!r}{where})")
    name = unicodedata.normalize("NFC", " ".join(name.split()))
    if not name:
        raise PressureError(f"a {kind} name must not be empty")
    if len(name) > MAX_NAME:
        raise PressureError(f"a {kind} name is at most {MAX_NAME} characters")
    return name
