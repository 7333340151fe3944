"""The built-in simulator in its own process: serves samples, stops with its parent's pipe."""

import pytest

from pressure.acquisition import Reader
from pressure.buffer import RingBuffer
from pressure.errors import PressureError
from pressure.ui.sim_process import SimProcess


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
