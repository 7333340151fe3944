"""``record``: record a sensor to a session file without a window.

The same file the window writes: raw readings, calibration, sensor identity, labels, and
with ``--routine``/``--target`` the routine and its step events (the coach runs on the
smoothed force as it would on screen). It runs the window's engine without the window (the
same pipeline and recorder, so the same events). It stops after ``--seconds`` of wall time, on
Ctrl-C or SIGTERM; the file is closed properly in every case, and after a kill -9 it still
opens. A session that ends without its sensor ends with "sensor lost at t=... s" and exit 1;
the file keeps its samples and a ``disconnected`` event where the port went away.
"""

from __future__ import annotations

import logging
import math
import sys
import time
from pathlib import Path

from ..errors import PressureError
from ..recording import new_session_path
from ._classroom_options import add_classroom_options, close_station, station_from_args
from ._label_options import add_label_option, parse_labels
from ._routine_options import add_routine_options, display_unit_from_args, routine_from_args
from ._sensor_options import add_sensor_options, check_sensor_args, reader_from_args
from ._status_line import StatusLine

log = logging.getLogger(__name__)

FIRST_SAMPLES_WAIT_S = 3.0  # longest wait for the first samples before the file is created


def register(sub) -> None:
    p = sub.add_parser("record", help="record a sensor to a session file (headless)",
                       description=__doc__.splitlines()[0])
    add_sensor_options(p, port_required=True)
    p.add_argument("--seconds", type=float, default=None, metavar="N",
                   help="stop after N seconds (default: until Ctrl-C)")
    p.add_argument("--out", metavar="FILE", default=None,
                   help="the recording to create (default: a new file in the sessions folder); "
                        "an existing file is never replaced")
    add_label_option(p)
    add_routine_options(p)
    add_classroom_options(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from ..filters import DEFAULT_FILTER
    from ..session.headless import (WAIT_S, print_coach_notes, sensor_lost_error, sessionless_routine,
                                    stop_on_signals)
    from ..session.live import SessionConfig, open_session

    if args.seconds is not None and not (math.isfinite(args.seconds) and args.seconds > 0):
        raise PressureError(f"--seconds must be greater than 0, not {args.seconds:g}")
    labels = parse_labels(args.label)
    routine = routine_from_args(args)
    unit, area = display_unit_from_args(args, routine)
    out = Path(args.out) if args.out else new_session_path()
    if out.exists():
        raise PressureError(f"{out} already exists; not overwriting it")
    check_sensor_args(args)  # bad sensor options fail here, before the class hears of us

    station = station_from_args(args, labels)  # --classroom: this station publishes to the class
    config = SessionConfig(
        routine=routine or sessionless_routine(unit, area), filter_name=DEFAULT_FILTER[0],
        filter_params=dict(DEFAULT_FILTER[1]), record=True, labels=labels, station=station,
        make_reader=lambda url, buffer: reader_from_args(args, buffer), record_steps=routine is not None,
        out=out, fmt=args.format, sensor_name=args.port, read_interval=None,
        first_samples_wait_s=min(FIRST_SAMPLES_WAIT_S, args.seconds or FIRST_SAMPLES_WAIT_S))
    try:
        session = open_session(args.port, config)  # an unreachable port fails here, before any file
    except BaseException:
        close_station(station)
        raise
    started = session.started  # --seconds count from when the sensor opened
    source, recorder = session.source, session.recorder
    print_coach_notes(session.pipeline)  # a sensor too slow for the routine, a release still pressed
    status = StatusLine()  # "disk full ..." once when it happens, once when it is over
    try:
        with stop_on_signals() as stop:
            while not stop.is_set():
                if args.seconds is not None and time.monotonic() - started >= args.seconds:
                    break
                if source.wait(WAIT_S):
                    session.tick()
                elif source.stats().state == "stopped":
                    break
                status.update(recorder.status)
                if recorder.error:  # the recorder's thread failed: never a silent stop
                    break
    finally:
        lost = session.close()  # the one close: a lost sensor noted, source stopped, file closed
    error = session.pipeline.recorder_error or recorder.error  # the recorder's own: its thread may fail after the last tick
    if error:  # e.g. the disk stayed full: the line says how many samples are where
        raise PressureError(f"recording failed: {error}")
    status.update(recorder.status)  # samples lost while the disk was full are said at the end
    stats = source.reader.stats()
    print(f"recorded {recorder.samples} samples ({stats.gaps} gaps, "
          f"{stats.reconnects} reconnects)", file=sys.stderr)
    print(out)
    if recorder.samples == 0:
        raise PressureError(f"no samples arrived from {args.port}; {out} holds none")
    if lost is not None:  # the session ended without the sensor: the file says where it went
        raise sensor_lost_error(lost)
    return 0
