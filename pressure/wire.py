"""Streaming parsers for every wire format: bytes from the port in, numpy arrays out.

The reader thread calls ``parser.feed(chunk)`` with whatever the port returned, split
anywhere; the parser keeps the unfinished last line for the next call. Nothing here
touches a port, a thread or the clock, so every format is tested from byte strings.

Lost data is counted, never hidden and never turned into a number: a line that cannot be
read adds one to ``Parsed.bad_lines``, a well-formed own-protocol line with a wrong
checksum adds one to ``Parsed.checksum_errors``, and sequence gaps and saturated readings
are visible in ``seq`` and ``value`` (the reader flags them; saturated means
``value in (RAW_MIN, RAW_MAX)``).

``make_parser("auto")`` looks at the first lines that arrive, picks the format
(:func:`detect_format`) and hands everything it held to that parser, so no sample is lost.
"""

from __future__ import annotations

import functools
import logging
import operator
import re
from collections import Counter, deque

from .errors import PressureError
from .samples import normalize_force_unit
from .wireformats.base import MAX_LINE, LineParser, Parsed
from .wireformats.own import RAW_MAX, RAW_MIN, UINT32_MAX, OwnParser
from .wireformats.text import (
    GaugeParser,
    Hx711Parser,
    NumberParser,
    PlotterParser,
    gauge_reading,
    has_number,
    plotter_fields,
    to_float,
)

log = logging.getLogger(__name__)

__all__ = [
    "FORMATS", "RAW_MIN", "RAW_MAX", "MAX_LINE", "Parsed", "LineParser", "AutoParser",
    "make_parser", "detect_format",
]

FORMATS = ("pressure", "number", "plotter", "hx711", "gauge")
BLE_FORMAT = "ble"  # not in FORMATS: never chosen by --format or detected, only by a ble:// URL
DECIDE_AFTER = 5  # non-empty lines auto-detection waits for (unless an own-protocol line decides)
DETECT_WINDOW = 50  # lines auto-detection holds at most; older ones are counted bad

_PARSERS = {
    "pressure": OwnParser,
    "number": NumberParser,
    "plotter": PlotterParser,
    "hx711": Hx711Parser,
    "gauge": GaugeParser,
}


def make_parser(fmt: str, *, field: str | None = None, input_unit: str = "N") -> LineParser:
    """A fresh parser for ``fmt`` (one of :data:`FORMATS`, or "auto").

    ``field`` picks the Serial Plotter field (label, or 1-based position); ``input_unit`` is
    the unit of values that arrive without one. Bad choices raise PressureError.
    """
    name = fmt.strip().lower() if isinstance(fmt, str) else fmt
    if name == BLE_FORMAT:  # a Bluetooth port's frames (the reader picks it for ble:// URLs)
        from .wireformats.ble import BleFrameParser

        return BleFrameParser()
    if name not in FORMATS and name != "auto":
        raise PressureError(f"unknown format {fmt!r}; choose one of auto, {', '.join(FORMATS)}")
    unit = normalize_force_unit(input_unit)
    if field is not None and name not in ("plotter", "auto"):
        raise PressureError(f"--field only applies to the plotter format, not {name}")
    if name == "auto":
        if field is not None:
            PlotterParser(unit, field)  # check it now, not when the format is known
        return AutoParser(field=field, input_unit=unit)
    if name == "pressure":
        return OwnParser()
    if name == "plotter":
        return PlotterParser(unit, field)
    return _PARSERS[name](unit)


# -- auto-detection ---------------------------------------------------------------------

_OWN_RE = re.compile(rb"S(\d{1,10}),(\d{1,10}),(-?\d{1,7})\*([0-9A-Fa-f]{2})")


def _own_line(line: bytes) -> str | None:
    """'valid', 'shape' (well-formed, wrong checksum or range) or None for one line."""
    m = _OWN_RE.fullmatch(line)
    if not m:
        return None
    checksum = functools.reduce(operator.xor, line[: m.start(4) - 1], 0)
    ok = (int(m.group(1)) <= UINT32_MAX and int(m.group(2)) <= UINT32_MAX
          and RAW_MIN <= int(m.group(3)) <= RAW_MAX and checksum == int(m.group(4), 16))
    return "valid" if ok else "shape"


