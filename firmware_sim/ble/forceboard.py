"""An emulated PitchSix Force Board: device mode (stream, tare, idle), force samples in pounds.

After the board's published API as the public clients use it: the Weight service
467a8516-... with its Device Mode characteristic 467a8517 (write 0x04 stream, 0x05 tare,
0x06 quick start, 0x07 idle), the Force service 9a88d67f-... with Force Data 9a88d682
(notify: big-endian uint16 count, then 3 bytes a sample) and Tare 9a88d683 (write 0x01), the
standard Battery (0x180F, level in percent) and Device Information (0x180A) services. The board
has no clock in its samples. A sample here is a signed big-endian 24-bit count of
``lbf_per_count`` pounds (what a count means on a real board is not confirmed: docs/bluetooth.md).
"""

from __future__ import annotations

import asyncio
import logging

import numpy as np

from .peripheral import EmulatedDevice

log = logging.getLogger(__name__)

LBF = 4.4482216152605  # newtons per pound-force
WEIGHT_SERVICE = "467a8516-6e39-11eb-9439-0242ac130002"
DEVICE_MODE = "467a8517-6e39-11eb-9439-0242ac130002"
FORCE_SERVICE = "9a88d67f-8df2-4afe-9e0d-c2bbbe773dd0"
FORCE_DATA = "9a88d682-8df2-4afe-9e0d-c2bbbe773dd0"
TARE = "9a88d683-8df2-4afe-9e0d-c2bbbe773dd0"


class EmulatedForceBoard(EmulatedDevice):
    kind = "forceboard"
    name = "Force Board SIM"

    def __init__(self, world, *, lbf_per_count: float = 0.01, battery_pct: int = 87,
                 firmware: str = "2.0.1-sim", serial: str = "FB-SIM-0007", batch: int = 4,
                 **options) -> None:
        options.setdefault("rate", 80.0)
        super().__init__(world, **options)
        self.lbf_per_count = float(lbf_per_count)
        self.battery_pct = int(battery_pct)
        self.firmware = firmware
        self.serial = serial
        self.batch = max(1, int(batch))
        self.mode = 0x07
        self.tare_lbf = 0.0
        self.recent_lbf: list[float] = []
        self.modes: list[int] = []
        self.samples_sent = 0
        self._next_k = 0
        self._task = None

    def services(self) -> list:
        from bumble.gatt import Characteristic, CharacteristicValue, Service

        w = Characteristic.Properties.WRITE | Characteristic.Properties.WRITE_WITHOUT_RESPONSE
        self.data_char = Characteristic(FORCE_DATA, Characteristic.Properties.NOTIFY,
                                        Characteristic.READABLE, b"")
        mode = Characteristic(DEVICE_MODE, w, Characteristic.WRITEABLE,
                              CharacteristicValue(write=self._on_mode))
        tare = Characteristic(TARE, w, Characteristic.WRITEABLE,
                              CharacteristicValue(write=self._on_tare))
        rd = Characteristic.Properties.READ
        battery = Characteristic("2A19", rd, Characteristic.READABLE,
                                 CharacteristicValue(read=lambda c: bytes([self.battery_pct])))
        info = [Characteristic("2A29", rd, Characteristic.READABLE, b"PitchSix (emulated)"),
                Characteristic("2A26", rd, Characteristic.READABLE, self.firmware.encode()),
                Characteristic("2A25", rd, Characteristic.READABLE, self.serial.encode())]
        return [Service(WEIGHT_SERVICE, [mode]), Service(FORCE_SERVICE, [self.data_char, tare]),
                Service("180F", [battery]), Service("180A", info)]

    def _on_mode(self, connection, value) -> None:
        for m in bytes(value)[:1]:
            self.modes.append(m)
            if m == 0x05:
                self._tare()
            elif m in (0x04, 0x06):
                self.mode = m
                self._next_k = int(np.ceil(self.device_time() * self.rate))
                if self._task is None or self._task.done():
                    self._task = asyncio.ensure_future(self._stream())
            elif m == 0x07:
                self.mode = m

    def _on_tare(self, connection, value) -> None:
        if bytes(value)[:1] == b"\x01":
            self._tare()

    def _tare(self) -> None:
        self.tare_lbf = float(np.mean(self.recent_lbf)) if self.recent_lbf else 0.0

    def disconnected(self) -> None:
        self.mode = 0x07

    async def _stream(self) -> None:
        while self.mode in (0x04, 0x06):
            k_end = int(self.device_time() * self.rate) + 1
            if k_end - self._next_k >= self.batch:
                times = np.arange(self._next_k, k_end) / self.rate
                self._next_k = k_end
                lbf = self.measured_n(times) / LBF
                self.recent_lbf = (self.recent_lbf + lbf.tolist())[-10:]
                for i in range(0, len(lbf), 6):  # 2 + 6 x 3 bytes fit the default MTU
                    part = lbf[i:i + 6] - self.tare_lbf
                    counts = np.clip(np.round(part / self.lbf_per_count), -(1 << 23), (1 << 23) - 1)
                    body = b"".join(int(c).to_bytes(3, "big", signed=True) for c in counts)
                    await self.device.notify_subscribers(
                        self.data_char, len(counts).to_bytes(2, "big") + body)
                    self.samples_sent += len(counts)
                    self.log_send(len(counts))
            wait = (self._next_k + self.batch) / self.rate - self.device_time()
            await asyncio.sleep(max(0.001, wait))
