"""Shared test setup: headless Qt, a private PRESSURE_HOME per test, opt-in hardware tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parent.parent
# Copied unchanged from the project's shared reference folder, with their licences (tests/data/reference/README.md),
# so a clone of the project with nothing beside it passes its tests.
REFERENCE = REPO / "tests" / "data" / "reference"


def pytest_addoption(parser):
    parser.addoption("--sensor-port", default=None,
                     help="URL of a real force sensor for the hardware tests (skipped without it)")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--sensor-port"):
        return
    skip = pytest.mark.skip(reason="needs --sensor-port (a real sensor)")
    for item in items:
        if "hardware" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def pressure_home(tmp_path, monkeypatch) -> Path:
    """Every test gets its own data/config folder: nothing touches the user's real files."""
    home = tmp_path / "pressure-home"
    monkeypatch.setenv("PRESSURE_HOME", str(home))
    return home


@pytest.fixture
def reference_dir() -> Path:
    if not REFERENCE.is_dir():
        pytest.fail(f"reference data missing: {REFERENCE}")
    return REFERENCE


@pytest.fixture
def sim(pressure_home):
    """sim(*args) -> the URL printed by a ``python main.py sim`` subprocess (stopped after the
    test, which fails if the simulator printed a traceback)."""
    procs = []
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONUNBUFFERED": "1",
           "PRESSURE_HOME": str(pressure_home)}

    def start(*args):
        proc = subprocess.Popen([sys.executable, str(REPO / "main.py"), "sim", *map(str, args)],
                                cwd=REPO, env=env, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        procs.append(proc)
        url = proc.stdout.readline().strip()
        assert url, proc.stderr.read()
        return url

    yield start
    for proc in procs:
        proc.terminate()
        try:
            _, err = proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate()
        assert "Traceback" not in (err or ""), err


@pytest.fixture
def run_reader():
    """run_reader(url, buffer=None, **Reader options) -> (the started Reader, its RingBuffer);
    every reader started is stopped after the test, which fails if a reader thread hangs."""
    from pressure.acquisition import Reader
    from pressure.buffer import RingBuffer

    readers = []

    def start(url, buffer=None, **kwargs):
        buffer = buffer if buffer is not None else RingBuffer(1 << 18)
        reader = Reader(url, buffer, **kwargs)
        reader.start()
        readers.append(reader)
        # what a test's device sends from now on is live: the reader throws away what waited
        # in the port at connect (and what follows within its settle time)
        assert reader.wait_fresh(5.0), "the reader never connected"
        return reader, buffer

    yield start
    for r in readers:
        r.stop()
    for r in readers:
        assert r.join(5.0), "reader thread did not stop"
