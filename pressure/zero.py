"""The rules that keep a zero (and a scale) from being silently wrong, in one Qt-free place.

Every path that takes a reading as a zero or a known weight (the window's T key, the
calibration wizard's tare, known-weight and check steps) goes through :func:`steady_mean`;
the window's at-rest warning (:mod:`pressure.session.zero_watch`), the live cue and the
scores use :func:`full_scale` / :func:`below_floor` / :func:`suspect_zero`.

The numbers, all shares of the display's full scale (the top of the plot: 1.5 x the largest
target or the ceiling), so they mean the same for a 5 N and a 60 N routine:

* steady: the readings of the last ``STEADY_S`` seconds spread (max - min) by less than
  ``STEADY_SHARE`` of the range. A 10 N/s ramp moves 5 N in 0.5 s; board noise is a few mN.
* away from zero: more than ``OFFSET_SHARE`` of the range, for ``OFFSET_S`` seconds at rest.
* a new scale that differs from the device's own or the previous one by more than
  ``SCALE_LIMIT`` asks first: a tare taken on a ramp stored a scale 2.3x off.
"""

from __future__ import annotations

import math

import numpy as np

from .errors import PressureError

STEADY_S = 0.5          # seconds of readings a tare or a weight is measured on
STEADY_SHARE = 0.01     # their spread must stay below this share of the range
FRESH_S = 0.5           # a tare needs a sample newer than this (older: the sensor may be gone)
STEADY_MIN_SAMPLES = 3  # a slow gauge (1-2 S/s) is measured on its last 3 samples instead
OFFSET_SHARE = 0.02     # a reading this far from zero at rest ...
OFFSET_S = 2.0          # ... for this long means the zero is off
SCALE_LIMIT = 0.20      # a new scale this far from the device's or the previous one asks first
CHECK_GOOD = 0.02       # a check weight read within this of its value: good for treatment guidance
CHECK_LIMIT = 0.05      # this far or further: the calibration is off


class NotSteady(PressureError):
    """The reading moves (or there is none to measure): no zero or weight is taken from it."""


def full_scale(routine) -> float:
    """The top of the display range for ``routine`` (its unit): 1.5 x the largest target, the
    ceiling (+10 %), a threshold pacer's cap; 1.0 when the routine names no force at all."""
    targets = [s.target for s in routine.steps if s.target is not None]
    pacer_caps = [s.rate * (s.duration or 20.0) for s in routine.steps if s.kind == "threshold" and s.rate]
    hi = max([1.5 * t for t in targets] + [routine.ceiling or 0.0] + pacer_caps + [0.0])
    if routine.ceiling:
        hi = max(hi, routine.ceiling * 1.1)
    return hi if hi > 0 else 1.0


def steady_mean(t, raw, force_n, range_n: float, seconds: float = STEADY_S) -> float:
    """The mean raw reading of the last ``seconds``, if the force held still over them.

    ``t``, ``raw``, ``force_n``: the newest readings (session time, sensor units, newtons);
    ``range_n``: the display range in newtons. NotSteady says why otherwise."""
    t = np.asarray(t, dtype=float)
    raw = np.asarray(raw, dtype=float)
    force = np.asarray(force_n, dtype=float)
    ok = np.isfinite(t) & np.isfinite(raw) & np.isfinite(force)
    t, raw, force = t[ok], raw[ok], force[ok]
    if t.size == 0:
        raise NotSteady("no reading to measure: is the sensor connected?")
    recent = t >= t[-1] - seconds
    if np.count_nonzero(recent) < STEADY_MIN_SAMPLES:
        recent = np.arange(t.size) >= t.size - STEADY_MIN_SAMPLES
    if np.count_nonzero(recent) < 2:
        raise NotSteady("too few readings yet to tell whether they are steady; wait a moment")
    spread = float(np.ptp(force[recent]))
    allowed = STEADY_SHARE * abs(float(range_n))
    if not spread <= allowed:
        raise NotSteady(
            f"the reading is moving ({spread:.2f} N over the last {seconds:g} s, at most "
            f"{allowed:.2f} N allowed): wait until the sensor is still, then try again")
    return float(raw[recent].mean())


def below_floor(value: float, scale_top: float) -> bool:
    """A value further below zero than OFFSET_SHARE of the range: no force can read that; the
    zero is wrong (a coach must not call it in band, or HOLD)."""
    return math.isfinite(value) and value < -OFFSET_SHARE * abs(scale_top)


def away_from_zero(value: float, scale_top: float) -> bool:
    """At rest, a value further from zero than OFFSET_SHARE of the range (either side)."""
    return math.isfinite(value) and abs(value) > OFFSET_SHARE * abs(scale_top)


def suspect_zero(t, value, scale_top: float, unit: str, seconds: float = OFFSET_S) -> str | None:
    """Scores: a trace that stays below the floor for ``seconds`` was recorded on a wrong zero;
    the text says so (None when the zero looks right)."""
    t = np.asarray(t, dtype=float)
    value = np.asarray(value, dtype=float)
    if t.size < 2:
        return None
    low = value < -OFFSET_SHARE * abs(scale_top)
    if not low.any():
        return None
    edges = np.flatnonzero(np.diff(np.concatenate(([0], low.astype(np.int8), [0]))))
    starts, ends = edges[::2], edges[1::2] - 1
    longest = int(np.argmax(t[ends] - t[starts]))
    s, e = starts[longest], ends[longest]
    if t[e] - t[s] < seconds:
        return None
    median = float(np.median(value[s:e + 1]))
    return (f"zero suspect: the force read {median:.1f} {unit} for {t[e] - t[s]:.0f} s from "
            f"t={t[s]:.1f} s; re-tare (T) with nothing on the sensor and record again")


def at_rest_message(value: float, unit: str) -> str:
    return f"reads {value:.1f} {unit} at rest: re-tare (T)"


def scale_warning(new_scale: float, device_scale: float | None = None,
                  previous_scale: float | None = None) -> str | None:
    """Text asking to confirm a new scale (newtons per raw unit) that differs from the device's
    own or the previous one by more than SCALE_LIMIT; None when it agrees with both."""
    problems = []
    for name, ref in (("the device's own", device_scale), ("the previous one", previous_scale)):
        if ref is None or not math.isfinite(ref) or ref == 0:
            continue
        ratio = float(new_scale) / float(ref)
        if not (1 - SCALE_LIMIT) <= ratio <= (1 + SCALE_LIMIT):
            problems.append(f"{ratio:.2f}x {name}")
    if not problems:
        return None
    return ("the new scale is " + " and ".join(problems) + ": was the sensor still and empty at "
            "the tare, and is the weight what you entered? Check with a second weight before keeping it.")


def scale_mismatch(scale: float, device_scale: float | None) -> str | None:
    """The calibration in use against the device's own, at start (a stored scale 2.3x off read
    -34 N at rest on every restart): a sentence, or None when they agree within SCALE_LIMIT."""
    if device_scale is None or not math.isfinite(device_scale) or device_scale == 0:
        return None
    ratio = float(scale) / float(device_scale)
    if (1 - SCALE_LIMIT) <= ratio <= (1 + SCALE_LIMIT):
        return None
    return f"the calibration in use is {ratio:.2f}x the device's own: check it (File > Calibration…)"


def check_error(measured_n: float, expected_n: float) -> tuple[float, bool]:
    """A check weight: (relative error, within CHECK_LIMIT)."""
    if not expected_n > 0:
        raise PressureError("the check weight must be greater than 0")
    error = (float(measured_n) - float(expected_n)) / float(expected_n)
    return error, abs(error) <= CHECK_LIMIT
