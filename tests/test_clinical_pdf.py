"""The client's PDF is A4 and its first page shows the drawings (pdfinfo / pdftoppm, poppler-utils)."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from PySide6.QtGui import QImage

from test_clinical import _visit
from pressure.clinical import clients
from pressure.clinical.report import client_report
from pressure.errors import PressureError
from pressure.ui.clinical_pdf import write_pdf

needs_poppler = pytest.mark.skipif(not (shutil.which("pdfinfo") and shutil.which("pdftoppm")),
                                   reason="poppler-utils (pdfinfo, pdftoppm) not installed")


@needs_poppler
def test_the_pdf_is_a4_and_its_first_page_is_drawn(tmp_path, qapp):
    clients.add_client("Anna Berg")
    _visit("2026-11-01")
    _visit("2026-11-08", base=260.0)
    pdf = write_pdf(client_report("Anna Berg"), tmp_path / "anna.pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "(A4)" in info, info
    assert oct(pdf.stat().st_mode & 0o777) == "0o600"
    subprocess.run(["pdftoppm", "-r", "40", "-f", "1", "-l", "1", "-png", str(pdf), str(tmp_path / "p")], check=True)
    page = QImage(str(next(tmp_path.glob("p*.png"))))
    assert page.height() > page.width() > 0
    colours = {page.pixel(x, y) for x in range(0, page.width(), 3) for y in range(0, page.height(), 3)}
    assert len(colours) > 40  # text, tables, the body map's outline and its coloured dots
    with pytest.raises(PressureError, match="already exists"):
        write_pdf(client_report("Anna Berg"), pdf)
