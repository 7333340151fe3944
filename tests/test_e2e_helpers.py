"""Shared helpers of the end-to-end tests (``tests/test_e2e_*.py``): run ``python main.py`` as a
user would, in a subprocess, with a private PRESSURE_HOME, and never accept a traceback."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path


from tests.conftest import REPO

PY = sys.executable


def env_for(home: Path) -> dict:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONUNBUFFERED": "1",
            "PRESSURE_HOME": str(home)}


def run(home: Path, *args, cwd: Path | None = None, timeout: float = 60,
        **kwargs) -> subprocess.CompletedProcess:
    """``python main.py ARGS`` -> the finished process; fails on a traceback in stderr."""
    done = subprocess.run([PY, str(REPO / "main.py"), *map(str, args)], cwd=cwd or REPO,
                          env=env_for(home), text=True, capture_output=True, timeout=timeout,
                          **kwargs)
    assert "Traceback" not in done.stderr, done.stderr
    return done


def ok(home: Path, *args, **kwargs) -> subprocess.CompletedProcess:
    done = run(home, *args, **kwargs)
    assert done.returncode == 0, done.stderr
    return done


def refused(home: Path, *args, **kwargs) -> str:
    """The command must fail with a clear ``pressure...: error:`` line (no traceback)."""
    done = run(home, *args, **kwargs)
    assert done.returncode != 0, (done.stdout, done.stderr)
    errors = [line for line in done.stderr.splitlines() if "error" in line]
    assert errors, done.stderr
    return errors[-1]


def summary_of(stderr: str) -> dict:
    lines = [line for line in stderr.splitlines() if line.startswith("{")]
    assert lines, stderr
    return json.loads(lines[-1])


def rows_of(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
