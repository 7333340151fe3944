"""Streaming causal filters with state: filtering chunk by chunk equals filtering the whole.

The reader hands the display new samples in chunks of whatever size arrived. Each filter here
keeps exactly the state it needs between calls to :meth:`Filter.process`, so the smoothed
trace never depends on how the samples happened to be split into chunks (tested with
hypothesis). Every filter runs on force in newtons, so one parameter set fits every display
unit; the display converts the smoothed newtons with ``pressure.samples.to_unit``.

Rules shared by all filters (documented in docs/smoothing.md):

* A sample whose value or timestamp is not finite (NaN, inf) is skipped: its output is NaN
  and the filter state is left as it was, so a dropout never poisons the state.
* Time-based filters (exponential, one_euro) take the interval from the timestamps. An
  interval <= 0 (a duplicate or backward timestamp) reuses the last positive interval, as the
  1€ authors' code keeps its last frequency; before any interval is known the sample passes
  through and (re)starts the state.
* ``make_filter(name, strength=s)`` maps one 0..1 knob onto the filter's main parameter
  (0 = lightest smoothing, 1 = heaviest), monotonically; see each class's ``from_strength``.
"""

from __future__ import annotations

import logging
import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .errors import PressureError

log = logging.getLogger(__name__)

ASSUMED_INTERVAL_S = 0.001  # for lag hints before any sample: the sensor's default 1 kHz


