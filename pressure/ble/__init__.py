"""Bluetooth LE force sensors behind the same reader hand-off as a serial port.

``url`` reads ``ble://NAME-or-ADDRESS`` and ``ble-sim://KIND``; ``profiles`` is the one table of
what each device protocol needs (UUIDs, commands); ``port`` is a serial-port-like object the
reader's port loop reads frames from (:mod:`pressure.wireformats.ble`), driving the device over
a link: bleak for real adapters (:mod:`pressure.transports.ble_bleak`), bumble for the emulated
devices (:mod:`pressure.transports.ble_bumble`). Only those two modules import bleak or bumble.
"""
