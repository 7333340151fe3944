"""A pseudo-terminal whose 'device' streamed while nobody read: the pty is full and more old
lines wait in the device's own buffer (as simavr's uart_pty or a USB serial chip keep them),
following the moment the port is opened and flushed. For the late-connection tests."""

from __future__ import annotations

import array
import fcntl
import os
import termios
import threading
import tty

import numpy as np
import pytest

from firmware_sim.encoders import encode_pressure

CPN = 8560.0
RATE = 100


def lines(first_seq: int, first_us: int, n: int, newtons: float) -> bytes:
    seq = np.arange(first_seq, first_seq + n)
    us = first_us + np.arange(n) * (1_000_000 // RATE)
    return b"".join(encode_pressure(seq, us, np.full(n, round(newtons * CPN), dtype=np.int64)))


def fill_with_backlog(master: int, path: str, newtons: float = 29.7, n: int = 1000) -> threading.Thread:
    """Write ``n`` old lines at ``newtons`` from a thread until the pty is full and the rest
    waits; returns the thread (it ends once a reader has taken or thrown away the rest)."""
    old = threading.Thread(target=os.write, args=(master, lines(0, 0, n, newtons)), daemon=True)
    old.start()
    slave = os.open(path, os.O_RDONLY | os.O_NOCTTY | os.O_NONBLOCK)
    try:
        waiting = array.array("i", [0])
        while waiting[0] < 4000 and old.is_alive():  # until the pty is full and the writer waits
            fcntl.ioctl(slave, termios.FIONREAD, waiting)
            old.join(0.01)
    finally:
        os.close(slave)
    assert old.is_alive(), "the pty took the whole backlog: nothing waits in the 'device'"
    return old


@pytest.fixture
def pty_device():
    """(master fd, path) of a raw pseudo-terminal: the test writes the device's side."""
    master, slave = os.openpty()
    tty.setraw(slave)
    yield master, os.ttyname(slave)
    for fd in (master, slave):
        os.close(fd)
