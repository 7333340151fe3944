"""A disk that stays full until the recording ends: the samples kept in memory are written
somewhere that has space, the error says how many samples are where, ``record`` exits 1 and the
window's banner says the same. ENOSPC is injected with SQLite's max_page_count (no mounts)."""

from __future__ import annotations

import numpy as np
import pytest

from pressure.cli import main
from pressure.paths import sessions_dir
from pressure.recording import RecordingError, RecordingWriter, open_recording
from pressure.recording import rescue as rescue_module
from pressure.recording import writer as writer_module
from pressure.samples import Block


def blocks(n_blocks, size=100, start=0.0):
    for k in range(n_blocks):
        t = start + (np.arange(size) + k * size) / 1000.0
        yield Block.make(t, t, t)


def fill(writer) -> None:
    """From now on SQLite answers 'database or disk is full' for this file."""
    pages = writer._db.execute("PRAGMA page_count").fetchone()[0]
    writer._db.execute(f"PRAGMA max_page_count = {pages}")


def test_what_waited_in_memory_goes_to_a_folder_with_space(tmp_path):
    disk = tmp_path / "stick"
    disk.mkdir()
    path = disk / "full.pressure"
    w = RecordingWriter(path, {"labels": {"client": "Anna"}}, commit_interval=0.01)
    first = list(blocks(3))
    for b in first:
        w.append(b)
    w.add_event(0.1, "marker", "before")
    w.flush()  # 300 samples on the full disk's file
    fill(w)
    later = list(blocks(20, start=1.0))
    for b in later:
        w.append(b)
    w.add_event(1.5, "marker", "while full")
    with pytest.raises(RecordingError) as err:
        w.close()
    copy = sessions_dir() / "full-rescued.pressure"
    assert w.rescued_to == copy
    message = str(err.value)
    assert str(copy) in message and "all 2300 samples" in message and "300 are in full.pressure" in message
    assert w.status == message  # what the window and the command show afterwards
    rec = open_recording(copy)
    np.testing.assert_array_equal(rec.t, np.concatenate([b.t for b in first + later]))
    assert [m.text for m in rec.markers] == ["before", "while full"]
    assert rec.meta["labels"] == {"client": "Anna"} and rec.meta["rescued_from"] == str(path)
    assert rec.meta["ended_at"] and not rec.interrupted
    assert (copy.stat().st_mode & 0o777) == 0o600
    assert len(open_recording(path)) == 300  # the full disk's file is left as it was


def test_a_second_rescue_never_replaces_the_first(tmp_path):
    for k in range(2):
        folder = tmp_path / f"d{k}"
        folder.mkdir()
        w = RecordingWriter(folder / "s.pressure", commit_interval=0.01)
        fill(w)
        for b in blocks(5, size=1000):
            w.append(b)
        with pytest.raises(RecordingError):
            w.close()
    assert sorted(p.name for p in sessions_dir().iterdir()) == ["s-rescued-2.pressure", "s-rescued.pressure"]


def test_when_no_folder_has_space_the_line_says_how_many_were_lost(tmp_path, monkeypatch):
    monkeypatch.setattr(rescue_module, "rescue_dirs", lambda primary: [])
    w = RecordingWriter(tmp_path / "s.pressure", commit_interval=0.01)
    fill(w)
    for b in blocks(5, size=1000):
        w.append(b)
    with pytest.raises(RecordingError, match="0 samples are in it, 5000 more were lost"):
        w.close()


@pytest.fixture
def full_disk(monkeypatch):
    """Every recording created from now on is on a disk that is full after its header."""
    create = writer_module.create_file

    def create_full(path, meta, **kw):
        db = create(path, meta, **kw)
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        db.execute(f"PRAGMA max_page_count = {pages}")
        return db

    monkeypatch.setattr(writer_module, "create_file", create_full)


def test_record_on_a_disk_that_stays_full_exits_1_and_says_where(tmp_path, capsys, full_disk):
    from firmware_sim.host import start_builtin_simulator

    host = start_builtin_simulator(profile="hold", rate=500, seed=3)
    out = tmp_path / "full.pressure"
    try:
        rc = main(["record", "--port", host.url, "--seconds", "0.5", "--out", str(out)])
    finally:
        host.stop()
    err = capsys.readouterr().err
    assert rc == 1
    assert "recorded" not in err  # no success line
    copy = sessions_dir() / "full-rescued.pressure"
    line = [x for x in err.splitlines() if x.startswith("pressure: error:")]
    assert len(line) == 1 and str(copy) in line[0] and "(0 are in full.pressure)" in line[0]
    n = len(open_recording(copy))
    assert n > 100 and f"all {n} samples" in line[0]


def test_the_window_banner_says_where_the_recording_went(qtbot, tmp_path, full_disk):
    from pressure.filters import default_filter
    from pressure.routine import single_hold
    from pressure.session.pipeline import Pipeline
    from pressure.session.recorder import Recorder
    from pressure.session.scripted import ManualClock, ScriptedSource
    from pressure.ui.main_window import MainWindow
    from pressure.ui.session_bar import install_session_bar

    source = ScriptedSource(ManualClock(), rate=100.0)
    path = tmp_path / "full.pressure"
    writer = RecordingWriter(path, {"unit": "N"}, commit_interval=0.01)
    window = MainWindow(Pipeline(source, single_hold(30.0), default_filter(), recorder=Recorder(writer, source)),
                        window_seconds=10.0, recording_path=str(path))
    qtbot.addWidget(window)
    bar = install_session_bar(window)
    window.show()
    source.push(5.0, seconds=2.0)
    qtbot.waitUntil(lambda: writer.state == "disk_full", timeout=10000)
    bar.stop_recording()
    copy = sessions_dir() / "full-rescued.pressure"
    assert len(open_recording(copy)) == 200
    assert str(copy) in window.status.currentMessage() and "200 samples" in window.status.currentMessage()
    assert window.status.record_label.text() == "RECORDING STOPPED"
    window.close()
