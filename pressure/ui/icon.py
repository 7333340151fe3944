"""The program's icon (icons/pressure.svg, drawn for the project; pressure.png is its 256 px
rendering for the window and the menus, which need no SVG plugin to show it)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QIcon

ICONS = Path(__file__).resolve().parent / "icons"  # package data: a wheel and the bundle carry it
PNG = ICONS / "pressure.png"
SVG = ICONS / "pressure.svg"


def app_icon() -> QIcon:
    """The window's and the application's icon (an empty icon if the file is missing)."""
    return QIcon(str(PNG))


def render_png(size: int = 256, path: Path = PNG) -> bool:
    """Draw the SVG into ``path`` (``python -m pressure.ui.icon`` after changing the SVG)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    QSvgRenderer(str(SVG)).render(painter)
    painter.end()
    return image.save(str(path))


if __name__ == "__main__":
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication([])
    raise SystemExit(0 if render_png() else 1)
