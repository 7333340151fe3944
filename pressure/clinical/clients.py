"""The client list: who is treated, kept locally beside the session library (SQLite, 0600).

A recording belongs to a client by its labels: ``client_id`` (a random id the window and
``record`` write from now on) or, for recordings made before there was a client list, by
``client`` matching the client's name or one of its former names (a rename or a merge keeps
the old name as an alias, so old recordings stay theirs without rewriting them). The file
holds names of patients: it is created 0600, never published to a classroom.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from .. import private_db
from ..errors import PressureError
from ..paths import data_dir
from ..private_db import now_iso

log = logging.getLogger(__name__)

DB_NAME = "clients.sqlite"
SCHEMA_VERSION = 1
MAX_NAME = private_db.MAX_NAME

_SCHEMA = """
CREATE TABLE IF NOT EXISTS clients (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    created TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS aliases (
    name TEXT PRIMARY KEY COLLATE NOCASE,
    client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE
);
"""


@dataclass(frozen=True)
class Client:
    id: str
    name: str
    created: str
    notes: str = ""
    aliases: tuple = field(default=())

    def names(self) -> set[str]:
        """Every name a recording's ``client`` label may carry for this client (case-folded)."""
        return {n.casefold() for n in (self.name, *self.aliases) if not n.startswith("#")}

    def ids(self) -> set[str]:
        """Its own id and those of the clients merged into it (kept as aliases ``#id``)."""
        return {self.id, *(a[1:] for a in self.aliases if a.startswith("#"))}

    def former_names(self) -> list[str]:
        return [a for a in self.aliases if not a.startswith("#")]

    def owns(self, labels: dict) -> bool:
        """Is a recording with these labels this client's?"""
        labels = labels if isinstance(labels, dict) else {}
        cid = labels.get("client_id")
        if isinstance(cid, str) and cid:
            return cid in self.ids()
        name = labels.get("client")
        return isinstance(name, str) and " ".join(name.split()).casefold() in self.names()

    def to_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "created": self.created, "notes": self.notes,
                "aliases": list(self.aliases)}


def db_path() -> Path:
    return data_dir() / DB_NAME


def connect(path: Path | None = None):
    """An open connection to the client list (created 0600), in one transaction."""
    return private_db.connect(path if path is not None else db_path(),
                              "the client list", _SCHEMA, SCHEMA_VERSION)


def clean_name(name) -> str:
    return private_db.clean_name(name, "client", quote_it=False)


def _load(db, cid: str) -> Client:
    row = db.execute("SELECT id, name, created, notes FROM clients WHERE id = ?", (cid,)).fetchone()
    aliases = tuple(r[0] for r in db.execute(
        "SELECT name FROM aliases WHERE client_id = ? ORDER BY name COLLATE NOCASE", (cid,)))
    return Client(row[0], row[1], row[2], row[3], aliases)


def _name_taken(db, name: str, but: str | None = None) -> str | None:
    """Whose name (or former name) ``name`` is, if anybody's but ``but``."""
    row = db.execute("SELECT id, name FROM clients WHERE name = ?", (name,)).fetchone()
    if row and row[0] != but:
        return f"client {row[1]!r} exists already"
    row = db.execute("SELECT a.client_id, c.name FROM aliases a JOIN clients c ON c.id = a.client_id "
                     "WHERE a.name = ?", (name,)).fetchone()
    if row and row[0] != but:
        return f"{name!r} is a former name of client {row[1]!r}"
    return None


def _find(db, name: str) -> Client:
    name = clean_name(name)
    row = db.execute("SELECT id FROM clients WHERE name = ?", (name,)).fetchone()
    if row is None:
        row = db.execute("SELECT client_id FROM aliases WHERE name = ?", (name,)).fetchone()
    if row is None:
        known = [r[0] for r in db.execute("SELECT name FROM clients ORDER BY name COLLATE NOCASE")]
        hint = f"known clients: {', '.join(known)}" if known else "add one with 'clients add NAME'"
        raise PressureError(f"no client {name!r}; {hint}")
    return _load(db, row[0])


def add_client(name: str, notes: str = "", client_id: str | None = None, created: str | None = None) -> Client:
    """Create a client (a name in use, also as a former name, is refused)."""
    name = clean_name(name)
    cid = client_id or uuid.uuid4().hex
    with connect() as db:
        taken = _name_taken(db, name)
        if taken:
            raise PressureError(taken)
        if db.execute("SELECT 1 FROM clients WHERE id = ?", (cid,)).fetchone():
            raise PressureError(f"a client with id {cid} exists already")
        db.execute("INSERT INTO clients(id, name, created, notes) VALUES (?, ?, ?, ?)",
                   (cid, name, created if isinstance(created, str) and created else now_iso(), str(notes or "")))
        client = _load(db, cid)
    log.info("added client %s", cid)  # never the name: logs may be shared
    return client


def get_client(name: str) -> Client:
    """The client with this name or former name."""
    with connect() as db:
        return _find(db, name)


def client_by_id(cid: str) -> Client | None:
    with connect() as db:
        row = db.execute("SELECT id FROM clients WHERE id = ?", (str(cid),)).fetchone()
        return _load(db, row[0]) if row else None


def list_clients() -> list[Client]:
    with connect() as db:
        ids = [r[0] for r in db.execute("SELECT id FROM clients ORDER BY name COLLATE NOCASE")]
        return [_load(db, i) for i in ids]


def client_names() -> list[str]:
    """Names for the window's completion (an unreadable list gives none, logged)."""
    try:
        return [c.name for c in list_clients()]
    except PressureError as exc:
        log.warning("cannot list clients: %s", exc)
        return []


def rename_client(old: str, new: str) -> Client:
    """Rename; the old name stays as an alias so recordings labelled with it stay this client's."""
    new = clean_name(new)
    with connect() as db:
        client = _find(db, old)
        taken = _name_taken(db, new, but=client.id)
        if taken:
            raise PressureError(taken)
        db.execute("DELETE FROM aliases WHERE name = ?", (new,))  # back to a former name
        db.execute("UPDATE clients SET name = ? WHERE id = ?", (new, client.id))
        if client.name.casefold() != new.casefold():
            db.execute("INSERT OR IGNORE INTO aliases(name, client_id) VALUES (?, ?)", (client.name, client.id))
        return _load(db, client.id)


def merge_clients(source: str, target: str) -> Client:
    """``source`` becomes part of ``target``: its names become aliases of the target's, and its
    recordings (by name or id) the target's: the source's id is kept as an alias ``#id``."""
    with connect() as db:
        src, dst = _find(db, source), _find(db, target)
        if src.id == dst.id:
            raise PressureError(f"{source!r} and {target!r} are the same client")
        db.execute("UPDATE aliases SET client_id = ? WHERE client_id = ?", (dst.id, src.id))
        db.execute("DELETE FROM clients WHERE id = ?", (src.id,))
        db.execute("INSERT OR IGNORE INTO aliases(name, client_id) VALUES (?, ?)", (src.name, dst.id))
        db.execute("INSERT OR IGNORE INTO aliases(name, client_id) VALUES (?, ?)", (f"#{src.id}", dst.id))
        return _load(db, dst.id)


def delete_client(client: Client) -> None:
    with connect() as db:
        db.execute("DELETE FROM clients WHERE id = ?", (client.id,))
        db.execute("DELETE FROM aliases WHERE client_id = ?", (client.id,))
