"""The session toolbar: client/trainee labels (title, recording, meta_change), REC, new session."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from pressure.filters import make_filter
from pressure.recording import RecordingWriter, open_recording
from pressure.routine import single_hold
from pressure.ui.audio import Silent
from pressure.ui.main_window import MainWindow
from pressure.session.pipeline import Pipeline
from pressure.session.scripted import ManualClock, ScriptedSource
from pressure.session.session import Session
from pressure.ui.session_bar import install_session_bar

ROUTINE = single_hold(10.0, "10%", 3.0)


@pytest.fixture
def session(qtbot, tmp_path):
    clock = ManualClock()
    calls = []

    def factory(url, record=None, labels=None):
        calls.append({"url": url, "record": record, "labels": labels})
        source = ScriptedSource(clock)

        def open_writer(changes):
            path = tmp_path / f"s{len(list(tmp_path.glob('*.pressure')))}.pressure"
            meta = {"routine": ROUTINE.to_dict(), "labels": dict(labels or {}),
                    "filter": make_filter("none").describe(), **changes}
            return RecordingWriter(path, meta), str(path)

        session = Session(Pipeline(source, ROUTINE, make_filter("none"), clock=clock), open_writer=open_writer)
        if record:
            session.start_recording()
        return session

    first = factory("sim", record=True, labels={"muscle": "trapezius"})
    path = first.recording_path
    calls.clear()
    window = MainWindow(first, audio=Silent("test"), window_seconds=10.0, session_factory=factory)
    qtbot.addWidget(window)
    bar = install_session_bar(window)
    window.show()
    qtbot.waitExposed(window)
    return SimpleNamespace(window=window, bar=bar, calls=calls, path=path, qtbot=qtbot)


def feed(s, seconds=0.5):
    source = s.window.pipeline.source
    source.push([3.0], seconds=seconds)
    s.qtbot.waitUntil(lambda: s.window._frame is not None and s.window._frame.t >= source.t, timeout=3000)


def test_client_and_trainee_go_to_the_title_and_the_recording(session):
    s = session
    feed(s)
    s.bar.client.setText("Anna")
    s.bar.client.editingFinished.emit()
    s.bar.trainee.setEditText("Ben")
    s.bar.trainee.lineEdit().editingFinished.emit()
    assert "client: Anna" in s.window.windowTitle() and "trainee: Ben" in s.window.windowTitle()
    s.bar.client.setText("Cara")
    s.bar.client.editingFinished.emit()
    feed(s)
    s.window.close()
    rec = open_recording(s.path)
    assert rec.meta["labels"] == {"muscle": "trapezius", "client": "Cara", "trainee": "Ben"}
    changes = [e for e in rec.events if e.kind == "meta_change"]
    assert len(changes) >= 2  # first names during the session, then Anna -> Cara
    assert changes[-1].data["changes"]["labels"]["client"] == "Cara"
    assert changes[-1].data["previous"]["labels"]["client"] == "Anna"


def test_rec_off_closes_the_recording_and_on_starts_a_new_one(session):
    s = session
    assert s.bar.rec.isChecked()
    feed(s)
    s.bar.rec.trigger()  # off
    assert not s.bar.rec.isChecked() and s.window.pipeline.recorder is None
    assert len(open_recording(s.path)) > 0  # everything committed, readable now
    assert s.window.status.record_label.text() == "not recording"
    feed(s)  # the window goes on live
    s.bar.client.setText("Anna")
    pipeline = s.window.pipeline
    s.bar.rec.trigger()  # on: the same session goes on into a new file, with the labels
    assert s.calls == [] and s.window.pipeline is pipeline
    assert s.bar.rec.isChecked() and s.window.pipeline.recorder is not None
    assert "REC" in s.window.status.record_label.text()
    second = s.window.session.recording_path
    assert second != s.path
    feed(s)
    s.window.close()
    rec = open_recording(second)
    assert rec.meta["labels"]["client"] == "Anna"
    assert rec.meta["continues"]["session_t_s"] > 0 and rec.meta["continues"]["previous_file"] == "s0.pressure"


def test_new_session_ends_the_recording_and_starts_another(session):
    s = session
    feed(s)
    first = s.window.pipeline
    assert s.window.menus["file"].actions()[0] is s.bar.new_session  # File > New session: the fresh start
    s.bar.new_session.trigger()
    assert s.window.pipeline is not first and first.recorder is None
    assert len(open_recording(s.path)) > 0
    assert s.calls[-1]["record"] is True and s.bar.rec.isChecked()
