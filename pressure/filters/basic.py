"""The plain filters: none, moving average, exponential, median spike remover."""

from __future__ import annotations

import logging
import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .base import Filter, log_map, number

log = logging.getLogger(__name__)


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
        return {"n": number(self.name, "n", p["n"], 1, self.MAX_N, integer=True)}

    @classmethod
    def from_strength(cls, strength):
        # 1 sample (no smoothing) .. 401 samples (0.4 s at 1 kHz), geometric
        return {"n": int(round(log_map(strength, 1, 401)))}

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
        return {"tau": number(self.name, "tau", p["tau"], 0.0, 3600.0, lo_open=True)}

    @classmethod
    def from_strength(cls, strength):
        # 2 ms (barely smoothed at 1 kHz) .. 0.5 s, geometric
        return {"tau": log_map(strength, 0.002, 0.5)}

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
            "n": number(self.name, "n", p["n"], 3, 101, integer=True, odd=True),
            "k": number(self.name, "k", p["k"], 0.0, 100.0, lo_open=True),
            "min_jump": number(self.name, "min_jump", p["min_jump"], 0.0, 1e9),
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
