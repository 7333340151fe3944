"""File > the client's report from the window: a PDF and the HTML page beside it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from ..errors import PressureError


def save_client_report(window, client: str) -> Path | None:
    if not client:
        QMessageBox.information(window, "Client report", "Enter the client's name first.")
        return None
    from ..clinical.clients import add_client, get_client

    try:
        get_client(client)
    except PressureError:  # recorded under a name not yet in the client list: offer to add it
        box = QMessageBox(QMessageBox.Icon.Question, "Client report", "", QMessageBox.StandardButton.Yes
                          | QMessageBox.StandardButton.No, window)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(f"{client} is not in the client list. Add them, with the recordings labelled "
                    f"with this name?")
        if box.exec() != QMessageBox.StandardButton.Yes:
            return None
        try:
            add_client(client)
        except PressureError as exc:
            from .plain_message import warn_plain

            warn_plain(window, "Client report", str(exc))
            return None
    path, _ = QFileDialog.getSaveFileName(window, "Client report", f"{client}.pdf", "PDF (*.pdf)")
    if not path:
        return None
    from ..clinical.html import render
    from ..clinical.report import client_report
    from ..recording.outputs import write_atomic
    from .clinical_pdf import write_pdf

    path = Path(path)
    try:
        data = client_report(client)
        write_pdf(data, path, force=True)  # the dialog asked before replacing
        page = render(data)
        write_atomic(path.with_suffix(".html"), lambda fh: fh.write(page), force=True, what="report")
    except PressureError as exc:  # it may quote a file or a client's name: plain text
        from .plain_message import warn_plain

        warn_plain(window, "Client report", str(exc))
        return None
    window.status.showMessage(f"wrote {path} and {path.with_suffix('.html').name}", 5000)
    return path
