"""Where it hurt, in the window: body site, side and phase beside the client, a pain rating
by key (ui/pain_keys.py), session notes, the per-site PPT summary, and the client's report.

The site, side and phase go into the recording's labels and, each time they change, into a
``site`` event, so every PPT trial and hold carries its place (docs/clinical.md). Nothing here
ever waits for an answer: the routine goes on.
"""

from __future__ import annotations

import logging
import math
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox, QCompleter, QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QToolBar, QVBoxLayout,
)

from ..clinical.sites import PHASES, SIDES, SITES, Place, clean_site
from ..errors import PressureError
from .pain_keys import PainKeys, window_action
from .previous_line import PreviousLine

log = logging.getLogger(__name__)

CLINICAL_KEYS = ("client_id", "site", "side", "phase")
FAINT = "color: #8a8a8a;"


class ClinicalBar(QToolBar):
    def __init__(self, window):
        super().__init__("Clinical", window)
        self.window = window
        self.setObjectName("clinical_bar")
        self.site = QComboBox(self)
        self.site.setEditable(True)
        self.site.addItems(["", *SITES])
        self.site.lineEdit().setPlaceholderText("body site")
        self.site.setMinimumWidth(170)
        self.site.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.site.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self.side = QComboBox(self)
        self.side.addItems(["", *SIDES])
        self.phase = QComboBox(self)
        self.phase.addItems(["", *PHASES])
        for w in (self.site, self.side, self.phase):  # the pedal's Space must never open a list
            w.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        for text, w in ((" site ", self.site), (" side ", self.side), (" phase ", self.phase)):
            self.addWidget(QLabel(text, self))
            self.addWidget(w)
        self.addSeparator()
        self.notes_action = self.addAction("Notes…")
        self.notes_action.setToolTip("session notes, kept in the recording")
        self.report_action = self.addAction("Client report…")
        self.report_action.setToolTip("the client's PPT record across visits as PDF and HTML")
        self.summary = QLabel(self)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.previous = QLabel(self)
        self.previous.setTextFormat(Qt.TextFormat.PlainText)
        self.previous.setStyleSheet(FAINT)  # the client's earlier values: a faint reference
        self.addSeparator()
        self.addWidget(self.summary)
        self.addWidget(QLabel("  ", self))
        self.addWidget(self.previous)
        self.previous_line = PreviousLine(window.trace)
        self._place = Place()
        self._notes = None  # set in this window (None: whatever the recording has)
        self._summary = None
        self._summary_key = None
        self.pain = PainKeys(window)  # N, then 0-10 (ui/pain_keys.py)
        # the other side / the other phase without the mouse (a pedal can be set to send F6/F7)
        self.side_action = window_action(window, "next side", lambda: self._cycle(self.side), "F6")
        self.phase_action = window_action(window, "next phase", lambda: self._cycle(self.phase), "F7")
        self.site.lineEdit().editingFinished.connect(self.apply)
        self.site.activated.connect(lambda _i: self.apply())
        self.side.activated.connect(lambda _i: self.apply())
        self.phase.activated.connect(lambda _i: self.apply())
        self.notes_action.triggered.connect(self.edit_notes)
        self.report_action.triggered.connect(self.client_report)
        window.addToolBarBreak()
        window.addToolBar(self)
        window.frame_hooks.append(self.on_frame)
        self._load_labels()

    # --- place ---------------------------------------------------------------------------------
    def _load_labels(self) -> None:
        recorder = self.window.pipeline.recorder
        labels = dict(recorder.meta.get("labels") or {}) if recorder is not None else {}
        self.site.setEditText(labels.get("site") or labels.get("muscle") or "")
        for box, key in ((self.side, "side"), (self.phase, "phase")):
            i = box.findText(labels.get(key) or "")
            box.setCurrentIndex(max(i, 0))
        self._place = self.place()
        self.refresh_summary()

    def place(self) -> Place:
        try:
            site = clean_site(self.site.currentText())
        except PressureError:
            site = ""
        return Place(site, self.side.currentText(), self.phase.currentText())

    def labels(self) -> dict[str, str]:
        """What the session bar adds to a recording's labels (also for a new session)."""
        where = self.place()
        out = {"site": where.site, "side": where.side, "phase": where.phase}
        cid = self.client_id()
        if cid:
            out["client_id"] = cid
        return {k: v for k, v in out.items() if v}

    def client_name(self) -> str:
        bar = getattr(self.window, "session_bar", None)
        return bar.client.text().strip() if bar is not None else ""

    def client_id(self) -> str:
        name = self.client_name()
        if not name:
            return ""
        from ..clinical.clients import get_client

        try:
            return get_client(name).id
        except PressureError:
            return ""  # a name not in the client list: the recording keeps the name only

    def apply(self) -> None:
        """A new place: into the labels, and a ``site`` event from now on. The keys go back to
        the window: a pedal's P must mark the threshold, not be typed into the site box."""
        if self.window.isActiveWindow() and self.site.lineEdit().hasFocus():
            self.window.setFocus()
        where = self.place()
        if where == self._place:
            return
        self._place = where
        p = self.window.pipeline
        recorder = p.recorder
        if recorder is not None:
            self.write_labels()
            t = p.last_t if math.isfinite(p.last_t) else 0.0
            recorder.add_event(t, "site", " ".join(x for x in (where.site or "no site", where.side, where.phase) if x),
                               where.to_dict())
        self.window.status.showMessage(f"site: {where.site or '—'} {where.side} {where.phase}".strip(), 3000)
        self.refresh_summary()

    def _cycle(self, box: QComboBox) -> None:
        box.setCurrentIndex((box.currentIndex() + 1) % box.count())
        self.apply()

    def client_changed(self) -> None:
        self._summary = None  # another client: other previous values
        self.refresh_summary()

    # --- notes ---------------------------------------------------------------------------------
    def edit_notes(self) -> None:
        recorder = self.window.pipeline.recorder
        labels = dict(recorder.meta.get("labels") or {}) if recorder is not None else {}
        dialog = QDialog(self.window)
        dialog.setWindowTitle("Session notes")
        text = QPlainTextEdit(dialog)
        text.setPlainText(self._notes if self._notes is not None else labels.get("notes") or "")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog)
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(text)
        layout.addWidget(buttons)
        self._notes_dialog = dialog
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.set_notes(text.toPlainText())

    def set_notes(self, notes: str) -> None:
        if self.window.pipeline.recorder is None:
            self.window.status.showMessage("notes not kept: not recording", 3000)
            return
        self._notes = notes.strip()
        self.write_labels()

    def write_labels(self) -> None:
        """The recording's labels from what the bars show now. Built from the widgets, not read
        back from the recorder: its metadata changes on the recorder's thread, a moment later."""
        recorder = self.window.pipeline.recorder
        if recorder is None:
            return
        before = dict(recorder.meta.get("labels") or {})
        own = ("client", "trainee", *CLINICAL_KEYS, "notes")
        after = {k: v for k, v in before.items() if k not in own}
        bar = getattr(self.window, "session_bar", None)
        after.update(bar.labels() if bar is not None else self.labels())
        notes = self._notes if self._notes is not None else before.get("notes")
        if notes:
            after["notes"] = notes
        recorder.update_meta(labels=after)

    # --- summary -------------------------------------------------------------------------------
    def _ensure_summary(self):
        from ..clinical.live import LiveSummary, client_history

        # one summary per client and session, in the unit the session started in (a hold in N
        # between two PPT sets in kPa must not reset the sets)
        key = (self.client_name(), id(self.window.pipeline))
        if self._summary is None or key != self._summary_key:
            unit = self.window.pipeline.unit
            history = client_history(key[0], unit, exclude=[getattr(self.window, "_recording_path", None)]) \
                if key[0] else []
            self._summary = LiveSummary(unit, date.today().isoformat(), history,
                                        area_cm2=self.window.pipeline.area_cm2)
            self._summary_key = key
        return self._summary

    def _in_summary_unit(self, value: float) -> float | None:
        from ..clinical.measures import converter

        p = self.window.pipeline
        convert = converter({"unit": p.unit, "area_cm2": p.area_cm2}, self._ensure_summary().unit)
        return None if convert is None else convert(value)

    def on_frame(self, frame) -> None:
        for e in frame.events:
            if e.kind == "threshold" and isinstance(e.data, dict) and e.data.get("value") is not None:
                value = self._in_summary_unit(float(e.data["value"]))
                if value is not None:
                    self._ensure_summary().add(value, self.place())
                self.refresh_summary()
                self.window.status.showMessage("N: rate pain for this trial", 3000)

    def refresh_summary(self) -> None:
        previous = None
        try:
            summary = self._ensure_summary()
            text, faint = summary.lines(self.place())
            previous = summary.previous(self.place())
        except PressureError as exc:
            text, faint = f"summary unavailable: {exc}", ""
        self.summary.setText(text)
        self.previous.setText(faint)
        # the same value as a faint line on the trace, while the trace shows the summary's unit
        same_unit = self._summary is not None and self.window.pipeline.unit == self._summary.unit
        self.previous_line.show(previous[1]["mean"] if previous and same_unit else None, faint)

    # --- report --------------------------------------------------------------------------------
    def client_report(self) -> None:
        from .clinical_report_dialog import save_client_report

        save_client_report(self.window, self.client_name())


def install_clinical_bar(window) -> ClinicalBar:
    """After install_session_bar: the client box gets completion from the client list."""
    from ..clinical.clients import client_names

    session_bar = window.findChild(QToolBar, "session_bar")
    window.session_bar = session_bar
    bar = ClinicalBar(window)
    window.clinical = bar
    if session_bar is not None:
        completer = QCompleter(client_names(), session_bar.client)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        session_bar.client.setCompleter(completer)
        session_bar.client.editingFinished.connect(bar.client_changed)
    recorder = window.pipeline.recorder
    if recorder is not None and bar.client_id() and not (recorder.meta.get("labels") or {}).get("client_id"):
        bar.write_labels()  # --label client=NAME of a listed client: the recording gets their id
    return bar
