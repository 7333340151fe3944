"""Which column is the time and which the force, and in what units (from names, or guessed
from the numbers); every assumption is noted in the ImportReport for the user."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np

from ..errors import PressureError
from ..samples import FORCE_UNITS, normalize_unit

if TYPE_CHECKING:
    from .importreport import ImportReport

TIME_UNITS = {"s": 1.0, "sec": 1.0, "secs": 1.0, "second": 1.0, "seconds": 1.0,
              "ms": 1e-3, "msec": 1e-3, "millis": 1e-3, "millisecond": 1e-3, "milliseconds": 1e-3,
              "us": 1e-6, "µs": 1e-6, "micros": 1e-6, "microsecond": 1e-6, "microseconds": 1e-6,
              "min": 60.0, "minute": 60.0, "minutes": 60.0}
TIME_NAMES = ("time", "t", "times", "timestamp", "timestamps", "elapsed", "elapsed time", "zeit")
# Force column names in order of preference, with the unit they usually carry when unnamed.
FORCE_NAMES = {"force": None, "thrust": None, "load": None, "weight": "kgf", "mass": "kgf",
               "measures": "gf", "measure": "gf", "measurement": "gf", "reading": None,
               "readings": None, "value": None, "values": None, "kraft": None, "f": None}
UNIT_WORDS = {"n": "N", "newton": "N", "newtons": "N", "kn": "kN", "mn": "mN", "kg": "kgf",
               "kgf": "kgf", "g": "gf", "gf": "gf", "gram": "gf", "grams": "gf", "lb": "lbf",
               "lbs": "lbf", "lbf": "lbf", "oz": "ozf", "ozf": "ozf", "kilogram": "kgf",
               "kilograms": "kgf", "pound": "lbf", "pounds": "lbf"}


def name_and_unit(header: str) -> tuple[str, str | None]:
    """'Time (s)' -> ('time', 's'); 'force_kgf' -> ('force', 'kgf'); 'ms' -> ('ms', None)."""
    h = header.strip().strip('"').strip().lower()
    m = re.match(r"^(.*?)\s*[\(\[]\s*([^\)\]]*?)\s*[\)\]]\s*$", h)
    if m:
        return m.group(1).strip(), m.group(2).strip() or None
    m = re.match(r"^(.*?)[\s_\-/]+([a-zµ/]+)$", h)
    if m and (m.group(2) in TIME_UNITS or m.group(2) in UNIT_WORDS):
        return m.group(1).strip(), m.group(2)
    return h, None


def pick_columns(headers: list[str], time_column, force_column, report: ImportReport):
    parsed = [name_and_unit(h) for h in headers]

    def by_request(name, what):
        want = name.strip().lower()
        for i, (h, (base, _)) in enumerate(zip(headers, parsed)):
            if h.strip().strip('"').strip().lower() == want or base == want:
                return i
        m = re.fullmatch(r"(column\s*)?(\d+)", want)  # a column by its number, counted from 1
        if m and 1 <= int(m.group(2)) <= len(headers):
            return int(m.group(2)) - 1
        where = f" (header on line {report.header_line})" if report.header_line else ""
        raise PressureError(f"{report.source.name}: no {what} column named {name!r}; "
                            f"the columns{where} are {', '.join(repr(h) for h in headers)}")

    if time_column:
        ti = by_request(time_column, "time")
    else:
        ti = next((i for i, (base, unit) in enumerate(parsed)
                   if base in TIME_NAMES or base in TIME_UNITS or (unit in TIME_UNITS and base in ("", "t"))),
                  None)
        if ti is None:
            raise PressureError(
                f"{report.source.name}: found no time column among {', '.join(repr(h) for h in headers)} "
                "(looked for time, t, times, timestamp, seconds, ms, millis...); use --time-column")
    if force_column:
        fi = by_request(force_column, "force")
        if fi == ti:
            raise PressureError("the time and force columns must differ")
    else:
        candidates = [i for i in range(len(headers)) if i != ti]
        fi = None
        for name in FORCE_NAMES:
            fi = next((i for i in candidates if parsed[i][0] == name), None)
            if fi is not None:
                break
        if fi is None:  # a column named only by its unit: "N", "kg", "Force (N)" handled above
            fi = next((i for i in candidates if parsed[i][0] in UNIT_WORDS), None)
        if fi is None and len(candidates) == 1:
            fi = candidates[0]
            report.notes.append(f"took {headers[fi]!r}, the only other column, as the force")
        if fi is None:
            raise PressureError(
                f"{report.source.name}: cannot tell which column is the force among "
                f"{', '.join(repr(headers[i]) for i in candidates)}; use --force-column")
    return ti, fi, parsed[ti], parsed[fi]


def time_scale(name: str, unit: str | None, t: np.ndarray, time_unit: str | None,
                report: ImportReport) -> float:
    if time_unit:
        key = time_unit.strip().lower()
        if key not in TIME_UNITS:
            raise PressureError(f"unknown time unit {time_unit!r}; use s, ms or us")
        report.time_unit = key
        return TIME_UNITS[key]
    for word in (unit, name):
        if word in TIME_UNITS:
            report.time_unit = word
            return TIME_UNITS[word]
    steps = np.diff(t[:10001])
    steps = steps[steps > 0]
    step = float(np.median(steps)) if steps.size else 0.0
    integers = bool(np.all(t[:10001] == np.round(t[:10001])))
    if integers and 1 <= step <= 1000:
        report.time_unit = "ms"
        report.notes.append(f"the time unit is not named; whole-number steps of {step:g} look like "
                            "milliseconds (use --time-unit s if they are seconds)")
        return 1e-3
    if integers and step > 1000:
        report.time_unit = "us"
        report.notes.append(f"the time unit is not named; whole-number steps of {step:g} look like "
                            "microseconds (use --time-unit to say otherwise)")
        return 1e-6
    report.time_unit = "s"
    if step:
        report.notes.append("the time unit is not named; took seconds")
    return 1.0


def force_unit(name: str, unit: str | None, override: str | None, report: ImportReport) -> str:
    named = None
    if unit is not None:
        named = UNIT_WORDS.get(unit)
        if named is None:
            try:
                named = normalize_unit(unit)
            except PressureError:
                named = None
            if named is not None and named not in FORCE_UNITS:
                raise PressureError(f"{report.source.name}: the force column is in {unit}, a "
                                    "pressure; only force columns can be imported")
        if named is None:
            report.notes.append(f"unknown force unit {unit!r} in the header")
    elif name in UNIT_WORDS:
        named = UNIT_WORDS[name]
    if override:
        try:
            chosen = normalize_unit(override)
        except PressureError:  # its message lists the display units, pressures included
            chosen = None
        if chosen not in FORCE_UNITS:
            raise PressureError(f"--unit {override}: imports need a force unit "
                                f"({', '.join(FORCE_UNITS)})")
        if named and named != chosen:
            report.notes.append(f"--unit {chosen} overrides the header's {named}")
        return chosen
    if named:
        return named
    guess = FORCE_NAMES.get(name)
    if guess:
        report.notes.append(f"the force unit is not named; took {guess} as tools that write "
                            f"{name!r} usually mean (use --unit to say otherwise)")
        return guess
    report.notes.append("the force unit is not named; took N (use --unit to say otherwise)")
    return "N"
