"""``replay`` from the real entry point: bad files are one clear line and exit 1; a good one runs."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from test_session_replay import make_recording

REPO = Path(__file__).resolve().parent.parent


def run_replay(*args, timeout=60):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, str(REPO / "main.py"), "replay", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout, env=env, cwd=REPO)


def good(tmp_path):
    path = tmp_path / "good.pressure"
    make_recording(path, seconds=5.0)
    return path


def truncated(tmp_path):
    data = good(tmp_path).read_bytes()
    path = tmp_path / "truncated.pressure"
    path.write_bytes(data[: len(data) // 3])
    return path


def corrupted(tmp_path):
    data = bytearray(good(tmp_path).read_bytes())
    for i in range(len(data) // 2, len(data) - 200, 97):  # scribble over the sample pages
        data[i] ^= 0x5A
    path = tmp_path / "corrupted.pressure"
    path.write_bytes(bytes(data))
    return path


def empty(tmp_path):
    path = tmp_path / "empty.pressure"
    path.write_bytes(b"")
    return path


def foreign_text(tmp_path):
    path = tmp_path / "notes.pressure"
    path.write_text("time,force\n0,1\n")
    return path


def foreign_sqlite(tmp_path):
    path = tmp_path / "other.pressure"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE x (a)")
    return path


def future_version(tmp_path):
    path = good(tmp_path)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    return path


def missing(tmp_path):
    return tmp_path / "nothing-here.pressure"


def replay_in_process(capsys, *args):
    """``main.py replay ARGS`` through the CLI entry point, in-process: a file or option that
    is refused before any window needs no interpreter of its own."""
    from pressure.cli import main

    capsys.readouterr()
    code = main(["replay", *map(str, args)])
    out, err = capsys.readouterr()
    return subprocess.CompletedProcess(args, code, out, err)


@pytest.mark.parametrize("make", [truncated, corrupted, empty, foreign_text, foreign_sqlite,
                                  future_version, missing])
def test_bad_file_is_one_clear_line(tmp_path, make, capsys):
    path = make(tmp_path)
    before = path.read_bytes() if path.exists() else None
    r = replay_in_process(capsys, path, "--seconds", "5")
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("pressure: error: ") and path.name in lines[0], r.stderr
    if before is not None:
        assert path.read_bytes() == before  # never modified


def test_bad_options_exit_before_a_window(tmp_path, capsys):
    path = good(tmp_path)
    for args, words in (((path, "--speed", "32"), "--speed"),
                        ((path, "--screenshot", tmp_path / "x.jpg", "--seconds", "1"), ".png"),
                        ((path, "--start", "999"), "only"),
                        ((path, "--routine", "no-such-routine"), "no-such-routine")):
        r = replay_in_process(capsys, *args)
        assert r.returncode == 1 and "Traceback" not in r.stderr and words in r.stderr, r.stderr


def test_screenshot_of_a_replay(tmp_path):
    path = good(tmp_path)
    png = tmp_path / "shot.png"
    r = run_replay(path, "--speed", "4", "--screenshot", png, "--seconds", "1.5")
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
