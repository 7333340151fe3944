"""`sessions` prints labels from files with their control characters escaped: no escape
sequence reaches the terminal (clear screen, window title, OSC 52 clipboard), no newline breaks
a row, and --json stays JSON."""

from __future__ import annotations

import json
from datetime import datetime

import numpy as np

from pressure.cli import main
from pressure.paths import sessions_dir
from pressure.recording import RecordingWriter, new_session_path
from pressure.samples import Block

HOSTILE = {"client": "Anna\x1b[2J\x1b]0;owned\x07", "site": "a\nb\r\x9b31m",
           "trainee": "\x1b]52;c;ZXZpbA==\x07", "muscle": "x\u202eevil"}


def test_control_characters_in_labels_are_printed_escaped(capsys):
    path = new_session_path(datetime(2026, 12, 4, 10, 0, 0), sessions_dir())
    with RecordingWriter(path, {"labels": HOSTILE, "source": "sim\x1b[31m"}) as w:
        t = np.arange(100) / 100.0
        w.append(Block.make(t, t, t))
    assert main(["sessions"]) == 0
    out = capsys.readouterr().out
    assert not any(c in out for c in "\x1b\x07\r\x9b\u202e")
    lines = out.splitlines()
    assert len(lines) == 2  # the header and one row: no newline from a label
    assert "Anna\\x1b[2J\\x1b]0;owned\\x07" in lines[1] and "a\\nb\\r\\x9b31m" in lines[1]
    assert "x\\u202eevil" in lines[1]
    assert main(["sessions", "--json"]) == 0
    out = capsys.readouterr().out
    assert not any(c in out for c in "\x1b\x07\r\x9b\u202e")
    assert json.loads(out)[0]["labels"]["site"] == HOSTILE["site"]


def test_report_prints_a_routine_name_escaped(tmp_path, capsys):
    from pressure.routine import single_hold

    routine = single_hold(0.5, hold=1).to_dict()
    routine["name"] = "R\x1b[2Jname\x9b"
    path = tmp_path / "s.pressure"
    with RecordingWriter(path, {"routine": routine, "labels": HOSTILE}) as w:
        t = np.arange(3000) / 1000.0
        w.append(Block.make(t, t, np.minimum(t, 0.5)))
    assert main(["report", str(path)]) == 0
    out = capsys.readouterr().out
    assert "R\\x1b[2Jname\\x9b" in out and not any(c in out for c in "\x1b\x9b")
    assert len(out.splitlines()) > 3  # its own line breaks stay
    assert main(["report", str(path), "--json"]) == 0
    out = capsys.readouterr().out
    assert not any(c in out for c in "\x1b\x9b\x07")
    assert json.loads(out)["routine"] == routine["name"]
