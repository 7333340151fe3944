"""Saving a widget as a PNG the way every other output is written: whole or not at all, 0600.

A screenshot shows the client's name in the window title and the session bar, so it is as
private as the recording; ``QPixmap.save`` wrote it in place with the default mode (0644) and
left half a file when interrupted. Here Qt encodes into memory and
:func:`pressure.recording.outputs.write_atomic` writes the bytes.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice

from ..errors import PressureError
from ..recording.outputs import write_atomic

log = logging.getLogger(__name__)


def png_bytes(widget) -> bytes:
    """The widget as it is drawn now, PNG-encoded."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not widget.grab().save(buffer, "PNG"):
        raise PressureError("Qt could not encode the window as PNG")
    return bytes(buffer.data())


def save_png(widget, path, *, force: bool = True) -> Path:
    """Write ``widget`` to ``path`` (replacing an existing PNG with ``force``, never a
    recording); any problem is a PressureError with one line."""
    data = png_bytes(widget)
    return write_atomic(path, lambda fh: fh.write(data), force=force, what="screenshot", binary=True)
