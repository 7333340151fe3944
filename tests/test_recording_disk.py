"""The writer on a full disk, a kill right after creation, and a session without samples."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np

from pressure.recording import RecordingWriter, open_recording
from pressure.recording import writer as writer_module
from pressure.samples import Block


def blocks(n_blocks, size=100, start=0.0):
    for k in range(n_blocks):
        t = start + (np.arange(size) + k * size) / 1000.0
        yield Block.make(t, t, t)


def test_a_full_disk_is_one_message_the_samples_wait_and_are_written_when_it_frees(tmp_path, caplog):
    path = tmp_path / "full.pressure"
    w = RecordingWriter(path, commit_interval=0.01)
    w.flush()
    # SQLite says "database or disk is full" once the file would pass this many pages.
    pages = w._db.execute("PRAGMA page_count").fetchone()[0]
    w._db.execute(f"PRAGMA max_page_count = {pages + 1}")
    caplog.set_level(logging.INFO, logger="pressure.recording.writer")
    sent = list(blocks(50))
    for b in sent:
        w.append(b)
    for _ in range(5):  # several retries while it stays full
        try:
            w.flush()
        except Exception as exc:  # noqa: BLE001 - the disk-full RecordingError is expected
            assert "full" in str(exc)
    assert w.state == "disk_full"
    assert "disk full" in w.status and "kept in memory" in w.status
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1, [r.getMessage() for r in errors]
    w._db.execute("PRAGMA max_page_count = 1073741823")  # space again
    w.flush()
    assert w.state == "ok" and w.status == ""
    w.close()
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0
    rec = open_recording(path)
    np.testing.assert_array_equal(rec.t, np.concatenate([b.t for b in sent]))


def test_while_the_disk_is_full_memory_is_bounded_and_the_loss_is_a_gap(tmp_path, monkeypatch):
    monkeypatch.setattr(writer_module, "MAX_PENDING_SAMPLES", 1000)
    path = tmp_path / "bounded.pressure"
    w = RecordingWriter(path, commit_interval=0.01)
    w.flush()
    pages = w._db.execute("PRAGMA page_count").fetchone()[0]
    w._db.execute(f"PRAGMA max_page_count = {pages}")
    first = list(blocks(5))
    for b in first:
        w.append(b)
    try:
        w.flush()
    except Exception:  # noqa: BLE001 - disk full, expected
        pass
    assert w.state == "disk_full"
    for b in blocks(20, start=0.5):  # beyond the bound: dropped
        w.append(b)
    assert w.samples_dropped > 0
    assert w._pending_samples <= 1000
    w._db.execute("PRAGMA max_page_count = 1073741823")
    w.flush()  # space again: what waited is written
    assert w.state == "ok" and "lost" in w.status
    later = list(blocks(2, start=10.0))
    for b in later:
        w.append(b)
    w.close()
    rec = open_recording(path)
    assert any(e.kind == "gap" for e in rec.events)
    assert len(rec) == w.samples_written == 1000 + 200
    assert w.samples_dropped == 1500


def test_a_session_without_samples_leaves_no_file(tmp_path):
    path = tmp_path / "empty.pressure"
    w = RecordingWriter(path)
    w.add_event(0.0, "marker", "switching sensors")
    w.close()
    assert w.discarded and not path.exists()
    assert not list(tmp_path.iterdir())


KILL_SOON = """
import sys
from pressure.recording import RecordingWriter
RecordingWriter(sys.argv[1])
print("created", flush=True)
sys.stdin.read()
"""


def test_a_file_appears_only_with_its_schema_in(tmp_path):
    """Killed at any moment, the file under the real name is a whole recording or absent."""
    from pressure.recording import read_summary

    seen = []
    for i in range(8):
        path = tmp_path / f"k{i}.pressure"
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
        proc = subprocess.Popen([sys.executable, "-c", KILL_SOON, str(path)], env=env,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        watcher = threading.Event()

        def kill_when_named(p=path, pr=proc):  # kill as soon as the name shows up
            while pr.poll() is None and not watcher.is_set():
                if p.exists():
                    pr.send_signal(signal.SIGKILL)
                    return

        th = threading.Thread(target=kill_when_named)
        th.start()
        proc.stdout.readline()
        watcher.set()
        proc.kill()
        proc.wait()
        th.join()
        proc.stdin.close()
        proc.stdout.close()
        if path.exists():
            seen.append(path)
            meta, fig = read_summary(path)  # never a stub without tables
            assert fig["samples"] == 0
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".pressure") and p not in seen]


def test_the_window_says_the_disk_is_full_once_and_keeps_recording(qtbot, tmp_path):
    from firmware_sim.host import start_builtin_simulator
    from pressure.acquisition import Reader
    from pressure.buffer import RingBuffer
    from pressure.filters import default_filter
    from pressure.routine import single_hold
    from pressure.ui.main_window import MainWindow
    from pressure.session.pipeline import Pipeline
    from pressure.session.recorder import Recorder
    from pressure.session.source import LiveSource

    host = start_builtin_simulator(profile="hold", rate=500, fmt="pressure", seed=7)
    buffer = RingBuffer(1 << 16)
    reader = Reader(host.url, buffer, fmt="pressure")
    reader.start()
    source = LiveSource(reader, buffer, sensor="built-in simulator", on_stop=[host.stop])
    path = tmp_path / "full.pressure"
    writer = RecordingWriter(path, {"unit": "N"}, commit_interval=0.05)
    pages = writer._db.execute("PRAGMA page_count").fetchone()[0]
    writer._db.execute(f"PRAGMA max_page_count = {pages + 1}")
    window = MainWindow(Pipeline(source, single_hold(30.0), default_filter(), recorder=Recorder(writer, source)),
                        window_seconds=10.0, recording_path=str(path))
    qtbot.addWidget(window)
    window.show()
    try:
        qtbot.waitUntil(lambda: "disk full" in window.status.record_label.toolTip(), timeout=15000)
        assert window.pipeline.recorder.writer is writer  # still recording: the samples wait
        writer._db.execute("PRAGMA max_page_count = 1073741823")
        qtbot.waitUntil(lambda: writer.state == "ok", timeout=15000)
    finally:
        window.close()
        source.stop()
    assert len(open_recording(path)) > 0
