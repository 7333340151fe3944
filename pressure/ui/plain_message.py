"""Message boxes and tooltips whose text comes from files, devices or the network: always plain
text.

``QMessageBox.warning(parent, title, text)`` guesses the format (Qt.AutoText): an error that
quotes a routine file (``unknown key '<img src=x>'``) or a recording's label was rendered as
HTML. These boxes set the format explicitly.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as QtGui
from PySide6.QtWidgets import QMessageBox

log = logging.getLogger(__name__)


def plain_box(parent, title: str, text: str, icon=QMessageBox.Icon.Warning) -> QMessageBox:
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    return box


def warn_plain(parent, title: str, text: str) -> None:
    """A modal warning showing ``text`` exactly as it is."""
    plain_box(parent, title, text).exec()


def plain_tooltip(text: str) -> str:
    """``text`` for ``setToolTip`` shown exactly as it is: a tooltip has no text format of its
    own and is drawn as HTML whenever its text looks like HTML (a file, a device or a station
    named ``<b>x</b><img ...>``); such text is escaped into a paragraph of its own."""
    return QtGui.convertFromPlainText(text) if QtGui.mightBeRichText(text) else text
