"""A Bluetooth sensor as a port the reader's port loop can read: frames in, text commands out.

:class:`BlePort` has the few members of a pyserial port the loop uses (``in_waiting``,
``read``, ``write``, ``flush``, ``close``, ``cancel_read``). It drives the device through a
*link* (bleak on real adapters, bumble for the emulated devices: thin adapters in
pressure/transports) and hands on what arrives as frames (:mod:`pressure.wireformats.ble`), so
everything above the port is the serial path: parser, time base, ring buffer, reconnects.

The conversation on every connection: find the device (a scan), connect, discover, subscribe to
the data characteristic, ask who it is and its battery (a Progressor answers on the data
characteristic without saying to what, so one question at a time), start the weight stream;
the battery is asked again every minute. A command line written to the port (``TARE``, ``ID?``)
becomes the device's command; ``OK TARE`` / ``ERR ...`` come back as messages. A lost link makes
``read`` raise OSError, which the loop treats like an unplugged cable: a gap, then a reconnect.

A link runs its coroutines on ``link.loop`` (a running loop in another thread) and has:
``find(name, timeout, passive)`` -> object with ``name``/``address``, ``connect(found, on_lost)``,
``subscribe(service, char, callback)``, ``write(service, char, data)``, ``read(service, char)``,
``watch(found, callback(company, data))`` and ``close()``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import time

from ..errors import PressureError
from ..wireformats import ble as frames
from . import profiles
from .frame_port import FramePort
from .url import BleTarget

log = logging.getLogger(__name__)

CONNECT_TIMEOUT = 8.0      # s: scan + connect + discover for a real device
SIM_CONNECT_TIMEOUT = 3.0  # s: the same on the in-process link
SAME_ADVERT_S = 0.03       # s: identical advertisements closer than this are one reading
REPLY_WAIT = 0.5           # s: how long a Progressor question waits for its answer


class BlePort(FramePort):
    def __init__(self, target: BleTarget, link, timeout: float = 0.05) -> None:
        super().__init__(target.name, timeout)
        self.target = target
        self.profile = profiles.PROFILES[target.protocol]
        self.link = link
        self._last_command = 0
        self._reply = None  # asyncio.Event on the link's loop
        self._tasks: list = []
        self._last_advert = 0.0
        self._advert_seen = b""
        self.notified_at: float | None = None  # monotonic of the newest notification (bench)

    def write(self, data: bytes) -> int:
        if self._lost is not None or self._closed:
            raise OSError(f"{self.name} is not connected")
        for line in bytes(data).decode("ascii", "replace").splitlines():
            self._command(line.strip())
        return len(data)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            self._run(self._close(), 3.0)
        except Exception as exc:  # noqa: BLE001 - closing a link that is gone may fail; it is gone
            log.debug("closing %s: %s", self.name, exc)

    # -- the conversation ----------------------------------------------------------------------

    def open(self, timeout: float) -> "BlePort":
        """Find, connect and start the device; PressureError with the reason if it cannot."""
        try:
            self._run(self._open(timeout), timeout + 2.0)
        except PressureError:
            self.close()
            raise
        except (asyncio.TimeoutError, TimeoutError, concurrent.futures.TimeoutError):
            self.close()
            raise PressureError(f"{self.name} did not answer within {timeout:g} s "
                                f"(is it switched on and near?)") from None
        except Exception as exc:  # noqa: BLE001 - a stack's own errors, in one line
            self.close()
            raise PressureError(f"cannot connect to {self.name}: {_words(exc)}") from None
        return self

    def _run(self, coro, timeout: float):
        future = asyncio.run_coroutine_threadsafe(coro, self.link.loop)
        try:
            return future.result(timeout)
        except BaseException:
            future.cancel()  # a conversation given up on must not go on in the link's thread
            raise

    def _emit_info(self, **info) -> None:
        self._emit(b"I", " ".join(f"{k}={frames_word(v)}" for k, v in info.items()).encode())

    def descriptor(self) -> str:
        """The ``P`` frame: the protocol and the decoder's options, checked here (at open)."""
        from ..wireformats.scale_adverts import AdvertLayout

        p, options = self.profile, self.target.options
        if p.protocol == "forceboard":
            options = {"lbf_per_count": str(options.get("lbf_per_count",
                                                          profiles.FORCE_BOARD_LBF_PER_COUNT))}
            frames.lbf_per_count(options)
            return f"forceboard lbf_per_count={options['lbf_per_count']}"
        if p.protocol == "whc06":
            return "whc06 " + AdvertLayout.from_words(options).describe()
        return p.protocol

    async def _open(self, timeout: float) -> None:
        p = self.profile
        self.descriptor()  # bad options: one clear line before any scanning
        found = await asyncio.wait_for(self.link.find(self.target.name, timeout, p.advertising), timeout)
        self._emit(b"P", self.descriptor().encode())
        info = {"model": p.protocol, "name": found.name or self.target.name, "address": found.address,
                "rate": f"{p.rate_hz:g}", "link": "ble-sim" if self.target.emulated else "ble"}
        if p.tare is not None:
            info["tare"] = "device"
        self._emit_info(**info)
        if p.advertising:
            self._last_advert = time.monotonic()
            await self.link.watch(found, self._on_advert)
            self._tasks.append(asyncio.ensure_future(self._watch_silence()))
            return
        self._reply = asyncio.Event()
        await asyncio.wait_for(self.link.connect(found, self._on_lost), timeout)
        await self.link.subscribe(p.data_service, p.data, self._on_notify)
        for command in p.info_commands:
            await self._ask(command)
        for service, char, key in p.info_reads:
            await self._read_info(service, char, key)
        await self._write(p.start)
        if p.battery_command is not None or p.info_reads:
            self._tasks.append(asyncio.ensure_future(self._battery_every()))

    async def _ask(self, command: bytes) -> None:
        self._reply.clear()
        await self._write(command)
        try:
            await asyncio.wait_for(self._reply.wait(), REPLY_WAIT)
        except asyncio.TimeoutError:
            log.info("%s: no answer to 0x%s", self.name, command.hex())

    async def _read_info(self, service: str, char: str, key: str) -> None:
        try:
            value = await self.link.read(service, char)
        except Exception as exc:  # noqa: BLE001 - an optional fact the device may not offer
            log.info("%s: cannot read %s: %s", self.name, key, _words(exc))
            return
        if key == "battery_pct" and len(value) >= 1:
            self._emit_info(battery_pct=str(value[0]))
        elif value:
            self._emit_info(**{key: value.decode("utf-8", "replace")})

    async def _write(self, data: bytes) -> None:
        self._last_command = data[0] if data else 0
        await self.link.write(self.profile.control_service, self.profile.control, data)

    async def _battery_every(self) -> None:
        p = self.profile
        while self._lost is None and not self._closed:
            await asyncio.sleep(profiles.BATTERY_EVERY_S)
            try:
                if p.battery_command is not None:
                    await self._ask(p.battery_command)
                else:
                    await self._read_info(*profiles.BATTERY_LEVEL)
            except Exception as exc:  # noqa: BLE001 - the link went; read() says so
                log.debug("battery: %s", exc)
                return

    async def _watch_silence(self) -> None:
        while self._lost is None and not self._closed:
            await asyncio.sleep(profiles.ADVERT_SILENCE_S / 4)
            if time.monotonic() - self._last_advert > profiles.ADVERT_SILENCE_S:
                self._connection_lost(f"no advertisement for {profiles.ADVERT_SILENCE_S:g} s")

    def _on_lost(self, reason: str) -> None:
        self._connection_lost(reason)

    def _on_notify(self, data: bytes) -> None:
        self.notified_at = time.monotonic()
        data = bytes(data)
        self._emit(b"N", bytes([self._last_command]) + data)
        if self._reply is not None and data[:1] == bytes([self.profile.reply_tag or 0]) \
                and self.profile.reply_tag is not None:
            self._reply.set()

    def _on_advert(self, company: int, data: bytes) -> None:
        now = time.monotonic()
        payload = company.to_bytes(2, "little") + bytes(data)
        # one advertisement can be reported twice (e.g. on two channels, or with its scan
        # response): the same bytes within SAME_ADVERT_S are one reading, not two
        if payload == self._advert_seen and now - self._last_advert < SAME_ADVERT_S:
            return
        self._advert_seen = payload
        self._last_advert = self.notified_at = now
        self._emit(b"A", payload)

    def _command(self, line: str) -> None:
        word = line.split(" ", 1)[0].upper()
        if not word:
            return
        p = self.profile
        if word == "TARE":
            if p.tare is None:
                self._emit(b"M", b"ERR TARE this device has no tare command")
                return
            self._submit(self._do(p.tare, "OK TARE"))
        elif word == "ID?":
            if p.battery_command is not None:
                self._submit(self._ask(p.battery_command))
            elif not p.advertising:
                self._submit(self._read_info(*profiles.BATTERY_LEVEL))
        elif word in ("START", "STOP") and not p.advertising:
            self._submit(self._do(p.start if word == "START" else p.stop, f"OK {word}"))
        else:
            self._emit(b"M", f"ERR {frames_word(line)} is not a command this Bluetooth device takes".encode())

    def _submit(self, coro) -> None:
        asyncio.run_coroutine_threadsafe(coro, self.link.loop)

    async def _do(self, data: bytes, ok: str) -> None:
        try:
            await self._write(data)
        except Exception as exc:  # noqa: BLE001 - the reply says why, in one line
            self._emit(b"M", f"ERR {ok.split()[-1]} {_words(exc)}".encode())
            return
        self._emit(b"M", ok.encode())

    async def _close(self) -> None:
        for task in self._tasks:
            task.cancel()
        try:
            if not self.profile.advertising and self._lost is None:
                await asyncio.wait_for(self._write(self.profile.stop), 1.0)
        except Exception:  # noqa: BLE001 - stopping a device that went away
            pass
        await self.link.close()


def frames_word(value) -> str:
    """A value fit for one ``key=value`` word (device strings may hold spaces)."""
    text = str(value).strip()
    return "".join(c if c.isprintable() and not c.isspace() else "_" for c in text)[:64] or "?"


def _words(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


def open_ble(url: str, timeout: float = 0.05) -> BlePort:
    """Open a ``ble://`` or ``ble-sim://`` URL: PressureError (one line) when it cannot."""
    from .url import parse

    target = parse(url)
    if target.protocol is None:
        raise PressureError(f"{url}: which device is {target.name!r}? add ?protocol="
                            f"{'|'.join(profiles.PROFILES)}")
    if target.emulated:
        from ..transports.ble_bumble import emulated_link

        link, name = emulated_link(target)
        port = BlePort(BleTarget(target.url, True, name, target.protocol, target.options), link, timeout)
        return port.open(SIM_CONNECT_TIMEOUT)
    from ..transports.ble_bleak import bleak_link

    return BlePort(target, bleak_link(), timeout).open(CONNECT_TIMEOUT)
