"""Brokers for the classroom tests: a real mosquitto child process and the embedded amqtt one."""

from __future__ import annotations

import getpass
import os
import random
import shutil
import socket
import subprocess

import pytest

from pressure.classroom.broker import EmbeddedBroker, free_port
from waiting import wait_until  # noqa: F401 - the classroom tests import it from here

MOSQUITTO = shutil.which("mosquitto") or ("/usr/sbin/mosquitto" if os.path.exists("/usr/sbin/mosquitto") else None)


def restartable_port() -> int:
    """A free localhost port below the kernel's ephemeral range: a broker the test stops and starts
    again gets it back (in the ephemeral range, a client socket of a test running in parallel can
    take it while the broker is down)."""
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            low = int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return free_port()
    for _ in range(50):
        port = random.randrange(max(1024, low - 12000), low)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        return port
    return free_port()


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def need_mosquitto():
    if MOSQUITTO is None:
        if os.environ.get("CI"):
            pytest.fail("mosquitto is not installed, and CI must run the real-broker tests (.ci/run installs it)")
        pytest.skip("mosquitto is not installed (apt-get install mosquitto)")


class Mosquitto:
    """mosquitto from a config written here, on a free localhost port; restartable on that port."""

    def __init__(self, tmp_path, *, passwords: dict | None = None, tls: tuple | None = None, acl: str | None = None):
        self.port = restartable_port()
        # mosquitto started as root drops to the user named here (default: "mosquitto", who cannot
        # read the test's private temporary folder); as anyone else the line changes nothing.
        conf = [f"listener {self.port} 127.0.0.1", "persistence false", "log_dest stderr", "log_type error",
                f"user {getpass.getuser()}"]
        if passwords:
            pwfile = tmp_path / "passwd"
            pwfile.write_text("")
            for user, pw in passwords.items():
                subprocess.run([shutil.which("mosquitto_passwd") or "/usr/bin/mosquitto_passwd", "-b", str(pwfile), user, pw],
                               check=True, capture_output=True)
            conf += ["allow_anonymous false", f"password_file {pwfile}"]
        else:
            conf.append("allow_anonymous true")
        if acl:
            (tmp_path / "acl").write_text(acl)
            conf.append(f"acl_file {tmp_path / 'acl'}")
        if tls:
            conf += [f"certfile {tls[0]}", f"keyfile {tls[1]}"]
        self.conf = tmp_path / "mosquitto.conf"
        self.conf.write_text("\n".join(conf) + "\n")
        self.proc = None

    def start(self) -> "Mosquitto":
        self.proc = subprocess.Popen([MOSQUITTO, "-c", str(self.conf)], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True)
        wait_until(lambda: port_open(self.port) or self.proc.poll() is not None, 10, "mosquitto listening")
        if self.proc.poll() is not None:
            err = self.proc.stderr.read()
            self.proc.stderr.close()
            pytest.fail(f"mosquitto did not start: {err}")
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc is not None:
            self.proc.stderr.close()

    def url(self, room="room", scheme="mqtt", auth="") -> str:
        return f"{scheme}://{auth}127.0.0.1:{self.port}/{room}"


class Embedded:
    """The embedded broker on a fixed port. Open (anonymous, plain TCP) unless ``secure``: most
    tests are about the protocol; tests of the broker's own security ask for it."""

    def __init__(self, *, secure: bool = False, room: str = "room"):
        self.port = restartable_port()
        self.secure, self.room = secure, room
        self.broker = None
        self._passwords = None

    def start(self) -> "Embedded":
        self.broker = EmbeddedBroker("127.0.0.1", self.port, room=self.room, anonymous=not self.secure,
                                     tls=self.secure)
        if self._passwords is None:
            self._passwords = self.broker.passwords
        self.broker.passwords = self._passwords  # a restart keeps the passwords the clients hold
        self.broker.start()
        return self

    def stop(self) -> None:
        if self.broker is not None:
            self.broker.stop()
            self.broker = None

    def url(self, room="room", scheme="mqtt", auth="") -> str:
        return f"{scheme}://{auth}127.0.0.1:{self.port}/{room}"


@pytest.fixture(params=["mosquitto", "amqtt"])
def broker(request, tmp_path):
    if request.param == "mosquitto":
        need_mosquitto()
        b = Mosquitto(tmp_path).start()
    else:
        b = Embedded().start()
    yield b
    b.stop()
