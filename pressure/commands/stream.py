"""``stream``: read a sensor headless and print one JSON object per sample on stdout.

For scripts, logging and checking a sensor without a screen: each line is
``{"t": s, "force": v, "smoothed": v}`` in ``--unit`` (plus ``"flags"`` where a sample carries
any, see pressure.samples), and at the end one JSON summary of what was received and lost goes
to stderr. It stops after ``--seconds`` of session time, on Ctrl-C or SIGTERM, or when
whoever reads stdout goes away (a closed pipe is a normal end, not an error).

An unreachable port is an error at once; a port that drops while streaming is retried until
``--seconds`` have passed, and the gap is marked on the next sample. A session that ends
without its sensor ends with "sensor lost at t=... s" and exit 1.
"""

from __future__ import annotations

import errno
import json
import logging
import math
import os
import sys
import time

from ..errors import PressureError
from ..samples import DISPLAY_UNITS, is_pressure_unit, normalize_unit, to_unit
from ._sensor_options import add_sensor_options, reader_from_args

log = logging.getLogger(__name__)

GRACE_S = 2.0           # extra wall time after --seconds before giving up on a silent sensor


def register(sub) -> None:
    from ..filters import DEFAULT_FILTER, FILTERS

    p = sub.add_parser(
        "stream", help="print a sensor's samples as JSON lines (headless)",
        description="Read a force sensor and print one JSON object per sample on stdout: "
                    '{"t": seconds, "force": value, "smoothed": value} in --unit, plus "flags" '
                    "when a sample carries any (1 saturated, 2 gap before, 4 reconnect, 8 restart). "
                    "A summary of samples, bad lines, gaps and reconnects goes to stderr at the end.")
    add_sensor_options(p, port_required=True)
    p.add_argument("--seconds", type=float, default=None, metavar="N",
                   help="stop after N seconds of session time (default: until Ctrl-C)")
    p.add_argument("--unit", default="N", metavar="UNIT",
                   help=f"display unit: {', '.join(DISPLAY_UNITS)} (pressure units need --area; default N)")
    p.add_argument("--area", default=None, metavar="CM2",
                   help="contact area in cm2 (or thumb, elbow, algometer, tool) for pressure units")
    p.add_argument("--filter", default=DEFAULT_FILTER[0], choices=list(FILTERS),
                   help=f"smoothing for \"smoothed\" (default {DEFAULT_FILTER[0]})")
    p.set_defaults(func=run)


def _number(x: float) -> str:
    return repr(round(x, 6)) if math.isfinite(x) else "null"


def _lines(block, force, smoothed, limit: float | None) -> tuple[list[str], bool]:
    """JSON lines for a block; True if the block reached the --seconds limit."""
    out, done = [], False
    t, flags = block.t.tolist(), block.flags.tolist()
    for i, (ti, f, s, fl) in enumerate(zip(t, force.tolist(), smoothed.tolist(), flags)):
        if limit is not None and ti > limit:
            done = True
            break
        extra = f',"flags":{fl}' if fl else ""
        out.append(f'{{"t":{ti:.6f},"force":{_number(f)},"smoothed":{_number(s)}{extra}}}')
    return out, done


def _display(args):
    """(unit, area) checked before any port is opened."""
    unit = normalize_unit(args.unit)
    area = None
    if args.area is not None:
        from ._routine_options import parse_area

        area = parse_area(args.area)
    if is_pressure_unit(unit) and area is None:
        raise PressureError(f"--unit {unit} is a pressure: give the contact area with --area (cm2)")
    return unit, area


def run(args) -> int:
    from ..filters import DEFAULT_FILTER
    from ..session.headless import WAIT_S, sensor_lost_error, sessionless_routine, stop_on_signals
    from ..session.live import SessionConfig, open_session
    from ._sensor_options import check_sensor_args

    if args.seconds is not None and not (math.isfinite(args.seconds) and args.seconds > 0):
        raise PressureError(f"--seconds must be greater than 0, not {args.seconds:g}")
    unit, area = _display(args)
    params = dict(DEFAULT_FILTER[1]) if args.filter == DEFAULT_FILTER[0] else {}
    check_sensor_args(args)
    config = SessionConfig(routine=sessionless_routine(unit, area), filter_name=args.filter, filter_params=params,
                           record=False, can_record=False, record_steps=False, fmt=args.format,
                           make_reader=lambda url, buffer: reader_from_args(args, buffer),
                           sensor_name=args.port, read_interval=None)
    printed = 0
    closed = False
    unwritable: OSError | None = None
    limit = args.seconds
    with stop_on_signals() as stop:
        session = open_session(args.port, config)  # PortError here: one line and exit 1
        started = session.started
        source, pipeline = session.source, session.pipeline
        reader, smoother = source.reader, pipeline.filter
        try:
            while not stop.is_set():
                if limit is not None and time.monotonic() - started > limit + GRACE_S and (
                        printed == 0 or reader.stats().state != "streaming"):
                    break  # a sensor that never spoke (or is still away) after --seconds
                if not source.wait(WAIT_S):
                    if reader.stats().state == "stopped":
                        break
                    continue
                frame = pipeline.tick()
                if frame.block is None:
                    continue
                force = to_unit(frame.block.force_n, unit, area)
                lines, done = _lines(frame.block, force, frame.smoothed, limit)
                if lines:
                    try:
                        sys.stdout.write("\n".join(lines) + "\n")
                        sys.stdout.flush()
                    except BrokenPipeError:
                        closed = True
                        break
                    except OSError as exc:  # stdout is a file on a full (or vanished) disk
                        unwritable = exc
                        closed = True
                        break
                    printed += len(lines)
                if done:
                    break
        finally:
            lost = session.close()  # the one close of every shell
            if closed:  # nobody reads stdout: do not let the interpreter complain at exit
                try:
                    devnull = os.open(os.devnull, os.O_WRONLY)
                    os.dup2(devnull, sys.stdout.fileno())
                    os.close(devnull)
                except (OSError, ValueError, AttributeError):  # stdout is not a real file
                    pass
        stopped = stop.is_set()
    stats = reader.stats()
    summary = {**stats.summary(), "printed": printed, "not_read_in_time": source.stats().lost,
               "unit": unit, "filter": smoother.describe()}
    print(json.dumps(summary), file=sys.stderr)
    if unwritable is not None:  # one clear line, not a traceback per tick
        why = "the disk is full" if unwritable.errno in (errno.ENOSPC, errno.EDQUOT) else \
            (unwritable.strerror or str(unwritable))
        raise PressureError(f"cannot write the samples to stdout ({why}); stopped after "
                            f"{printed} samples")
    if stats.state == "stopped" and stats.error and stats.error.startswith("reader failed"):
        raise PressureError(stats.error)
    if printed == 0 and not closed and not stopped:
        # Nothing to show is a failure the user must hear about, not an empty success.
        if stats.bad_lines:
            raise PressureError(
                f"no samples from {args.port}: {stats.bad_lines} lines could not be read as "
                f"--format {args.format}; try --format auto or check the sensor's output")
        waited = f" in {limit:g} s" if limit is not None else ""
        raise PressureError(f"no samples arrived from {args.port}{waited}")
    if lost is not None and not closed:  # the session ended without the sensor
        raise sensor_lost_error(lost)
    return 0
