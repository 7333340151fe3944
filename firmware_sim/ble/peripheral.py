"""What every emulated peripheral shares: a bumble device on the world's link, its clock and
force, advertising, and a connection that can be dropped on demand (a sensor carried out of
range, a battery pulled) and comes back advertising after a while."""

from __future__ import annotations

import asyncio
import logging
import time

import numpy as np

from ..model import make_profile

log = logging.getLogger(__name__)

G = 9.80665


class EmulatedDevice:
    kind = ""
    name = ""
    advertising_interval_ms = 50.0

    def __init__(self, world, *, profile: str = "hold", target_n: float = 30.0, seed: int = 0,
                 rate: float = 80.0, noise_n: float = 0.02, name: str | None = None,
                 profile_start: float = 0.0) -> None:
        self.world = world
        self.profile = make_profile(profile, seed=seed, target_n=target_n)
        self.rate = float(rate)
        self.noise_n = float(noise_n)
        self.rng = np.random.default_rng(seed)
        self.profile_start = float(profile_start)  # the profile's time at device time 0
        self.name = name or self.name
        self.address = world.new_address(len(self.kind))
        self.device = None
        self.t_boot = time.monotonic()
        self.connections = 0      # connections made (a reconnect adds one)
        self.drops = 0            # connections dropped on purpose
        self.away_until = 0.0     # monotonic: not advertising until then
        self.send_log: list[tuple[int, float]] = []  # (samples in the notification, monotonic sent)
        self.record_send_times = False

    # -- the device's world -------------------------------------------------------------------

    def device_time(self, now: float | None = None) -> float:
        return (time.monotonic() if now is None else now) - self.t_boot

    def true_force_n(self, t) -> np.ndarray:
        """What the practitioner presses at device time ``t`` (no noise)."""
        t = np.atleast_1d(np.asarray(t, dtype=float)) + self.profile_start
        return np.asarray(self.profile.force(t), float)

    def measured_n(self, t) -> np.ndarray:
        f = self.true_force_n(t)
        return f + self.rng.normal(0.0, self.noise_n, f.shape)

    # -- bumble --------------------------------------------------------------------------------

    def services(self) -> list:
        return []

    def advertising_data(self) -> bytes:
        from bumble.core import AdvertisingData

        return bytes(AdvertisingData([(AdvertisingData.FLAGS, bytes([0x06])),
                                      (AdvertisingData.COMPLETE_LOCAL_NAME, self.name.encode())]))

    async def start(self) -> None:
        from bumble.controller import Controller
        from bumble.device import Device
        from bumble.hci import Address
        from bumble.host import Host
        from bumble.transport.common import AsyncPipeSink

        ctrl = Controller(f"sim-{self.kind}", link=self.world.link, public_address=self.address)
        self.device = Device(name=self.name, address=Address(self.address),
                             host=Host(ctrl, AsyncPipeSink(ctrl)))
        self.controller = ctrl
        for service in self.services():
            self.device.add_service(service)
        self.device.on("connection", self._on_connection)
        await self.device.power_on()
        await self.advertise()
        self.t_boot = time.monotonic()

    async def advertise(self) -> None:
        if time.monotonic() < self.away_until or self.device is None:
            return
        self.device.advertising_data = self.advertising_data()
        await self.device.start_advertising(advertising_interval_min=self.advertising_interval_ms,
                                            advertising_interval_max=self.advertising_interval_ms)

    def _on_connection(self, connection) -> None:
        self.connections += 1
        connection.on("disconnection", lambda reason: self._on_disconnection(connection, reason))
        self.connected(connection)

    def connected(self, connection) -> None:
        """A central connected (devices reset their streaming here)."""

    def _on_disconnection(self, connection, reason) -> None:
        self.disconnected()
        asyncio.ensure_future(self._readvertise())

    def disconnected(self) -> None:
        """The central went away."""

    async def _readvertise(self) -> None:
        wait = self.away_until - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        try:
            await self.advertise()
        except Exception as exc:  # noqa: BLE001 - already advertising, or powered off
            log.debug("%s: advertising again: %s", self.name, exc)

    async def _drop(self, away_s: float) -> None:
        self.away_until = time.monotonic() + away_s
        self.drops += 1
        if self.device.is_advertising:
            await self.device.stop_advertising()
        for connection in list(self.device.connections.values()):
            await connection.disconnect()
        if not self.device.connections:
            asyncio.ensure_future(self._readvertise())

    def drop(self, away_s: float = 0.5) -> None:
        """Drop the connection and stay silent for ``away_s`` (thread-safe)."""
        self.world.run(self._drop(away_s))

    async def power_off(self) -> None:
        self.away_until = float("inf")
        if self.device is not None:
            for connection in list(self.device.connections.values()):
                await connection.disconnect()
            if self.device.is_advertising:
                await self.device.stop_advertising()
            self.world.link.remove_controller(self.controller)

    def log_send(self, n: int, sent: float | None = None) -> None:
        """``n`` samples went out at ``sent`` (monotonic, taken just before the send)."""
        if self.record_send_times:
            self.send_log.append((n, time.monotonic() if sent is None else sent))
