"""Simulator <-> reader end to end, in real time, over a pty and over TCP.

The simulator (firmware_sim) encodes independently of pressure/wire.py, so agreement here means
something. These tests cover what only real timing shows: the '#ID' conversation and the
calibration it brings, disconnects and reconnects, restarts, polling, bursts, TARE.
"""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from firmware_sim import Firmware, SimHost
from pressure.acquisition import Reader
from pressure.buffer import RingBuffer
from pressure.calibration import Calibration, CalibrationStore
from pressure.samples import FLAG_GAP_BEFORE, FLAG_RECONNECT, FLAG_RESTART


def wait_until(predicate, timeout=10.0, buffer=None):
    end = time.monotonic() + timeout
    idle = threading.Event()
    while not predicate():
        if time.monotonic() > end:
            return False
        if buffer is not None:
            buffer.wait(buffer.total, 0.02)
        else:
            idle.wait(0.01)
    return True


@pytest.fixture
def link():
    """link(firmware, transport="pty", **reader_options) -> (host, reader, buffer); all stopped after."""
    started = []

    def make(fw, transport="pty", **options):
        host = SimHost(fw, transport=transport)
        url = host.start()
        buffer = RingBuffer(1 << 18)
        reader = Reader(url, buffer, **options)
        started.append((host, reader))
        reader.start()
        return host, reader, buffer

    yield make
    for host, reader in started:
        reader.stop()
        assert reader.join(2.0)
        host.stop()


FORMATS = [("pressure", {}), ("number", {}), ("plotter", {}), ("hx711", {}), ("gauge", {"unit": "lbf"})]


@pytest.mark.parametrize("fmt,opts", FORMATS, ids=[f for f, _ in FORMATS])
def test_every_format_over_a_pty_with_auto_detection(link, fmt, opts):
    fw = Firmware(profile="idle", fmt=fmt, rate=250, seed=2, **opts)
    host, reader, buffer = link(fw)
    assert wait_until(lambda: reader.stats().samples >= 150, buffer=buffer), reader.stats()
    stats = reader.stats()
    assert stats.format == fmt and stats.bad_lines == 0 and stats.state == "streaming"
    assert stats.calibrated
    block, _, _ = buffer.read_since(0)
    # nothing pressed: ~0 N whatever the format and unit (raw counts would be ~8400)
    assert abs(np.median(block.force_n)) < 0.1
    assert np.all(np.diff(block.t) > 0)
    if fmt == "pressure":
        assert stats.sensor_id == fw.serial and stats.calibration_source == "device"
        assert stats.device_info["model"] == "pressure-sim"
        assert abs(np.median(block.raw) - fw.offset) < 50
    assert 150 < stats.rate_hz < 400


def test_own_protocol_over_tcp(link):
    fw = Firmware(profile="idle", rate=1000, seed=4)
    host, reader, buffer = link(fw, transport="tcp")
    assert host.url.startswith("socket://")
    assert wait_until(lambda: reader.stats().samples >= 500, buffer=buffer)
    stats = reader.stats()
    assert stats.lost_samples == 0 and stats.bad_lines == 0 and stats.calibrated
    block, _, _ = buffer.read_since(0)
    np.testing.assert_allclose(np.diff(block.t), 1e-3, atol=2e-6)


@pytest.mark.parametrize("transport", ["pty", "tcp"])
def test_disconnect_is_reported_retried_and_marked(link, transport):
    fw = Firmware(profile="idle", rate=500, faults="disconnect=0.4:0.5")
    states = []
    host, reader, buffer = link(fw, transport=transport)
    losses = []
    reader.add_status_listener(lambda s: states.append(s.state))
    reader.add_status_listener(lambda s: losses.append(s.disconnected_at) if s.state == "disconnected" else None)
    assert wait_until(lambda: reader.stats().reconnects == 1, timeout=15), reader.stats()
    settled = reader.stats().samples
    assert wait_until(lambda: reader.stats().samples > settled + 100, buffer=buffer)
    assert "disconnected" in states and states[-1] == "streaming"
    block, _, _ = buffer.read_since(0)
    marked = np.flatnonzero(block.flags & FLAG_RECONNECT)
    assert len(marked) == 1 and block.flags[marked[0]] & FLAG_GAP_BEFORE
    i = marked[0]
    assert block.t[i] - block.t[i - 1] > 0.3  # the gap shows on the time base ...
    assert np.all(np.diff(block.t) > 0)       # ... which never goes back
    assert reader.stats().gaps >= 1
    # the loss, on the session time base: after the last sample before it, before the first after
    assert reader.stats().disconnects == 1 and reader.stats().disconnected_at is None
    assert losses and block.t[i - 1] <= losses[0] <= block.t[i]


