"""``ports``: list the serial ports on this machine, the likely force sensors first, and the
Bluetooth force sensors heard in a short scan (``--ble-scan 0`` skips it).

Likely means a USB serial chip found on the boards people wire a load cell to (Arduino, CH340,
CP210x, FTDI, ...) or a force gauge that names itself; the device column is what ``--port``
takes.
"""

from __future__ import annotations

import json
import logging

log = logging.getLogger(__name__)


def register(sub) -> None:
    p = sub.add_parser("ports", help="list serial ports, likely force sensors first",
                       description=__doc__.splitlines()[0])
    p.add_argument("--json", action="store_true", help="print a JSON list instead of a table")
    p.add_argument("--ble-scan", type=float, default=3.0, metavar="S",
                   help="listen this long for Bluetooth force sensors (default 3; 0: no scan)")
    p.set_defaults(func=run)


def format_table(ports) -> str:
    if not ports:
        return "no serial ports found (a socket://host:port URL still works with --port)"
    rows = [("DEVICE", "DESCRIPTION", "VID:PID", "SENSOR?", "KIND")]
    rows += [(p.device, p.description or "-", p.vid_pid or "-", "yes" if p.likely_sensor else "",
              p.kind or "") for p in ports]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip() for r in rows)


def format_ble(sensors, note: str) -> str:
    if note:
        return f"Bluetooth: {note}"
    if not sensors:
        return "Bluetooth: no force sensors heard (switched on? not connected to a phone?)"
    rows = [("BLUETOOTH (--port)", "NAME", "KIND")] + [(s.url, s.name or "-", s.label) for s in sensors]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows)


def run(args) -> int:
    from ..transport import list_ports

    ports = list_ports()
    sensors, note = [], "not scanned (--ble-scan 0)"
    if args.ble_scan and args.ble_scan > 0:
        from ..ble.scan import scan_sensors

        sensors, note = scan_sensors(min(args.ble_scan, 30.0))
    if args.json:
        print(json.dumps([p.to_dict() for p in ports] + [s.to_dict() for s in sensors]))
    else:
        print(format_table(ports))
        print(format_ble(sensors, note))
    return 0
