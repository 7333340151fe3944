"""What the practitioner presses on the sensor: the true force in newtons over time.

A profile is a pure function of (seed, t): the same seed gives the same trace whatever order or
chunking the times are asked in, so a test can ask ``model.force(t)`` for the exact force the
simulated device measured. Each profile is a cycle that repeats forever. Per-cycle variation
(how far a student overshoots, where a pain threshold lies) is drawn from a generator seeded
with ``(seed, cycle index)``; tremor and slow wander are sums of sinusoids whose frequencies and
phases are drawn from the seed, so they too are pure functions of ``t``.

Why these shapes: manual pressure rises over a few seconds, then drifts *down* over a long hold
(the hand tires, the tissue softens); physiological hand tremor sits around 8-12 Hz at ~0.5-1 %
of the force; novices overshoot the target and wander. A pressure-pain-threshold (PPT) trial
ramps at ~5 N/s (the algometry convention) until the patient says "pain", then releases.
"""

from __future__ import annotations

import logging

import numpy as np

from pressure.errors import PressureError

log = logging.getLogger(__name__)

PROFILES: dict[str, str] = {
    "hold": "ramp to the target in ~3 s, hold ~20 s with 0.5-1 % tremor and a slow downward "
            "drift, release, rest; repeats",
    "ischemic": "ischemic compression: 3 holds of 60 s at the target with 30 s rests, each hold "
                "drifting down; repeats",
    "ppt": "pressure-pain threshold: ramp at ~5 N/s to a threshold ~40 N (+-10 % per trial), "
           "quick release, rest; 3 trials, repeats",
    "student": "a student: overshoots the target by 30-40 %, wanders +-15 %, drifts, releases "
               "unevenly; repeats",
    "steady": "an expert: holds the target within +-2 % with little drift; repeats",
    "idle": "nothing pressed: 0 N (the device adds only its board noise)",
    "trapezoid": "ramp up at 10 N/s to 40 N, plateau 20 s, ramp down at 10 N/s, rest; no tremor "
                 "(exact, for lag and calibration tests); repeats",
}

_LIN, _SMOOTH = 0, 1  # segment shapes: straight line, or minimum-jerk S-curve (how hands move)


def _min_jerk(u: np.ndarray) -> np.ndarray:
    return u * u * u * (10.0 - 15.0 * u + 6.0 * u * u)


class _Oscillators:
    """A sum of sinusoids: seeded, stateless, cheap to evaluate at any t (one matrix product)."""

    def __init__(self, rng: np.random.Generator, f_lo: float, f_hi: float, n: int, rms: float = 1.0):
        self.omega = 2.0 * np.pi * rng.uniform(f_lo, f_hi, n)[:, None]
        self.phase = rng.uniform(0.0, 2.0 * np.pi, n)[:, None]
        amp = rng.uniform(0.5, 1.0, n)
        self.amp = rms * amp / np.sqrt(0.5 * np.sum(amp * amp))  # RMS of the sum = rms

    def __add__(self, other: "_Oscillators") -> "_Oscillators":
        both = object.__new__(_Oscillators)
        both.omega = np.vstack([self.omega, other.omega])
        both.phase = np.vstack([self.phase, other.phase])
        both.amp = np.concatenate([self.amp, other.amp])
        return both

    def __call__(self, t: np.ndarray) -> np.ndarray:
        return self.amp @ np.sin(self.omega * t + self.phase)


