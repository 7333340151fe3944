"""Writing an output file (CSV export, HTML report) next to recordings without ever costing one.

One place for the rules every command that writes a file follows:
- a recording is never overwritten, not even with ``--force`` (a typo must not cost a session),
  and neither is the file being read;
- an existing file is replaced only with ``--force``;
- the file appears whole or not at all (written to a temporary file, then renamed);
- anything the operating system refuses is one clear ``cannot write PATH: reason`` line.
"""

from __future__ import annotations

import os
import signal
import tempfile
import threading
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from ..errors import PressureError
from .schema import is_recording_file


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return False


def check_output(path, *, force: bool, what: str = "output", source=None) -> Path:
    """Refuse an output path before any work is done; returns it as a Path.

    ``what`` names the output in messages ("CSV export", "report"); ``source`` is the file
    being read, which is never the output whatever the spelling of either path."""
    path = Path(path)
    if path.is_dir():
        raise PressureError(f"{path} is a folder; give a file name for the {what}")
    if path.exists() or path.is_symlink():
        if is_recording_file(path):
            raise PressureError(f"{path} exists and is a recording; refusing to overwrite it "
                                f"with the {what}")
        if source is not None and _same_file(path, Path(source)):
            raise PressureError(f"{path} is the file being read; refusing to overwrite it "
                                f"with the {what}")
        if not force:
            raise PressureError(f"{path} already exists; use --force to replace it")
        if not path.is_file():
            raise PressureError(f"{path} is not a file; refusing to replace it")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise PressureError(f"cannot write {path}: the folder {folder} does not exist")
    return path


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP arrived while an output was being written (the CLI exits 130)."""


@contextmanager
def _stopped_by_signals():
    """SIGTERM (``timeout``, a service stop) and SIGHUP (a closed terminal) end the write the
    way Ctrl-C does, as an exception: the temporary file is removed instead of left behind
    (their default action ends the process without running any cleanup)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, _frame):
        raise Stopped(f"stopped by signal {signum}")

    previous = {}
    for sig in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if sig is not None and signal.getsignal(sig) in (signal.SIG_DFL, None):
            previous[sig] = signal.signal(sig, stop)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def write_atomic(path, write: Callable, *, force: bool, what: str = "output", source=None,
                 mode: int = 0o600, newline: str | None = None, binary: bool = False) -> Path:
    """Write a file whole or not at all: ``write(fh)`` fills a temporary file in the same
    folder, which then takes the name (replacing an existing file only with ``force``; never
    a recording). Mode 0600: outputs carry the same client names as the recordings. ``binary``:
    ``fh`` takes bytes (a PNG). A SIGTERM/SIGHUP meanwhile leaves no temporary file."""
    path = check_output(path, force=force, what=what, source=source)
    folder = path.parent if str(path.parent) else Path(".")
    with _stopped_by_signals():
        return _write_atomic(path, folder, write, force, what, source, mode, newline, binary)


def _write_atomic(path, folder, write, force, what, source, mode, newline, binary) -> Path:
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise PressureError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with (os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline=newline)) as fh:
            write(fh)
        os.chmod(tmp, mode)
        # Checked again just before the rename: a recording may have appeared meanwhile.
        check_output(path, force=force, what=what, source=source)
        if force:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)  # never replaces a file that appeared meanwhile
            except FileExistsError:
                raise PressureError(f"{path} already exists; use --force to replace it") from None
            except OSError:  # no hard links here (FAT, some network shares): rename instead
                if path.exists():
                    raise PressureError(f"{path} already exists; use --force to replace it") from None
                os.replace(tmp, path)
            else:
                os.unlink(tmp)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise PressureError(f"cannot write {path}: {exc.strerror or exc}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
