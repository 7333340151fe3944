"""A client's recordings: find them in the library, and erase every trace of a client.

Erasure (a person's right to be forgotten) removes the client's recordings (with any -wal /
-shm beside them), the scored attempts and reference entries made from them (and the stored
reference copies), and the client's row with its former names; it says how many files went.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import PressureError
from ..library import SessionInfo, list_sessions
from .clients import Client, delete_client, get_client

log = logging.getLogger(__name__)


def library(folder=None) -> list[SessionInfo]:
    """Every recording in the library ([] when there is no sessions folder yet)."""
    try:
        return list_sessions(folder)
    except PressureError:
        return []


def recordings_of(client: Client, folder=None, sessions=None) -> list[SessionInfo]:
    """The client's recordings in the library, oldest first (``sessions``: a listing already made)."""
    sessions = library(folder) if sessions is None else sessions
    mine = [s for s in sessions if client.owns(s.labels)]
    return sorted(mine, key=lambda s: (s.started_at or "", s.path.name))


@dataclass
class Erasure:
    client: str
    files_removed: list[str] = field(default_factory=list)
    attempts_removed: int = 0
    references_removed: int = 0
    failed: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"client": self.client, "files_removed": len(self.files_removed),
                "files": self.files_removed, "attempts_removed": self.attempts_removed,
                "references_removed": self.references_removed, "failed": self.failed}

    def text(self) -> str:
        line = (f"erased client {self.client}: {len(self.files_removed)} file"
                f"{'' if len(self.files_removed) == 1 else 's'} removed, "
                f"{self.attempts_removed} stored attempt(s), {self.references_removed} reference(s)")
        if self.failed:
            line += f"; could NOT remove {len(self.failed)}: {', '.join(self.failed)}"
        return line


def _unlink(path: Path, out: Erasure) -> None:
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        try:
            if p.exists() or p.is_symlink():
                p.unlink()
                out.files_removed.append(str(p))
        except OSError as exc:
            out.failed.append(f"{p} ({exc.strerror or exc})")


def _forget_in_training(paths: set[str], out: Erasure) -> None:
    """Scored attempts and references made from the erased recordings (trainees.sqlite)."""
    from ..trainees import connect, db_path

    if not db_path().exists():
        return
    with connect() as db:
        rows = db.execute("SELECT id, session_path FROM attempts").fetchall()
        gone = [r[0] for r in rows if r[1] in paths]
        for aid in gone:
            db.execute("DELETE FROM attempts WHERE id = ?", (aid,))
        out.attempts_removed = len(gone)
        refs = db.execute("SELECT routine, stored_path, source_path FROM refs").fetchall()
        for routine, stored, source in refs:
            if source in paths or stored in paths:
                db.execute("DELETE FROM refs WHERE routine = ?", (routine,))
                out.references_removed += 1
                if stored not in paths:
                    _unlink(Path(stored), out)


def erase_client(name: str, folder=None) -> Erasure:
    """Remove the client and every recording of theirs; the result says what went."""
    client = get_client(name)
    out = Erasure(client.name)
    recordings = recordings_of(client, folder)
    paths = set()
    for info in recordings:
        for p in (info.path, info.path.absolute(), info.path.resolve()):
            paths.add(str(p))
    _forget_in_training(paths, out)
    for info in recordings:
        _unlink(info.path, out)
    if out.failed:  # keep the client so the erasure can be run again
        log.error("erasure incomplete: %d file(s) could not be removed", len(out.failed))
        return out
    delete_client(client)
    log.info("erased client %s: %d files", client.id, len(out.files_removed))
    return out
