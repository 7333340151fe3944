"""The embedded broker: amqtt in a background thread with its own asyncio loop, for one room
without a school server.

By default it asks for a user name and password (two accounts generated for this room: the
instructor's and the stations', see broker_rules.py) and speaks TLS with a certificate made when
it starts, which the stations recognise by the fingerprint in their URL. Anonymous access and
plain TCP only when the instructor asks (``anonymous=True``, ``tls=False``). A school with its
own server runs mosquitto (docs/mosquitto.conf).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import shutil
import socket
import tempfile
import threading
from pathlib import Path

from ..errors import PressureError
from .url import BrokerURL

INSTALL_HINT = "pip install 'pressure[classroom]'"
TEACHER, STATION = "teacher", "station"


def require_broker(tls: bool = True) -> None:
    """One clear line when the embedded broker's packages (the ``classroom`` extra) are missing."""
    missing = []
    for module in ("amqtt", "cryptography") if tls else ("amqtt",):
        try:
            __import__(module)
        except ImportError:
            missing.append(module)
    if missing:
        raise PressureError(f"the embedded broker needs {' and '.join(missing)} (the classroom extra): "
                            f"{INSTALL_HINT}, or name a school's broker with --broker")

log = logging.getLogger(__name__)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def lan_address() -> str:
    """This machine's address on the local network (no packet is sent); 127.0.0.1 without one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))  # TEST-NET-1: routing only
            return s.getsockname()[0]
        except OSError:
            return "127.0.0.1"


class EmbeddedBroker:
    def __init__(self, host: str = "0.0.0.0", port: int = 0, *, room: str = "class", anonymous: bool = False,
                 tls: bool = True):
        self.host = host
        self.port = port or free_port("127.0.0.1" if host in ("127.0.0.1", "localhost") else "")
        self.room, self.anonymous, self.tls = room, anonymous, tls
        # Generated for this room and this run: the URLs carry them, nothing stores them.
        self.passwords = {} if anonymous else {TEACHER: secrets.token_urlsafe(12), STATION: secrets.token_urlsafe(12)}
        self.fingerprint = None
        self._folder = None
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="mqtt-broker", daemon=True)
        self._broker = None

    def start(self) -> "EmbeddedBroker":
        from .broker_amqtt import room_broker_class

        self._writers = set()
        TrackingBroker = room_broker_class(self._writers, self.anonymous)  # noqa: N806 (a class)

        listener = {"type": "tcp", "bind": f"{self.host}:{self.port}", "max_connections": 200}
        if self.tls:
            from .certificate import make_certificate

            self._folder = Path(tempfile.mkdtemp(prefix="pressure-broker-"))  # 0700: the key stays private
            cert, key, self.fingerprint = make_certificate(self._folder, self._names())
            listener.update({"ssl": True, "certfile": str(cert), "keyfile": str(key)})
        rules = "pressure.classroom.broker_rules"
        config = {
            "listeners": {"default": listener},
            "plugins": {f"{rules}.RoomAuth": {"users": dict(self.passwords), "anonymous": self.anonymous},
                        f"{rules}.RoomTopics": {"room": self.room, "teacher": TEACHER, "station": STATION,
                                                "anonymous": self.anonymous}},
        }
        self._thread.start()

        async def boot():
            self._broker = TrackingBroker(config, loop=self._loop)
            await self._broker.start()

        try:
            asyncio.run_coroutine_threadsafe(boot(), self._loop).result(10)
        except Exception as exc:  # amqtt raises its own errors for a port in use
            self.stop()
            raise PressureError(f"the embedded broker cannot listen on {self.host}:{self.port}: {exc}") from None
        return self

    async def _shutdown(self) -> None:
        # Clients first: amqtt's shutdown can wait on a connected client's handler for good (then
        # the listener stayed open and the port could not be listened on again).
        for writer in list(self._writers):
            writer.close()
        await self._broker.shutdown()
        for writer in list(self._writers):
            writer.close()
        tasks = [t for t in asyncio.all_tasks(self._loop) if t is not asyncio.current_task()]
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def _names(self) -> list[str]:
        """The names stations may use for this machine (in the certificate; the fingerprint is what counts)."""
        names = [self.shown_host(), "127.0.0.1", "localhost"]
        try:
            names.append(socket.gethostname())
        except OSError:
            pass
        return [n for n in names if n]

    def shown_host(self) -> str:
        return lan_address() if self.host in ("0.0.0.0", "", "::") else self.host

    def room_url(self, user: str = STATION, host: str | None = None) -> BrokerURL:
        """The URL of this room for ``user`` (``teacher`` or ``station``), with its password."""
        return BrokerURL(host or self.shown_host(), self.port, self.room, self.tls,
                         None if self.anonymous else user, self.passwords.get(user),
                         self.fingerprint if self.tls else None)

    def url(self, host: str | None = None) -> str:
        """The stations' URL as text (what the instructor hands out)."""
        return self.room_url(STATION, host).full()

    def stop(self) -> None:
        if self._broker is not None:
            try:
                asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(10)
            except Exception as exc:
                log.warning("embedded broker shutdown: %s", exc)
            self._broker = None
        if self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(5)
        if not self._loop.is_running():
            self._loop.close()
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None
