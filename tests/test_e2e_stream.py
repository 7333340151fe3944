"""End to end: ``sim`` as the sensor, ``ports`` and ``stream`` as a user runs them."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.conftest import REPO
from tests.test_e2e_helpers import PY, env_for, ok, rows_of, run, stream_until, summary_of


def test_ports_table_and_json(pressure_home):
    table = ok(pressure_home, "ports").stdout
    assert table.splitlines()[0].split()[:2] == ["DEVICE", "DESCRIPTION"]
    listed = json.loads(ok(pressure_home, "ports", "--json").stdout)
    assert isinstance(listed, list)
    assert all({"device", "likely_sensor", "vid_pid"} <= set(p) for p in listed)


@pytest.mark.parametrize("fmt", ["pressure", "number", "plotter", "hx711", "gauge"])
def test_every_sim_format_is_detected_and_read(sim, pressure_home, fmt):
    url = sim("--rate", "200", "--format", fmt, "--profile", "steady")
    done = ok(pressure_home, "stream", "--port", url, "--seconds", "0.5")
    rows = rows_of(done.stdout)
    summary = summary_of(done.stderr)
    assert summary["format"] == fmt and summary["bad_lines"] == 0
    assert summary["printed"] == len(rows) >= 50
    assert all({"t", "force", "smoothed"} <= set(r) for r in rows)
    forced = ok(pressure_home, "stream", "--port", url, "--seconds", "0.3", "--format", fmt)
    assert summary_of(forced.stderr)["format"] == fmt and rows_of(forced.stdout)


def test_polled_gauge_answers_at_the_poll_rate(sim, pressure_home):
    url = sim("--format", "gauge", "--poll")
    done = ok(pressure_home, "stream", "--port", url, "--seconds", "1", "--poll", "?\\r",
              "--poll-rate", "20")
    summary = summary_of(done.stderr)
    assert summary["format"] == "gauge" and 15 <= summary["samples"] <= 30
    assert 15 <= summary["rate_hz"] <= 25


def test_units_areas_and_filters(sim, pressure_home):
    url = sim("--rate", "500", "--profile", "steady")
    n = ok(pressure_home, "stream", "--port", url, "--seconds", "0.3", "--filter", "none")
    kgf = ok(pressure_home, "stream", "--port", url, "--seconds", "0.3", "--unit", "kgf")
    kpa = ok(pressure_home, "stream", "--port", url, "--seconds", "0.3", "--unit", "kPa",
             "--area", "1")
    assert summary_of(kgf.stderr)["unit"] == "kgf" and summary_of(kpa.stderr)["unit"] == "kPa"
    # none: the smoothed value is the force itself
    assert all(r["smoothed"] == pytest.approx(r["force"], abs=1e-5) for r in rows_of(n.stdout))
    err = run(pressure_home, "stream", "--port", url, "--seconds", "0.2", "--unit", "kPa")
    assert err.returncode != 0 and "--area" in err.stderr


def test_every_filter_choice(sim, pressure_home):
    url = sim("--rate", "500", "--profile", "steady")
    for name in ("moving_average", "exponential", "median", "one_euro"):
        done = ok(pressure_home, "stream", "--port", url, "--seconds", "0.15", "--filter", name)
        assert summary_of(done.stderr)["filter"]["name"] == name and rows_of(done.stdout)


def test_stream_into_head_closes_cleanly(sim, pressure_home):
    url = sim("--rate", "1000")
    proc = subprocess.Popen([PY, str(REPO / "main.py"), "stream", "--port", url], cwd=REPO,
                            env=env_for(pressure_home), text=True, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    first = [proc.stdout.readline() for _ in range(3)]
    proc.stdout.close()                            # what `| head -3` does
    _, err = proc.communicate(timeout=20)
    assert all(json.loads(line)["t"] >= 0 for line in first)
    assert proc.returncode == 0 and "Traceback" not in err, err
    assert "BrokenPipe" not in err


def test_faults_are_counted_in_the_summary(pressure_home):
    # The simulator runs here with its garbage lines, so the port drop and the device restart
    # happen while the stream prints, however long it took to start (the sim command's timed
    # faults are the simulator's tests' business): the drop after 1 s of samples, the restart once
    # back and 2.5 s in (5 % garbage of 500+ lines), then it runs until the first sample after it
    from firmware_sim.host import start_builtin_simulator

    host = start_builtin_simulator(profile="hold", rate=200, seed=6, faults="garbage=0.05")
    done_faults, seen = [], []

    def after_a_drop_and_a_restart(row):
        flags = row.get("flags", 0)
        if not done_faults and row["t"] >= 1.0:
            done_faults.append("disconnect")
            host.disconnect(0.5)
        elif len(done_faults) == 1 and any(r & 4 for r in seen) and row["t"] >= 2.5:
            done_faults.append("restart")
            host.restart_device()
        seen.append(flags)
        return flags & 8

    try:
        done = stream_until(pressure_home, after_a_drop_and_a_restart, "--port", host.url)
    finally:
        host.stop()
    assert done.returncode == 0, done.stderr
    s = summary_of(done.stderr)
    rows = rows_of(done.stdout)
    assert s["bad_lines"] > 10 and s["reconnects"] == 1 and s["restarts"] == 1
    assert s["gaps"] >= 2 and s["lost_samples"] > 0 and s["printed"] == len(rows)
    flags = [r["flags"] for r in rows if "flags" in r]
    assert any(f & 4 for f in flags) and any(f & 8 for f in flags)
    t = [r["t"] for r in rows]
    assert all(b > a for a, b in zip(t, t[1:]))
