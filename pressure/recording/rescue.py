"""A recording whose own disk stays full until it is closed: a whole copy somewhere with space.

The writer keeps the samples the disk refused in memory and tries again every commit interval.
If the session ends before space comes back, closing would lose them; instead the recording as
far as it is committed, plus what waited in memory, goes into a new file in the first folder
that takes it (the sessions folder, the home folder, the temporary folder), and the writer's
error says where. The new file is built under a temporary name and appears under its own only
when it is complete, 0600 like every recording, never over an existing file.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path

from ..errors import PressureError
from .schema import EXTENSION, RecordingError, _claim, create_file

log = logging.getLogger(__name__)

RESCUED = "-rescued"  # the copy's name: <stem>-rescued[-N].pressure


def rescue_dirs(primary: Path) -> list[Path]:
    """Folders to try, best first; never the recording's own folder (that disk is full)."""
    from ..paths import sessions_dir

    candidates = []
    try:
        candidates.append(sessions_dir())
    except PressureError:  # an unusable data folder: the others may still do
        pass
    candidates += [Path.home(), Path(tempfile.gettempdir())]
    own = _real(primary.parent)
    out: list[Path] = []
    for folder in candidates:
        real = _real(folder)
        if real != own and real not in out and real.is_dir() and os.access(real, os.W_OK | os.X_OK):
            out.append(real)
    return out


def _real(folder: Path) -> Path:
    try:
        return folder.resolve()
    except OSError:
        return folder


def _free_name(folder: Path, stem: str) -> Path:
    for k in range(1, 1000):
        path = folder / f"{stem}{RESCUED}{'' if k == 1 else f'-{k}'}{EXTENSION}"
        if not path.exists() and not path.is_symlink():
            return path
    raise RecordingError(f"no free name for a copy of {stem} in {folder}")


def rescue(db: sqlite3.Connection, primary: Path, meta: dict, commit, dirs=None) -> tuple[Path, bool]:
    """Copy the committed recording ``db`` to a new file and ``commit(copy)`` what waited.

    Returns (the new file, whole): whole is True when the copy holds the committed part too;
    False when the committed part could not be read (only what waited is in the copy, the
    rest stays in ``primary``). Raises RecordingError when no folder takes it."""
    tried = []
    for folder in (rescue_dirs(primary) if dirs is None else dirs):
        try:
            path = _free_name(folder, primary.stem)
            return _copy_whole(db, path, commit), True
        except (OSError, sqlite3.Error, RecordingError) as whole_error:
            log.warning("could not copy %s to %s: %s", primary, folder, whole_error)
            try:  # the committed part unreadable (a pulled stick)? what waited, on its own
                path = _free_name(folder, primary.stem)
                return _copy_waiting(path, meta, commit), False
            except (OSError, sqlite3.Error, RecordingError) as exc:
                tried.append(f"{folder} ({_short(exc)})")
    raise RecordingError("no folder had space for a copy: tried " + (", ".join(tried) or "none"))


def _copy_whole(db: sqlite3.Connection, path: Path, commit) -> Path:
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".creating", dir=path.parent)
    os.close(fd)  # mkstemp: 0600 from the first byte
    tmp = Path(tmp_name)
    try:
        with closing(sqlite3.connect(tmp, isolation_level=None)) as copy:
            db.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # one plain file, like a closed recording
            copy.execute("PRAGMA synchronous=FULL")
            commit(copy)
        _claim(tmp, path)
    finally:
        for extra in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm"), Path(f"{tmp}-journal")):
            extra.unlink(missing_ok=True)
    return path


def _copy_waiting(path: Path, meta: dict, commit) -> Path:
    copy = create_file(path, meta)
    try:
        commit(copy)
        copy.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        copy.execute("PRAGMA journal_mode=DELETE")
    except BaseException:
        copy.close()
        for extra in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            extra.unlink(missing_ok=True)
        raise
    copy.close()
    return path


def _short(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc)
