"""One client's records as one archive (a person's right to data portability), and back.

The archive is a zip: ``index.json`` (the client: id, name, former names, notes; and each
recording: file name, SHA-256, start time, labels) and ``recordings/<name>.pressure``, the
recordings byte for byte. Importing on another (or a clean) library recreates the client with
the same id, so recordings labelled ``client_id`` are theirs again, and copies the recordings
into the sessions folder, never over a file that is there (an identical one is skipped).
An archive is data: member names are never used as paths, every recording is checked (its
hash and that it is a recording file) before it takes a name.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import zipfile
from pathlib import Path

from ..errors import PressureError
from ..recording import EXTENSION, read_summary
from ..recording.outputs import check_output, write_atomic
from ..recording.schema import is_recording_file
from .clients import add_client, client_by_id, clean_name, connect, get_client
from .records import recordings_of

log = logging.getLogger(__name__)

FORMAT = "pressure-client-archive"
VERSION = 1
MAX_INDEX = 4 * 1024 * 1024
MAX_MEMBER = 4 * 1024 ** 3  # a recording of hours at 2 kHz is well below this


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def export_client(name: str, out, *, force: bool = False, folder=None) -> dict:
    """Write the client's archive to ``out``; returns its index."""
    client = get_client(name)
    out = check_output(Path(out), force=force, what="client archive")
    recordings = recordings_of(client, folder)
    index = {"format": FORMAT, "version": VERSION, "client": client.to_dict(), "recordings": []}

    def write(fh) -> None:
        with zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as z:
            for info in recordings:
                z.write(info.path, f"recordings/{info.path.name}")
                index["recordings"].append({"file": info.path.name, "sha256": _sha256(info.path),
                                            "started_at": info.started_at, "labels": info.labels})
            z.writestr("index.json", json.dumps(index, ensure_ascii=False, indent=1))

    try:  # whole or not at all, 0600 (a patient's records), never over a recording
        write_atomic(out, write, force=force, what="client archive", binary=True)
    except OSError as exc:
        raise PressureError(f"cannot read a recording for {out}: {exc.strerror or exc}") from None
    log.info("exported client %s: %d recordings", client.id, len(recordings))
    return index


def _read_index(z: zipfile.ZipFile, source) -> dict:
    try:
        info = z.getinfo("index.json")
    except KeyError:
        raise PressureError(f"{source} is not a client archive (no index.json)") from None
    if info.file_size > MAX_INDEX:
        raise PressureError(f"{source}: index.json is too large")
    try:
        index = json.loads(z.read(info).decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise PressureError(f"{source}: index.json is not valid JSON") from None
    if not isinstance(index, dict) or index.get("format") != FORMAT:
        raise PressureError(f"{source} is not a client archive")
    if not isinstance(index.get("version"), int) or index["version"] > VERSION:
        raise PressureError(f"{source} was written by a newer pressure (archive version {index.get('version')})")
    client = index.get("client")
    if not isinstance(client, dict) or not isinstance(client.get("id"), str) or not client["id"].isalnum():
        raise PressureError(f"{source}: index.json names no client")
    if not isinstance(index.get("recordings"), list):
        raise PressureError(f"{source}: index.json lists no recordings")
    return index


def _client_for(entry: dict):
    """The archive's client in this library: the same id, else a new one with that id."""
    name = clean_name(entry.get("name"))
    existing = client_by_id(entry["id"])
    if existing is not None:
        return existing, False
    client = add_client(name, str(entry.get("notes") or ""), client_id=entry["id"],
                        created=str(entry.get("created") or "")[:40] or None)
    aliases = entry.get("aliases") if isinstance(entry.get("aliases"), list) else []
    with connect() as db:
        for alias in aliases:
            try:  # a former name is checked like a name; a merged client's id is '#' + hex
                alias = clean_name(alias)
            except PressureError:
                continue
            if alias.startswith("#") and not alias[1:].isalnum():
                continue
            db.execute("INSERT OR IGNORE INTO aliases(name, client_id) VALUES (?, ?)", (alias, client.id))
    return client, True


def import_archive(source, folder=None) -> dict:
    """Bring a client archive into this library: {client, imported: [...], skipped: [...]}."""
    from ..paths import sessions_dir

    source = Path(source)
    folder = Path(folder) if folder is not None else sessions_dir()
    try:
        z = zipfile.ZipFile(source)
    except (OSError, zipfile.BadZipFile) as exc:
        raise PressureError(f"cannot read {source} as a client archive: {exc}") from None
    imported, skipped = [], []
    with z:
        index = _read_index(z, source)
        plans = []
        for item in index["recordings"]:  # check the whole archive before touching the library
            name = item.get("file") if isinstance(item, dict) else None
            if not isinstance(name, str) or "/" in name or "\\" in name or not name.endswith(EXTENSION) \
                    or name.startswith(".") or len(name) > 200:
                raise PressureError(f"{source}: recording entry {name!r} is not a plain file name")
            try:
                member = z.getinfo(f"recordings/{name}")
            except KeyError:
                raise PressureError(f"{source}: {name} is listed but missing") from None
            if member.file_size > MAX_MEMBER:
                raise PressureError(f"{source}: {name} is too large")
            plans.append((name, member, str(item.get("sha256") or "")))
        checked: list[tuple[str, str, str]] = []  # (name, temporary file, sha) all verified
        try:
            for name, member, sha in plans:  # every recording checked before any takes a name
                fd, tmp = tempfile.mkstemp(prefix=".import.", suffix=".tmp", dir=folder)
                checked.append((name, tmp, sha))
                try:
                    with os.fdopen(fd, "wb") as out, z.open(member) as inp:
                        for chunk in iter(lambda: inp.read(1 << 20), b""):
                            out.write(chunk)
                except zipfile.BadZipFile as exc:
                    raise PressureError(f"{source}: {name}: {exc}") from None
                if _sha256(Path(tmp)) != sha:
                    raise PressureError(f"{source}: {name} does not match its SHA-256 (damaged archive)")
                if not is_recording_file(tmp):
                    raise PressureError(f"{source}: {name} is not a recording")
                read_summary(Path(tmp))  # readable, or RecordingError
                os.chmod(tmp, 0o600)
            client, created = _client_for(index["client"])
            for name, tmp, sha in checked:
                target = folder / name
                if target.exists() and _sha256(target) == sha:
                    skipped.append(name)
                    continue
                n = 2
                while True:  # never over a file that is there
                    try:
                        os.link(tmp, target)
                        break
                    except FileExistsError:
                        target = folder / f"{name[:-len(EXTENSION)]}-{n}{EXTENSION}"
                        n += 1
                imported.append(target.name)
        finally:
            for _, tmp, _ in checked:
                Path(tmp).unlink(missing_ok=True)
    log.info("imported client %s: %d recordings, %d already there", client.id, len(imported), len(skipped))
    return {"client": client.name, "client_created": created, "imported": imported, "skipped": skipped}