def _line_tags(line: bytes) -> frozenset[str]:
    """What one line looks like to each format (for detection only)."""
    own = _own_line(line)  # strict, as the own parser is: no stripping
    line = line.strip()
    tags = set()
    if own:
        tags.add("pressure")
        if own == "valid":
            tags.add("pressure_valid")
    if line.startswith(b"#"):
        tags.add("message")
        return frozenset(tags)
    if has_number(line):
        tags.add("numeric")
    if to_float(line) is not None:
        tags.add("number")
    reading = gauge_reading(line)
    if reading is not None and reading[1] is not None:
        tags.add("gauge")
    fields = plotter_fields(line)
    if fields and all(to_float(v) is not None for _, v in fields) and (
        len(fields) > 1 or fields[0][0] is not None
    ):
        tags.add("plotter")
    return frozenset(tags)


def _decide(counts: Counter) -> str | None:
    if counts["pressure_valid"]:
        return "pressure"
    numeric = counts["numeric"]
    best = max(("pressure", "gauge", "plotter", "number"), key=lambda f: counts[f])  # first wins ties
    if counts[best] and 2 * counts[best] > max(numeric, counts["pressure"]):
        return best
    if numeric:
        return "hx711"  # numbers in free text: the HX711 sketches' style
    return None


def detect_format(lines: list[bytes]) -> str | None:
    """The format these lines (without line ends) are in, or None if nothing is recognisable.

    One valid own-protocol line decides. Otherwise the most specific format that reads more
    than half of the lines that carry a number wins (gauge before plotter before number);
    numbers in free text mean hx711.
    """
    counts: Counter = Counter()
    for line in lines:
        if line.strip():
            counts.update(_line_tags(line))
    return _decide(counts)


_LINE_RE = re.compile(rb"([^\r\n]*)[\r\n]")


class AutoParser(LineParser):
    """Holds the first lines until the format is clear, then hands everything to that parser."""

    def __init__(self, *, field: str | None = None, input_unit: str = "N") -> None:
        super().__init__()
        self.field = field
        self.input_unit = input_unit
        self._child: LineParser | None = None
        self._held: deque[tuple[bytes, frozenset[str]]] = deque()
        self._counts: Counter = Counter()

    @property
    def format(self) -> str | None:  # type: ignore[override]
        return self._child.format if self._child else None

    def empty(self, bad_lines: int = 0) -> Parsed:
        return Parsed.empty(self.input_unit, bad_lines=bad_lines)

    def _choose(self, fmt: str) -> LineParser:
        if self.field is not None and fmt != "plotter":
            log.warning("auto-detected format %s: --field %s is ignored", fmt, self.field)
        log.info("wire format detected: %s", fmt)
        return make_parser(fmt, field=self.field if fmt == "plotter" else None,
                           input_unit=self.input_unit)

    def _hand_over(self, fmt: str, rest: bytes) -> Parsed:
        child = self._choose(fmt)
        held = b"".join(line + b"\n" for line, _ in self._held)
        self._held.clear()
        self._counts.clear()
        result = child.parse_lines(held + rest) if held or rest else child.empty()
        child._pending, child._skipping = self._pending, self._skipping
        self._child = child
        return result

    def _feed(self, data: bytes) -> Parsed:
        if self._child is not None:
            return self._child.feed(data)
        return super()._feed(data)

    def parse_lines(self, buf: bytes) -> Parsed:
        bad = 0
        for m in _LINE_RE.finditer(buf):
            line = m.group(1)
            if len(line) > MAX_LINE:  # before the blank test, as the line splitter does
                bad += 1
                continue
            if not line.strip():
                continue
            tags = _line_tags(line)
            self._held.append((line, tags))
            self._counts.update(tags)
            if len(self._held) > DETECT_WINDOW:  # nothing recognisable for a long time
                _, old = self._held.popleft()
                self._counts.subtract(old)
                bad += 1
            fmt = None
            if "pressure_valid" in tags or len(self._held) >= DECIDE_AFTER:
                fmt = _decide(self._counts)
            if fmt:
                result = self._hand_over(fmt, buf[m.end():])
                result.bad_lines += bad
                return result
        return self.empty(bad_lines=bad)

    def flush(self) -> Parsed:
        """End of stream: decide on the lines held so far (or count them bad), then flush."""
        dropped = self._take_dropped()
        if self._child is None and self._held:
            fmt = _decide(self._counts)
            if fmt:
                first = self._hand_over(fmt, b"")
            else:
                first = self.empty(bad_lines=len(self._held))
                self._held.clear()
                self._counts.clear()
        else:
            first = self.empty()
        rest = self._child.flush() if self._child is not None else super().flush()
        result = Parsed.concat([first, rest])
        result.bad_lines += dropped
        return result

    def reset(self) -> None:
        if self._child is not None:
            self._child.reset()
        else:
            super().reset()
