"""``ports``: list the serial ports on this machine, the likely force sensors first.

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
    p.set_defaults(func=run)


def format_table(ports) -> str:
    if not ports:
        return "no serial ports found (a socket://host:port URL still works with --port)"
    rows = [("DEVICE", "DESCRIPTION", "VID:PID", "SENSOR?", "KIND")]
    rows += [(p.device, p.description or "-", p.vid_pid or "-", "yes" if p.likely_sensor else "",
              p.kind or "") for p in ports]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip() for r in rows)


def run(args) -> int:
    from ..transport import list_ports

    ports = list_ports()
    if args.json:
        print(json.dumps([p.to_dict() for p in ports]))
    else:
        print(format_table(ports))
    return 0
