"""The simulator served like hardware: a real pty and a TCP port, read through pyserial."""

from __future__ import annotations

import functools
import operator
import os
import re
import socket
import threading
import time

import pytest
import serial

from firmware_sim import Firmware, SimHost, start_builtin_simulator
from firmware_sim.host import default_transport
from pressure.errors import PressureError

SAMPLE = re.compile(rb"S(\d+),(\d+),(-?\d+)\*([0-9A-Fa-f]{2})\r\n")
needs_pty = pytest.mark.skipif(default_transport() != "pty", reason="pseudo-terminals need POSIX")
TRANSPORTS = [pytest.param("pty", marks=needs_pty), "tcp"]


def wait_until(condition, timeout=5.0, what="condition"):
    """Poll ``condition`` until it is true or the deadline passes (then fail)."""
    deadline = time.monotonic() + timeout
    tick = threading.Event()
    while time.monotonic() < deadline:
        if condition():
            return
        tick.wait(0.005)
    pytest.fail(f"timed out waiting for {what}")


def read_until(port, predicate, timeout=5.0) -> bytes:
    """Read from ``port`` until ``predicate(bytes so far)`` holds; fail at the deadline."""
    buf = bytearray()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        buf += port.read(4096)  # returns at the port timeout (0.05 s) with what has arrived
        if predicate(bytes(buf)):
            return bytes(buf)
    pytest.fail(f"timed out; read {len(buf)} bytes: {bytes(buf[-200:])!r}")


def good_samples(data: bytes) -> list[tuple[int, int, int]]:
    out = []
    for m in SAMPLE.finditer(data):
        line = m.group(0)
        if functools.reduce(operator.xor, line[: line.rindex(b"*")], 0) == int(m.group(4), 16):
            out.append((int(m.group(1)), int(m.group(2)), int(m.group(3))))
    return out


def count_samples(n):
    return lambda buf: len(good_samples(buf)) >= n


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_serves_checksummed_samples_and_answers_commands(transport):
    with SimHost(Firmware(rate=500, seed=1), transport=transport) as host:
        if transport == "pty":
            assert os.path.islink(host.url)
            assert os.path.realpath(host.url).startswith("/dev/")
        else:
            assert re.fullmatch(r"socket://127\.0\.0\.1:\d+", host.url)
        port = serial.serial_for_url(host.url, timeout=0.05)
        try:
            data = read_until(port, count_samples(200))
            seqs = [s for s, _, _ in good_samples(data)]
            assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))  # none lost, in order
            port.write(b"ID?\r\n")
            data = read_until(port, lambda b: re.search(rb"#ID [^\r]*\r\n", b) is not None)
            assert b"serial=SIM00001" in data and b"rate=500" in data
            port.write(b"RATE 1000\n")
            data = read_until(port, lambda b: b"#OK RATE 1000\r\n" in b)
            after = data.split(b"#OK RATE 1000\r\n", 1)[1]
            more = read_until(port, lambda b: len(good_samples(after + b)) >= 20)
            us = [u for _, u, _ in good_samples(after + more)]
            assert all(b - a == 1000 for a, b in zip(us, us[1:]))
        finally:
            port.close()
        assert host.bytes_sent > 0
    assert not host.running


@needs_pty
def test_pty_is_raw_bytes_pass_unchanged():
    fw = Firmware(fmt="gauge", rate=100)  # '\r' line endings: a cooked tty would turn them into '\n'
    with SimHost(fw, transport="pty") as host:
        fd = os.open(host.url, os.O_RDONLY | os.O_NOCTTY)
        try:
            buf = b""
            deadline = time.monotonic() + 5
            while buf.count(b"\r") < 20 and time.monotonic() < deadline:
                buf += os.read(fd, 4096)
        finally:
            os.close(fd)
    assert buf.count(b"\r") >= 20 and b"\n" not in buf


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_disconnect_removes_the_port_and_it_comes_back_at_the_same_url(transport):
    with SimHost(Firmware(rate=200, seed=2), transport=transport) as host:
        url = host.url
        port = serial.serial_for_url(url, timeout=0.05)
        before = good_samples(read_until(port, count_samples(20)))
        host.disconnect(0.5)
        if transport == "pty":
            assert not os.path.lexists(url)
        else:
            with pytest.raises(OSError):
                socket.create_connection(("127.0.0.1", int(url.rsplit(":", 1)[1])), timeout=1).close()
        # the open port dies, as a USB port does when the cable is pulled
        with pytest.raises(serial.SerialException):
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                port.read(4096)
        port.close()
        wait_until(lambda: host.connected, what="the port to come back")
        assert host.url == url
        port = serial.serial_for_url(url, timeout=0.05)
        try:
            after = good_samples(read_until(port, count_samples(20)))
        finally:
            port.close()
        assert after[0][0] > before[-1][0] + 50  # ~0.5 s of samples were lost meanwhile
        assert host.fw.stats["disconnects"] == 1
        assert host.fw.stats["lost_samples"] >= 50


