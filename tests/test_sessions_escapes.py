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
