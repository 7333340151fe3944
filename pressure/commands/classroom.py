"""``classroom``: the instructor's dashboard of every station in a room (or just the broker).

``classroom`` with no --broker starts an embedded broker and shows the URL the stations should
use; ``classroom broker`` runs only that broker; ``--json`` prints one JSON object per station
per second instead of opening a window. The embedded broker asks for a password (generated, in
the URLs it prints) and speaks TLS (its certificate's fingerprint is in the URLs) unless told
otherwise (--anonymous, --no-tls); see docs/classroom.md, "Security".
"""

from __future__ import annotations

import json
import math
import os
import signal
import sys
import threading
import time

from ..errors import PressureError
from ._classroom_options import FROM_ENV, URL_ENV, broker_url

DEFAULT_ROOM = "class"


def register(sub) -> None:
    p = sub.add_parser("classroom", help="the instructor's dashboard of a class (MQTT)",
                       description=__doc__.splitlines()[0])
    p.add_argument("what", nargs="?", choices=["broker"], help="'broker': run only the embedded broker")
    p.add_argument("--broker", metavar="URL", nargs="?", const=FROM_ENV, default=None,
                   help=f"a school's broker, mqtt://HOST:PORT/ROOM; without URL: ${URL_ENV} (a URL with a password "
                        "goes there) (default: start an embedded broker)")
    p.add_argument("--port", type=int, default=0, metavar="N", help="the embedded broker's port (default: a free one)")
    p.add_argument("--host", default=None,
                   help="the embedded broker's address (default: every interface; 127.0.0.1 with --anonymous)")
    p.add_argument("--room", default=DEFAULT_ROOM, help=f"the embedded broker's room (default: {DEFAULT_ROOM})")
    p.add_argument("--anonymous", action="store_true",
                   help="the embedded broker without user names and passwords: whoever reaches it reads and writes the room")
    p.add_argument("--no-tls", action="store_true", help="the embedded broker without TLS (plain mqtt://)")
    p.add_argument("--json", action="store_true", help="no window: print one JSON object per station per second")
    p.add_argument("--seconds", type=float, default=None, metavar="N", help="stop after N seconds")
    p.add_argument("--room-secret", metavar="SECRET", default=None,
                   help="signs 'start routine' commands to the stations (default: $PRESSURE_ROOM_SECRET)")
    p.add_argument("--cafile", metavar="FILE", default=None, help="the school's CA certificate for mqtts://")
    p.set_defaults(func=run)


def _stopper(seconds):
    stop = threading.Event()
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
    if seconds is not None:
        timer = threading.Timer(seconds, stop.set)
        timer.daemon = True
        timer.start()
    return stop


def _start_broker(args):
    from ..classroom.broker import EmbeddedBroker, require_broker
    from ..classroom.protocol import check_name

    require_broker(tls=not args.no_tls)
    check_name(args.room, "--room")
    host = args.host or ("127.0.0.1" if args.anonymous else "0.0.0.0")
    return EmbeddedBroker(host, args.port, room=args.room, anonymous=args.anonymous, tls=not args.no_tls).start()


def _own_url(broker):
    """The instructor's URL for a dashboard in this process (loopback when listening everywhere)."""
    from ..classroom.broker import TEACHER

    return broker.room_url(TEACHER, "127.0.0.1" if broker.host in ("0.0.0.0", "", "::") else None)


def run(args) -> int:
    if args.port and not 0 < args.port < 65536:
        raise PressureError(f"--port must be 1-65535, not {args.port}")
    if args.seconds is not None and not (math.isfinite(args.seconds) and args.seconds > 0):
        raise PressureError(f"--seconds must be greater than 0, not {args.seconds:g}")
    if args.what == "broker":
        if args.broker is not None:
            raise PressureError("'classroom broker' starts a broker: --broker names another one")
        from ..classroom.broker import STATION, TEACHER

        broker = _start_broker(args)
        # stdout: the two URLs, first the stations', then the instructor's (scripts read them);
        # each is accepted as printed from $PRESSURE_CLASSROOM.
        print(broker.room_url(STATION).full(), flush=True)
        print(broker.room_url(TEACHER).full(), flush=True)
        print(f"stations: {URL_ENV}='<first line>' python main.py live --classroom --station NAME\n"
              f"instructor: {URL_ENV}='<second line>' python main.py classroom --broker", file=sys.stderr, flush=True)
        stop = _stopper(args.seconds)
        try:
            stop.wait()
        finally:
            broker.stop()
        return 0
    broker = None
    station_url = ""
    if args.broker is None:
        from ..classroom.broker import STATION

        broker = _start_broker(args)
        url = _own_url(broker)
        station_url = broker.room_url(STATION).full()
        print(f"stations: {URL_ENV}='{station_url}' python main.py live --classroom --station NAME",
              file=sys.stderr, flush=True)
    else:
        url = broker_url(args.broker, "--broker")
    secret = args.room_secret or os.environ.get("PRESSURE_ROOM_SECRET", "")
    try:
        if args.json:
            return _run_json(url, secret, args)
        from ..ui.classroom_window import run_window

        return run_window(url, secret=secret, cafile=args.cafile, seconds=args.seconds, broker_url=station_url)
    finally:
        if broker is not None:
            broker.stop()


def _run_json(url, secret, args) -> int:
    from ..classroom.dashboard import Classroom

    room = Classroom(url, secret=secret, cafile=args.cafile).start()
    stop = _stopper(args.seconds)
    try:
        next_t = time.monotonic() + 1.0
        while not stop.wait(max(0.0, next_t - time.monotonic())):
            next_t += 1.0
            for row in room.rows():
                print(json.dumps(row), flush=True)
    finally:
        room.close()
    return 0
