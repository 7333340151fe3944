"""Routine files (TOML, docs/routines.md): reading with errors that name the file and line
(writing them back is :mod:`pressure.routine.tomlwrite`, which the model uses)."""

from __future__ import annotations

import logging
import os
import re
import stat
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

from .model import Routine
from .steps import RoutineError
from .tomlwrite import routine_toml, toml_value  # noqa: F401 - the writer's half, kept importable here

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 1 << 20  # a routine is a few hundred bytes; refuse to parse anything huge


# tomllib's time grows with the square of a dotted key's parts (a 400 KB [a.a.a...] header:
# over 30 s). A routine's keys have one to three parts, so a chain of this many is refused
# before parsing. Only where a key can start (a line's start, after "[", "{" or ","), so dots
# in a value ("v1.2.3...") are not keys, and each try starts once: the scan stays linear on
# hostile text (a 1 MB word without dots).
MAX_KEY_PARTS = 16
_LONG_DOTTED = re.compile(
    r"""(?:^|[\[{,])[ \t]*(?:(?:[A-Za-z0-9_-]+|"[^"\n]*"|'[^'\n]*')[ \t]*\.[ \t]*){%d}""" % MAX_KEY_PARTS,
    re.MULTILINE)
_TOML_POS = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_TABLE_HEADER = re.compile(r"^\s*\[")
_STEPS_HEADER = re.compile(r"^\s*\[\[\s*steps\s*\]\]")


def _find_line(text: str, step: int | None, key: str | None) -> int | None:
    """1-based line of ``key`` in the ``step``-th [[steps]] table (or at the top level), or of
    that table's header when the key is missing there; None when the text has no such place."""
    lines = text.splitlines()
    if step is None:
        start, end = 0, next((i for i, l in enumerate(lines) if _TABLE_HEADER.match(l)), len(lines))
        header = None
    else:
        headers = [i for i, l in enumerate(lines) if _STEPS_HEADER.match(l)]
        if step >= len(headers):  # e.g. steps written as an inline array
            key_line = _find_line(text, None, "steps")
            return key_line
        header = headers[step]
        start = header + 1
        end = next((i for i in range(start, len(lines)) if _TABLE_HEADER.match(lines[i])), len(lines))
    if key:
        pattern = re.compile(r'^\s*["\']?' + re.escape(key) + r'["\']?\s*=')
        for i in range(start, end):
            if pattern.match(lines[i]):
                return i + 1
    return None if header is None else header + 1


def load_routine_file(path) -> Routine:
    """Read a routine from a TOML file; any problem is a RoutineError naming the file and line."""
    path = Path(path)
    try:
        # O_NONBLOCK: opening a FIFO for reading would wait for a writer forever.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            os.close(fd)
            if stat.S_ISDIR(mode):
                raise RoutineError(f"{path} is a folder, not a routine file")
            raise RoutineError(f"{path} is not a regular file (a pipe or device?), not a routine file")
        with os.fdopen(fd, "rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise RoutineError(f"no such routine file: {path}") from None
    except OSError as exc:
        raise RoutineError(f"cannot read routine file {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_FILE_BYTES:
        raise RoutineError(f"{path}: too large for a routine file (over {MAX_FILE_BYTES // 1024} KB)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise RoutineError(f"{path}, line {line}: not UTF-8 text") from None
    long_key = _LONG_DOTTED.search(text)
    if long_key:
        line = text.count("\n", 0, long_key.start()) + 1
        raise RoutineError(f"{path}, line {line}: a dotted key of more than {MAX_KEY_PARTS} parts; "
                           "not a routine file")
    try:
        parsed = tomllib.loads(text)
    except RecursionError:
        raise RoutineError(f"{path}: values nested too deeply to be a routine") from None
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = _TOML_POS.search(msg)
        if m:
            raise RoutineError(f"{path}, line {m.group(1)}, column {m.group(2)}: {msg[:m.start()]}") from None
        raise RoutineError(f"{path}: {msg}") from None
    try:
        routine = Routine.from_dict(parsed)
    except RoutineError as exc:
        line = _find_line(text, exc.step, exc.key)
        where = f"{path}, line {line}" if line else f"{path}"
        raise RoutineError(f"{where}: {exc}", exc.step, exc.key) from None
    log.debug("loaded routine %r from %s", routine.name, path)
    return routine
