"""What every filter shares: parameter checks, NaN skipping, describe() and lag hints
(the rules are in the package docstring, ``pressure.filters``)."""

from __future__ import annotations

import logging
import math

import numpy as np

from ..errors import PressureError

log = logging.getLogger(__name__)

ASSUMED_INTERVAL_S = 0.001  # for lag hints before any sample: the sensor's default 1 kHz


def number(filter_name: str, key: str, value, lo: float, hi: float, *, lo_open=False,
            integer=False, odd=False) -> float | int:
    """Validate one parameter and say clearly what is wrong with it."""
    what = f"{filter_name} parameter {key}"
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise PressureError(f"{what} must be a number, not {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise PressureError(f"{what} must be a finite number, not {value!r}")
    if integer:
        if value != round(value):
            raise PressureError(f"{what} must be a whole number, not {value:g}")
        value = int(round(value))
        if odd and value % 2 == 0:
            raise PressureError(f"{what} must be odd, not {value}")
    low_ok = value > lo if lo_open else value >= lo
    if not low_ok or value > hi:
        low = f"> {lo:g}" if lo_open else f">= {lo:g}"
        raise PressureError(f"{what} must be {low} and <= {hi:g}, not {value:g}")
    return value


def log_map(strength: float, lightest: float, heaviest: float) -> float:
    """strength 0 -> lightest, 1 -> heaviest, geometric in between (monotonic either way)."""
    return float(lightest * (heaviest / lightest) ** strength)


class Filter:
    """Base class: validation, NaN skipping, describe(); subclasses implement ``_run``."""

    name = "filter"
    # parameter name -> default value; the first one is the main ("strength") parameter
    DEFAULTS: dict[str, float] = {}

    def __init__(self, **params):
        unknown = sorted(set(params) - set(self.DEFAULTS))
        if unknown:
            known = ", ".join(self.DEFAULTS) or "none"
            raise PressureError(
                f"filter {self.name} has no parameter {', '.join(unknown)} (it takes: {known}, strength)"
            )
        merged = {**self.DEFAULTS, **params}
        self.params = self._validate(merged)
        self._last_dt = 0.0  # last positive sample interval seen (for lag hints)
        self.reset()

    # -- subclass hooks -------------------------------------------------------------------
    def _validate(self, p: dict) -> dict:
        return p

    def _run(self, t: np.ndarray, x: np.ndarray) -> np.ndarray:  # all finite, len >= 1
        raise NotImplementedError

    def _reset_state(self) -> None:
        pass

    @classmethod
    def from_strength(cls, strength: float) -> dict:
        """The main parameter for a 0..1 strength."""
        return {}

    # -- public API -----------------------------------------------------------------------
    def reset(self) -> None:
        """Forget the past: the next sample starts the filter afresh."""
        self._reset_state()

    def process(self, t, x) -> np.ndarray:
        """Filter new samples: t in seconds (increasing), x in newtons -> float64, same length."""
        t = np.asarray(t, dtype=np.float64).reshape(-1)
        x = np.asarray(x, dtype=np.float64).reshape(-1)
        if t.shape != x.shape:
            raise ValueError(f"t and x differ in length: {t.shape[0]} != {x.shape[0]}")
        if x.shape[0] == 0:
            return np.empty(0, dtype=np.float64)
        valid = np.isfinite(x) & np.isfinite(t)
        if valid.all():
            return self._run(t, x)
        out = np.full(x.shape[0], np.nan)
        idx = np.flatnonzero(valid)
        if idx.size:
            out[idx] = self._run(t[idx], x[idx])
        return out

    def describe(self) -> dict:
        """JSON-able description, stored in recordings; ``filter_from_description`` rebuilds it."""
        return {"name": self.name, "params": dict(self.params)}

    @property
    def lag_hint_s(self) -> float:
        """Approximate group delay at rest (seconds), for the window to show."""
        return 0.0

    def _interval(self) -> float:
        return self._last_dt if self._last_dt > 0 else ASSUMED_INTERVAL_S

    def _note_interval(self, t: np.ndarray) -> None:
        """Remember a typical sample interval (for lag hints of sample-count filters)."""
        if t.shape[0] >= 2:
            dt = float(t[-1] - t[0]) / (t.shape[0] - 1)
            if dt > 0:
                self._last_dt = dt

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"{type(self).__name__}({args})"
