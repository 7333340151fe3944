"""The window's settings file (``window.ini``): plain INI text, read and written without Qt.

Why not QSettings: Qt's INI reader turns ``@Variant(...)`` values into objects as it parses a
section, and PySide6 registers Python objects with it as pickles, so a crafted value ran code
the moment the window read any setting. Here the file is parsed by ``configparser`` as text;
every value is a string converted by the caller's type (float, bool, str; bytes as base64), so
nothing in the file is ever deserialised. Values written by Qt in older versions (``@Variant``,
``@ByteArray``) are refused with one log line and the key falls back to its default.
The file is written atomically and private to the user (0600).
"""

from __future__ import annotations

import base64
import binascii
import configparser
import logging
import os
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 256 * 1024  # far above any real settings file; a bigger one is not ours


class SettingsFile:
    """Typed string values under ``section/key`` names, kept in memory and saved by ``sync``.

    ``persist=False`` keeps every change in memory only (screenshot runs must not change the
    next real run's window)."""

    def __init__(self, path, *, persist: bool = True):
        self.path = Path(path)
        self.persist = persist
        self._values: dict[str, str] = {}
        self._dirty = False
        self._load()

    def _load(self) -> None:
        try:
            with open(self.path, "rb") as fh:
                data = fh.read(MAX_FILE_BYTES + 1)
        except FileNotFoundError:
            return
        except OSError as exc:
            log.warning("cannot read settings %s (%s); using defaults", self.path, exc.strerror or exc)
            return
        if len(data) > MAX_FILE_BYTES:
            log.warning("settings %s is too large to be ours; using defaults", self.path)
            return
        parser = configparser.RawConfigParser(strict=False, interpolation=None)
        parser.optionxform = str  # keys are case-sensitive, as written
        try:
            parser.read_string(data.decode("utf-8", errors="replace"))
        except configparser.Error as exc:
            log.warning("settings %s is not a readable INI file (%s); using defaults",
                        self.path, str(exc).splitlines()[0])
            return
        for section in parser.sections():
            for key, value in parser.items(section, raw=True):
                if value.lstrip().startswith(("@", '"@')):
                    log.warning("setting %s/%s holds a serialised object; refused", section, key)
                    continue
                self._values[f"{section}/{key}"] = value

    def raw(self, key: str) -> str | None:
        return self._values.get(key)

    def set_raw(self, key: str, text: str) -> None:
        text = text.replace("\r", " ").replace("\n", " ")
        if self._values.get(key) != text:
            self._values[key] = text
            self._dirty = True

    def sync(self) -> None:
        if not self.persist or not self._dirty:
            return
        parser = configparser.RawConfigParser(interpolation=None)
        parser.optionxform = str
        for name, value in sorted(self._values.items()):
            section, _, key = name.partition("/")
            if not parser.has_section(section):
                parser.add_section(section)
            parser.set(section, key, value)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".window-", suffix=".ini", dir=self.path.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as fh:  # mkstemp makes it 0600
                    parser.write(fh)
                os.replace(tmp, self.path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
            os.chmod(self.path, 0o600)
        except OSError as exc:
            log.warning("cannot save settings to %s (%s)", self.path, exc.strerror or exc)
            return
        self._dirty = False


def encode_bytes(value: bytes) -> str:
    return base64.b64encode(bytes(value)).decode("ascii")


def decode_bytes(text: str) -> bytes:
    try:
        return base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("not base64") from None
