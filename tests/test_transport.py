"""Transport: opening URLs (and failing clearly), chunked reads over a pty and TCP, port listing."""

from __future__ import annotations

import os
import socket
import threading
import time
import tty
from types import SimpleNamespace

import pytest

from pressure import transport
from pressure.errors import PressureError


def deadline(seconds):
    end = time.monotonic() + seconds
    return lambda: time.monotonic() < end


@pytest.fixture
def pty_pair():
    master, slave = os.openpty()
    tty.setraw(master)
    tty.setraw(slave)
    path = os.ttyname(slave)
    yield master, path
    for fd in (master, slave):
        try:
            os.close(fd)
        except OSError:
            pass


def read_all(port, want, seconds=5.0):
    got, calls = b"", 0
    alive = deadline(seconds)
    while len(got) < want and alive():
        chunk = transport.read_chunk(port)
        if chunk:
            calls += 1
            got += chunk
    return got, calls


# -- listing -----------------------------------------------------------------------------------

def fake_port(device, vid=None, pid=None, description="n/a", manufacturer=None, product=None, serial=None):
    return SimpleNamespace(device=device, vid=vid, pid=pid, description=description,
                           manufacturer=manufacturer, product=product, serial_number=serial)


def test_likely_sensors_are_listed_first(monkeypatch):
    ports = [
        fake_port("/dev/ttyS0"),
        fake_port("/dev/ttyUSB1", 0x1234, 0x0001, "Some modem"),
        fake_port("/dev/ttyACM0", 0x2341, 0x0043, "Arduino Uno", serial="7593"),
        fake_port("/dev/ttyUSB0", 0x1A86, 0x7523, "USB Serial"),
        fake_port("/dev/ttyUSB2", 0x0403, 0x6001, "USB <-> Serial", manufacturer="Mark-10 Corp"),
    ]
    monkeypatch.setattr("pressure.transport.serial.tools.list_ports.comports", lambda: ports)
    listed = transport.list_ports()
    assert [p.device for p in listed][:3] == ["/dev/ttyACM0", "/dev/ttyUSB0", "/dev/ttyUSB2"]
    assert [p.likely_sensor for p in listed] == [True, True, True, False, False]
    by_dev = {p.device: p for p in listed}
    assert by_dev["/dev/ttyACM0"].kind == "Arduino" and by_dev["/dev/ttyACM0"].serial_number == "7593"
    assert by_dev["/dev/ttyUSB2"].kind == "force gauge"
    assert by_dev["/dev/ttyUSB0"].vid_pid == "1A86:7523"
    assert by_dev["/dev/ttyS0"].vid_pid == "" and by_dev["/dev/ttyS0"].description == ""
    assert by_dev["/dev/ttyUSB0"].to_dict()["vid_pid"] == "1A86:7523"


@pytest.mark.parametrize("vid,pid,likely", [
    (0x2341, 0x8036, True),   # any Arduino product
    (0x10C4, 0xEA60, True),   # CP210x
    (0x0403, 0x6015, True),   # FTDI FT-X
    (0x10C4, 0x0001, False),  # Silicon Labs, but not a UART bridge
    (None, None, False),
])
def test_classify_by_usb_ids(vid, pid, likely):
    assert transport.classify(vid, pid)[0] is likely


# -- opening -----------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["/dev/does-not-exist-pressure", "nosuchscheme://x", "socket://127.0.0.1:1", ""])
def test_unreachable_ports_raise_a_port_error_with_the_url(url):
    with pytest.raises(transport.PortError) as info:
        transport.open_port(url)
    assert isinstance(info.value, PressureError)
    message = str(info.value)
    assert "\n" not in message
    assert (f"cannot open {url}:" in message) if url else "no port given" in message


def test_port_errors_are_told_apart_from_bugs():
    assert transport.is_port_gone(OSError(5, "Input/output error"))
    assert not transport.is_port_gone(ValueError("bug"))


# -- reading -----------------------------------------------------------------------------------

def test_pty_read_takes_whole_chunks(pty_pair):
    master, path = pty_pair
    port = transport.open_port(path)
    try:
        payload = b"".join(b"S%d,%d,%d*00\r\n" % (i, i * 1000, -i) for i in range(2000))
        os.write(master, payload[:4000])
        got, calls = read_all(port, 4000)
        assert got == payload[:4000]
        assert calls < 10  # whole chunks, not one byte per call
    finally:
        port.close()


def test_pty_write_reaches_the_device(pty_pair):
    master, path = pty_pair
    port = transport.open_port(path)
    try:
        transport.write(port, b"ID?\n")
        got = b""
        alive = deadline(5)
        while not got.endswith(b"\n") and alive():
            got += os.read(master, 100)
        assert got == b"ID?\n"
    finally:
        port.close()


def test_closed_pty_is_reported_as_a_vanished_port(pty_pair):
    master, path = pty_pair
    port = transport.open_port(path)
    os.close(master)
    with pytest.raises(Exception) as info:
        alive = deadline(5)
        while alive():
            transport.read_chunk(port)
    assert transport.is_port_gone(info.value)
    port.close()


def test_read_returns_empty_after_the_timeout_when_nothing_arrives(pty_pair):
    _, path = pty_pair
    port = transport.open_port(path, timeout=0.01)
    try:
        assert transport.read_chunk(port) == b""
    finally:
        port.close()


@pytest.fixture
def tcp_server():
    server = socket.create_server(("127.0.0.1", 0))
    accepted = {}
    ready = threading.Event()

    def accept():
        conn, _ = server.accept()
        accepted["conn"] = conn
        ready.set()

    threading.Thread(target=accept, daemon=True).start()
    yield server.getsockname()[1], accepted, ready
    server.close()
    if "conn" in accepted:
        accepted["conn"].close()


def test_socket_read_takes_whole_chunks_and_sees_the_reset(tcp_server):
    tcp_port, accepted, ready = tcp_server
    port = transport.open_port(f"socket://127.0.0.1:{tcp_port}")
    try:
        assert ready.wait(5)
        payload = bytes(range(256)) * 40
        accepted["conn"].sendall(payload)
        got, calls = read_all(port, len(payload))
        assert got == payload
        assert calls < 20  # a socket reports in_waiting as 0/1: must still not go byte by byte
        accepted["conn"].close()
        with pytest.raises(Exception) as info:
            alive = deadline(5)
            while alive():
                transport.read_chunk(port)
        assert transport.is_port_gone(info.value)
    finally:
        port.close()


def test_loop_url_round_trip():
    port = transport.open_port("loop://")
    try:
        transport.write(port, b"12.5\n13.0\n")
        got, _ = read_all(port, 10)
        assert got == b"12.5\n13.0\n"
    finally:
        port.close()


def test_spy_url_reads_through_pyserial_and_logs(pty_pair, capsys):
    master, path = pty_pair
    port = transport.open_port(f"spy://{path}")  # spy logs to stderr (its file= option leaks the file)
    try:
        os.write(master, b"12.5\n" * 100)
        got, _ = read_all(port, 500)
        assert got == b"12.5\n" * 100
    finally:
        port.close()
    assert "12.5" in capsys.readouterr().err  # spy's own read() ran: not bypassed
