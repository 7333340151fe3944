"""The 1€ filter and the 1€ filter with a bounded lead (the default), on one loop."""

from __future__ import annotations

import logging
import math

import numpy as np

from .base import Filter, log_map, number

log = logging.getLogger(__name__)


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
            "mincutoff": number(self.name, "mincutoff", p["mincutoff"], 0.0, 1e6, lo_open=True),
            "beta": number(self.name, "beta", p["beta"], 0.0, 1e6),
            "dcutoff": number(self.name, "dcutoff", p["dcutoff"], 0.0, 1e6, lo_open=True),
        }

    @classmethod
    def from_strength(cls, strength):
        # The cutoff is mincutoff + beta * speed; scaling both by one factor k scales every
        # cutoff the filter can take, so the knob is monotonic whatever the noise. k runs
        # from 10 (light) to 0.1 (heavy), geometric; 0.5 gives the default (k = 1).
        k = log_map(strength, 10.0, 0.1)
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
            "gain": number(self.name, "gain", p["gain"], 0.0, 2.0),
            "slope_cutoff": number(self.name, "slope_cutoff", p["slope_cutoff"], 0.0, 1e6, lo_open=True),
            "max_tau": number(self.name, "max_tau", p["max_tau"], 0.0, 3600.0),
            "limit": number(self.name, "limit", p["limit"], 0.0, 1e6),
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
