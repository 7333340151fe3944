"""Where the program keeps its files (platformdirs), created private to the user.

``PRESSURE_HOME`` overrides everything (tests and portable installs): data, config and
sessions then all live below that folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from .errors import PressureError

APP = "pressure"
HOW_TO_MOVE = "choose another folder with PRESSURE_HOME=/path/to/folder"


def _private_dir(path: Path, *, write: bool = True) -> Path:
    """``path``, created private to the user; an unusable folder is one PressureError line
    naming the folder and how to choose another (``write=False``: reading an existing one is
    enough, e.g. listing sessions on a read-only disk)."""
    if not write and path.is_dir():
        return path
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PressureError(f"cannot create the folder {path} ({exc.strerror or exc}); "
                            f"{HOW_TO_MOVE}") from None
    if write and not os.access(path, os.W_OK | os.X_OK):
        raise PressureError(f"the folder {path} is not writable; {HOW_TO_MOVE}")
    try:
        os.chmod(path, 0o700)
    except OSError:  # e.g. a filesystem without permissions; nothing better to do
        pass
    return path


def home_override() -> Path | None:
    value = os.environ.get("PRESSURE_HOME")
    return Path(value) if value else None


def data_dir() -> Path:
    """Recordings, trainee database, reference traces (may hold client names: 0700)."""
    home = home_override()
    return _private_dir(home / "data" if home else Path(platformdirs.user_data_dir(APP)))


def config_dir() -> Path:
    """Calibrations per sensor and other small settings."""
    home = home_override()
    return _private_dir(home / "config" if home else Path(platformdirs.user_config_dir(APP)))


def sessions_dir(*, write: bool = True) -> Path:
    home = home_override()
    data = home / "data" if home else Path(platformdirs.user_data_dir(APP))
    if not write and (data / "sessions").is_dir():
        return data / "sessions"
    return _private_dir(data_dir() / "sessions")


def routines_dir() -> Path:
    """The user's own routine files, looked up by name (not created by a look-up)."""
    home = home_override()
    return (home / "config" if home else Path(platformdirs.user_config_dir(APP))) / "routines"