class Profile:
    """One practitioner profile. Subclasses give the segments of cycle ``k``."""

    name = ""
    period = 1.0  # seconds per cycle
    tremor = 0.0  # RMS tremor as a fraction of the force
    wander = 0.0  # RMS slow wander as a fraction of the force

    def __init__(self, seed: int = 0, target_n: float = 30.0):
        if not np.isfinite(target_n) or target_n <= 0:
            raise PressureError(f"target force must be a positive number of newtons, not {target_n!r}")
        self.seed = int(seed)
        self.target_n = float(target_n)
        self._entropy = self.seed % (1 << 64)  # numpy seeds are non-negative
        rng = np.random.default_rng([self._entropy, 0x7E])
        # physiological tremor ~7-12 Hz plus a slow wander; both relative to the force
        self._mod = _Oscillators(rng, 7.0, 12.0, 6, self.tremor) + _Oscillators(rng, 0.05, 0.4, 4, self.wander)
        self._cycles: dict[int, tuple] = {}  # cycle index -> segment arrays (a few kept)

    @property
    def description(self) -> str:
        return PROFILES[self.name]

    def _segments(self, k: int) -> list[tuple[float, float, int]]:
        """Segments of cycle k as (duration_s, end_value_N, shape); starts at 0 N, must sum to period."""
        raise NotImplementedError

    def _rng(self, k: int) -> np.random.Generator:
        return np.random.default_rng([self._entropy, 0x5EED, int(k)])

    def _arrays(self, k: int) -> tuple:
        arrays = self._cycles.get(k)
        if arrays is None:
            segs = self._segments(k)
            ends = np.cumsum([d for d, _, _ in segs])
            starts = ends - np.array([d for d, _, _ in segs])
            v1 = np.array([v for _, v, _ in segs])
            v0 = np.concatenate([[0.0], v1[:-1]])
            smooth = np.array([s == _SMOOTH for _, _, s in segs])
            arrays = (ends, starts, np.maximum(ends - starts, 1e-12), v0, v1 - v0, smooth)
            if len(self._cycles) >= 8:  # the host walks forward: old cycles are not asked again
                self._cycles.pop(next(iter(self._cycles)))
            self._cycles[k] = arrays
        return arrays

    def _cycle(self, k: int, tau: np.ndarray) -> np.ndarray:
        ends, starts, durations, v0, dv, smooth = self._arrays(k)
        i = np.minimum(np.searchsorted(ends, tau, side="right"), len(ends) - 1)
        u = np.minimum(np.maximum((tau - starts[i]) / durations[i], 0.0), 1.0)
        u = np.where(smooth[i], _min_jerk(u), u)
        return v0[i] + dv[i] * u

    def force(self, t) -> np.ndarray:
        """True force in newtons at ``t`` seconds since the device started (any t >= 0)."""
        t = np.atleast_1d(np.asarray(t, dtype=np.float64))
        if not t.size:
            return t.copy()
        lo, hi = t.min(), t.max()
        if not (lo >= 0.0 and hi < np.inf):  # also refuses NaN
            raise PressureError("profile time must be finite and >= 0 seconds")
        k_lo, k_hi = int(lo // self.period), int(hi // self.period)
        if k_lo == k_hi:  # the common case: one cycle
            env = self._cycle(k_lo, t - k_lo * self.period)
        else:
            cycle = np.floor_divide(t, self.period).astype(np.int64)  # same rounding as //
            tau = t - cycle * self.period
            env = np.empty_like(t)
            for k in np.unique(cycle):
                m = cycle == k
                env[m] = self._cycle(int(k), tau[m])
        if self.tremor or self.wander:
            env = env * (1.0 + self._mod(t))
        return np.maximum(env, 0.0)


class Hold(Profile):
    name = "hold"
    period = 2.0 + 3.0 + 20.0 + 1.5 + 6.0
    tremor = 0.007
    wander = 0.004

    def _segments(self, k):
        r = self._rng(k)
        start = self.target_n * r.uniform(0.99, 1.02)
        drift = r.uniform(0.04, 0.08)  # fraction lost over the 20 s hold
        return [(2.0, 0.0, _LIN), (3.0, start, _SMOOTH), (20.0, start * (1 - drift), _LIN),
                (1.5, 0.0, _SMOOTH), (6.0, 0.0, _LIN)]


class Ischemic(Profile):
    name = "ischemic"
    period = 3.0 + 3 * (4.0 + 60.0 + 2.0 + 30.0)
    tremor = 0.008
    wander = 0.006

    def _segments(self, k):
        r = self._rng(k)
        segs = [(3.0, 0.0, _LIN)]
        for _ in range(3):
            start = self.target_n * r.uniform(0.99, 1.03)
            drift = r.uniform(0.08, 0.15)
            segs += [(4.0, start, _SMOOTH), (60.0, start * (1 - drift), _LIN),
                     (2.0, 0.0, _SMOOTH), (30.0, 0.0, _LIN)]
        return segs


class PPT(Profile):
    """Pressure-pain threshold trials; the threshold is ~40 N whatever the target.

    ``rest_s``: the least time from one trial's release to the next trial's press (the 3 s still
    before a press included). A routine rests between its trials (the built-in PPT: release
    10 s, rest 30 s), and a practitioner following it rests that long; without it a trial
    starts every 20 s, pressing while the routine says REST. Each trial lasts as long as its
    longest possible ramp, so the rest after any threshold is ``rest_s`` to ``rest_s`` + 1.8 s.
    """

    name = "ppt"
    trial = 20.0
    period = 3 * trial
    tremor = 0.005
    threshold_n = 40.0
    ramp_n_per_s = 5.0
    LEAD_S, RELEASE_S = 3.0, 0.5  # still before each press; the quick release after the "pain"
    # at the "pain" the practitioner stops pushing, presses the algometer's key, then lets go
    REPORT_S = 0.3

    def __init__(self, seed: int = 0, target_n: float = 30.0, rest_s: float | None = None):
        super().__init__(seed=seed, target_n=target_n)
        if rest_s is not None:
            if not (np.isfinite(rest_s) and 0.0 <= rest_s <= 3600.0):
                raise PressureError(f"the rest between PPT trials must be 0-3600 s, not {rest_s!r}")
            longest_ramp = 1.1 * self.threshold_n / self.ramp_n_per_s
            self.trial = longest_ramp + self.REPORT_S + self.RELEASE_S + max(float(rest_s), self.LEAD_S)
            self.period = 3 * self.trial

    def thresholds(self, k: int) -> np.ndarray:
        """The three thresholds (N) of cycle k: for tests that check a detector."""
        return self.threshold_n * self._rng(k).uniform(0.9, 1.1, 3)

    def _segments(self, k):
        segs = []
        for thr in self.thresholds(k):
            ramp = thr / self.ramp_n_per_s
            segs += [(self.LEAD_S, 0.0, _LIN), (ramp, thr, _LIN), (self.REPORT_S, thr, _LIN),
                     (self.RELEASE_S, 0.0, _SMOOTH),
                     (self.trial - self.LEAD_S - self.REPORT_S - self.RELEASE_S - ramp, 0.0, _LIN)]
        return segs


class Student(Profile):
    name = "student"
    period = 2.0 + 1.5 + 3.0 + 20.0 + 0.7 + 1.0 + 1.5 + 6.0
    tremor = 0.015
    wander = 0.08  # RMS; peaks reach ~+-15 %

    def _segments(self, k):
        r = self._rng(k)
        tgt = self.target_n
        peak = tgt * r.uniform(1.30, 1.40)
        settle = tgt * r.uniform(1.0, 1.12)
        end = settle * (1 - r.uniform(0.08, 0.18))
        mid = end * r.uniform(0.35, 0.65)
        return [(2.0, 0.0, _LIN), (1.5, peak, _SMOOTH), (3.0, settle, _SMOOTH),
                (20.0, end, _LIN), (0.7, mid, _LIN), (1.0, mid * 0.95, _LIN),
                (1.5, 0.0, _LIN), (6.0, 0.0, _LIN)]


class Steady(Profile):
    name = "steady"
    period = 2.0 + 3.0 + 30.0 + 2.0 + 8.0
    tremor = 0.004
    wander = 0.004

    def _segments(self, k):
        r = self._rng(k)
        start = self.target_n * r.uniform(0.995, 1.005)
        return [(2.0, 0.0, _LIN), (3.0, start, _SMOOTH), (30.0, start * (1 - r.uniform(0.0, 0.01)), _LIN),
                (2.0, 0.0, _SMOOTH), (8.0, 0.0, _LIN)]


class Idle(Profile):
    name = "idle"
    period = 60.0

    def _segments(self, k):
        return [(self.period, 0.0, _LIN)]


class Trapezoid(Profile):
    name = "trapezoid"
    period = 2.0 + 4.0 + 20.0 + 4.0 + 8.0
    plateau_n = 40.0

    def _segments(self, k):
        p = self.plateau_n
        return [(2.0, 0.0, _LIN), (p / 10.0, p, _LIN), (20.0, p, _LIN), (p / 10.0, 0.0, _LIN),
                (8.0, 0.0, _LIN)]


class Switched:
    """One profile until ``t0``, then another started afresh at ``t0`` (its own time 0 there):
    the practitioner changed what they do when the routine changed. Over ``BLEND_S`` the hand
    moves from the old force to the new one (a hand does not jump). Still a pure function of t."""

    BLEND_S = 1.0

    def __init__(self, before, after: Profile, t0: float):
        self.before, self.after, self.t0 = before, after, float(t0)
        self.name = after.name

    @property
    def description(self) -> str:
        return self.after.description

    def force(self, t) -> np.ndarray:
        t = np.atleast_1d(np.asarray(t, dtype=np.float64))
        late = t >= self.t0
        if late.all():
            u = np.minimum((t - self.t0) / self.BLEND_S, 1.0)
            new = self.after.force(t - self.t0)
            if u.min() >= 1.0:
                return new
            w = _min_jerk(u)
            return (1.0 - w) * self.before.force(t) + w * new
        out = np.empty_like(t)
        out[~late] = self.before.force(t[~late])
        if late.any():
            out[late] = self.force(t[late])
        return out


_CLASSES = {c.name: c for c in (Hold, Ischemic, PPT, Student, Steady, Idle, Trapezoid)}
assert set(_CLASSES) == set(PROFILES)


def make_profile(name: str, seed: int = 0, target_n: float = 30.0, rest_s: float | None = None) -> Profile:
    """The profile called ``name``; PressureError naming the choices if there is none.
    ``rest_s`` (the ppt profile only): the least rest between trials, from the routine's steps."""
    try:
        cls = _CLASSES[str(name).strip().lower()]
    except KeyError:
        raise PressureError(
            f"unknown profile {name!r}; choose one of {', '.join(PROFILES)}"
        ) from None
    if rest_s is None:
        return cls(seed=seed, target_n=target_n)
    if cls is not PPT:
        raise PressureError(f"profile {cls.name!r} has no rest between trials to set (only ppt has)")
    return cls(seed=seed, target_n=target_n, rest_s=rest_s)
