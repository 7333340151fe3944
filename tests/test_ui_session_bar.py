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
from pressure.ui.session_bar import install_session_bar

ROUTINE = single_hold(10.0, "10%", 3.0)


@pytest.fixture
def session(qtbot, tmp_path):
    clock = ManualClock()
    calls = []

    def factory(url, record=None, labels=None):
        calls.append({"url": url, "record": record, "labels": labels})
        source = ScriptedSource(clock)
        path = tmp_path / f"s{len(list(tmp_path.glob('*.pressure')))}.pressure"
        recorder = RecordingWriter(path, {"routine": ROUTINE.to_dict(), "labels": dict(labels or {}),
                                          "filter": make_filter("none").describe()}) if record else None
        return Pipeline(source, ROUTINE, make_filter("none"), clock=clock, recorder=recorder), \
            (str(path) if record else None)

    pipeline, path = factory("sim", record=True, labels={"muscle": "trapezius"})
    calls.clear()
    window = MainWindow(pipeline, audio=Silent("test"), window_seconds=10.0, session_factory=factory,
                        recording_path=path)
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
    s.bar.rec.trigger()  # on: a new recorded session on the same sensor, with the labels
    assert s.calls == [{"url": "sim", "record": True, "labels": {"client": "Anna"}}]
    assert s.bar.rec.isChecked() and s.window.pipeline.recorder is not None
    assert "REC" in s.window.status.record_label.text()


def test_new_session_ends_the_recording_and_starts_another(session):
    s = session
    feed(s)
    first = s.window.pipeline
    s.bar.new_session.trigger()
    assert s.window.pipeline is not first and first.recorder is None
    assert len(open_recording(s.path)) > 0
    assert s.calls[-1]["record"] is True and s.bar.rec.isChecked()
