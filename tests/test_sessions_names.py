"""What `sessions` prints is what replay/report/export accept; it says what made each session;
a name is never opened unless it is a regular file."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from pressure.cli import main
from pressure.library import resolve_recording
from pressure.paths import sessions_dir
from pressure.recording import RecordingWriter, new_session_path
from pressure.samples import Block

REPO = Path(__file__).resolve().parent.parent


def record(meta, when):
    path = new_session_path(when, sessions_dir())
    from pressure.routine import single_hold

    w = RecordingWriter(path, {"started_at": when.isoformat(), "routine": single_hold(30, hold=2).to_dict(),
                               **meta})
    t = np.arange(400) / 100.0
    w.append(Block.make(t, t, 30 * np.minimum(t, 1.0)))
    w.close()
    return path


@pytest.fixture
def three():
    return [record({"source": "sensor", "sensor": {"url": "/dev/ttyUSB0"}}, datetime(2026, 12, 4, 0, 11, 11)),
            record({"source": "simulator"}, datetime(2026, 12, 4, 0, 12, 0)),
            record({"kind": "imported", "source": "student.csv"}, datetime(2026, 12, 4, 0, 13, 0))]


def printed_names(capsys):
    assert main(["sessions"]) == 0
    lines = capsys.readouterr().out.splitlines()
    return lines[0], [line.split()[-1] for line in lines[1:]], lines[1:]


def test_sessions_shows_the_source(three, capsys):
    header, names, lines = printed_names(capsys)
    assert "source" in header
    by_name = dict(zip(names, lines))
    assert "sensor" in by_name[three[0].name]
    assert "simulator" in by_name[three[1].name]
    assert " import " in by_name[three[2].name]


def test_report_export_and_replay_accept_what_sessions_prints(three, capsys, tmp_path, monkeypatch):
    _, names, _ = printed_names(capsys)
    name = names[-1]  # the oldest: 2026-12-04_001111.pressure
    assert name == "2026-12-04_001111.pressure"
    monkeypatch.chdir(tmp_path)  # not the sessions folder
    assert main(["report", name]) == 0
    assert main(["report", name.removesuffix(".pressure")]) == 0
    assert main(["export", name, "--csv", str(tmp_path / "out.csv")]) == 0
    assert (tmp_path / "out.csv").is_file()
    env = {**os.environ, "PYTHONPATH": str(REPO), "QT_QPA_PLATFORM": "offscreen"}
    r = subprocess.run([sys.executable, str(REPO / "main.py"), "replay", name, "--seconds", "0.5",
                        "--no-sound"], env=env, capture_output=True, text=True, timeout=60,
                       cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert main(["report", "no-such-session"]) == 1
    assert "no such file" in capsys.readouterr().err


def test_a_path_that_exists_wins_over_a_session_name(three, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / three[0].name).write_text("mine")
    assert resolve_recording(three[0].name) == Path(three[0].name)
    assert resolve_recording("elsewhere/" + three[0].name) == Path("elsewhere/" + three[0].name)


def test_a_fifo_or_device_is_never_opened_as_a_recording(tmp_path, capsys):
    fifo = sessions_dir() / "2026-12-04_010101.pressure"
    os.mkfifo(fifo)
    for argv in (["report", fifo.name], ["export", fifo.name, "--csv", str(tmp_path / "x.csv")],
                 ["report", "/dev/zero"], ["sessions"]):
        rc = main(argv)
        err = capsys.readouterr().err
        assert rc == (0 if argv == ["sessions"] else 1), err
        if argv != ["sessions"]:
            assert "not a file" in err
