"""A short Bluetooth scan for force sensors (``ports``, the connection wizard).

Never raises for a machine without Bluetooth: the caller gets the sensors found and, when the
scan could not run, one line that says why (no bleak, no adapter or stack).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import asdict, dataclass

from ..errors import PressureError
from .profiles import PROFILES, WHC06, guess_protocol

log = logging.getLogger(__name__)

SCAN_S = 3.0


@dataclass(frozen=True)
class BleSensor:
    name: str
    address: str
    protocol: str

    @property
    def url(self) -> str:
        # the name when it names one device well enough, else the address
        return f"ble://{self.name}" if self.name and " " not in self.name else f"ble://{self.address}"

    @property
    def label(self) -> str:
        return PROFILES[self.protocol].label

    def to_dict(self) -> dict:
        return {**asdict(self), "url": self.url, "kind": self.label}


def classify(name: str, manufacturer: dict) -> str | None:
    protocol = guess_protocol(name or "")
    if protocol is None and 0x0100 in manufacturer and len(manufacturer[0x0100]) >= 12:
        protocol = WHC06.protocol
    return protocol


def scan_sensors(timeout: float = SCAN_S) -> tuple[list[BleSensor], str]:
    """(force sensors heard, '' or why no scan could run)."""
    try:
        from ..transports import ble_bleak

        link_loop = ble_bleak.loop() if _has_bleak() else None
        if link_loop is None:
            return [], ble_bleak.INSTALL
        heard = asyncio.run_coroutine_threadsafe(ble_bleak.scan(timeout), link_loop).result(timeout + 5)
    except PressureError as exc:
        return [], str(exc)
    except Exception as exc:  # noqa: BLE001 - a scan must never stop `ports`
        log.debug("Bluetooth scan failed", exc_info=True)
        return [], f"Bluetooth scan failed: {str(exc).strip() or type(exc).__name__}"
    found = []
    for name, address, manufacturer in heard:
        protocol = classify(name, manufacturer)
        if protocol is not None:
            found.append(BleSensor(name, address, protocol))
    found.sort(key=lambda s: (s.protocol, s.name, s.address))
    return found, ""


def _has_bleak() -> bool:
    try:
        import importlib.util

        return importlib.util.find_spec("bleak") is not None
    except (ImportError, ValueError):
        return False
