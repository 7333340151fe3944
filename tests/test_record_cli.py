"""The record / export / import / sessions commands end to end, with the simulated sensor."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from pressure.cli import main
from pressure.paths import sessions_dir
from pressure.recording import open_recording

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture
def sensor():
    from firmware_sim.host import start_builtin_simulator

    host = start_builtin_simulator(profile="hold", rate=500, seed=3)
    yield host
    host.stop()


def test_record_writes_a_complete_session(sensor, tmp_path, capsys):
    out = tmp_path / "s.pressure"
    rc = main(["record", "--port", sensor.url, "--seconds", "1", "--out", str(out),
               "--label", "client=Anna", "--label", "muscle=trapezius", "--target", "20", "--unit", "N"])
    assert rc == 0
    assert capsys.readouterr().out.strip() == str(out)
    rec = open_recording(out)
    assert 300 < len(rec) < 1000  # ~1 s at 500 samples/s
    assert np.all(np.diff(rec.t) > 0)
    assert rec.meta["labels"]["client"] == "Anna" and rec.meta["labels"]["muscle"] == "trapezius"
    assert rec.meta["sensor"]["id"] and rec.meta["sensor"]["format"] == "pressure"
    assert rec.meta["calibration"]["raw_unit"] == "counts"
    np.testing.assert_allclose(  # force follows from raw with the stored calibration
        rec.force_n, (rec.raw - rec.meta["calibration"]["zero"]) * rec.meta["calibration"]["scale"])
    assert rec.meta["routine"]["steps"] and rec.meta["filter"]["name"]
    assert any(e.kind == "step_start" for e in rec.events)
    assert not rec.interrupted


def test_record_defaults_to_the_sessions_folder(sensor, capsys):
    assert main(["record", "--port", sensor.url, "--seconds", "0.5"]) == 0
    path = capsys.readouterr().out.strip()
    assert os.path.dirname(path) == str(sessions_dir())
    assert main(["sessions", "--json"]) == 0
    assert path in capsys.readouterr().out


def test_record_never_touches_an_existing_file(tmp_path, capsys):
    out = tmp_path / "keep.pressure"
    out.write_bytes(b"precious")
    assert main(["record", "--port", "socket://127.0.0.1:9", "--seconds", "1", "--out", str(out)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert out.read_bytes() == b"precious"


@pytest.mark.parametrize("argv,message", [
    (["--label", "colour=red"], "unknown label"),
    (["--label", "client"], "KEY=VALUE"),
    (["--seconds", "-1"], "greater than 0"),
])
def test_record_bad_arguments_create_nothing(tmp_path, capsys, argv, message):
    out = tmp_path / "x.pressure"
    assert main(["record", "--port", "socket://127.0.0.1:9", "--out", str(out), *argv]) == 1
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_unreachable_port_creates_no_file(tmp_path, capsys):
    out = tmp_path / "x.pressure"
    assert main(["record", "--port", str(tmp_path / "no-such-port"), "--out", str(out)]) == 1
    assert "pressure: error:" in capsys.readouterr().err
    assert not out.exists()


def test_sigint_closes_the_file_properly(sensor, tmp_path):
    out = tmp_path / "int.pressure"
    proc = subprocess.Popen(
        [sys.executable, "main.py", "record", "--port", sensor.url, "--out", str(out)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:  # wait until a commit put samples in the file
            if out.exists():
                try:
                    if len(open_recording(out)) > 100:
                        break
                except Exception:  # noqa: BLE001 - the file may be mid-creation; look again
                    pass
            try:  # wait on the child for a moment: if it ends, that is the failure
                proc.wait(timeout=0.05)
            except subprocess.TimeoutExpired:
                continue
            pytest.fail(f"record ended early: {proc.stderr.read()}")
        else:
            pytest.fail("no samples were committed in time")
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert stdout.strip() == str(out)
    rec = open_recording(out)
    assert not rec.interrupted and len(rec) > 100
    assert not os.path.exists(f"{out}-wal")


def test_import_and_export_commands(tmp_path, reference_dir, capsys):
    src = reference_dir / "loadcell_static_fire_100hz.csv"
    rec_path = tmp_path / "fire.pressure"
    assert main(["import", str(src), "--out", str(rec_path), "--label", "notes=static fire"]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == str(rec_path)
    assert "column 'thrust' in N" in err and "436 kept" in err
    assert open_recording(rec_path).meta["labels"]["notes"] == "static fire"
    csv_path = tmp_path / "fire.csv"
    assert main(["export", str(rec_path), "--csv", str(csv_path), "--unit", "kgf"]) == 0
    assert "force_kgf" in csv_path.read_text()
    before = csv_path.read_bytes()
    assert main(["export", str(rec_path), "--csv", str(csv_path)]) == 1
    assert "--force" in capsys.readouterr().err
    assert csv_path.read_bytes() == before
    assert main(["export", str(rec_path), "--csv", str(csv_path), "--force", "--unit", "N"]) == 0
    assert "force_N" in csv_path.read_text()


@pytest.mark.parametrize("make,message", [
    (lambda p: p.write_bytes(b""), "empty"),
    (lambda p: p.write_bytes(b"SQLite format 3\x00" + bytes(84)), "pressure recording|damaged|truncated"),
    (lambda p: p.write_text("time,force\n0,1\n"), "not an SQLite file"),
])
def test_export_of_bad_files_is_one_clear_line(tmp_path, capsys, make, message):
    src = tmp_path / "bad.pressure"
    make(src)
    assert main(["export", str(src), "--csv", str(tmp_path / "o.csv")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("pressure: error:") and "Traceback" not in err
    assert re.search(message, err)
    assert not (tmp_path / "o.csv").exists()


def test_import_garbage_csv_names_rows(tmp_path, capsys):
    src = tmp_path / "g.csv"
    src.write_text("time,force\n" + "".join(f"{k},{'x' if k % 2 else k}\n" for k in range(10)))
    assert main(["import", str(src), "--out", str(tmp_path / "g.pressure")]) == 1
    err = capsys.readouterr().err
    assert "line 3" in err and "5 of 10 rows" in err
    assert not (tmp_path / "g.pressure").exists()


@pytest.mark.parametrize("command", ["record", "stream"])
def test_a_sensor_gone_for_good_ends_with_a_clear_line_and_exit_1(sensor, tmp_path, capsys, command):
    """The port goes away at ~0.5 s and does not come back before --seconds: the session ends
    with "sensor lost at t=... s" and exit 1; a recording keeps its samples and marks the loss."""
    import threading

    out = tmp_path / "lost.pressure"
    timer = threading.Timer(0.5, sensor.disconnect, [60.0])
    timer.start()
    try:
        argv = ["--port", sensor.url, "--seconds", "1.5"]
        rc = main([command, *argv, "--out", str(out)] if command == "record" else [command, *argv])
    finally:
        timer.cancel()
    err = capsys.readouterr().err
    assert rc == 1
    t = float(re.search(r"pressure: error: sensor lost at t=([0-9.]+) s", err).group(1))
    assert 0.2 < t < 1.5
    if command == "record":
        rec = open_recording(out)
        lost = [e for e in rec.events if e.kind == "disconnected"]
        assert len(rec) > 50 and len(lost) == 1 and lost[0].t == pytest.approx(t, abs=0.2)
