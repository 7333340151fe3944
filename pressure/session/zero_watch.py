"""A zero that cannot be silently wrong, on the session's side: what a tare may be taken from,
and the watch that notices a reading away from zero while nothing should press.

Qt-free: the window shows what these decide (ui/tare_key.py, ui/alerts.py); the rules and
their numbers are in :mod:`pressure.zero`.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from ..errors import PressureError
from ..samples import to_unit
from ..zero import (
    FRESH_S, OFFSET_S, OFFSET_SHARE, STEADY_S, NotSteady, at_rest_message, away_from_zero, below_floor,
    full_scale, scale_mismatch, steady_mean,
)

REST_KINDS = ("release", "rest")  # steps in which nothing should press the sensor
FRESH_INTERVALS = 2.5  # a slow sensor's newest sample may be this many of its intervals old


def range_in_newtons(pipeline, scale_top: float) -> float:
    """``scale_top`` (the display's full scale, display unit) in newtons."""
    per_newton = float(to_unit(1.0, pipeline.unit, pipeline.area_cm2))
    return abs(scale_top) / per_newton if per_newton else abs(scale_top)


def tare_reading(pipeline, scale_top: float, seconds: float = STEADY_S, stale_after: float = FRESH_S) -> float:
    """The raw reading a tare (or a known weight) may be taken from: live, connected, steady.

    Raises NotSteady with the reason: the sensor is disconnected, no sample came for a while
    (stale: the last values are not what the sensor reads now), or the reading moves."""
    source = pipeline.source
    if not source.connected:
        raise NotSteady("the sensor is disconnected: reconnect it, then tare again")
    t, raw, force_n = pipeline.counts.window(pipeline.counts.last_t - max(seconds, 4.0))
    if source.is_live:
        age = pipeline._clock() - pipeline.last_arrival if math.isfinite(pipeline.last_arrival) else math.inf
        if t.size >= 2:  # a gauge polled once a second is fresh for longer than a 1000 S/s cell
            stale_after = max(stale_after, FRESH_INTERVALS * float(np.median(np.diff(t[-6:]))))
        if not age <= stale_after:
            if math.isinf(age):
                raise NotSteady("no reading from the sensor yet: nothing to tare")
            raise NotSteady(f"no reading from the sensor for {age:.1f} s: is it connected?")
    return steady_mean(t, raw, force_n, range_in_newtons(pipeline, scale_top), seconds)


def device_load(pipeline, raw_mean: float) -> float | None:
    """What ``raw_mean`` weighs by the device's own zero and scale, in the display unit (None:
    the device reports no calibration). A tare under load followed by a second tare under the
    same load reads 0 on screen both times; the device's zero still knows the load is there."""
    device = pipeline.source.device_calibration()
    if device is None:
        return None
    value = float(to_unit(float(device.apply(raw_mean)), pipeline.unit, pipeline.area_cm2))
    return value if math.isfinite(value) else None


def calibration_mismatch(source) -> str:
    """"" or a sentence when the sensor's calibration in use (stored or measured) is far from
    the device's own counts per newton (pressure.zero.scale_mismatch)."""
    if not source.can_tare:
        return ""
    try:
        cal = source.current_calibration()
    except PressureError:
        return ""
    if cal.source in ("device", "default") or cal.raw_unit != "counts":
        return ""
    device = source.device_calibration()
    return scale_mismatch(cal.scale, device.scale if device is not None else None) or ""


def zero_cue(state, routine):
    """The coach's state with the cue "check_zero" while a running step reads below the floor
    (further below zero than any force can read): a wrong zero is never coached as in band."""
    if state is None or state.finished or state.waiting_for_key or state.step is None:
        return state
    if not below_floor(state.value, full_scale(routine)) or state.cue == "release":
        return state
    return replace(state, cue="check_zero")


def at_rest(state) -> bool:
    """Nothing should press the sensor: no routine running, or a release or rest step."""
    if state is None or state.step is None or state.finished or state.waiting_for_key:
        return True
    return state.step.kind in REST_KINDS


class ZeroWatch:
    """Feed it every frame; :attr:`message` is "reads -29.4 N at rest: re-tare (T)" once the
    reading has been away from zero at rest for OFFSET_S seconds of session time, "" otherwise."""

    def __init__(self, seconds: float = OFFSET_S):
        self.seconds = seconds
        self.since: float | None = None  # session time the reading first left zero at rest
        self.message = ""

    def reset(self) -> None:
        self.since = None
        self.message = ""

    def update(self, t: float, value: float, state, scale_top: float, unit: str, stale: bool = False,
               times=None, values=None) -> str:
        """``t``/``value``: the newest sample (session time, display unit); ``times``/``values``:
        the samples of this frame if known (a frame may carry a second of them); ``scale_top``:
        the display's full scale. Returns :attr:`message`."""
        if stale or not math.isfinite(t) or not at_rest(state) or not away_from_zero(value, scale_top):
            self.reset()
            return ""
        if times is not None and len(times):
            away = np.abs(np.asarray(values, dtype=float)) > OFFSET_SHARE * abs(scale_top)  # NaN: not away
            near = np.flatnonzero(~away)
            if near.size:  # it left zero within this frame: count from then
                self.since = float(times[min(int(near[-1]) + 1, len(times) - 1)])
            elif self.since is None:
                self.since = float(times[0])
        if self.since is None or t < self.since:
            self.since = t
        self.message = at_rest_message(value, unit) if t - self.since >= self.seconds else ""
        return self.message


__all__ = ["ZeroWatch", "tare_reading", "zero_cue", "device_load", "at_rest", "NotSteady", "range_in_newtons"]
