"""``--classroom [URL] --station NAME``: a live or record session that also publishes to a class.

A URL with a password is never taken from the command line (every user of the machine can read
a process's arguments): ``--classroom`` without a value reads the URL from $PRESSURE_CLASSROOM,
which is where the URL the instructor hands out goes, exactly as printed.
"""

from __future__ import annotations

import logging
import os

from ..errors import PressureError

log = logging.getLogger(__name__)

URL_ENV = "PRESSURE_CLASSROOM"
FROM_ENV = "\0env"  # the value of a URL option given without a URL


def add_classroom_options(p) -> None:
    g = p.add_argument_group("classroom")
    g.add_argument("--classroom", metavar="URL", nargs="?", const=FROM_ENV, default=None,
                   help=f"publish this station to a class: mqtt://HOST:PORT/ROOM; without URL: ${URL_ENV} "
                        "(a URL with a password goes there, never on the command line)")
    g.add_argument("--station", metavar="NAME", default=None, help="this station's name in the class")
    g.add_argument("--room-secret", metavar="SECRET", default=None,
                   help="the instructor's room secret: accept a signed 'start routine' from the dashboard "
                        "(default: $PRESSURE_ROOM_SECRET)")
    g.add_argument("--cafile", metavar="FILE", default=None, help="the school's CA certificate for mqtts://")


def broker_url(value: str, option: str):
    """The BrokerURL an option names: its value, or $PRESSURE_CLASSROOM when given without one.
    A password typed on the command line is refused (it shows in the process list)."""
    from ..classroom.url import parse_url

    if value == FROM_ENV:
        text = os.environ.get(URL_ENV, "").strip()
        if not text:
            raise PressureError(f"{option} without a URL reads ${URL_ENV}, which is not set")
        return parse_url(text)
    url = parse_url(value)
    if url.password is not None:
        raise PressureError(f"a password in {option} shows in the process list: put the URL in ${URL_ENV} "
                            f"and give {option} without a value")
    return url


def station_from_args(args, labels: dict, on_command=None):
    """The connected Station, or None without --classroom. Only the trainee's name is published."""
    if args.classroom is None:
        if args.station:
            raise PressureError("--station needs --classroom URL")
        return None
    url = broker_url(args.classroom, "--classroom")
    if not args.station:
        raise PressureError("--classroom needs --station NAME (this station's name in the class)")
    from ..classroom.broker import STATION
    from ..classroom.station import Station

    secret = args.room_secret or os.environ.get("PRESSURE_ROOM_SECRET", "")
    trainee = labels.get("trainee") or labels.get("student") or ""
    station = Station(url, args.station, trainee, secret=secret, on_command=on_command, cafile=args.cafile).start()
    if url.username not in (None, STATION, args.station):
        # A school's mosquitto with the documented ACL lets an account write only under its own name.
        log.warning("--station %s differs from the broker account %s: a broker with one account per station "
                    "drops what this station publishes", args.station, url.username)
    return station


def close_station(station) -> None:
    """Say goodbye to the class (None: nothing to do); the session's own files are already safe."""
    if station is not None:
        station.close()
