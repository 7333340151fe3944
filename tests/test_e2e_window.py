"""End to end: the window from the command line (``--screenshot FILE.png --seconds N``)."""

from __future__ import annotations

import json
import struct

import pytest

from tests.test_e2e_helpers import ok, refused


def png_size(path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", path
    return struct.unpack(">II", data[16:24])


def colours(path) -> set:
    from PySide6.QtGui import QImage
    img = QImage(str(path))
    assert not img.isNull()
    return {img.pixel(x, y) for x in range(0, img.width(), 7) for y in range(0, img.height(), 7)}


@pytest.fixture
def hold_recording(pressure_home, tmp_path):
    """An imported 8 s hold at 30 N (ramp 1 s, hold, release) as a .pressure file."""
    rows = ["time,force"]
    for i in range(800):
        t = i / 100
        f = 30 * min(t, 1.0) if t < 7 else max(0.0, 30 - 30 * (t - 7))
        rows.append(f"{t:.2f},{f:.3f}")
    src = tmp_path / "hold.csv"
    src.write_text("\n".join(rows) + "\n")
    out = tmp_path / "hold.pressure"
    ok(pressure_home, "import", src, "--out", out, "--label", "client=Zoë")
    return out


def test_replay_screenshot(pressure_home, tmp_path, hold_recording):
    shot = tmp_path / "replay.png"
    ok(pressure_home, "replay", hold_recording, "--target", "30", "--hold", "5", "--speed", "4",
       "--screenshot", shot, "--seconds", "2")
    w, h = png_size(shot)
    assert w >= 800 and h >= 500 and len(colours(shot)) > 20


def test_default_live_window_screenshot_records_a_session(pressure_home, tmp_path):
    shot = tmp_path / "live.png"
    ok(pressure_home, "--screenshot", shot, "--seconds", "2")
    assert png_size(shot)[0] >= 800 and len(colours(shot)) > 20
    assert shot.stat().st_mode & 0o777 == 0o600  # it shows the client's name
    sessions = json.loads(ok(pressure_home, "sessions", "--json").stdout)
    assert len(sessions) == 1 and sessions[0]["samples"] > 0


@pytest.mark.parametrize("args", [
    ["live", "--routine", "ppt"],
    ["live", "--target", "30", "--tolerance", "2", "--hold", "10", "--ceiling", "50",
     "--no-record"],
])
def test_live_screenshots(pressure_home, tmp_path, args):
    shot = tmp_path / "shot.png"
    ok(pressure_home, *args, "--screenshot", shot, "--seconds", "2")
    assert png_size(shot)[0] >= 800 and len(colours(shot)) > 20
    sessions = json.loads(ok(pressure_home, "sessions", "--json").stdout)
    assert len(sessions) == (0 if "--no-record" in args else 1)


def test_screenshot_option_mistakes(pressure_home, tmp_path):
    assert ".png" in refused(pressure_home, "live", "--screenshot", tmp_path / "a.jpg",
                             "--seconds", "1")
    assert "does not exist" in refused(pressure_home, "live", "--screenshot",
                                       tmp_path / "no" / "a.png", "--seconds", "1")
    assert not (tmp_path / "a.jpg").exists()
