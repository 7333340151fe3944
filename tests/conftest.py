"""Shared test setup: headless Qt, a private PRESSURE_HOME per test, opt-in hardware tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parent.parent
REFERENCE = REPO.parent / "shared" / "data" / "reference"


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
