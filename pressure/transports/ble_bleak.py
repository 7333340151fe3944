"""The bleak link: a BLE central on the machine's real adapter (BlueZ, WinRT, CoreBluetooth).

Thin on purpose, so the protocol code above it (pressure/ble/port.py) is the same that the
emulated devices test through bumble: this module is the one part no test reaches on a machine
without Bluetooth. bleak's coroutines run on one event loop in a daemon thread of its own.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
from dataclasses import dataclass

from ..errors import PressureError

log = logging.getLogger(__name__)

INSTALL = "Bluetooth sensors need bleak: pip install 'pressure[ble]'"
_loop_lock = threading.Lock()
_loop: asyncio.AbstractEventLoop | None = None


def _bleak():
    try:
        import bleak
    except ImportError:
        raise PressureError(INSTALL) from None
    return bleak


def no_stack(exc: BaseException) -> PressureError:
    """A stack error in one line that says what is missing."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if isinstance(exc, (FileNotFoundError, ConnectionRefusedError)) and sys.platform.startswith("linux"):
        return PressureError("no Bluetooth stack here: BlueZ's D-Bus system bus is missing "
                             "(install and start bluez, or use ble-sim:// to try an emulated sensor)")
    if "dbus" in text.lower() \
            or "adapter" in text.lower() or "bluetooth device is turned off" in text.lower():
        return PressureError(f"no Bluetooth adapter or stack here ({type(exc).__name__}: {text})")
    return PressureError(f"Bluetooth: {text}")


def loop() -> asyncio.AbstractEventLoop:
    global _loop
    with _loop_lock:
        if _loop is None:
            _loop = asyncio.new_event_loop()
            threading.Thread(target=_loop.run_forever, name="bleak", daemon=True).start()
        return _loop


@dataclass
class Found:
    name: str
    address: str
    device: object = None


def bleak_link() -> "BleakLink":
    _bleak()
    return BleakLink()


async def scan(timeout: float) -> list[tuple[str, str, dict]]:
    """(name, address, manufacturer data) of every advertiser heard within ``timeout``."""
    bleak = _bleak()
    try:
        found = await bleak.BleakScanner.discover(timeout=timeout, return_adv=True)
    except Exception as exc:  # noqa: BLE001 - every stack fails its own way
        raise no_stack(exc) from None
    return [(adv.local_name or dev.name or "", dev.address, dict(adv.manufacturer_data))
            for dev, adv in found.values()]


class BleakLink:
    def __init__(self) -> None:
        self.loop = loop()
        self.client = None
        self.scanner = None

    async def find(self, name: str, timeout: float, passive: bool = False) -> Found:
        bleak = _bleak()
        try:
            if _is_address(name):
                dev = await bleak.BleakScanner.find_device_by_address(name, timeout=timeout)
            else:
                dev = await bleak.BleakScanner.find_device_by_name(name, timeout=timeout)
        except Exception as exc:  # noqa: BLE001
            raise no_stack(exc) from None
        if dev is None:
            raise PressureError(f"no Bluetooth device {name!r} found in {timeout:g} s "
                                "(switched on, in range, not connected to a phone?)")
        return Found(dev.name or name, dev.address, dev)

    async def connect(self, found: Found, on_lost) -> None:
        bleak = _bleak()
        self.client = bleak.BleakClient(found.device, disconnected_callback=lambda _c: on_lost("disconnected"))
        try:
            await self.client.connect()
        except Exception as exc:  # noqa: BLE001
            raise no_stack(exc) from None

    async def subscribe(self, service: str, char: str, callback) -> None:
        await self.client.start_notify(char, lambda _sender, data: callback(bytes(data)))

    async def write(self, service: str, char: str, data: bytes) -> None:
        found = self.client.services.get_characteristic(char)
        # with response where the device offers it (the write is then confirmed), else without
        response = found is None or "write" in found.properties
        await self.client.write_gatt_char(char, data, response=response)

    async def read(self, service: str, char: str) -> bytes:
        return bytes(await self.client.read_gatt_char(char))

    async def watch(self, found: Found, callback) -> None:
        bleak = _bleak()

        def on_adv(dev, adv) -> None:
            if dev.address.upper() == found.address.upper():
                for company, data in adv.manufacturer_data.items():
                    callback(int(company), bytes(data))

        # every advertisement, not only changed ones (BlueZ drops repeats by default; a steady
        # reading would look like a silent, gone scale)
        self.scanner = bleak.BleakScanner(detection_callback=on_adv,
                                          bluez={"filters": {"DuplicateData": True}})
        try:
            await self.scanner.start()
        except Exception as exc:  # noqa: BLE001
            raise no_stack(exc) from None

    async def close(self) -> None:
        try:
            if self.scanner is not None:
                await self.scanner.stop()
            if self.client is not None:
                await self.client.disconnect()
        except Exception as exc:  # noqa: BLE001 - already gone
            log.debug("bleak close: %s", exc)


def _is_address(text: str) -> bool:
    parts = text.split(":")
    if len(parts) == 6 and all(len(p) == 2 for p in parts):
        try:
            [int(p, 16) for p in parts]
            return True
        except ValueError:
            return False
    return len(text) == 36 and text.count("-") == 4  # macOS gives UUIDs instead of addresses
