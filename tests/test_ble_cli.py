"""The commands on emulated Bluetooth sensors (``--port ble-sim://...``), as a user runs them:
``stream`` and ``record`` in a subprocess for a second, the live window to a screenshot, and
``ports`` / ``--port ble://`` on a machine without Bluetooth (one line, never a traceback)."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

from tests.test_e2e_helpers import ok, refused, rows_of, run, summary_of

if not os.environ.get("CI"):  # CI installs the test extra: there a missing bumble fails
    pytest.importorskip("bumble")


def test_stream_reads_an_emulated_progressor_across_its_clock_wrap(pressure_home):
    done = ok(pressure_home, "stream", "--port", "ble-sim://progressor?wrap_after=0.4",
              "--seconds", "1", "--filter", "none")
    rows = rows_of(done.stdout)
    t = np.array([r["t"] for r in rows])
    assert len(rows) >= 75 and np.allclose(np.diff(t), 1 / 80, atol=1e-5)
    assert not any("flags" in r for r in rows)
    summary = summary_of(done.stderr)
    assert summary["format"] == "ble-progressor" and summary["gaps"] == 0
    assert summary["sensor_id"].startswith("progressor-")


def test_record_an_emulated_force_board_keeps_its_battery(pressure_home, tmp_path):
    out = tmp_path / "fb.pressure"
    ok(pressure_home, "record", "--port", "ble-sim://forceboard", "--seconds", "1", "--out", out)
    from pressure.recording import open_recording

    rec = open_recording(out)
    assert len(rec.t) >= 70
    info = rec.meta["sensor"]["device_info"]
    assert info["battery_pct"] == "87" and info["fw"] == "2.0.1-sim"
    assert rec.meta["sensor"]["format"] == "ble-forceboard"


def test_live_window_on_an_emulated_scale(pressure_home, tmp_path):
    shot = tmp_path / "scale.png"
    ok(pressure_home, "live", "--port", "ble-sim://whc06?profile=steady", "--screenshot", shot,
       "--seconds", "2")
    assert shot.stat().st_size > 10_000
    sessions = json.loads(ok(pressure_home, "sessions", "--json").stdout)
    assert len(sessions) == 1 and sessions[0]["samples"] >= 8


@pytest.mark.parametrize("port, words", [
    ("ble-sim://rocket", "no emulated Bluetooth device"),
    ("ble-sim://whc06?offset=x", "layout"),
])
def test_bad_bluetooth_ports_are_one_line(pressure_home, port, words):
    assert words in refused(pressure_home, "stream", "--port", port, "--seconds", "1")


def test_format_and_bluetooth_do_not_mix(pressure_home):
    assert "drop --format" in refused(pressure_home, "stream", "--port", "ble-sim://progressor",
                                      "--format", "pressure", "--seconds", "1")


def test_ports_says_why_it_heard_no_bluetooth_sensor(pressure_home):
    done = ok(pressure_home, "ports", "--ble-scan", "0.5")
    line = done.stdout.strip().splitlines()[-1]
    assert line.startswith("Bluetooth:")
    json_rows = json.loads(ok(pressure_home, "ports", "--json", "--ble-scan", "0").stdout)
    assert isinstance(json_rows, list)


def test_a_real_ble_port_without_a_stack_is_one_line(pressure_home):
    done = run(pressure_home, "stream", "--port", "ble://Progressor_1", "--seconds", "1", timeout=60)
    errors = [line for line in done.stderr.splitlines() if "error" in line]
    assert done.returncode != 0 and len(errors) == 1
    assert "Bluetooth" in errors[0] or "not found" in errors[0] or "no Bluetooth device" in errors[0]
