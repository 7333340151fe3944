"""Emulated Bluetooth force sensors, on bumble's in-process link (no radio, no kernel stack).

The way the serial simulator is a real port, these are real BLE peripherals: each is a bumble
``Device`` with its GATT services (or its advertisements) on a ``LocalLink``, and a client
reaches it by scanning, connecting, discovering, subscribing and writing through bumble, like a
phone reaches the real thing. What they press comes from :mod:`firmware_sim.model`'s profiles.
Their encoders are written here, apart from the decoders in ``pressure/wireformats``, so the
tests between the two prove something. See docs/bluetooth.md.

``world()`` is the process's one link and event loop thread; ``world().device("progressor",
seed=1, micros_start=2**32 - 2_000_000)`` starts (or finds) an emulated device.
"""

from .world import KINDS, EmulatedDevice, World, world

__all__ = ["KINDS", "EmulatedDevice", "World", "world"]
