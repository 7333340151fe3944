"""A one-line label whose text changes several times a second: the big number, the score
strip's numbers, the sample rate, the countdown.

QLabel.setText always asks the layouts above the label to recompute (QWidget.updateGeometry,
and QLayout.activate ends in its own widget's updateGeometry), so the request climbs to the
main window. There the dock layout starts a geometry animation for each dock and the central
widget (a QPropertyAnimation made and deleted every time, even with nothing to move): a number
changing ten times a second cost a relayout of the whole window ten times a second.

Here a new text only repaints the label while it fits the label's present width; the layout is
asked again when it does not (the label then grows as a QLabel would), and when a resize leaves
the painted text too wide. Plain text on one line only (no word wrap, no rich text).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QLabel


class LiveLabel(QLabel):
    def __init__(self, text: str = "", parent=None):
        super().__init__(text, parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self._shown = text  # what is painted; QLabel's own text is what the layout was sized for

    def text(self) -> str:
        """The text shown now (QLabel's own may be an older one of the same width or wider)."""
        return self._shown

    def setText(self, text: str) -> None:  # noqa: N802 - Qt API
        text = str(text)
        if text == self._shown:
            return
        self._shown = text
        if text == super().text() or self._fits(text):
            self.update()  # repaint only: the layout already has room for it
        else:
            super().setText(text)

    def _fits(self, text: str) -> bool:
        return (self.isVisible() and self.width() > 0
                and self.fontMetrics().horizontalAdvance(text) <= self.contentsRect().width())

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        if self._shown != super().text() and not self._fits(self._shown):
            super().setText(self._shown)  # narrower now: let the layout size it again

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().changeEvent(event)
        # another font (a style sheet, a fitted size): the layout must see the text it shows
        if event.type() == event.Type.FontChange and self._shown != super().text():
            super().setText(self._shown)

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt API
        if self._shown == super().text():
            super().paintEvent(event)
            return
        painter = QPainter(self)
        self.style().drawItemText(painter, self.contentsRect(), int(self.alignment().value),
                                  self.palette(), self.isEnabled(), self._shown, self.foregroundRole())
        painter.end()


def set_font(widget, font) -> None:
    """``widget.setFont(font)`` unless it already has that font: a font set again, even an equal
    one built anew, can still send a FontChange and a relayout up to the window."""
    if widget.font() != font:
        widget.setFont(font)
