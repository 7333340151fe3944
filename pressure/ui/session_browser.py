"""The session library in the window: search the recordings, double-click one to replay it.

Reads metadata only (:func:`pressure.library.list_sessions`), so it opens at once with
hundreds of sessions. Files that cannot be read are listed under the table with the reason;
they never hide the others.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QDialog, QHBoxLayout, QHeaderView, QLabel, QLayout, QLineEdit, QPushButton, QTableWidget,
    QTableWidgetItem, QVBoxLayout,
)

from ..errors import PressureError
from .plain_message import plain_tooltip

log = logging.getLogger(__name__)

COLUMNS = ("date", "duration", "labels", "routine", "kind")


def duration_text(seconds: float) -> str:
    seconds = int(round(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


class SessionBrowser(QDialog):
    """Search box + table; ``sigOpen(path)`` on double-click or Open."""

    sigOpen = Signal(str)

    def __init__(self, parent=None, folder=None):
        super().__init__(parent)
        self.setWindowTitle("Session library")
        self.folder = folder
        self.sessions: list = []
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("search labels, routine, date, file…")
        self.search.setClearButtonEnabled(True)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.cellDoubleClicked.connect(lambda row, _col: self.open_row(row))
        self.problems = QLabel("", self)
        self.problems.setTextFormat(Qt.TextFormat.PlainText)  # file names and the search text
        self.problems.setWordWrap(True)
        open_button = QPushButton("Open", self)
        open_button.clicked.connect(lambda: self.open_row(self.table.currentRow()))
        close_button = QPushButton("Close", self)
        close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.problems, 1)
        buttons.addWidget(open_button)
        buttons.addWidget(close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        # no size hints from the contents: offscreen/minimal platforms cannot take them
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        # search as the user types, but not on every key of a fast typist
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _: self._debounce.start())
        self.resize(860, 480)
        self.refresh()

    def refresh(self) -> None:
        from ..library import list_sessions

        text = self.search.text().strip() or None
        try:
            found = list_sessions(self.folder, search=text)
        except PressureError as exc:
            self.sessions = []
            self.table.setRowCount(0)
            self.problems.setText(str(exc))
            return
        self.sessions = list(found)
        self.table.setRowCount(len(self.sessions))
        for row, s in enumerate(self.sessions):
            labels = ", ".join(f"{k}={v}" for k, v in s.labels.items())
            kind = s.kind + (" (interrupted)" if s.interrupted else "")
            for col, text in enumerate(((s.started_at or "?")[:19].replace("T", " "), duration_text(s.duration_s),
                                        labels, s.routine or "—", kind)):
                item = QTableWidgetItem(text)
                item.setToolTip(plain_tooltip(str(s.path)))
                if col == 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, col, item)
        if found.problems:
            self.problems.setText(f"{len(found.problems)} file(s) could not be read: "
                                  + "; ".join(f"{p.name}: {msg}" for p, msg in found.problems[:3]))
        else:
            self.problems.setText("" if self.sessions else "no sessions" + (f" matching {text!r}" if text else ""))

    def open_row(self, row: int) -> None:
        if 0 <= row < len(self.sessions):
            self.sigOpen.emit(str(self.sessions[row].path))
            self.accept()
