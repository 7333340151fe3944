"""Faults on demand: a small spec language and the plan it parses into.

A spec is a comma-separated list of ``name=value`` items, for example::

    garbage=0.01,drop=0.001,cut=0.01,checksum=0.01,lose=0.001,burst=2:0.25,
    stall=5:1.5,saturate=10:1,disconnect=8:2,restart=12

Per-line faults take a probability in [0, 1] that each sample line is hit:

``garbage``   random bytes (not a valid line) are sent on a line of their own before it
``drop``      one byte of the line (never its line ending) is lost in transmission
``cut``       only the first part of the line is sent, then the line ending (half a line)
``checksum``  one hex digit of the checksum is wrong (``pressure`` format only)
``lose``      the whole line is lost (a sequence gap)
``spike``     a well-formed line with a wrong reading: one high bit of the ADC count flips (the
              HX711's known glitch when its clock is disturbed); only a filter can catch it

Timed faults take ``AT:DURATION`` in seconds of device time since the host started (``restart``
takes ``AT`` only); each may be given more than once:

``stall``       the device sends nothing and takes no samples (its clock keeps running)
``saturate``    a force far beyond the load cell's range: raw sits at +8388607
``disconnect``  the port disappears and comes back at the same address (served by the host)
``restart``     the device restarts: ``#BOOT`` (or the banner), seq begins again at 0

``burst=EVERY[:HOLD]``: every EVERY seconds the lines of the next HOLD seconds (default 0.25 s) are
held back and sent together (what USB buffering does); nothing is lost.

``damage_line`` applies the per-line faults to one line as the firmware sends it.

Why a language instead of keyword arguments: the same text works on the command line
(``sim --faults``), in tests and in the docs, and a bad spec is one clear error.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field

import numpy as np

from pressure.errors import PressureError

log = logging.getLogger(__name__)

RATE_FAULTS = ("garbage", "drop", "cut", "checksum", "lose", "spike")
TIMED_FAULTS = ("stall", "saturate", "disconnect")
ALL_FAULTS = RATE_FAULTS + TIMED_FAULTS + ("restart", "burst")

SPEC_HELP = (
    "comma-separated NAME=VALUE: per-line probabilities garbage, drop, cut, checksum, lose, spike "
    "(e.g. cut=0.01); timed AT:DURATION seconds stall, saturate, disconnect (e.g. stall=5:1.5); "
    "restart=AT; burst=EVERY[:HOLD]"
)


@dataclass
class FaultPlan:
    """What to break and when. Empty by default (a perfect device)."""

    rates: dict[str, float] = field(default_factory=lambda: {k: 0.0 for k in RATE_FAULTS})
    stalls: list[tuple[float, float]] = field(default_factory=list)
    saturations: list[tuple[float, float]] = field(default_factory=list)
    disconnects: list[tuple[float, float]] = field(default_factory=list)
    restarts: list[float] = field(default_factory=list)
    burst_every: float = 0.0
    burst_hold: float = 0.25

    @property
    def any_line_faults(self) -> bool:
        return any(v for k, v in self.rates.items() if k != "spike")  # spike acts on the ADC

    def in_window(self, windows: list[tuple[float, float]], t: float) -> bool:
        return any(a <= t < a + d for a, d in windows)

    def describe(self) -> str:
        """The plan written back as a spec (round-trips through :func:`parse_faults`)."""
        items = [f"{k}={v:g}" for k, v in self.rates.items() if v]
        for name, windows in (("stall", self.stalls), ("saturate", self.saturations),
                              ("disconnect", self.disconnects)):
            items += [f"{name}={a:g}:{d:g}" for a, d in windows]
        items += [f"restart={a:g}" for a in self.restarts]
        if self.burst_every:
            items.append(f"burst={self.burst_every:g}:{self.burst_hold:g}")
        return ",".join(items)


def _number(text: str, item: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise PressureError(f"fault {item!r}: {text!r} is not a number ({SPEC_HELP})") from None
    if not math.isfinite(value) or value < 0:
        raise PressureError(f"fault {item!r}: {text!r} must be a finite number >= 0")
    return value


def parse_faults(spec: "str | FaultPlan | None") -> FaultPlan:
    """Parse a fault spec (see the module docstring); PressureError on any mistake."""
    if isinstance(spec, FaultPlan):
        return spec
    plan = FaultPlan()
    if spec is None or not str(spec).strip():
        return plan
    for item in str(spec).split(","):
        item = item.strip()
        if not item:
            continue
        name, sep, value = item.partition("=")
        name = name.strip().lower()
        if not sep or not value.strip():
            raise PressureError(f"fault {item!r}: expected NAME=VALUE ({SPEC_HELP})")
        if name not in ALL_FAULTS:
            raise PressureError(f"unknown fault {name!r}; choose from {', '.join(ALL_FAULTS)}")
        parts = [p.strip() for p in value.split(":")]
        if name in RATE_FAULTS:
            if len(parts) != 1:
                raise PressureError(f"fault {item!r}: {name} takes one probability, e.g. {name}=0.01")
            p = _number(parts[0], item)
            if p > 1:
                raise PressureError(f"fault {item!r}: a probability must be between 0 and 1")
            plan.rates[name] = p
        elif name == "restart":
            if len(parts) != 1:
                raise PressureError(f"fault {item!r}: restart takes one time in seconds, e.g. restart=12")
            plan.restarts.append(_number(parts[0], item))
        elif name == "burst":
            if len(parts) not in (1, 2):
                raise PressureError(f"fault {item!r}: expected burst=EVERY or burst=EVERY:HOLD")
            every = _number(parts[0], item)
            hold = _number(parts[1], item) if len(parts) == 2 else plan.burst_hold
            if every <= 0 or hold <= 0 or hold >= every:
                raise PressureError(f"fault {item!r}: need 0 < HOLD < EVERY seconds")
            plan.burst_every, plan.burst_hold = every, hold
        else:
            if len(parts) != 2:
                raise PressureError(f"fault {item!r}: {name} takes AT:DURATION seconds, e.g. {name}=5:1.5")
            at, duration = _number(parts[0], item), _number(parts[1], item)
            if duration <= 0:
                raise PressureError(f"fault {item!r}: the duration must be > 0 seconds")
            {"stall": plan.stalls, "saturate": plan.saturations,
             "disconnect": plan.disconnects}[name].append((at, duration))
    for windows in (plan.stalls, plan.saturations, plan.disconnects):
        windows.sort()
    plan.restarts.sort()
    log.debug("fault plan: %s", plan.describe())
    return plan


def damage_line(line: bytes, eol: bytes, r: dict[str, float], rng, stats: dict) -> tuple[bytes, bytes | None]:
    """Apply the per-line faults of rates ``r`` to one sample line (``stats`` counts each).

    Returns (junk sent before the line, possibly empty; the line as sent, None if lost).
    """
    junk_line = b""
    if r["garbage"] and rng.random() < r["garbage"]:
        # line noise: starts with a non-ASCII byte, so it can never pass for a line
        junk = rng.integers(0, 256, int(rng.integers(1, 24)), dtype=np.uint8).tobytes()
        junk = bytes([0x80 | junk[0]]) + junk[1:].replace(b"\r", b"?").replace(b"\n", b"?")
        junk_line = junk + eol
        stats["garbage"] += 1
    body = line[: len(line) - len(eol)]
    if r["lose"] and rng.random() < r["lose"]:
        stats["lose"] += 1
        stats["lost_samples"] += 1
        return junk_line, None
    if r["cut"] and rng.random() < r["cut"]:
        line = body[: int(rng.integers(1, max(2, len(body))))] + eol
        stats["cut"] += 1
        stats["lost_samples"] += 1
    elif r["drop"] and rng.random() < r["drop"]:
        i = int(rng.integers(0, len(body)))
        line = body[:i] + body[i + 1:] + eol
        stats["dropped"] += 1
        stats["lost_samples"] += 1
    elif r["checksum"] and rng.random() < r["checksum"]:
        star = body.rindex(b"*")
        good = int(body[star + 1:], 16)
        bad = good ^ int(rng.integers(1, 256))
        line = body[: star + 1] + b"%02X" % bad + eol
        stats["checksum"] += 1
        stats["lost_samples"] += 1
    return junk_line, line
