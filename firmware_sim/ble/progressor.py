"""An emulated Tindeq Progressor: its GATT service, commands, weight stream and replies.

Service 7e4e1701-..., data 7e4e1702 (notify), control 7e4e1703 (write). Commands are one
byte: 0x64 tare, 0x65 start weight, 0x66 stop, 0x6B firmware, 0x6F battery, 0x70 device id.
Notifications: tag, length, payload; weight records are float32 kg and the uint32 microsecond
clock, little-endian, ``batch`` records per notification at ``rate`` records/s. The clock
starts at ``micros_start`` (near 2**32 to see the wrap in a second or two) and wraps;
``wrap_after`` instead sets it to wrap that many seconds after the stream first starts.
"""

from __future__ import annotations

import asyncio
import logging
import struct
import time

import numpy as np

from .peripheral import G, EmulatedDevice

log = logging.getLogger(__name__)

SERVICE = "7e4e1701-1ea6-40c9-9dcc-13d34ffead57"
DATA = "7e4e1702-1ea6-40c9-9dcc-13d34ffead57"
CONTROL = "7e4e1703-1ea6-40c9-9dcc-13d34ffead57"


class EmulatedProgressor(EmulatedDevice):
    kind = "progressor"
    name = "Progressor_SIM"

    def __init__(self, world, *, micros_start: int = 0, batch: int = 2, battery_mv: int = 3950,
                 firmware: str = "1.2.3.sim", device_id: bytes = b"\x5e\x11\x00\x42\x13\x37",
                 low_power_at: float | None = None, wrap_after: float | None = None,
                 **options) -> None:
        options.setdefault("rate", 80.0)
        super().__init__(world, **options)
        self.micros_start = int(micros_start) % (1 << 32)
        self.batch = max(1, int(batch))
        self.battery_mv = int(battery_mv)
        self.firmware = firmware
        self.device_id = bytes(device_id)
        self.low_power_at = low_power_at
        self.wrap_after = wrap_after  # s after the first start: set the clock to wrap then
        self.low_power_sent = False
        self.streaming = False
        self.tare_kg = 0.0
        self.recent_kg: list[float] = []
        self.commands: list[int] = []
        self.records_sent = 0
        self._next_k = 0
        self._task: asyncio.Task | None = None

    def micros(self, t: float) -> int:
        return (self.micros_start + int(round(t * 1e6))) & 0xFFFFFFFF

    def services(self) -> list:
        from bumble.gatt import Characteristic, CharacteristicValue, Service

        self.data_char = Characteristic(DATA, Characteristic.Properties.NOTIFY,
                                        Characteristic.READABLE, b"")
        control = Characteristic(CONTROL, Characteristic.Properties.WRITE
                                 | Characteristic.Properties.WRITE_WITHOUT_RESPONSE,
                                 Characteristic.WRITEABLE, CharacteristicValue(write=self._on_write))
        return [Service(SERVICE, [self.data_char, control])]

    # -- commands ------------------------------------------------------------------------------

    def _on_write(self, connection, value) -> None:
        for cmd in bytes(value)[:1]:
            self.commands.append(cmd)
            if cmd == 0x64:
                if self.recent_kg:
                    self.tare_kg = float(np.mean(self.recent_kg[-10:]))
                else:
                    self.tare_kg = float(self.true_force_n(self.device_time())[0] / G)
            elif cmd == 0x65:
                self.start_stream()
            elif cmd == 0x66:
                self.streaming = False
            elif cmd == 0x6B:
                self._send(bytes([0, len(self.firmware)]) + self.firmware.encode("ascii"))
            elif cmd == 0x6F:
                self._send(b"\x00\x04" + self.battery_mv.to_bytes(4, "little"))
            elif cmd == 0x70:
                self._send(bytes([0, len(self.device_id)]) + self.device_id)

    def _send(self, payload: bytes) -> None:
        asyncio.ensure_future(self.device.notify_subscribers(self.data_char, payload))

    def wrap_time(self) -> float:
        """The device time at which the 32-bit clock wraps (the first time)."""
        return ((1 << 32) - self.micros_start) / 1e6

    def start_stream(self) -> None:
        if self.wrap_after is not None:
            wrap_at = self.device_time() + self.wrap_after
            self.micros_start = (-int(round(wrap_at * 1e6))) % (1 << 32)
            self.wrap_after = None
        self.streaming = True
        self._next_k = int(np.ceil(self.device_time() * self.rate))
        if self._task is None or self._task.done():
            self._task = asyncio.ensure_future(self._stream())

    def disconnected(self) -> None:
        self.streaming = False  # a new client starts the stream again

    async def _stream(self) -> None:
        period = self.batch / self.rate
        while self.streaming:
            t_now = self.device_time()
            k_end = int(t_now * self.rate) + 1
            if k_end - self._next_k >= self.batch:
                ks = np.arange(self._next_k, k_end)
                self._next_k = k_end
                await self._notify_records(ks / self.rate)
            if self.low_power_at is not None and not self.low_power_sent and t_now >= self.low_power_at:
                self.low_power_sent = True
                await self.device.notify_subscribers(self.data_char, b"\x04\x00")
            wait = (self._next_k + self.batch) / self.rate - self.device_time()
            await asyncio.sleep(max(0.001, min(wait, period)))

    async def _notify_records(self, times: np.ndarray) -> None:
        kg = self.measured_n(times) / G
        self.recent_kg = (self.recent_kg + kg.tolist())[-10:]
        for i in range(0, len(times), 2):  # 2 records (18 bytes) fit the default ATT MTU of 23
            chunk = b"".join(struct.pack("<fI", float(w - self.tare_kg), self.micros(t))
                             for w, t in zip(kg[i:i + 2], times[i:i + 2]))
            sent = time.monotonic()
            await self.device.notify_subscribers(self.data_char, bytes([1, len(chunk)]) + chunk)
            self.records_sent += len(chunk) // 8
            self.log_send(len(chunk) // 8, sent)
        self.last_sent_at = time.monotonic()
