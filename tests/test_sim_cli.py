"""``python main.py sim``: prints where the sensor is first, serves it, stops cleanly."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time

import pytest
import serial

from firmware_sim.host import default_transport

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def start_sim(*args):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONUNBUFFERED="1")
    return subprocess.Popen([sys.executable, "main.py", "sim", *args], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def first_line(proc, timeout=20.0) -> str:
    """The first stdout line, waited for on a thread so a hang fails instead of blocking."""
    got: list[bytes] = []
    done = threading.Event()

    def read():
        got.append(proc.stdout.readline())
        done.set()

    threading.Thread(target=read, daemon=True).start()
    if not done.wait(timeout):
        proc.kill()
        pytest.fail("sim printed no URL in time")
    return got[0].decode().strip()


def read_until(port, predicate, timeout=10.0) -> bytes:
    buf = bytearray()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        buf += port.read(4096)
        if predicate(bytes(buf)):
            return bytes(buf)
    pytest.fail(f"timed out; read {bytes(buf[-200:])!r}")


def stop(proc, sig=signal.SIGINT) -> tuple[int, str]:
    proc.send_signal(sig)
    try:
        _, err = proc.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail("sim did not stop on a signal")
    return proc.returncode, err.decode()


@pytest.mark.parametrize("transport,sig", [
    pytest.param("pty", signal.SIGINT, marks=pytest.mark.skipif(default_transport() != "pty", reason="POSIX")),
    ("tcp", signal.SIGTERM),
])
def test_sim_prints_its_url_first_serves_and_stops_cleanly(transport, sig):
    args = ["--rate", "100", "--profile", "steady", "--seed", "5"]
    proc = start_sim(*args, *(["--tcp", "0"] if transport == "tcp" else []))
    try:
        url = first_line(proc)
        if transport == "tcp":
            assert re.fullmatch(r"socket://127\.0\.0\.1:\d+", url)
        else:
            assert os.path.islink(url)
        port = serial.serial_for_url(url, timeout=0.05)
        try:
            data = read_until(port, lambda b: len(re.findall(rb"S\d+,\d+,-?\d+\*[0-9A-F]{2}\r\n", b)) >= 10)
            assert data
        finally:
            port.close()
    finally:
        code, err = stop(proc, sig)
    assert code == 0, err
    assert "Traceback" not in err
    assert "simulator stats" in err
    if transport == "pty":
        assert not os.path.lexists(url)


def test_polled_gauge_over_tcp_answers_a_request():
    proc = start_sim("--format", "gauge", "--poll", "--unit", "lbf", "--tcp", "0")
    try:
        port = serial.serial_for_url(first_line(proc), timeout=0.05)
        try:
            port.write(b"?\r")
            data = read_until(port, lambda b: b.endswith(b"\r"))
            assert re.fullmatch(rb"[+-]\d+\.\d\d lbF\r", data)
        finally:
            port.close()
    finally:
        code, err = stop(proc)
    assert code == 0, err


@pytest.mark.parametrize("args,message", [
    (["--faults", "cut=2"], "probability"),
    (["--faults", "wobble=1"], "unknown fault"),
    (["--poll"], "gauge"),
    (["--rate", "-5"], "rate"),
])
def test_bad_options_are_one_clear_line(args, message, capsys):
    from pressure.cli import main

    assert main(["sim", *args]) == 1  # refused before any port exists: in-process is enough
    out, err = capsys.readouterr()
    assert err.startswith("pressure: error:") and message in err
    assert out == ""


def test_help_documents_the_fault_language():
    from pressure.cli import build_parser

    parser = build_parser()
    sub = parser._subparsers._group_actions[0].choices["sim"]  # type: ignore[union-attr]
    text = sub.format_help()
    for word in ("garbage", "drop", "cut", "checksum", "stall", "saturate", "disconnect", "restart",
                 "burst", "--tcp", "--poll"):
        assert word in text
