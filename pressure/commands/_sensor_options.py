"""Shared command-line options for where the sensor is and how it talks.

``live``, ``record`` and ``stream`` all take the same ``--port --format --field --input-unit
--poll --poll-rate --baud`` so a sensor set up once on the command line works everywhere.
Everything is checked before the port is opened, so a typo is one clear line, not a half
started reader.
"""

from __future__ import annotations

import argparse
import logging
import math

from ..errors import PressureError
from ..samples import FORCE_UNITS, normalize_force_unit

log = logging.getLogger(__name__)

DEFAULT_POLL_RATE = 10.0  # Hz, when --poll is given without --poll-rate
MAX_POLL_RATE = 1000.0    # a gauge answers a request per line; more than this is a typo
_ESCAPES = {"r": "\r", "n": "\n", "t": "\t", "\\": "\\"}


def _formats() -> tuple[str, ...]:
    from .. import wire

    return ("auto", *wire.FORMATS)


def parse_poll(text: str) -> bytes:
    r"""``--poll``: the request a polled gauge answers, with \r \n \t (and \\) written as escapes."""
    out, i = [], 0
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            nxt = text[i + 1] if i + 1 < len(text) else ""
            if nxt not in _ESCAPES:
                raise PressureError(
                    f"--poll {text!r}: unknown escape \\{nxt}; use \\r, \\n, \\t or \\\\")
            out.append(_ESCAPES[nxt])
            i += 2
            continue
        out.append(ch)
        i += 1
    request = "".join(out)
    if not request:
        raise PressureError("--poll needs a request string, for example '?\\r' or 'D\\r'")
    try:
        return request.encode("ascii")
    except UnicodeEncodeError:
        raise PressureError(f"--poll {text!r}: only ASCII characters can be sent to a gauge") from None


def _positive(name: str, value, upper: float | None = None) -> float:
    if value is None or not math.isfinite(value) or value <= 0:
        raise PressureError(f"{name} must be a number greater than 0, not {value}")
    if upper is not None and value > upper:
        raise PressureError(f"{name} must be at most {upper:g}, not {value:g}")
    return float(value)


def _float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None


def add_sensor_options(parser: argparse.ArgumentParser, port_required: bool = False) -> None:
    g = parser.add_argument_group("sensor")
    g.add_argument("--port", required=port_required, default=None, metavar="URL",
                   help="serial port or pyserial URL: /dev/ttyUSB0, COM3, socket://host:port, "
                        "spy://...; Bluetooth: ble://NAME or ble://ADDRESS, emulated: "
                        "ble-sim://progressor|forceboard|whc06 (see `ports` for what is there)")
    g.add_argument("--format", dest="format", default="auto", choices=_formats(),
                   help="what the sensor sends (default auto: detected from the first lines)")
    g.add_argument("--field", default=None, metavar="NAME",
                   help="plotter format: the field to read, by label or 1-based position (default the first)")
    g.add_argument("--input-unit", default="N", metavar="UNIT",
                   help=f"unit of values sent without one ({', '.join(FORCE_UNITS)}; default N)")
    g.add_argument("--poll", default=None, metavar="REQUEST",
                   help=r"polled gauge: send this request (escapes \r \n \t), e.g. '?\r' or 'D\r'")
    g.add_argument("--poll-rate", type=_float, default=None, metavar="HZ",
                   help=f"requests per second with --poll (default {DEFAULT_POLL_RATE:g})")
    g.add_argument("--baud", type=_int, default=115200, metavar="BAUD",
                   help="baud rate for serial ports (default 115200; ignored by socket://)")


def check_sensor_args(args) -> dict:
    """Validated keyword arguments for :class:`pressure.acquisition.Reader` (without url/buffer)."""
    from .. import wire

    fmt = args.format
    if fmt != "auto" and fmt not in wire.FORMATS:
        raise PressureError(f"unknown format {fmt!r}; choose one of {', '.join(_formats())}")
    try:
        unit = normalize_force_unit(args.input_unit)
    except PressureError as exc:
        raise PressureError(f"--input-unit: {exc}") from None
    if args.field is not None and fmt not in ("auto", "plotter"):
        raise PressureError(f"--field only applies to the plotter format, not {fmt}")
    poll = parse_poll(args.poll) if args.poll is not None else None
    poll_rate = args.poll_rate
    if poll_rate is not None and poll is None:
        raise PressureError("--poll-rate needs --poll (the request to send)")
    if poll is not None:
        poll_rate = _positive("--poll-rate", DEFAULT_POLL_RATE if poll_rate is None else poll_rate,
                              MAX_POLL_RATE)
    baud = args.baud
    if baud is None or baud <= 0 or baud > 20_000_000:
        raise PressureError(f"--baud must be a positive baud rate, not {baud}")
    return {"fmt": fmt, "field": args.field, "input_unit": unit, "poll": poll,
            "poll_rate": poll_rate, "baudrate": int(baud)}


def reader_from_args(args, buffer, **overrides):
    """A configured (not yet started) Reader for ``--port`` feeding ``buffer``."""
    from ..acquisition import Reader

    if not args.port:
        raise PressureError("no sensor port given: use --port (see `ports` for what is plugged in)")
    options = {**check_sensor_args(args), **overrides}
    return Reader(args.port, buffer, **options)