def _number(filter_name: str, key: str, value, lo: float, hi: float, *, lo_open=False,
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


def _log_map(strength: float, lightest: float, heaviest: float) -> float:
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


class NoFilter(Filter):
    """Raw values, unchanged (NaN stays NaN)."""

    name = "none"

    def process(self, t, x) -> np.ndarray:
        t = np.asarray(t, dtype=np.float64).reshape(-1)
        x = np.asarray(x, dtype=np.float64).reshape(-1)
        if t.shape != x.shape:
            raise ValueError(f"t and x differ in length: {t.shape[0]} != {x.shape[0]}")
        return x.copy()


class MovingAverage(Filter):
    """Mean of the last ``n`` valid samples (causal boxcar).

    The running sum is carried between chunks and advanced with ``np.cumsum`` (a strictly
    sequential accumulation), so any split gives bit-identical output. Until ``n`` samples
    have been seen the mean is over those seen so far (the first sample passes through).
    """

    name = "moving_average"
    DEFAULTS = {"n": 25}
    MAX_N = 100_000

    def _validate(self, p):
        return {"n": _number(self.name, "n", p["n"], 1, self.MAX_N, integer=True)}

    @classmethod
    def from_strength(cls, strength):
        # 1 sample (no smoothing) .. 401 samples (0.4 s at 1 kHz), geometric
        return {"n": int(round(_log_map(strength, 1, 401)))}

    def _reset_state(self):
        n = self.params["n"]
        self._hist = np.zeros(n)  # the last n values, zeros before the first sample
        self._sum = 0.0
        self._seen = 0

    def _run(self, t, x):
        self._note_interval(t)
        n, m = self.params["n"], x.shape[0]
        if n == 1:
            return x.copy()
        ext = np.concatenate((self._hist, x))
        diff = np.empty(m + 1)
        diff[0] = self._sum
        np.subtract(x, ext[:m], out=diff[1:])
        sums = np.cumsum(diff)[1:]
        count = np.minimum(np.arange(self._seen + 1, self._seen + m + 1, dtype=np.float64), n)
        self._sum = float(sums[-1])
        self._hist = ext[-n:].copy()
        self._seen = min(self._seen + m, n)
        return sums / count

    @property
    def lag_hint_s(self):
        return (self.params["n"] - 1) / 2.0 * self._interval()


class Exponential(Filter):
    """First-order low-pass with time constant ``tau`` seconds: y += a (x - y).

    ``a = 1 - exp(-dt / tau)`` is taken from each interval, so irregular timestamps and gaps
    are handled: after a long gap the output jumps to the new value instead of crawling.
    """

    name = "exponential"
    DEFAULTS = {"tau": 0.05}

    def _validate(self, p):
        return {"tau": _number(self.name, "tau", p["tau"], 0.0, 3600.0, lo_open=True)}

    @classmethod
    def from_strength(cls, strength):
        # 2 ms (barely smoothed at 1 kHz) .. 0.5 s, geometric
        return {"tau": _log_map(strength, 0.002, 0.5)}

    def _reset_state(self):
        self._y = None
        self._t = None
        self._dt = 0.0

    def _run(self, t, x):
        inv_tau = 1.0 / self.params["tau"]
        exp = math.exp
        y, last_t, last_dt = self._y, self._t, self._dt
        # a steady rate repeats the same interval: compute exp() only when it changes
        alpha_dt, alpha = -1.0, 0.0
        out = x.tolist()
        ts = t.tolist()
        for i, xi in enumerate(out):
            ti = ts[i]
            if last_t is None:
                y = xi
            else:
                dt = ti - last_t
                if dt > 0:
                    last_dt = dt
                elif last_dt <= 0:  # no interval known yet: restart from this sample
                    last_t = ti
                    y = xi
                    continue
                if last_dt != alpha_dt:
                    alpha_dt = last_dt
                    alpha = 1.0 - exp(-last_dt * inv_tau)
                y = y + alpha * (xi - y)
                out[i] = y
            last_t = ti
        self._y, self._t, self._dt = y, last_t, last_dt
        self._last_dt = last_dt
        return np.array(out, dtype=np.float64)

    @property
    def lag_hint_s(self):
        return float(self.params["tau"])


class MedianSpikeRemover(Filter):
    """Causal Hampel filter: replace a sample by the running median only if it is a spike.

    The window is the last ``n`` samples including the current one. A sample is a spike when
    it is further from the window's median than both ``k`` robust standard deviations
    (1.4826 * MAD) and ``min_jump`` newtons; it is then replaced by the median. Clean data
    passes unchanged (no lag); a genuine step is held back by at most (n - 1) / 2 samples while
    the median catches up. The first n - 1 samples after a reset pass through.
    """

    name = "median"
    DEFAULTS = {"n": 5, "k": 3.0, "min_jump": 2.0}

    def _validate(self, p):
        return {
            "n": _number(self.name, "n", p["n"], 3, 101, integer=True, odd=True),
            "k": _number(self.name, "k", p["k"], 0.0, 100.0, lo_open=True),
            "min_jump": _number(self.name, "min_jump", p["min_jump"], 0.0, 1e9),
        }

    @classmethod
    def from_strength(cls, strength):
        # window 3 .. 15 samples (odd)
        return {"n": 3 + 2 * int(round(6 * float(strength)))}

    def _reset_state(self):
        self._hist = np.empty(0)

    def _run(self, t, x):
        self._note_interval(t)
        n, k, floor = self.params["n"], self.params["k"], self.params["min_jump"]
        ext = np.concatenate((self._hist, x))
        self._hist = ext[-(n - 1):].copy()
        out = x.copy()
        skip = max(0, (n - 1) - (ext.shape[0] - x.shape[0]))  # outputs without a full window
        if ext.shape[0] < n or skip >= x.shape[0]:
            return out
        windows = sliding_window_view(ext, n)[-(x.shape[0] - skip):]
        med = np.median(windows, axis=1)
        mad = np.median(np.abs(windows - med[:, None]), axis=1)
        cur = x[skip:]
        dev = np.abs(cur - med)
        spike = (dev > k * 1.4826 * mad) & (dev > floor)
        out[skip:] = np.where(spike, med, cur)
        return out


def _one_euro_loop(t, x, state, mincutoff, beta, dcut, lead=None):
    """The 1€ recursion over one chunk, with OneEuroLead's lead when ``lead`` is
    (gain, slope_cutoff, min_rate, limit); ``state`` is (y, edx, last_t, dt, slope) and comes
    back updated beside the output.

    The recursion is inherent, so this is a tight per-sample loop: locals only, no attribute
    lookups, alphas written as a = w c / (w c + 1) with w = 2 pi dt.
    """
    leading = lead is not None
    gain, scut, min_rate, limit = lead if leading else (0.0, 0.0, 0.0, 0.0)
    two_pi = 2.0 * math.pi
    y, edx, last_t, dt, slope = state
    out = x.tolist()
    ts = t.tolist()
    for i, xi in enumerate(out):
        ti = ts[i]
        if last_t is not None:
            step = ti - last_t
            if step > 0:
                dt = step
            elif dt <= 0:  # no interval known yet: restart from this sample
                last_t = ti
                y = xi
                edx = slope = 0.0
                continue
            last_t = ti
            w = two_pi * dt
            ad = w * dcut
            edx += ad / (ad + 1.0) * ((xi - y) / dt - edx)
            cutoff = mincutoff + beta * (edx if edx >= 0.0 else -edx)
            wc = w * cutoff
            moved = wc / (wc + 1.0) * (xi - y)
            y += moved
            if not leading:
                out[i] = y
                continue
            a_s = w * scut
            slope += a_s / (a_s + 1.0) * (moved / dt - slope)
            # gain * slope * tau, tau = 1 / (2 pi cutoff) but at most max_tau
            ahead = gain * slope / (two_pi * (cutoff if cutoff > min_rate else min_rate))
            if ahead > limit:
                ahead = limit
            elif ahead < -limit:
                ahead = -limit
            out[i] = y + ahead
        else:
            last_t = ti
            y = xi
            edx = slope = 0.0
    return np.array(out, dtype=np.float64), (y, edx, last_t, dt, slope)


class OneEuro(Filter):
    """The 1€ filter (Casiez, Roussel, Vogel, CHI 2012): an adaptive first-order low-pass.

    At rest the cutoff is ``mincutoff`` (Hz): steady readings. When the force changes the
    cutoff rises with the smoothed speed, ``mincutoff + beta * |dx/dt|`` (N/s), so a press
    follows quickly. The derivative is taken against the previous *filtered* value (the
    authors' 2023 correction) and smoothed with cutoff ``dcutoff``; the frequency comes from
    each timestamp interval and the first sample passes through unchanged, as in the
    authors' implementation.
    """

    name = "one_euro"
    # chosen on a synthetic hand hold (docs/smoothing.md); the authors' demo set is 1, 0.1, 1
    DEFAULTS = {"mincutoff": 0.5, "beta": 0.05, "dcutoff": 0.5}

    def _validate(self, p):
        return {
            "mincutoff": _number(self.name, "mincutoff", p["mincutoff"], 0.0, 1e6, lo_open=True),
            "beta": _number(self.name, "beta", p["beta"], 0.0, 1e6),
            "dcutoff": _number(self.name, "dcutoff", p["dcutoff"], 0.0, 1e6, lo_open=True),
        }

    @classmethod
    def from_strength(cls, strength):
        # The cutoff is mincutoff + beta * speed; scaling both by one factor k scales every
        # cutoff the filter can take, so the knob is monotonic whatever the noise. k runs
        # from 10 (light) to 0.1 (heavy), geometric; 0.5 gives the default (k = 1).
        k = _log_map(strength, 10.0, 0.1)
        return {"mincutoff": cls.DEFAULTS["mincutoff"] * k, "beta": cls.DEFAULTS["beta"] * k}

    def _reset_state(self):
        self._y = None   # last filtered value
        self._edx = 0.0  # smoothed derivative (N/s)
        self._t = None
        self._dt = 0.0

    def _run(self, t, x):
        p = self.params
        state = (self._y, self._edx, self._t, self._dt, 0.0)
        out, (self._y, self._edx, self._t, self._dt, _) = _one_euro_loop(
            t, x, state, p["mincutoff"], p["beta"], p["dcutoff"])
        self._last_dt = self._dt
        return out

    @property
    def lag_hint_s(self):
        # at rest the cutoff is mincutoff: a first-order low-pass delays by its time constant
        return 1.0 / (2.0 * math.pi * self.params["mincutoff"])


class OneEuroLead(OneEuro):
    """The 1€ filter plus a bounded lead: its output moved ahead by the lag it causes on a ramp.

    A first-order low-pass with time constant ``tau`` trails a ramp of slope ``r`` by ``r tau``.
    This filter adds ``gain * s * tau`` to the 1€ output, where ``tau = 1 / (2 pi cutoff)`` is the
    1€ filter's current time constant (at most ``max_tau`` s) and ``s`` the slope of the 1€
    *output* (N/s), low-passed at ``slope_cutoff`` Hz. Why each part:

    * The slope comes from the smoothed output, not from the 1€'s own derivative estimate: that
      one stays high for a third of a second after a press has stopped, and ``edx * tau`` tends
      to ``1 / (2 pi beta)`` (4 N) however fast the press was: a 10 N press overshot by ~4 N.
    * ``max_tau``: at rest the 1€ cutoff is low and ``tau`` long (0.3 s), so the slope's noise
      times ``tau`` would shake the readout just where it must hold still; on a hand's ramp
      ``tau`` is 25-75 ms, which the cap leaves alone.
    * ``gain`` < 1 leaves some lag in exchange for less overshoot where a ramp stops, and the
      lead is clipped to ``limit`` newtons, so the readout never runs further than that from the
      plain 1€ value (a sudden press would otherwise be overshot by ~0.4 N at 80 samples/s).
      Alpha-beta or constant-velocity Kalman filters remove the lag too, but overshoot a 10 N
      press by ~2 N: their slope estimate has no such bound.

    The 1€ part is set heavier than the plain 1€ default (0.4 Hz, 0.04), since the lead makes
    up for its lag. Figures: docs/smoothing.md (``bench --only smoothing``).
    """

    name = "one_euro_lead"
    DEFAULTS = {"mincutoff": 0.4, "beta": 0.04, "dcutoff": 0.5,
                "gain": 0.7, "slope_cutoff": 0.5, "max_tau": 0.1, "limit": 0.3}

    def _validate(self, p):
        return {
            **super()._validate(p),
            "gain": _number(self.name, "gain", p["gain"], 0.0, 2.0),
            "slope_cutoff": _number(self.name, "slope_cutoff", p["slope_cutoff"], 0.0, 1e6, lo_open=True),
            "max_tau": _number(self.name, "max_tau", p["max_tau"], 0.0, 3600.0),
            "limit": _number(self.name, "limit", p["limit"], 0.0, 1e6),
        }

    def _reset_state(self):
        super()._reset_state()
        self._slope = 0.0  # low-passed slope of the 1€ output (N/s)

    def _run(self, t, x):
        p = self.params
        max_tau = p["max_tau"]
        lead = (p["gain"], p["slope_cutoff"],
                1.0 / (2.0 * math.pi * max_tau) if max_tau > 0 else math.inf, p["limit"])
        state = (self._y, self._edx, self._t, self._dt, self._slope)
        out, (self._y, self._edx, self._t, self._dt, self._slope) = _one_euro_loop(
            t, x, state, p["mincutoff"], p["beta"], p["dcutoff"], lead)
        self._last_dt = self._dt
        return out

    @property
    def lag_hint_s(self):
        # a slow movement at rest: the 1€ time constant, less the part the lead makes up
        tau = 1.0 / (2.0 * math.pi * self.params["mincutoff"])
        return max(0.0, tau - self.params["gain"] * min(tau, self.params["max_tau"]))


FILTERS: dict[str, type] = {
    cls.name: cls for cls in (NoFilter, MovingAverage, Exponential, MedianSpikeRemover, OneEuro,
                               OneEuroLead)
}

# Chosen by measurement on a synthetic hand hold and on a known force (ramp, hold, press) through a pty
# (docs/smoothing.md): the lead meets every target figure at 1000 and 80 samples/s,
# at the plain 1€ default's steadiness and a third of its ramp lag.
DEFAULT_FILTER: tuple[str, dict] = ("one_euro_lead", dict(OneEuroLead.DEFAULTS))


def make_filter(name: str, **params) -> Filter:
    """Build a filter by name; ``strength`` (0..1) may stand in for the main parameter."""
    if not isinstance(name, str) or name not in FILTERS:
        raise PressureError(f"unknown filter {name!r}; choose one of {', '.join(FILTERS)}")
    cls = FILTERS[name]
    if "strength" in params:
        strength = _number(name, "strength", params.pop("strength"), 0.0, 1.0)
        main = cls.from_strength(strength)
        clash = sorted(set(main) & set(params))
        if clash:
            raise PressureError(f"give either strength or {', '.join(clash)} for filter {name}, not both")
        params = {**main, **params}
    return cls(**params)


def filter_from_description(d) -> Filter:
    """Rebuild a filter from ``describe()`` output (e.g. read back from a recording)."""
    if not isinstance(d, dict) or not isinstance(d.get("name"), str):
        raise PressureError(f"a filter description needs a 'name': got {d!r}")
    params = d.get("params", {})
    if not isinstance(params, dict):
        raise PressureError(f"filter {d['name']}: 'params' must be a mapping, got {params!r}")
    return make_filter(d["name"], **params)


def default_filter() -> Filter:
    """A fresh instance of DEFAULT_FILTER."""
    name, params = DEFAULT_FILTER
    return make_filter(name, **params)
