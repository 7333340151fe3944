"""One in-process Bluetooth "air": a bumble LocalLink and the event loop thread it lives on.

bumble's controllers on a LocalLink call each other through one asyncio loop, so the emulated
peripherals and every central that talks to them (pressure's bumble link) share this loop; it
runs in a daemon thread and other threads hand it coroutines with :meth:`World.run`.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import threading
from typing import Callable

from .peripheral import EmulatedDevice

log = logging.getLogger(__name__)

KINDS = ("progressor", "forceboard", "whc06")
_lock = threading.Lock()
_world: "World | None" = None


class World:
    def __init__(self) -> None:
        from bumble.link import LocalLink

        self.loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="ble-sim world", daemon=True)
        self._thread.start()
        self._ready.wait(5.0)
        self.link = LocalLink()
        self._devices: dict[tuple, "EmulatedDevice"] = {}
        self._addresses = itertools.count(1)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.call_soon(self._ready.set)
        self.loop.run_forever()

    def run(self, coro, timeout: float | None = 5.0):
        """Run ``coro`` on the world's loop from another thread and return its result."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def call(self, fn: Callable, *args) -> None:
        self.loop.call_soon_threadsafe(fn, *args)

    def new_address(self, kind: int) -> str:
        """A fresh static random address (two top bits set), distinct per controller."""
        n = next(self._addresses)
        return f"C{kind:01X}:00:00:00:{(n >> 8) & 0xFF:02X}:{n & 0xFF:02X}"

    def device(self, kind: str, **options) -> "EmulatedDevice":
        """The emulated ``kind`` with these options, started on first use (the same one after)."""
        if kind not in KINDS:
            raise ValueError(f"no emulated Bluetooth device {kind!r}; choose {', '.join(KINDS)}")
        key = (kind, tuple(sorted(options.items())))
        with _lock:
            dev = self._devices.get(key)
            if dev is None:
                # ``instance`` only tells devices apart (a test that wants a fresh one)
                dev = _make(kind, self, **{k: v for k, v in options.items() if k != "instance"})
                self.run(dev.start())
                self._devices[key] = dev
        return dev

    def forget(self, dev: "EmulatedDevice") -> None:
        """Power ``dev`` off and take it off the air (tests that want a fresh one)."""
        with _lock:
            for key, d in list(self._devices.items()):
                if d is dev:
                    del self._devices[key]
        self.run(dev.power_off())


def _make(kind: str, w: World, **options) -> "EmulatedDevice":
    if kind == "progressor":
        from .progressor import EmulatedProgressor as cls
    elif kind == "forceboard":
        from .forceboard import EmulatedForceBoard as cls
    else:
        from .whc06 import EmulatedScale as cls
    return cls(w, **options)


def world() -> World:
    global _world
    with _lock:
        if _world is None:
            _world = World()
        return _world



