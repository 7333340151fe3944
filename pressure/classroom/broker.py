"""The embedded broker: amqtt in a background thread with its own asyncio loop, for one room
without a school server. Anonymous, no TLS: a school with a network to protect runs mosquitto
(docs/mosquitto.conf)."""

from __future__ import annotations

import asyncio
import logging
import socket
import threading

from ..errors import PressureError

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
    def __init__(self, host: str = "0.0.0.0", port: int = 0):
        self.host = host
        self.port = port or free_port("127.0.0.1" if host in ("127.0.0.1", "localhost") else "")
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="mqtt-broker", daemon=True)
        self._broker = None

    def start(self) -> "EmbeddedBroker":
        from amqtt.broker import Broker

        writers = self._writers = set()

        class TrackingBroker(Broker):
            # amqtt 0.12 leaves the sockets of clients still connected at shutdown open; keep
            # them to close ourselves (else each one leaks a file descriptor per broker run).
            async def stream_connected(self, reader, writer, listener_name):
                writers.add(writer)
                try:
                    await super().stream_connected(reader, writer, listener_name)
                finally:
                    writers.discard(writer)
                    writer.close()

        config = {
            "listeners": {"default": {"type": "tcp", "bind": f"{self.host}:{self.port}", "max_connections": 200}},
            "plugins": {"amqtt.plugins.authentication.AnonymousAuthPlugin": {"allow_anonymous": True}},
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

    def url(self, host: str | None = None) -> str:
        shown = host or (lan_address() if self.host in ("0.0.0.0", "") else self.host)
        return f"mqtt://{shown}:{self.port}"

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
