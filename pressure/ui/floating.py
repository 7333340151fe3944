"""A label that floats over another widget (the trace view): plain text, centred, wrapped, never
taking a click or the keyboard focus, placed again whenever its host is resized.

The key's answer (overlay.MessageOverlay) and the warning banner (alerts.Banner) are both one:
they differ in how long they stay, their look and where they sit (``_place``), not in this.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QLabel, QWidget


class FloatingLabel(QLabel):
    """Over ``host``, hidden until shown; subclasses say where it sits (``_place``)."""

    def __init__(self, host: QWidget, name: str, sheet: str):
        super().__init__(host)
        self.setObjectName(name)
        self.setTextFormat(Qt.TextFormat.PlainText)  # texts name routines, files, disk errors: never HTML
        self.setStyleSheet(sheet)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.hide()
        self._host = host
        host.installEventFilter(self)  # follow the host's size

    def _place(self) -> None:
        raise NotImplementedError

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if watched is self._host and event.type() == QEvent.Type.Resize and self.isVisible():
            self._place()
        return False
