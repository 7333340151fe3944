"""Window settings that persist between runs (QSettings, INI file in the config folder).

The file lives at ``paths.config_dir() / "window.ini"``: ``PRESSURE_HOME`` moves it (tests get a
private folder per test, so they never touch the user's settings) and it is plain text a
clinician's IT person can read. It is read as text by ``pressure.settings_file``, never by
QSettings (whose INI reader unpickles ``@Variant`` values: code in a settings file). Values read back are checked: a hand-edited or damaged file
falls back to the default for that key, with one log line, never a crash.
"""

from __future__ import annotations

import logging
import math

from .. import paths
from ..settings_file import SettingsFile, decode_bytes, encode_bytes

log = logging.getLogger(__name__)

# key -> default (the type of the default is the type read back)
DEFAULTS: dict[str, object] = {
    "display/window_seconds": 20.0,
    "display/y_max": 0.0,            # 0 = from the routine (max(ceiling, 1.5 x target))
    "display/unit": "",              # "" = the routine's unit
    "display/area_cm2": 0.0,         # 0 = the routine's area
    "filter/name": "",               # "" = filters.DEFAULT_FILTER
    "filter/strength": -1.0,         # -1 = the filter's own defaults; else 0 (light) .. 1 (heavy)
    "routine/name": "",              # "" = built-in default / a single hold from the fields below
    "routine/target": 0.0,
    "routine/tolerance": "",
    "routine/hold": 0.0,
    "routine/ceiling": 0.0,
    "sensor/port": "",               # "" = the built-in simulator
    "sensor/kind": "",               # a name from pressure.sensor_kinds.KINDS ("" = the Arduino sketch)
    "sensor/baud": 0,                # 0 = the kind's own baud rate
    "wizard/seen": False,            # the connection wizard opened once (the first start)
    "record/enabled": True,
    "sound/muted": False,
    "sound/error_tone": False,
    "window/geometry": b"",
}

_LIMITS = {
    "display/window_seconds": (2.0, 600.0),
    "display/y_max": (0.0, 1e6),
    "display/area_cm2": (0.0, 1e4),
    "filter/strength": (-1.0, 1.0),
    "routine/target": (0.0, 1e6),
    "routine/hold": (0.0, 86400.0),
    "routine/ceiling": (0.0, 1e6),
}


def settings_path():
    return paths.config_dir() / "window.ini"


class Settings:
    """Typed access to the window's settings file; ``persist=False`` for screenshot runs."""

    def __init__(self, *, persist: bool = True):
        self._q = SettingsFile(settings_path(), persist=persist)

    def get(self, key: str):
        default = DEFAULTS[key]
        raw = self._q.raw(key)
        if raw is None:
            return default
        try:
            value = _coerce(raw, default)
        except (TypeError, ValueError):
            log.warning("setting %s=%r is not valid; using %r", key, raw, default)
            return default
        if key in _LIMITS and isinstance(value, float):
            lo, hi = _LIMITS[key]
            if not (math.isfinite(value) and lo <= value <= hi):
                log.warning("setting %s=%r is out of range; using %r", key, raw, default)
                return default
        return value

    def set(self, key: str, value) -> None:
        if key not in DEFAULTS:
            raise KeyError(key)
        default = DEFAULTS[key]
        if isinstance(default, bytes):
            text = encode_bytes(bytes(value))  # bytes, or a QByteArray (saveGeometry)
        elif isinstance(default, bool):
            text = "true" if value else "false"
        elif isinstance(default, float):
            text = repr(float(value))
        elif isinstance(default, int):
            text = str(int(value))
        else:
            text = str(value)
        self._q.set_raw(key, text)
        self._q.sync()  # at once: a crash later must not lose a choice already made

    def sync(self) -> None:
        self._q.sync()

    @property
    def path(self) -> str:
        return str(self._q.path)


def _coerce(raw, default):
    if isinstance(default, bool):
        if isinstance(raw, str):
            low = raw.strip().lower()
            if low in ("true", "1", "yes", "on"):
                return True
            if low in ("false", "0", "no", "off", ""):
                return False
            raise ValueError(raw)
        return bool(raw)
    if isinstance(default, float):
        return float(raw)
    if isinstance(default, int):
        return int(str(raw).strip())
    if isinstance(default, bytes):
        return decode_bytes(raw)
    return str(raw)
