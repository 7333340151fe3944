"""The training commands through the real entry point: exit codes, messages, no tracebacks."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from pressure.recording import RecordingWriter
from pressure.routine import BUILTIN_ROUTINES
from pressure.samples import Block

MAIN = Path(__file__).resolve().parent.parent / "main.py"


def subprocess_cli(*args, home):
    """The real entry point in a child process (slow to start: used sparingly)."""
    env = {**os.environ, "PRESSURE_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    r = subprocess.run([sys.executable, str(MAIN), *map(str, args)], capture_output=True, text=True,
                       env=env, timeout=60)
    assert "Traceback" not in r.stderr, r.stderr
    return r


@pytest.fixture
def cli(capsys):
    """``pressure.cli.main`` in this process (PRESSURE_HOME is already private per test)."""
    from pressure.cli import main

    def run(*args, home=None):
        code = main([str(a) for a in args])
        out, err = capsys.readouterr()
        assert "Traceback" not in err, err
        return subprocess.CompletedProcess(args, code, out, err)

    return run


@pytest.fixture
def session(tmp_path):
    t = np.arange(0.0, 40.0, 1 / 200.0)
    y = np.where(t < 3.0, 10.0 * t, np.where(t < 30.0, 30.0 + 0.4 * np.sin(2 * np.pi * t / 3), 0.0))
    path = tmp_path / "s.pressure"
    with RecordingWriter(path, {"routine": BUILTIN_ROUTINES["steady"].to_dict()}) as w:
        w.append(Block.make(t, y, y))
    return path


def test_report_store_progress_and_reference(tmp_path, session, pressure_home, cli):
    assert cli("trainees", "add", "Ann", home=pressure_home).returncode == 0
    out = tmp_path / "r.html"
    r = subprocess_cli("report", session, "--html", out, "--trainee", "Ann", "--store", home=pressure_home)
    assert r.returncode == 0, r.stderr
    assert "<svg" in out.read_text()
    again = cli("report", session, "--html", out, home=pressure_home)
    assert again.returncode == 1 and "--force" in again.stderr
    assert cli("report", session, "--html", out, "--force", home=pressure_home).returncode == 0
    p = cli("progress", "--trainee", "ann", "--json", home=pressure_home)
    data = json.loads(p.stdout)
    assert len(data["attempts"]) == 1
    # one steady hold of the routine's five: a fifth of a good hold's score, not "near perfect"
    assert 15 < data["attempts"][0]["score"] <= 20
    text = cli("progress", "--trainee", "Ann", "--routine", "steady", home=pressure_home)
    assert "Ann: 1 attempt\n" in text.stdout  # singular
    assert re.search(r" 1 attempt +since", cli("trainees", "list", home=pressure_home).stdout)
    refused = cli("reference", "set", session, home=pressure_home)  # one hold of five: not a reference
    assert refused.returncode == 1 and "not a good reference" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    ref = cli("reference", "set", session, "--force", home=pressure_home)
    assert ref.returncode == 0, ref.stderr
    shown = cli("reference", "show", "--routine", "steady", home=pressure_home)
    assert shown.returncode == 0 and "s.pressure" in shown.stdout
    j = json.loads(cli("report", session, "--json", home=pressure_home).stdout)
    assert j["steps"][1]["time_in_band_pct"] > 90 and "score" in j


def test_bad_inputs_give_one_clear_line_and_exit_1(tmp_path, session, pressure_home, cli):
    plain = tmp_path / "plain.pressure"
    with RecordingWriter(plain, {}) as w:
        w.append(Block.make([0.0, 0.1], [0.0, 0.0], [0.0, 0.0]))
    cases = [
        (("report", tmp_path / "missing.pressure"), "no such file"),
        (("report", plain), "has no routine"),
        (("report", plain, "--target", "30", "--hold", "5"), "never reached"),
        (("report", session, "--html", session, "--force"), "is a recording"),
        (("report", session, "--store"), "--store needs --trainee"),
        (("progress", "--trainee", "Nobody"), "no trainees yet"),
        (("trainees", "add", " "), "must not be empty"),
        (("reference", "show", "--routine", "ischemic"), "no reference set"),
    ]
    for i, (args, message) in enumerate(cases):
        r = (subprocess_cli if i == 1 else cli)(*args, home=pressure_home)
        assert r.returncode == 1, (args, r.stdout, r.stderr)
        assert message in r.stderr, (args, r.stderr)
    cli("trainees", "add", "Ann", home=pressure_home)
    r = cli("progress", "--trainee", "Ann", home=pressure_home)
    assert r.returncode == 0 and "no stored attempts" in r.stdout
