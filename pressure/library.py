"""The session library: what recordings exist, read from their metadata only.

Listing must stay quick with hundreds of sessions, so no samples are loaded: each file gives
its metadata table and two aggregate figures from the sample index. A file that cannot be read
is reported beside the list (``SessionList.problems``) and never hides the others.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import asdict, dataclass
from pathlib import Path

from .errors import PressureError
from .paths import sessions_dir
from .recording import EXTENSION, read_summary

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SessionInfo:
    path: Path
    started_at: str | None
    duration_s: float
    labels: dict
    routine: str | None
    samples: int
    kind: str
    markers: int = 0
    interrupted: bool = False  # the writer never closed it (crash, kill, power cut)
    source: str | None = None
    unit: str | None = None
    origin: str = "sensor"  # what made it: sensor, simulator, import (or reference)

    def matches(self, text: str) -> bool:
        """Case-insensitive search over labels, routine, kind, source, date and file name."""
        needle = text.casefold().strip()
        if not needle:
            return True
        hay = [self.path.name, self.started_at or "", self.routine or "", self.kind,
               self.source or "", self.origin, *(str(v) for v in self.labels.values() if v)]
        return any(needle in h.casefold() for h in hay)

    def to_json(self) -> dict:
        d = asdict(self)
        d["path"] = str(self.path)
        return d


class SessionList(list):
    """A list of SessionInfo, newest first, plus ``problems``: [(path, message)] it skipped."""

    def __init__(self, items=(), problems=()):
        super().__init__(items)
        self.problems: list[tuple[Path, str]] = list(problems)


def origin_of(meta: dict) -> str:
    """sensor, simulator or import: what made a recording, from what its metadata says."""
    kind = meta.get("kind")
    if kind == "imported":
        return "import"
    source = meta.get("source")
    if source in ("sensor", "simulator"):
        return source
    sensor = meta.get("sensor") if isinstance(meta.get("sensor"), dict) else {}
    info = sensor.get("device_info") if isinstance(sensor.get("device_info"), dict) else {}
    if sensor.get("url") == "sim" or str(info.get("model", "")).endswith("-sim"):
        return "simulator"
    return "reference" if kind == "reference" else "sensor"


def session_info(path) -> SessionInfo:
    """Summary of one recording (RecordingError if it cannot be read)."""
    path = Path(path)
    meta, fig = read_summary(path)
    routine = meta.get("routine")
    routine_name = routine.get("name") if isinstance(routine, dict) else None
    labels = meta.get("labels") if isinstance(meta.get("labels"), dict) else {}
    return SessionInfo(
        path=path,
        started_at=meta.get("started_at") if isinstance(meta.get("started_at"), str) else None,
        duration_s=fig["duration_s"],
        labels={k: v for k, v in labels.items() if v not in (None, "")},
        routine=routine_name,
        samples=fig["samples"],
        kind=str(meta.get("kind") or "live"),
        markers=fig["markers"],
        interrupted=fig["interrupted"],
        source=meta.get("source") if isinstance(meta.get("source"), str) else None,
        unit=meta.get("unit") if isinstance(meta.get("unit"), str) else None,
        origin=origin_of(meta),
    )


def resolve_recording(text) -> Path:
    """The file a command-line argument names: the path itself when something is there,
    else a bare name as ``sessions`` prints it (``2026-12-04_001111.pressure``, with or
    without the extension) in the sessions folder. Opening it checks it is a regular file."""
    path = Path(text).expanduser()
    try:
        if path.exists() or path.is_symlink() or len(path.parts) != 1 or len(str(text)) > 255:
            return path
        folder = sessions_dir(write=False)
    except (OSError, PressureError):
        return path
    for name in (path.name, path.name + EXTENSION):
        candidate = folder / name
        try:
            if candidate.exists() or candidate.is_symlink():
                return candidate
        except OSError:
            break
    return path


def list_sessions(folder=None, search: str | None = None) -> SessionList:
    """Every recording in ``folder`` (default: the user's sessions folder), newest first."""
    folder = Path(folder) if folder is not None else sessions_dir(write=False)
    if not folder.is_dir():
        raise PressureError(f"no sessions folder at {folder}")
    items, problems = [], []
    for path in sorted(folder.glob(f"*{EXTENSION}")):
        if not path.is_file():
            continue
        try:
            info = session_info(path)
        except PressureError as exc:
            log.info("skipping %s: %s", path, exc)  # the caller shows .problems
            problems.append((path, str(exc)))
            continue
        except (ValueError, TypeError, AttributeError, RecursionError, OverflowError,
                MemoryError, OSError, sqlite3.Error) as exc:
            # Validation should have caught it; still, one file never empties the library.
            log.error("skipping %s: unexpected %s: %s", path, type(exc).__name__, exc)
            problems.append((path, f"damaged recording ({type(exc).__name__})"))
            continue
        if search is None or info.matches(search):
            items.append(info)
    items.sort(key=lambda i: (i.started_at or "", i.path.name), reverse=True)
    return SessionList(items, problems)
