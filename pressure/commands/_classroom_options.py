"""``--classroom URL --station NAME``: a live or record session that also publishes to a class."""

from __future__ import annotations

import os

from ..errors import PressureError


def add_classroom_options(p) -> None:
    g = p.add_argument_group("classroom")
    g.add_argument("--classroom", metavar="URL", default=None,
                   help="publish this station to a class: mqtt://HOST:PORT/ROOM or mqtts://USER:PASS@HOST:8883/ROOM")
    g.add_argument("--station", metavar="NAME", default=None, help="this station's name in the class")
    g.add_argument("--room-secret", metavar="SECRET", default=None,
                   help="the instructor's room secret: accept a signed 'start routine' from the dashboard "
                        "(default: $PRESSURE_ROOM_SECRET)")
    g.add_argument("--cafile", metavar="FILE", default=None, help="the school's CA certificate for mqtts://")


def station_from_args(args, labels: dict, on_command=None):
    """The connected Station, or None without --classroom. Only the trainee's name is published."""
    if args.classroom is None:
        if args.station:
            raise PressureError("--station needs --classroom URL")
        return None
    if not args.station:
        raise PressureError("--classroom needs --station NAME (this station's name in the class)")
    from ..classroom.station import Station
    from ..classroom.url import parse_url

    secret = args.room_secret or os.environ.get("PRESSURE_ROOM_SECRET", "")
    trainee = labels.get("trainee") or labels.get("student") or ""
    return Station(parse_url(args.classroom), args.station, trainee, secret=secret,
                   on_command=on_command, cafile=args.cafile).start()


def close_station(station) -> None:
    """Say goodbye to the class (None: nothing to do); the session's own files are already safe."""
    if station is not None:
        station.close()
