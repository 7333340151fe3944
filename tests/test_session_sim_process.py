"""The built-in simulator in its own process: serves samples, stops with its parent's pipe."""

import pytest

from pressure.acquisition import Reader
from pressure.buffer import RingBuffer
from pressure.errors import PressureError
from pressure.session.sim_process import SimProcess


def test_child_serves_a_sensor_and_stops_when_the_pipe_closes():
    sim = SimProcess(profile="hold", rate=500, target_n=20.0, seed=3)
    try:
        buffer = RingBuffer(1 << 14)
        reader = Reader(sim.url, buffer, fmt="pressure")
        reader.start()
        try:
            assert buffer.wait(0, timeout=10.0)
            assert buffer.wait(200, timeout=10.0)  # streaming, not one stray line
        finally:
            reader.stop()
            reader.join(2.0)
    finally:
        sim.stop()
    assert sim._proc.returncode == 0  # it exited by itself on EOF, not killed


def test_bad_simulator_options_are_a_clear_error():
    with pytest.raises(PressureError, match="unknown fault"):
        SimProcess(profile="hold", rate=100, target_n=20.0, faults="bogus=1")


def test_child_writes_its_send_log_when_it_stops(tmp_path):
    """The GUI benchmark's arrival times: every line's sequence number and the moment it was
    written, on the clock this process reads too."""
    import time

    import numpy as np

    log_path = tmp_path / "sent.npy"
    sim = SimProcess(profile="hold", rate=500, target_n=20.0, seed=3, send_log=log_path)
    try:
        buffer = RingBuffer(1 << 14)
        reader = Reader(sim.url, buffer, fmt="pressure")
        began = time.monotonic()
        reader.start()
        try:
            assert buffer.wait(200, timeout=10.0)
        finally:
            reader.stop()
            reader.join(2.0)
        last_seq = reader.stats().last_seq
    finally:
        sim.stop()
    sent = np.load(log_path)
    assert sent.shape[1] == 2 and len(sent) >= 200
    seq, at = sent[:, 0], sent[:, 1]
    assert np.all(np.diff(seq) == 1)  # one entry per line, in order
    assert np.all(np.diff(at) >= 0)
    assert began - 1.0 < at[-1] < time.monotonic()  # the same clock as ours
    assert last_seq in set(seq.astype(int).tolist())  # the lines the reader saw are logged


def _serve(sim):
    buffer = RingBuffer(1 << 15)
    reader = Reader(sim.url, buffer, fmt="pressure")
    reader.start()
    return buffer, reader


def _wait_for_force(buffer, above_n: float, timeout: float) -> bool:
    import time

    deadline, cursor = time.monotonic() + timeout, 0
    while time.monotonic() < deadline:
        if not buffer.wait(cursor, timeout=1.0):
            continue
        block, cursor, _ = buffer.read_since(cursor)
        if len(block) and float(block.force_n.max()) > above_n:
            return True
    return False


def test_a_profile_line_on_stdin_switches_the_practitioner():
    """The window's routine change reaches the child: idle (0 N) until told, then the
    trapezoid's 40 N plateau. A line it does not understand is a warning, not the end."""
    sim = SimProcess(profile="idle", rate=500, target_n=20.0, seed=3)
    try:
        buffer, reader = _serve(sim)
        try:
            assert buffer.wait(500, timeout=10.0)
            assert float(abs(buffer.latest(500).force_n).max()) < 2.0  # nothing pressed
            sim._proc.stdin.write("profile\n")
            sim.switch_profile("trapezoid", target_n=40.0)
            assert _wait_for_force(buffer, 20.0, timeout=15.0)
        finally:
            reader.stop()
            reader.join(2.0)
    finally:
        sim.stop()
    assert sim._proc.returncode == 0
