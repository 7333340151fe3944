"""``stream`` and ``ports`` from the command line: the real entry point with the real simulator.

``python main.py sim`` prints its URL first; ``python main.py stream`` reads it and prints JSON
lines. Bad input must give one clear line and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest

from pressure.cli import main
from tests.conftest import REPO
from tests.test_e2e_helpers import stream_until

PY = sys.executable
ENV = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONUNBUFFERED": "1"}


def stream(*args, pressure_home, timeout=30, **kwargs):
    env = {**ENV, "PRESSURE_HOME": str(pressure_home)}
    return subprocess.run([PY, "main.py", "stream", *args], cwd=REPO, env=env, text=True,
                          capture_output=True, timeout=timeout, **kwargs)


def summary_of(stderr: str) -> dict:
    lines = [line for line in stderr.splitlines() if line.startswith("{")]
    assert lines, stderr
    return json.loads(lines[-1])


def test_sim_and_stream_work_together(sim, pressure_home):
    url = sim("--rate", "500", "--profile", "steady")
    done = stream("--port", url, "--seconds", "1", "--unit", "kgf", pressure_home=pressure_home)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert 400 <= len(rows) <= 520
    t = [r["t"] for r in rows]
    assert t[0] == 0.0 and t[-1] <= 1.0 and all(b > a for a, b in zip(t, t[1:]))
    assert all({"t", "force", "smoothed"} <= set(r) for r in rows)
    summary = summary_of(done.stderr)
    for key in ("samples", "bad_lines", "gaps", "reconnects"):
        assert key in summary
    assert summary["printed"] == len(rows) and summary["calibrated"] is True
    assert summary["unit"] == "kgf" and summary["bad_lines"] == 0


def test_a_port_that_drops_mid_stream_is_retried(pressure_home):
    # The simulator runs here, so the port drops (for 0.5 s) once the stream is printing, however
    # long the stream took to start; the reader's retries (0.1 s, then doubling) may find it back
    # only ~0.7 s later: the stream runs until it printed half a second past the first sample after it
    from firmware_sim.host import start_builtin_simulator

    host = start_builtin_simulator(profile="hold", rate=200, seed=5)
    dropped, back = [], []

    def half_a_second_after_the_reconnect(row):
        if not dropped:
            dropped.append(row["t"])
            host.disconnect(0.5)
        if row.get("flags", 0) & 4:
            back.append(row["t"])
        return back and row["t"] > back[0] + 0.5

    try:
        done = stream_until(pressure_home, half_a_second_after_the_reconnect, "--port", host.url)
    finally:
        host.stop()
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    summary = summary_of(done.stderr)
    assert summary["reconnects"] == 1
    flagged = [r for r in rows if r.get("flags", 0) & 4]
    assert len(flagged) == 1 and flagged[0]["flags"] & 2
    assert rows[-1]["t"] > flagged[0]["t"] + 0.5  # it went on printing after the reconnect


def test_closed_stdout_and_sigterm_end_quietly(sim, pressure_home):
    url = sim("--rate", "200")
    env = {**ENV, "PRESSURE_HOME": str(pressure_home)}
    proc = subprocess.Popen([PY, "main.py", "stream", "--port", url], cwd=REPO, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = proc.stdout.readline()
    assert json.loads(first)["t"] == 0.0
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=10)
    assert proc.returncode == 0 and "Traceback" not in err
    assert summary_of(err)["printed"] >= 1

    proc = subprocess.Popen([PY, "main.py", "stream", "--port", url], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout.readline()
    proc.stdout.close()  # whoever read the stream went away
    _, err = proc.communicate(timeout=10)
    assert proc.returncode == 0 and b"Traceback" not in err


def test_unreachable_port_is_one_line_and_exit_1(tmp_path, pressure_home, capsys):
    from pressure.cli import main

    assert main(["stream", "--port", str(tmp_path / "ttyNOPE"), "--seconds", "1"]) == 1
    out, err = capsys.readouterr()
    assert err.strip().splitlines() == [
        f"pressure: error: cannot open {tmp_path / 'ttyNOPE'}: No such file or directory"]
    assert out == ""


@pytest.mark.parametrize("args,code,words", [
    ([], 2, "--port"),
    (["--port", "loop://", "--format", "csv"], 2, "invalid choice"),
    (["--port", "loop://", "--poll-rate", "5"], 1, "--poll-rate needs --poll"),
    (["--port", "loop://", "--poll", "?\\r", "--poll-rate", "0"], 1, "--poll-rate must be"),
    (["--port", "loop://", "--poll", "?\\q"], 1, "unknown escape"),
    (["--port", "loop://", "--poll-rate", "fast"], 2, "not a number"),
    (["--port", "loop://", "--seconds", "-1"], 1, "--seconds must be"),
    (["--port", "loop://", "--unit", "kPa"], 1, "--area"),
    (["--port", "loop://", "--unit", "furlong"], 1, "unknown unit"),
    (["--port", "loop://", "--input-unit", "kPa"], 1, "not a force unit"),
    (["--port", "loop://", "--format", "number", "--field", "force"], 1, "--field only applies"),
    (["--port", "loop://", "--baud", "0"], 1, "--baud"),
    (["--port", "socket://127.0.0.1:1"], 1, "cannot open socket://127.0.0.1:1: Connection refused"),
    (["--port", "nosuch://x"], 1, "cannot open nosuch://x"),
])
def test_bad_arguments_say_one_clear_thing(capsys, args, code, words):
    try:
        result = main(["stream", *args])
    except SystemExit as exc:  # argparse
        result = exc.code
    err = capsys.readouterr().err
    assert result == code
    assert words in err and "Traceback" not in err
    assert err.strip().splitlines()[-1].startswith(("pressure: error:", "pressure stream: error:"))


def test_ports_lists_as_table_and_json(capsys):
    assert main(["ports", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert isinstance(listed, list)
    assert all({"device", "vid_pid", "likely_sensor"} <= set(p) for p in listed)
    assert main(["ports"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("DEVICE") or out.startswith("no serial ports")
