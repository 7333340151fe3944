"""Parsers for the text formats that other sensors speak: one Python pass per line.

These devices send tens to a few thousand lines a second, so clarity wins over
vectorisation here. Every parser follows the same rule: a line it cannot read is counted
bad and skipped; NaN/inf text never becomes a number (the number pattern has no letters,
and a value that overflows to inf is rejected).
"""

from __future__ import annotations

import math
import re

import numpy as np

from ..errors import PressureError
from ..samples import FORCE_UNITS
from .base import MAX_LINE, LineParser, Parsed

NUMBER = rb"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_NUMBER_RE = re.compile(NUMBER)
_LINE_END_RE = re.compile(rb"[\r\n]+")
# a number standing alone: not the '711' in 'HX711', not the tail of 'v1.2'
_STANDALONE_RE = re.compile(rb"(?<![A-Za-z0-9_.])" + NUMBER)
_WORD_AFTER_RE = re.compile(rb"[ \t]*([A-Za-z]+)")
_PLOT_SPLIT_RE = re.compile(rb"[,\s]+")
_PLOT_COLON_RE = re.compile(rb"[ \t]*:[ \t]*")
_GAUGE_RE = re.compile(
    rb"([+-]?)[ \t]*((?:\d+(?:\.\d*)?|\.\d+))[ \t]*([A-Za-z]*)(?:[ \t]+[A-Za-z]+)*"
)

# words an HX711 sketch prints after a number (a "kg" on a scale is kilogram-force)
HX711_UNITS = {
    b"n": "N", b"newton": "N", b"newtons": "N", b"kn": "kN", b"mn": "mN",
    b"kg": "kgf", b"kgs": "kgf", b"kgf": "kgf", b"g": "gf", b"gr": "gf", b"gram": "gf",
    b"grams": "gf", b"gf": "gf", b"lb": "lbf", b"lbs": "lbf", b"lbf": "lbf",
    b"oz": "ozf", b"ozf": "ozf",
}
# unit prefixes of a force gauge's letter run ('NTO' is N plus mode letters), longest first
GAUGE_UNITS = sorted(
    {b"n": "N", b"kn": "kN", b"mn": "mN", b"lbf": "lbf", b"lb": "lbf", b"kgf": "kgf",
     b"kg": "kgf", b"gf": "gf", b"g": "gf", b"ozf": "ozf", b"oz": "ozf"}.items(),
    key=lambda kv: -len(kv[0]),
)


def to_float(text: bytes) -> float | None:
    """A number token -> float, or None when it is not a finite number."""
    if not _NUMBER_RE.fullmatch(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def split_lines(buf: bytes) -> list[bytes]:
    """Complete lines of ``buf`` without their line ends; empty ones dropped."""
    return [line for line in _LINE_END_RE.split(buf) if line]


def gauge_reading(line: bytes) -> tuple[float, str | None] | None:
    """``'-18.78 lbF'`` -> (-18.78, 'lbf'); unit None when absent; None when unreadable.

    An unknown letter run (no known unit prefix) makes the whole line unreadable.
    """
    m = _GAUGE_RE.fullmatch(line.strip())
    if not m:
        return None
    value = to_float(m.group(1) + m.group(2))
    if value is None:
        return None
    letters = m.group(3).lower()
    if not letters:
        return value, None
    for prefix, unit in GAUGE_UNITS:
        if letters.startswith(prefix):
            return value, unit
    return None


def has_number(line: bytes) -> bool:
    """Whether a number stands alone somewhere in the line (the '711' of 'HX711' does not)."""
    return _STANDALONE_RE.search(line) is not None


def hx711_reading(line: bytes) -> tuple[float, str | None] | None:
    """First standalone number and the unit word right after it; None when there is none."""
    m = _STANDALONE_RE.search(line)
    if not m:
        return None
    value = to_float(m.group())
    if value is None:
        return None
    word = _WORD_AFTER_RE.match(line, m.end())
    unit = HX711_UNITS.get(word.group(1).lower()) if word else None
    return value, unit


def plotter_fields(line: bytes) -> list[tuple[str | None, bytes]]:
    """``'force:12.3,raw:4567'`` -> [('force', b'12.3'), ('raw', b'4567')]; unlabelled -> None."""
    line = _PLOT_COLON_RE.sub(b":", line.strip())
    fields = []
    for token in _PLOT_SPLIT_RE.split(line):
        if not token:
            continue
        label, colon, value = token.rpartition(b":")
        fields.append((label.decode("utf-8", "replace") if colon else None, value))
    return fields


class TextParser(LineParser):
    """A parser that reads one line at a time: subclasses implement :meth:`read_line`."""

    def __init__(self, input_unit: str) -> None:
        super().__init__()
        self.input_unit = input_unit

    @property
    def out_unit(self) -> str:
        return self.input_unit

    def empty(self, bad_lines: int = 0) -> Parsed:
        return Parsed.empty(self.out_unit, bad_lines=bad_lines)

    def read_line(self, line: bytes) -> float | str | None:
        """A value in ``out_unit``, a message string, or None for a bad line."""
        raise NotImplementedError

    def parse_lines(self, buf: bytes) -> Parsed:
        values: list[float] = []
        messages: list[str] = []
        positions: list[int] = []
        bad = 0
        for line in split_lines(buf):
            if len(line) > MAX_LINE:
                bad += 1
                continue
            if not line.strip():
                continue
            got = self.read_line(line)
            if got is None:
                bad += 1
            elif isinstance(got, str):
                messages.append(got)
                positions.append(len(values))
            else:
                values.append(got)
        return Parsed(value=np.array(values, np.float64), unit=self.out_unit,
                      bad_lines=bad, messages=messages, message_pos=positions)


class NumberParser(TextParser):
    """One bare number per line, in the input unit."""

    format = "number"

    def read_line(self, line):
        return to_float(line.strip())


class PlotterParser(TextParser):
    """Arduino Serial Plotter lines; the field chosen by label, or by 1-based index."""

    format = "plotter"

    def __init__(self, input_unit: str, field: str | None = None) -> None:
        super().__init__(input_unit)
        self.field = field
        self._index = 0
        if field is not None:
            field = field.strip()
            if not field:
                raise PressureError("--field is empty: give a label (like 'force') or a position (1, 2, ...)")
            if field.isdigit():
                if int(field) < 1:
                    raise PressureError(f"--field {field}: positions count from 1")
                self._index = int(field) - 1
            self.field = field

    def read_line(self, line):
        fields = plotter_fields(line)
        chosen = None
        if self.field is not None:
            chosen = next((v for label, v in fields if label == self.field), None)
        if chosen is None and (self.field is None or self.field.isdigit()):
            if self._index < len(fields):
                chosen = fields[self._index][1]
        return None if chosen is None else to_float(chosen)


class _ConvertingParser(TextParser):
    """Values that may carry their own unit: everything is converted to newtons."""

    @property
    def out_unit(self) -> str:
        return "N"

    def newtons(self, value: float, unit: str | None) -> float:
        return value * FORCE_UNITS[unit or self.input_unit]


class Hx711Parser(_ConvertingParser):
    """Text lines from HX711 example sketches: the first number; lines without one are banners."""

    format = "hx711"

    def read_line(self, line):
        if not has_number(line):
            return line.decode("utf-8", "replace").strip()
        got = hx711_reading(line)
        return None if got is None else self.newtons(*got)


class GaugeParser(_ConvertingParser):
    """Force-gauge readings: a signed number and a unit, perhaps followed by mode letters."""

    format = "gauge"

    def read_line(self, line):
        got = gauge_reading(line)
        return None if got is None else self.newtons(*got)
