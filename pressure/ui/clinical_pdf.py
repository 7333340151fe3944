"""The client's report as a PDF on A4, with Qt's own writer (QPdfWriter + QTextDocument): no new
dependency. The page is the HTML report's (clinical/html.py) with its two drawings rendered
from their SVG by QSvgRenderer and handed to the document as images, so the tables, and every
number in them, are the very text of the HTML page."""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

from PySide6.QtCore import QByteArray, QMarginsF, QSizeF, QUrl
from PySide6.QtGui import QFont, QGuiApplication, QImage, QPageLayout, QPageSize, QPainter, QPdfWriter, QTextDocument
from PySide6.QtSvg import QSvgRenderer

from ..errors import PressureError

log = logging.getLogger(__name__)

IMAGE_SCALE = 3  # drawings rasterised at 3x their SVG size: sharp when printed


def ensure_app():
    """A QGuiApplication for fonts and painting (none is shown; offscreen without a display)."""
    app = QGuiApplication.instance()
    if app is None:
        if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QGuiApplication([])
    return app


def svg_image(svg: str) -> QImage:
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    size = renderer.defaultSize()
    image = QImage(max(1, size.width()) * IMAGE_SCALE, max(1, size.height()) * IMAGE_SCALE,
                   QImage.Format.Format_ARGB32)
    image.fill(0xFFFFFFFF)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    return image


def pdf_document(data: dict) -> QTextDocument:
    from ..clinical.bodymap import body_map
    from ..clinical.chart import chart
    from ..clinical.html import render
    from ..clinical.report import fmt

    doc = QTextDocument()
    font = QFont("sans-serif")
    font.setPointSizeF(8.5)
    doc.setDefaultFont(font)
    svg, _ = body_map(data.get("sites") or [], fmt)
    doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl("bodymap.svg"), svg_image(svg))
    drawn = chart(data)
    if drawn:
        doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl("chart.svg"), svg_image(drawn[0]))
    doc.setHtml(render(data, images="resources"))
    return doc


def write_pdf(data: dict, path, *, force: bool = False) -> Path:
    """Write the report's PDF to ``path`` (whole or not at all; never over a recording)."""
    from ..recording.outputs import check_output

    ensure_app()
    path = check_output(Path(path), force=force, what="PDF report")
    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    os.close(fd)
    try:
        writer = QPdfWriter(tmp)
        writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                         QMarginsF(14, 14, 14, 14), QPageLayout.Unit.Millimeter))
        writer.setResolution(300)
        writer.setTitle(f"PPT record: {(data.get('client') or {}).get('name', '')}")
        writer.setCreator("pressure")
        doc = pdf_document(data)
        # lay the page out on the printable A4 area in points (print_ scales it to the device);
        # left to itself the document would take a screen-sized width and wrap every column
        area = writer.pageLayout().paintRect(QPageLayout.Unit.Point)
        doc.setPageSize(QSizeF(area.width() * 96 / 72, area.height() * 96 / 72))  # points -> CSS px
        doc.print_(writer)
        del writer  # closes the file
        os.chmod(tmp, 0o600)  # a patient's record
        check_output(path, force=force, what="PDF report")
        if force:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)
            except FileExistsError:
                raise PressureError(f"{path} already exists; use --force to replace it") from None
    except OSError as exc:
        raise PressureError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        Path(tmp).unlink(missing_ok=True)
    return path