def test_restart_in_real_time(link):
    fw = Firmware(profile="idle", rate=500)
    host, reader, buffer = link(fw)
    assert wait_until(lambda: reader.stats().samples >= 100, buffer=buffer)
    host.restart_device()
    assert wait_until(lambda: reader.stats().restarts == 1, buffer=buffer), reader.stats()
    assert wait_until(lambda: reader.stats().samples >= 300, buffer=buffer)
    block, _, _ = buffer.read_since(0)
    assert len(np.flatnonzero(block.flags & FLAG_RESTART)) == 1
    assert np.all(np.diff(block.t) > 0)
    assert reader.stats().calibration_source == "device"  # asked again after #BOOT


def test_polled_gauge_answers_only_when_asked(link):
    fw = Firmware(profile="idle", fmt="gauge", poll=True)
    host, reader, buffer = link(fw, fmt="gauge", poll=b"?\r", poll_rate=50.0)
    assert wait_until(lambda: reader.stats().samples >= 25, buffer=buffer), reader.stats()
    assert fw.stats["polls"] >= 25
    assert 20 < reader.stats().rate_hz < 80


def test_bursts_are_spread_on_an_even_time_base(link):
    fw = Firmware(profile="idle", fmt="number", rate=500, faults="burst=0.05:0.04")
    host, reader, buffer = link(fw, fmt="number")
    assert wait_until(lambda: reader.stats().samples >= 1000, buffer=buffer)
    t = buffer.read_since(0)[0].t
    assert fw.stats["bursts"] > 10
    assert len(np.unique(t)) == len(t) and np.all(np.diff(t) > 0)
    assert abs(np.median(np.diff(t[300:])) - 0.002) < 0.0004


def test_tare_on_the_device_keeps_force_right(link):
    fw = Firmware(profile="idle", rate=500)
    host, reader, buffer = link(fw)
    assert wait_until(lambda: reader.stats().calibration_source == "device", buffer=buffer)
    reader.send("TARE")
    assert wait_until(lambda: (reader.stats().last_message or "").startswith("OK TARE"), buffer=buffer)
    cursor = buffer.total
    assert wait_until(lambda: buffer.total > cursor + 100, buffer=buffer)
    block, _, _ = buffer.read_since(cursor + 20)
    assert abs(np.median(block.raw)) < 50        # the device subtracts its tare now ...
    assert abs(np.median(block.force_n)) < 0.05  # ... and force is still ~0 N, not -1 N


def test_a_stored_calibration_wins_over_the_device(link):
    CalibrationStore().save(Calibration(sensor_id="SIM00077", zero=8400.0, scale=2.0 / 8560.0))
    fw = Firmware(profile="idle", rate=500, serial="SIM00077", target_n=10.0)
    host, reader, buffer = link(fw)
    assert wait_until(lambda: reader.stats().samples >= 100, buffer=buffer)
    assert reader.stats().calibration_source == "store"
    assert reader.calibration.scale == pytest.approx(2.0 / 8560.0)


@pytest.mark.hardware
def test_a_real_sensor_streams(request):
    """Opt-in: ``pytest --sensor-port /dev/ttyUSB0`` with a sensor attached."""
    buffer = RingBuffer(1 << 16)
    reader = Reader(request.config.getoption("--sensor-port"), buffer)
    reader.start()
    try:
        assert wait_until(lambda: reader.stats().samples >= 20, timeout=15, buffer=buffer), reader.stats()
        stats = reader.stats()
        assert stats.format != "auto" and stats.bad_lines <= 2
        block, _, _ = buffer.read_since(0)
        assert np.isfinite(block.force_n).all() and np.all(np.diff(block.t) > 0)
    finally:
        reader.stop()
        reader.join(2.0)