def test_scheduled_disconnect_from_the_fault_plan():
    with SimHost(Firmware(rate=100, faults="disconnect=0.2:0.3"), transport="tcp") as host:
        wait_until(lambda: host.fw.stats["disconnects"] == 1, what="the disconnect")
        wait_until(lambda: host.connected, what="the reconnect")
        port = serial.serial_for_url(host.url, timeout=0.05)
        try:
            assert good_samples(read_until(port, count_samples(5)))
        finally:
            port.close()


def test_restart_device_is_seen_by_the_reader():
    with SimHost(Firmware(rate=200), transport="tcp") as host:
        port = serial.serial_for_url(host.url, timeout=0.05)
        try:
            read_until(port, count_samples(20))
            host.restart_device()
            data = read_until(port, lambda b: b"#BOOT" in b and count_samples(3)(b.split(b"#BOOT")[-1]))
            assert good_samples(data.split(b"#BOOT")[-1])[0][0] == 0
        finally:
            port.close()


def test_send_log_records_each_sample_line():
    with SimHost(Firmware(rate=1000), transport="tcp", record_send_times=True) as host:
        port = int(host.url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=5):  # lines only go out to a client
            wait_until(lambda: len(host.send_log) >= 1000, what="1000 logged lines")
        log = list(host.send_log)[:1000]
    seqs = [s for s, _ in log]
    times = [t for _, t in log]
    assert seqs == list(range(seqs[0], seqs[0] + 1000))
    assert all(b >= a for a, b in zip(times, times[1:]))
    # lines go out spread over time, not all at once: 1000 lines at 1000/s take ~1 s
    assert times[-1] - times[0] > 0.5


def test_a_full_send_log_keeps_its_first_lines():
    """A benchmark measures early in a run: a long run must not push those lines out."""
    with SimHost(Firmware(rate=1000), transport="tcp", record_send_times=True, send_log_size=50) as host:
        port = int(host.url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            wait_until(lambda: host.bytes_sent > 200 * 20, what="a few hundred lines sent")
        log = list(host.send_log)
        next_seq = host.fw.seq
    assert 50 <= len(log) < 60  # full (the last batch may go a line or two over)
    seqs = [s for s, _ in log]
    assert seqs == list(range(seqs[0], seqs[0] + len(log)))
    assert seqs[-1] < next_seq - 100  # the first lines sent, not the newest


@needs_pty
def test_a_reader_that_stops_reading_fills_the_buffer_then_bytes_are_dropped():
    with SimHost(Firmware(rate=10000, fmt="plotter"), transport="pty") as host:
        fd = os.open(host.url, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)  # open, never read
        try:
            wait_until(lambda: host.bytes_sent > 0, what="the host to see the reader")
            wait_until(lambda: host.bytes_dropped > 0, timeout=20, what="a full pty buffer")
            samples_then = host.fw.stats["samples"]
            wait_until(lambda: host.fw.stats["samples"] > samples_then + 1000,
                       what="the device to keep running")
            assert host.running
        finally:
            os.close(fd)


@needs_pty
def test_a_closed_pty_keeps_no_old_lines_for_the_next_reader():
    with SimHost(Firmware(rate=200), transport="pty") as host:
        wait_until(lambda: host.fw.stats["samples"] >= 200, what="1 s of samples")
        assert host.bytes_sent == 0 and host.bytes_dropped > 0  # nobody had the port open
        seq_at_open = host.fw.seq
        port = serial.serial_for_url(host.url, timeout=0.05)
        try:
            first = good_samples(read_until(port, count_samples(5)))
        finally:
            port.close()
        assert first[0][0] >= seq_at_open  # what arrives is new, not a second old


def test_tcp_without_a_client_drops_bytes():
    with SimHost(Firmware(rate=1000), transport="tcp") as host:
        wait_until(lambda: host.bytes_dropped > 1000, what="dropped bytes")
        assert host.bytes_sent == 0


def test_start_builtin_simulator_and_stop_clean_up():
    host = start_builtin_simulator(rate=100)
    try:
        assert host.running and host.fw.profile == "ischemic"
        port = serial.serial_for_url(host.url, timeout=0.05)
        try:
            assert good_samples(read_until(port, count_samples(3)))
        finally:
            port.close()
    finally:
        host.stop()
    assert not host.running
    if host.transport == "pty":
        assert not os.path.lexists(host.url)
        assert not os.path.exists(os.path.dirname(host.url))


def test_a_taken_tcp_port_is_a_clear_error():
    with socket.create_server(("127.0.0.1", 0)) as taken:
        with pytest.raises(PressureError, match="TCP port"):
            SimHost(Firmware(), transport="tcp", tcp_port=taken.getsockname()[1]).start()


def test_bad_host_settings_are_pressure_errors():
    with pytest.raises(PressureError):
        SimHost(Firmware(), transport="usb")
    with pytest.raises(PressureError):
        SimHost(Firmware(), transport="tcp", tcp_port=70000)
    host = SimHost(Firmware(), transport="tcp")
    with pytest.raises(PressureError):
        host.disconnect(1.0)  # not running
    with host:
        with pytest.raises(PressureError):
            host.disconnect(0)
