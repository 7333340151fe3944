"""The load cell behind a 24-bit ADC: the noise-free reading (zero + force x counts_per_n + mains
hum), board noise, and what the firmware reports (tare subtracted, a saturated reading kept at
its limit). A mixin of :class:`~firmware_sim.firmware.Firmware`, which holds the state.
"""

from __future__ import annotations

import math

import numpy as np

RAW_MIN, RAW_MAX = -8388608, 8388607


def default_noise_counts(rate: float) -> float:
    """RMS board noise in counts: an HX711 is quieter at 10 Hz than at 80 Hz; fast ADCs noisier."""
    if rate <= 10:
        return 4.0
    if rate <= 80:
        return 12.0
    return 20.0


class Adc:
    """The ADC part of the firmware (see the module docstring)."""

    @property
    def noise_counts(self) -> float:
        return default_noise_counts(self.rate) if self._noise_counts is None else self._noise_counts

    def _base(self, times: np.ndarray) -> np.ndarray:
        """The noise-free part of the ADC reading (a pure function of time): zero + force + hum."""
        force = self.model.force(times)
        for a, d in self.plan.saturations:
            force = np.where((times >= a) & (times < a + d), 1e4 * abs(RAW_MAX / self.counts_per_n), force)
        base = self._zero + force * self.counts_per_n
        hum = self._hum_counts if self._hum_counts is not None else (
            0.5 * self.noise_counts if self.rate > 100 else 0.0)
        if hum:
            base += hum * math.sqrt(2) * np.sin(2 * np.pi * 50.0 * times + self._hum_phase)
        return base

    def _scheduled_base(self, k_lo: int, k_hi: int) -> np.ndarray:
        """``_base`` for schedule slots k_lo..k_hi, computed ~0.5 s ahead in one go.

        Why: the host asks for one sample at a time at 1000/s; evaluating the profile for 512
        slots at once costs about what one slot does, which leaves the GIL to the reader. The
        cache is keyed by the schedule, so RATE, START and a restart simply start a new one.
        """
        key = (self._sched_t0, self.rate)
        cache = self._base_cache
        if cache is None or cache[0] != key or k_lo < cache[1] or k_hi >= cache[1] + cache[2].shape[0]:
            ks = np.arange(k_lo, k_lo + max(k_hi - k_lo + 1, 512), dtype=np.float64)
            cache = self._base_cache = (key, k_lo, self._base(self._sched_t0 + ks / self.rate))
        return cache[2][k_lo - cache[1]: k_hi - cache[1] + 1]

    def _adc(self, base: np.ndarray) -> np.ndarray:
        adc = np.rint(base + self._nrng.standard_normal(base.shape[0]) * self.noise_counts)
        return np.minimum(np.maximum(adc, RAW_MIN), RAW_MAX).astype(np.int64)

    def _report(self, adc: np.ndarray) -> np.ndarray:
        """What the firmware sends: tare subtracted, a saturated reading kept at its limit."""
        raw = np.minimum(np.maximum(adc - self._tare, RAW_MIN), RAW_MAX)
        high, low = adc >= RAW_MAX, adc <= RAW_MIN
        if high.any() or low.any():
            raw[high], raw[low] = RAW_MAX, RAW_MIN
            self.stats["saturated"] += int(np.count_nonzero(high | low))
        return raw
