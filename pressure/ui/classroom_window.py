"""The instructor's window: a tile per station, a station's full trace on a click, the class table.

The model (``pressure.classroom.dashboard.Classroom``) is fed by MQTT in paho's thread; this
window reads it on a 10 Hz timer under its lock, so no Qt object is touched from that thread.
"""

from __future__ import annotations

from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (QFileDialog, QGridLayout, QHBoxLayout, QLayout, QLineEdit, QMainWindow, QPushButton,
                               QScrollArea, QSplitter, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from ..classroom.table import COLUMNS, cell_text, class_rows, to_csv, to_html
from ..errors import PressureError
from ..recording.outputs import write_atomic
from .classroom_tile import Tile

REFRESH_MS = 100
TILE_COLUMNS = 6
NEW_TILES_PER_FRAME = 6  # a burst of new stations is laid out over a few frames


class ClassroomWindow(QMainWindow):
    def __init__(self, room, *, broker_url: str = ""):
        super().__init__()
        self.room = room
        self.tiles: dict[str, Tile] = {}
        self.following: str | None = None
        self.setWindowTitle(f"pressure - class {room.url.room}")
        central = QWidget()
        outer = QVBoxLayout(central)
        bar = QHBoxLayout()
        # The stations' URL carries their password: shown here to be handed out, never on a command line.
        # A read-only line: plain text by nature, scrolls instead of widening the window, easy to copy.
        self.hint = QLineEdit(f"PRESSURE_CLASSROOM='{broker_url}'" if broker_url else f"Room {room.url.public()}")
        self.hint.setReadOnly(True)
        self.hint.setCursorPosition(0)
        self.hint.setToolTip("the stations' URL: set PRESSURE_CLASSROOM to it, then live --classroom --station NAME"
                             if broker_url else "the room this dashboard shows")
        self.routine = QLineEdit()
        self.routine.setPlaceholderText("routine (empty: the stations' own)")
        self.start_button = QPushButton("Start routine on all stations")
        self.start_button.clicked.connect(self.start_routine)
        self.table_button = QPushButton("Class table")
        self.table_button.clicked.connect(self.show_table)
        bar.addWidget(self.hint, 3)
        for w in (self.routine, self.start_button, self.table_button):
            bar.addWidget(w)
        outer.addLayout(bar)
        split = QSplitter(Qt.Vertical)
        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        self.grid.setAlignment(Qt.AlignTop | Qt.AlignLeft)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.grid_host)
        split.addWidget(scroll)
        self.follow_plot = pg.PlotWidget(title="click a station to follow its trace")
        self.follow_curve = self.follow_plot.plot(pen=pg.mkPen("#ffffff", width=2))
        split.addWidget(self.follow_plot)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([t for _, t in COLUMNS])
        self.table.setSortingEnabled(True)
        self.table.hide()
        self.export_csv_button = QPushButton("Export CSV...")
        self.export_csv_button.clicked.connect(lambda: self.export(None, "csv"))
        self.export_html_button = QPushButton("Export HTML report...")
        self.export_html_button.clicked.connect(lambda: self.export(None, "html"))
        table_box = QWidget()
        tl = QVBoxLayout(table_box)
        tl.addWidget(self.table)
        row = QHBoxLayout()
        row.addWidget(self.export_csv_button)
        row.addWidget(self.export_html_button)
        tl.addLayout(row)
        self.table_box = table_box
        table_box.hide()
        split.addWidget(table_box)
        split.setStretchFactor(0, 3)  # the tiles first; the followed trace below
        split.setStretchFactor(1, 2)
        split.setSizes([480, 320, 0])
        outer.addWidget(split)
        self.setCentralWidget(central)
        # No minimum size pushed onto the window from its contents: the tiles scroll anyway, and
        # platforms without size hints (offscreen, some Wayland) warn on every push.
        self.layout().setSizeConstraint(QLayout.SetNoConstraint)
        self._shown_table = False
        self._invalid_shown = (0, 0)
        self._followed_version = -1
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.refresh)
        self.timer.start(REFRESH_MS)

    def refresh(self) -> None:
        """One frame: only tiles whose station changed are redrawn, a few new tiles at most."""
        self.room.refresh()
        with self.room.lock:
            views = sorted(self.room.stations.values(), key=lambda v: v.station)
            self._drop_forgotten_tiles()
            new = 0
            for v in views:
                tile = self.tiles.get(v.station)
                if tile is None:
                    if new >= NEW_TILES_PER_FRAME:
                        continue
                    new += 1
                    tile = self.tiles[v.station] = Tile(v.station)
                    tile.clicked.connect(self.follow)
                    n = len(self.tiles) - 1
                    self.grid.addWidget(tile, n // TILE_COLUMNS, n % TILE_COLUMNS)
                if tile.shown_version != v.version:
                    tile.show_view(v)
            followed = self.room.stations.get(self.following) if self.following else None
            if followed is not None and followed.version != self._followed_version:
                self._followed_version = followed.version
                t, y = followed.trace.arrays()
                self.follow_curve.setData(t, y, connect="finite")
            done = views and all(v.final for v in views if v.online) and any(v.final for v in views)
        shown = (self.room.invalid, self.room.refused)
        if any(shown) and shown != self._invalid_shown:  # someone sends garbage, or floods the room
            self._invalid_shown = shown
            parts = []
            if self.room.invalid:
                parts.append(f"ignored {self.room.invalid} invalid messages")
            if self.room.refused:
                parts.append(f"ignored {self.room.refused} messages from stations beyond the "
                             f"{len(self.room.stations)} shown")
            self.statusBar().showMessage("; ".join(parts))
        if done and not self._shown_table:  # the end of the routine: the class table comes up
            self._shown_table = True
            self.show_table()

    def _drop_forgotten_tiles(self) -> None:
        """Tiles of stations the model forgot (offline, at the room's bound) go; the rest close up."""
        gone = [name for name in self.tiles if name not in self.room.stations]
        if not gone:
            return
        for name in gone:
            tile = self.tiles.pop(name)
            self.grid.removeWidget(tile)
            tile.deleteLater()
        for n, tile in enumerate(self.tiles.values()):
            self.grid.addWidget(tile, n // TILE_COLUMNS, n % TILE_COLUMNS)

    def follow(self, station: str) -> None:
        self.following = station
        self._followed_version = -1
        self.follow_plot.setTitle(f"{station}: full trace")
        self.refresh()

    def rows(self) -> list[dict]:
        with self.room.lock:
            return class_rows(self.room.stations.values())

    def show_table(self) -> None:
        rows = self.rows()
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            for j, (key, _) in enumerate(COLUMNS):
                item = QTableWidgetItem()
                value = r[key]
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    item.setData(Qt.DisplayRole, round(float(value), 1))  # sorts as a number
                else:
                    item.setText(cell_text(value))
                self.table.setItem(i, j, item)
        self.table.setSortingEnabled(True)
        self.table.show()
        self.table_box.show()

    def export(self, path: str | None, kind: str) -> Path | None:
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "Export the class table", f"class.{kind}")
            if not path:
                return None
        text = to_csv(self.rows()) if kind == "csv" else to_html(self.rows(), self.room.url.room)
        out = Path(path)
        try:  # whole or not at all, 0600 (trainee names); the dialog already asked to replace
            write_atomic(out, lambda fh: fh.write(text), force=True, what="class table", newline="")
        except PressureError as exc:
            self.statusBar().showMessage(str(exc))
            return None
        self.statusBar().showMessage(f"saved {out}")
        return out

    def start_routine(self) -> None:
        try:
            self.room.start_routine(self.routine.text().strip())
        except PressureError as exc:
            self.statusBar().showMessage(str(exc))
            return
        self._shown_table = False
        self.statusBar().showMessage("start sent to every station")

    def closeEvent(self, event):  # noqa: N802
        self.timer.stop()
        super().closeEvent(event)


def run_window(url, *, secret: str = "", cafile=None, seconds=None, broker_url: str = "") -> int:
    from ..classroom.dashboard import Classroom
    from .app import qt_app
    from .app import run_window as run_app_window

    room = Classroom(url, secret=secret, cafile=cafile).start()  # a wrong password fails before a window
    try:
        app = qt_app()
        window = ClassroomWindow(room, broker_url=broker_url)
        window.resize(1280, 800)
        window.show()
        return run_app_window(app, window, seconds=seconds)
    finally:
        room.close()
