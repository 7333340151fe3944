"""``record``: record a sensor to a session file without a window.

The same file the window writes: raw readings, calibration, sensor identity, labels, and
with ``--routine``/``--target`` the routine and its step events (the coach runs on the
smoothed force as it would on screen). It stops after ``--seconds`` of wall time, on Ctrl-C
or SIGTERM; the file is closed properly in every case, and after a kill -9 it still opens.
"""

from __future__ import annotations

import logging
import math
import signal
import sys
import threading
import time
from pathlib import Path

from ..buffer import RingBuffer
from ..errors import PressureError
from ..recording import LABEL_KEYS, RecordingWriter, new_session_path
from ..samples import to_unit
from ..classroom.feed import publish_block
from ._classroom_options import add_classroom_options, close_station, station_from_args
from ._label_options import add_label_option, parse_labels
from ._routine_options import add_routine_options, display_unit_from_args, routine_from_args
from ._sensor_options import add_sensor_options, reader_from_args

log = logging.getLogger(__name__)

WAIT_S = 0.1  # one wait for new samples (bounds the reaction to a stop)
FIRST_SAMPLES_WAIT_S = 3.0  # longest wait for the first samples before the file is created
CHECK_META_S = 1.0  # how often the sensor's identity and calibration are compared with the file's


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


def _calibration_dict(cal):
    if cal is None:
        return None
    to_dict = getattr(cal, "to_dict", None)
    return to_dict() if callable(to_dict) else None


def _sensor_meta(reader, url: str, fmt: str) -> dict:
    stats = reader.stats()
    info = dict(stats.device_info or {})
    rate = info.get("rate")
    try:
        rate = float(rate) if rate is not None else None
    except ValueError:
        rate = None
    return {"id": stats.sensor_id, "url": url,
            "format": stats.format if stats.format != "auto" else fmt,
            "rate_hz": rate, "device_info": info}


def run(args) -> int:
    from ..filters import default_filter

    if args.seconds is not None and not (math.isfinite(args.seconds) and args.seconds > 0):
        raise PressureError(f"--seconds must be greater than 0, not {args.seconds:g}")
    labels = parse_labels(args.label)
    routine = routine_from_args(args)
    unit, area = display_unit_from_args(args, routine)
    out = Path(args.out) if args.out else new_session_path()
    if out.exists():
        raise PressureError(f"{out} already exists; not overwriting it")
    smoother = default_filter()
    coach = None
    if routine is not None:
        from ..coach import Coach
        coach = Coach(routine)

    station = station_from_args(args, labels)  # --classroom: this station publishes to the class
    buffer = RingBuffer(1 << 18)
    reader = reader_from_args(args, buffer)  # bad sensor options fail here, before any file
    reader.start()  # an unreachable port fails here, before any file
    started = time.monotonic()
    # The reader hands over its first samples once the device said who it is (or did not in
    # time), so waiting for them lets the file start with the sensor's identity and calibration.
    buffer.wait(0, min(FIRST_SAMPLES_WAIT_S, args.seconds or FIRST_SAMPLES_WAIT_S))
    meta = {
        "kind": "live",
        "sensor": _sensor_meta(reader, args.port, args.format),
        "calibration": _calibration_dict(reader.calibration),
        "unit": unit, "area_cm2": area, "filter": smoother.describe(),
        "routine": routine.to_dict() if routine is not None else None,
        "labels": {**{k: "" for k in LABEL_KEYS}, **labels},
    }
    try:
        writer = RecordingWriter(out, meta)
    except BaseException:
        reader.stop()
        reader.join(2.0)
        raise
    stop = threading.Event()
    previous = {}
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, lambda *_: stop.set())
    cursor, next_check = 0, time.monotonic() + CHECK_META_S
    try:
        while not stop.is_set():
            now = time.monotonic()
            if args.seconds is not None and now - started >= args.seconds:
                break
            if now >= next_check:
                next_check = now + CHECK_META_S
                _follow_sensor(writer, reader, args)
            if not buffer.wait(cursor, WAIT_S):
                if reader.stats().state == "stopped":
                    break
                continue
            block, cursor, lost = buffer.read_since(cursor)
            if lost:  # the recorder fell behind the ring buffer: say so in the file
                writer.add_event(float(block.t[0]) if len(block) else 0.0, "gap",
                                 "samples lost by the recorder", {"lost": int(lost)})
            writer.append(block)
            if coach is not None and len(block):
                smoothed = smoother.process(block.t, block.force_n)
                state = coach.update(block.t, to_unit(smoothed, routine.unit, routine.area_cm2))
                for e in state.events:
                    if e.kind in ("step_start", "step_end", "threshold", "routine_done"):
                        writer.add_event(e.t, e.kind, str(e.data.get("label") or ""),
                                         {"step": e.step, **e.data})
            publish_block(station, block, coach.state if coach is not None else None, unit, area)
    finally:
        reader.stop()
        reader.join(2.0)
        block, cursor, lost = buffer.read_since(cursor)
        try:
            writer.append(block)
        finally:
            writer.close()
            close_station(station)
            for sig, handler in previous.items():
                signal.signal(sig, handler)
    stats = reader.stats()
    print(f"recorded {writer.samples_committed} samples ({stats.gaps} gaps, "
          f"{stats.reconnects} reconnects)", file=sys.stderr)
    print(out)
    if writer.samples_committed == 0:
        raise PressureError(f"no samples arrived from {args.port}; {out} holds none")
    return 0


def _follow_sensor(writer: RecordingWriter, reader, args) -> None:
    """Store the sensor's identity and calibration once the device has told them (or changed)."""
    meta = writer.meta
    sensor = _sensor_meta(reader, args.port, args.format)
    changes = {}
    if sensor != meta.get("sensor"):
        changes["sensor"] = sensor
    cal = _calibration_dict(reader.calibration)
    if cal != meta.get("calibration"):
        changes["calibration"] = cal
    if changes:
        writer.update_meta(**changes)
