"""Waiting on a condition in tests (never on time): poll it, fail the test after a timeout."""

from __future__ import annotations

import threading
import time

import pytest


def wait_until(predicate, timeout: float, what: str = "condition"):
    """Poll ``predicate`` until it is true (and return its value); fail the test after
    ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    tick = threading.Event()
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"{what} not reached within {timeout:g} s")
        tick.wait(0.02)
