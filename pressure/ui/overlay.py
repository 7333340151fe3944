"""A message over the trace for a moment: "tared", "marker at 12.3 s", "trace window: 30 s".

The practitioner looks at the trace and the readout, not at the status bar two metres away at
the window's foot: a key's answer is shown large where the eyes are, for ``SHOW_S`` seconds,
then it is gone (the status bar keeps it for a second look). A plain QLabel over the plot
widget: no plot item, so it never scrolls with the trace or changes the view's range.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

from .floating import FloatingLabel

SHOW_S = 2.5           # long enough to read two lines, short enough not to hide the trace
TEXT = "#ffffff"
BACKGROUND = "#0b0d10"   # near-black, opaque: the text stays 18:1 whatever the trace draws under it
BORDER = "#c8ccd2"
FONT_PX = 28
SHEET = (f"QLabel {{ color: {TEXT}; background: {BACKGROUND}; border: 2px solid {BORDER};"
         f" border-radius: 10px; padding: 10px 18px; font-size: {FONT_PX}px; font-weight: bold; }}")


class MessageOverlay(FloatingLabel):
    """Over ``host`` (the trace view), centred near the top third; ``show_message`` shows it."""

    def __init__(self, host: QWidget):
        super().__init__(host, "messageOverlay", SHEET)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.hide)

    def show_message(self, text: str, seconds: float = SHOW_S) -> None:
        """Show ``text`` for ``seconds`` (a newer message replaces it and starts the time anew)."""
        text = text.strip()
        if not text:
            return
        self.setText(text)
        self._place()
        self.show()
        self.raise_()
        self._timer.start(int(seconds * 1000))

    def _place(self) -> None:
        host = self._host
        # as wide as the text on one line (plus padding and border), wrapped only past 80 % of the trace
        one_line = self.fontMetrics().horizontalAdvance(self.text()) + 2 * 18 + 2 * 2 + 8
        width = min(max(120, int(host.width() * 0.8)), one_line)
        self.setFixedSize(width, self.heightForWidth(width))
        x = (host.width() - self.width()) // 2
        y = max(8, host.height() // 4 - self.height() // 2)
        self.move(max(0, x), y)
