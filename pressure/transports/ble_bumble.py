"""The bumble link: a BLE central on bumble's in-process link, talking to the emulated devices.

Thin on purpose: scanning, connecting, GATT discovery, subscribing, writing and reading, and
advertisement watching, each one bumble call; what to say to the device is in
:mod:`pressure.ble.port`, shared with the bleak link. The central is a fresh bumble device on
the world's link for every connection (the port loop opens a new port after a loss).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from ..errors import PressureError

log = logging.getLogger(__name__)

# URL options the emulated devices take, and their types
_SIM_OPTIONS = {"profile": str, "target": float, "seed": int, "rate": float, "micros_start": int,
                "low_power_at": float, "battery_mv": int, "battery_pct": int, "lbf_per_count": float,
                "noise": float, "batch": int, "instance": str, "profile_start": float, "wrap_after": float}


@dataclass
class Found:
    name: str
    address: str


def _sim_options(options: dict) -> dict:
    out = {}
    for key, value in options.items():
        kind = _SIM_OPTIONS.get(key)
        if kind is None:
            if key in ("company", "offset", "size", "order", "signed", "divisor", "unit"):
                continue  # the decoder's layout, not the device's
            raise PressureError(f"ble-sim: unknown option {key!r}; choose {', '.join(_SIM_OPTIONS)}")
        try:
            out[key] = kind(value)
        except ValueError:
            raise PressureError(f"ble-sim: {key}={value!r} is not a {kind.__name__}") from None
    import math

    limits = {"rate": (0.5, 1000.0), "noise": (0.0, 1000.0), "low_power_at": (0.0, 1e6),
              "batch": (1, 30), "battery_mv": (0, 10_000), "battery_pct": (0, 100),
              "profile_start": (0.0, 1e6), "lbf_per_count": (1e-6, 1000.0), "wrap_after": (0.0, 4294.0)}
    for key, (lo, hi) in limits.items():
        if key in out and not (math.isfinite(out[key]) and lo <= out[key] <= hi):
            raise PressureError(f"ble-sim: {key}={options[key]} must be from {lo:g} to {hi:g}")
    if "target" in out:
        out["target_n"] = out.pop("target")
    if "noise" in out:
        out["noise_n"] = out.pop("noise")
    return out


def emulated_link(target) -> tuple["BumbleLink", str]:
    """A link on the emulated world and the address of the (started) device the URL names."""
    try:
        from firmware_sim.ble import world
    except ImportError:
        raise PressureError("the emulated Bluetooth devices need bumble: "
                            "pip install 'pressure[ble]'") from None
    try:
        w = world()
        dev = w.device(target.protocol, **_sim_options(target.options))
    except ValueError as exc:
        raise PressureError(f"ble-sim: {exc}") from None
    return BumbleLink(w), dev.address


class BumbleLink:
    def __init__(self, world) -> None:
        self.world = world
        self.loop = world.loop
        self.device = None
        self.controller = None
        self.connection = None
        self.peer = None
        self._watch = None

    async def _central(self):
        if self.device is None:
            from bumble.controller import Controller
            from bumble.device import Device
            from bumble.hci import Address
            from bumble.host import Host
            from bumble.transport.common import AsyncPipeSink

            address = self.world.new_address(0xE)
            self.controller = Controller("pressure-central", link=self.world.link, public_address=address)
            self.device = Device(name="pressure", address=Address(address),
                                 host=Host(self.controller, AsyncPipeSink(self.controller)))
            await self.device.power_on()
        return self.device

    async def find(self, name: str, timeout: float, passive: bool = False) -> Found:
        from bumble.core import AdvertisingData

        device = await self._central()
        found = asyncio.get_running_loop().create_future()

        def on_adv(adv) -> None:
            local = adv.data.get(AdvertisingData.COMPLETE_LOCAL_NAME) or ""
            local = local.decode("utf-8", "replace") if isinstance(local, bytes) else str(local)
            address = str(adv.address).split("/")[0]
            if not found.done() and name.upper() in (address.upper(), local.upper()):
                found.set_result(Found(local, address))

        device.on("advertisement", on_adv)
        try:
            await device.start_scanning(active=not passive, filter_duplicates=False)
            return await asyncio.wait_for(found, timeout)
        finally:
            device.remove_listener("advertisement", on_adv)
            await device.stop_scanning()

    async def connect(self, found: Found, on_lost) -> None:
        from bumble.device import Peer

        device = await self._central()
        self.connection = await device.connect(found.address)

        def lost(reason) -> None:
            self.connection = None  # gone: nothing to disconnect at close
            on_lost(f"reason 0x{int(reason):02X}")

        self.connection.on("disconnection", lost)
        self.peer = Peer(self.connection)
        await self.peer.discover_services()
        await self.peer.discover_characteristics()

    def _char(self, service: str, char: str):
        from bumble.core import UUID

        found = self.peer.get_characteristics_by_uuid(UUID(char), UUID(service))
        if not found:
            raise PressureError(f"the device has no characteristic {char}")
        return found[0]

    async def subscribe(self, service: str, char: str, callback) -> None:
        await self.peer.subscribe(self._char(service, char), callback)

    async def write(self, service: str, char: str, data: bytes) -> None:
        await self.peer.write_value(self._char(service, char), data, with_response=True)

    async def read(self, service: str, char: str) -> bytes:
        return bytes(await self.peer.read_value(self._char(service, char)))

    async def watch(self, found: Found, callback) -> None:
        from bumble.core import AdvertisingData

        device = await self._central()

        def on_adv(adv) -> None:
            if str(adv.address).split("/")[0].upper() != found.address.upper():
                return
            mfd = adv.data.get(AdvertisingData.MANUFACTURER_SPECIFIC_DATA)
            if mfd:
                company, data = mfd
                callback(int(company), bytes(data))

        self._watch = on_adv
        device.on("advertisement", on_adv)
        await device.start_scanning(active=False, filter_duplicates=False)

    async def close(self) -> None:
        device, self.device = self.device, None
        if device is None:
            return
        if self._watch is not None:
            device.remove_listener("advertisement", self._watch)
            self._watch = None
        try:
            if device.is_scanning:
                await device.stop_scanning()
            if self.connection is not None:
                await self.connection.disconnect()
        except Exception as exc:  # noqa: BLE001 - the peer may have gone first
            log.debug("bumble close: %s", exc)
        finally:
            self.world.link.remove_controller(self.controller)
