"""``classroom``: the instructor's dashboard of every station in a room (or just the broker).

``classroom`` with no --broker starts an embedded broker on the local network and shows the
URL the stations should use; ``classroom broker`` runs only that broker; ``--json`` prints one
JSON object per station per second instead of opening a window.
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

DEFAULT_ROOM = "class"


def register(sub) -> None:
    p = sub.add_parser("classroom", help="the instructor's dashboard of a class (MQTT)",
                       description=__doc__.splitlines()[0])
    p.add_argument("what", nargs="?", choices=["broker"], help="'broker': run only the embedded broker")
    p.add_argument("--broker", metavar="URL", default=None,
                   help="mqtt://HOST:PORT/ROOM or mqtts://USER:PASS@HOST:8883/ROOM (default: start an embedded broker)")
    p.add_argument("--port", type=int, default=0, metavar="N", help="the embedded broker's port (default: a free one)")
    p.add_argument("--host", default="0.0.0.0", help="the embedded broker's address (default: every interface)")
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


def run(args) -> int:
    from ..classroom.broker import EmbeddedBroker
    from ..classroom.url import parse_url

    if args.port and not 0 < args.port < 65536:
        raise PressureError(f"--port must be 1-65535, not {args.port}")
    if args.seconds is not None and not (math.isfinite(args.seconds) and args.seconds > 0):
        raise PressureError(f"--seconds must be greater than 0, not {args.seconds:g}")
    if args.what == "broker":
        broker = EmbeddedBroker(args.host, args.port).start()
        print(broker.url(), flush=True)
        stop = _stopper(args.seconds)
        try:
            stop.wait()
        finally:
            broker.stop()
        return 0
    broker = None
    if args.broker is None:
        broker = EmbeddedBroker(args.host, args.port).start()
        url = parse_url(f"{broker.url()}/{DEFAULT_ROOM}")
        print(f"stations: --classroom {url.public()}", file=sys.stderr, flush=True)
    else:
        url = parse_url(args.broker)
    secret = args.room_secret or os.environ.get("PRESSURE_ROOM_SECRET", "")
    try:
        if args.json:
            return _run_json(url, secret, args)
        from ..ui.classroom_window import run_window

        return run_window(url, secret=secret, cafile=args.cafile, seconds=args.seconds,
                          broker_url=url.public() if broker else "")
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
