"""The session toolbar: who is on the table and who is training, recording on/off, new session.

Client and trainee are the recording's labels (meta ``labels``, as ``--label client=...``
gives them); a change during a session is kept in the recording as a ``meta_change`` event,
and the window title shows both, so a screenshot or a glance says whose session it is. REC is
checkable and red while recording: off closes the recording cleanly (every sample committed)
and the session goes on (the routine too); on continues the same session into a new file that
says where in the routine it begins. New session is the explicit fresh start: it ends this
session and starts another on the same sensor (routine from its first step).
"""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QMessageBox, QToolBar

from ..errors import PressureError

log = logging.getLogger(__name__)

REC_STYLE = ("QToolButton { font-weight: bold; font-size: 17px; padding: 2px 12px; }"
             "QToolButton:checked { background: #c62828; color: #ffffff; border-radius: 3px; }")
TITLE_SEPARATOR = " · "
OWN_LABELS = ("client", "trainee", "client_id", "site", "side", "phase")  # what labels() says


def trainee_names() -> list[str]:
    from ..trainees import list_trainees

    try:
        return [t.name for t in list_trainees()]
    except PressureError as exc:  # an unreadable trainee store must not keep the window from opening
        log.warning("cannot list trainees: %s", exc)
        return []


class SessionBar(QToolBar):
    def __init__(self, window):
        super().__init__("Session", window)
        self.window = window
        self.setObjectName("session_bar")
        self.client = QLineEdit(self)
        self.client.setPlaceholderText("client")
        self.client.setMaximumWidth(180)
        self.trainee = QComboBox(self)
        self.trainee.setEditable(True)
        self.trainee.addItems(["", *trainee_names()])
        self.trainee.lineEdit().setPlaceholderText("trainee")
        self.trainee.setMinimumWidth(140)
        labels = self.recorded_labels()
        self.client.setText(labels.get("client", ""))
        self.trainee.setEditText(labels.get("trainee", ""))
        self.addWidget(QLabel(" client ", self))
        self.addWidget(self.client)
        self.addWidget(QLabel(" trainee ", self))
        self.addWidget(self.trainee)
        self.addSeparator()
        self.rec = self.addAction("REC")
        self.rec.setCheckable(True)
        self.rec.setToolTip("recording on/off: off closes the recording, on continues this session into a new file")
        self.widgetForAction(self.rec).setStyleSheet(REC_STYLE)
        self.new_session = self.addAction("New session")
        self.new_session.setToolTip("the fresh start: end this session (its recording) and start a new one "
                                    "on the same sensor, routine from its first step")
        file_menu = window.menus["file"]  # File > New session, first: the explicit fresh start
        file_menu.insertAction(file_menu.actions()[0], self.new_session)
        file_menu.insertSeparator(file_menu.actions()[1])
        self.client.editingFinished.connect(self.apply_labels)
        self.trainee.lineEdit().editingFinished.connect(self.apply_labels)
        self.trainee.activated.connect(lambda _i: self.apply_labels())
        self.rec.toggled.connect(self._rec_toggled)
        self.new_session.triggered.connect(lambda: self.start_new(record=True))
        window.addToolBar(self)
        window.frame_hooks.append(self.on_frame)
        self.sync()

    # --- labels --------------------------------------------------------------------------------
    def labels(self) -> dict[str, str]:
        values = {"client": self.client.text().strip(), "trainee": self.trainee.currentText().strip()}
        clinical = getattr(self.window, "clinical", None)  # site, side, phase, client id (ui/clinical_bar.py)
        if clinical is not None:
            values.update(clinical.labels())
        return {k: v for k, v in values.items() if v}

    def recorded_labels(self) -> dict:
        recorder = self.window.pipeline.recorder
        return dict(recorder.meta.get("labels") or {}) if recorder is not None else {}

    def apply_labels(self) -> None:
        """Write client/trainee into the recording's labels; a change is a meta_change event."""
        recorder = self.window.pipeline.recorder
        if recorder is not None:
            before = self.recorded_labels()
            after = {k: v for k, v in before.items() if k not in OWN_LABELS} | self.labels()
            if after != before:
                recorder.update_meta(labels=after)
                if not before and self.window.pipeline.samples:
                    # the writer keeps no history for "unknown became known"; during a session it matters
                    recorder.add_event(self.window.pipeline.last_t, "meta_change", "labels",
                                       {"changes": {"labels": after}, "previous": {"labels": before}})
        self.sync()

    def sync(self) -> None:
        """Title and REC follow the session (also after File > Sensor started a new one)."""
        recording = self.window.pipeline.recorder is not None
        if self.rec.isChecked() != recording:
            self.rec.blockSignals(True)
            self.rec.setChecked(recording)
            self.rec.blockSignals(False)
        base = self.window.windowTitle().split(TITLE_SEPARATOR)[0]
        who = [f"{k}: {v}" for k, v in self.labels().items() if k in ("client", "trainee")]
        title = TITLE_SEPARATOR.join([base, *who])
        if self.window.windowTitle() != title:
            self.window.setWindowTitle(title)

    def on_frame(self, _frame) -> None:
        self.sync()

    # --- recording -----------------------------------------------------------------------------
    def _rec_toggled(self, on: bool) -> None:
        if on:
            self.start_recording()
        else:
            self.stop_recording()

    def stop_recording(self) -> None:
        session = self.window.session
        session.stop_recording()  # every sample and event committed; the session goes on
        failed = session.pipeline.recorder_error  # e.g. the disk stayed full: where the samples went
        self.window.recording_changed()
        if failed:
            self.window.status.set_recording(None, stopped=failed)
        self.window.status.showMessage(f"Recording failed: {failed}" if failed else "recording stopped",
                                       0 if failed else 3000)
        self.sync()

    def start_recording(self) -> None:
        """REC on: the same session (routine, step, station) continues into a new file."""
        session = self.window.session
        if not session.can_record:
            self.window.status.showMessage("this session cannot record", 3000)
            self.sync()
            return
        try:
            path = session.start_recording()
        except PressureError as exc:
            QMessageBox.warning(self.window, "Recording", str(exc))
            self.sync()
            return
        if self.labels():
            self.apply_labels()  # the client/trainee typed while REC was off
        self.window.recording_changed()
        self.window.status.showMessage(f"recording to {path}", 4000)
        self.sync()

    def start_new(self, record: bool = True) -> None:
        from .menu_actions import current_sensor

        factory = self.window.session_factory
        if factory is None:
            self.window.status.showMessage("a new session needs a live sensor", 3000)
            self.sync()
            return
        try:
            session = factory(current_sensor(self.window), record=record, labels=self.labels())
        except PressureError as exc:
            QMessageBox.warning(self.window, "New session", str(exc))
            self.sync()
            return
        path = session.recording_path
        self.window.replace_session(session)
        self.window.status.showMessage(f"new session{': recording to ' + str(path) if path else ''}", 4000)
        self.sync()


def install_session_bar(window) -> SessionBar:
    return SessionBar(window)
