"""An interrupted recording (killed writer: its last part in FILE-wal) that cannot be opened in
place, as on read-only media, is called interrupted, not damaged, and --salvage reads it.
Without mounts (root writes anywhere): SQLite's answer on a read-only folder, "unable to open
database file", is injected for that one file; its salvage copy opens normally."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import sqlite3
from types import SimpleNamespace

import pytest

from pressure.cli import main
from pressure.recording import RecordingError, open_recording
from pressure.recording import reader as reader_module

REPO = Path(__file__).resolve().parent.parent
KILLED = """
import os, sys
import numpy as np
from pressure.recording import RecordingWriter
from pressure.samples import Block
w = RecordingWriter(sys.argv[1], {})
t = np.arange(500) / 1000.0
w.append(Block.make(t, t, t))
w.flush()
os._exit(0)
"""


class ReadOnlyFolder:
    """What sqlite3.connect gives for a file with a -wal and no -shm on read-only media."""

    def execute(self, *args):
        raise sqlite3.OperationalError("unable to open database file")

    def close(self):
        pass


@pytest.fixture
def interrupted(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "int.pressure"
    subprocess.run([sys.executable, "-c", KILLED, str(path)], check=True, cwd=REPO,
                   env={**os.environ, "PYTHONPATH": str(REPO)})
    assert Path(f"{path}-wal").stat().st_size > 0
    Path(f"{path}-shm").unlink(missing_ok=True)  # as copied onto a stick: the file and its -wal
    real = sqlite3.connect

    def connect(target, *args, **kw):
        return ReadOnlyFolder() if str(target).startswith(f"file:{path}?") else real(target, *args, **kw)

    monkeypatch.setattr(reader_module, "sqlite3", SimpleNamespace(connect=connect, Error=sqlite3.Error))
    access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: Path(p) != path.parent and access(p, mode))
    return path


def test_it_is_called_interrupted_with_the_two_ways_to_read_it(interrupted, tmp_path, capsys):
    with pytest.raises(RecordingError) as err:
        open_recording(interrupted)
    message = str(err.value)
    assert "damaged" not in message and "interrupted" in message
    assert "--salvage" in message and "int.pressure-wal somewhere writable" in message
    assert "read-only" in message
    assert main(["export", str(interrupted), "--csv", str(tmp_path / "a.csv")]) == 1
    assert capsys.readouterr().err.count("\n") == 1  # one line


def test_salvage_reads_it_all(interrupted, tmp_path):
    assert len(open_recording(interrupted, salvage=True)) == 500
    assert main(["export", str(interrupted), "--csv", str(tmp_path / "a.csv"), "--salvage"]) == 0
