"""The session library lists recordings from metadata, searches them, and survives bad files."""

from __future__ import annotations

import json
import os
from datetime import datetime

import numpy as np
import pytest

from pressure.cli import main
from pressure.errors import PressureError
from pressure.library import list_sessions
from pressure.paths import sessions_dir
from pressure.recording import RecordingWriter, new_session_path
from pressure.samples import Block


def record(path, seconds, labels, routine=None, started="2026-11-26T10:00:00+01:00", close=True):
    w = RecordingWriter(path, {"labels": labels, "routine": routine, "started_at": started})
    t = np.arange(int(seconds * 100)) / 100.0
    w.append(Block.make(t, t, t))
    w.add_event(1.0, "marker", "here")
    if close:
        w.close()
    else:
        w.flush()
    return w


@pytest.fixture
def library():
    folder = sessions_dir()
    record(new_session_path(datetime(2026, 11, 26, 10), folder), 12.5, {"client": "Anna Berg", "muscle": "trapezius"},
           {"name": "three holds"}, started="2026-11-26T10:00:00+01:00")
    record(new_session_path(datetime(2026, 11, 27, 9), folder), 3, {"client": "Carl", "student": "Dana"},
           started="2026-11-27T09:00:00+01:00")
    (folder / "broken.pressure").write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    (folder / "notes.txt").write_text("not a session")
    return folder


def test_lists_newest_first_with_figures(library):
    sessions = list_sessions()
    assert [s.labels.get("client") for s in sessions] == ["Carl", "Anna Berg"]
    anna = sessions[1]
    assert anna.duration_s == pytest.approx(12.49)
    assert anna.samples == 1250 and anna.markers == 1
    assert anna.routine == "three holds" and anna.kind == "live"
    assert not anna.interrupted
    assert [p.name for p, _ in sessions.problems] == ["broken.pressure"]


def test_search_is_case_insensitive_over_labels_and_routine(library):
    assert [s.labels["client"] for s in list_sessions(search="TRAPEZ")] == ["Anna Berg"]
    assert [s.labels["client"] for s in list_sessions(search="three")] == ["Anna Berg"]
    assert [s.labels["client"] for s in list_sessions(search="dana")] == ["Carl"]
    assert list_sessions(search="nobody") == []


def test_interrupted_session_is_listed(tmp_path):
    w = record(tmp_path / "live.pressure", 2, {"client": "E"}, close=False)
    try:
        (info,) = list_sessions(tmp_path)
        assert info.interrupted and info.samples == 200
    finally:
        w.close()
    assert not list_sessions(tmp_path)[0].interrupted


def test_missing_folder_is_an_error(tmp_path):
    with pytest.raises(PressureError, match="no sessions folder"):
        list_sessions(tmp_path / "nope")


def test_sessions_command_table_json_and_skipped_file(library, capsys):
    assert main(["sessions"]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert "Carl" in lines[1] and "Anna Berg" in lines[2]
    assert "0:12" in lines[2] and "three holds" in lines[2]
    assert "skipped broken.pressure" in err
    assert main(["sessions", "--json", "--search", "anna"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data) == 1 and data[0]["labels"]["client"] == "Anna Berg"
    assert os.path.exists(data[0]["path"])
