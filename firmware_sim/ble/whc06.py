"""An emulated WH-C06-type hanging scale: the weight in its advertisements, ~8 readings/s.

It never accepts a connection's data: each reading goes out in the manufacturer data of an
advertisement (company 0x0100; at byte 10 of the data after the company id, the weight in
hundredths of a kilogram as a big-endian uint16; byte 14: stable flag in the high nibble, unit
code in the low one), the layout the public clients read. Each reading is advertised once
(advertising is restarted with the new data), so a scanner sees ``rate`` readings a second.
"""

from __future__ import annotations

import asyncio
import logging
import time

import numpy as np

from .peripheral import G, EmulatedDevice

log = logging.getLogger(__name__)

COMPANY = 0x0100


class EmulatedScale(EmulatedDevice):
    kind = "whc06"
    name = "IF_B7"
    advertising_interval_ms = 2000.0  # each reading is sent once, when advertising restarts

    def __init__(self, world, **options) -> None:
        options.setdefault("rate", 8.0)
        options.setdefault("noise_n", 0.0)
        super().__init__(world, **options)
        self.reading_kg = 0.0
        self.readings_sent = 0
        self._task = None

    def manufacturer_data(self, kg: float) -> bytes:
        data = bytearray(16)
        data[0:6] = bytes.fromhex(self.address.replace(":", ""))[::-1]  # the scale puts its id here
        hundredths = int(np.clip(round(kg * 100), 0, 0xFFFF))
        data[10:12] = hundredths.to_bytes(2, "big")
        data[14] = 0x11  # stable, kg
        return bytes(data)

    def advertising_data(self) -> bytes:
        from bumble.core import AdvertisingData

        mfd = COMPANY.to_bytes(2, "little") + self.manufacturer_data(self.reading_kg)
        return bytes(AdvertisingData([(AdvertisingData.FLAGS, bytes([0x06])),
                                      (AdvertisingData.COMPLETE_LOCAL_NAME, self.name.encode()),
                                      (AdvertisingData.MANUFACTURER_SPECIFIC_DATA, mfd)]))

    async def start(self) -> None:
        await super().start()
        self._task = asyncio.ensure_future(self._readings())

    async def _readings(self) -> None:
        k = int(self.device_time() * self.rate) + 1
        while self.away_until != float("inf"):
            wait = k / self.rate - self.device_time()
            if wait > 0:
                await asyncio.sleep(wait)
            self.reading_kg = float(self.measured_n(k / self.rate)[0] / G)
            k += 1
            if time.monotonic() < self.away_until:
                continue  # out of range: nobody hears it
            try:
                if self.device.is_advertising:
                    await self.device.stop_advertising()
                sent = time.monotonic()
                await self.advertise()
                self.readings_sent += 1
                self.log_send(1, sent)
            except Exception as exc:  # noqa: BLE001 - powered off meanwhile
                log.debug("scale advertising: %s", exc)
