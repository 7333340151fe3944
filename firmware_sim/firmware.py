"""The simulated sensor's firmware: what bytes a load cell + 24-bit ADC board sends, and when.

The device is driven by *device time* (seconds since the host started it) rather than the wall
clock, so tests can step it exactly: ``emit_until(t)`` returns every byte the device would have
sent up to ``t``. The host (``host.py``) calls it from a real-time thread.

What it models, and why each matters to the reader:

* a load cell behind a 24-bit ADC: raw = zero offset + force x counts_per_n + board noise,
  clipped at -8388608 / +8388607 (a value at a limit means saturated; the firmware keeps a
  saturated reading at the limit even after a tare, so the reader can still see it);
* a 32-bit microsecond clock that wraps (Arduino ``micros()``), with a settable start so tests
  see the wrap within seconds;
* a restart: ``#BOOT`` (or the HX711 banner), seq from 0, micros from ~0, power-up settings;
* the project's ``pressure`` protocol (docs/architecture.md) with commands, and the formats of
  sensors people already own (number, plotter, hx711, gauge; a gauge may be polled);
* faults on demand (``faults.py``), each counted in ``stats`` so a test can compare the
  reader's counts with what was really injected.

The byte encoders are in ``encoders.py`` (written independently of ``pressure/wire.py`` on
purpose), the commands the device answers in ``commands.py``; this module is the device state:
the ADC, the sample schedule, restarts, the link and the fault plan applied to the output.
"""

from __future__ import annotations

import logging
import math
from collections import deque

import numpy as np

from pressure.errors import PressureError
from pressure.samples import FORCE_UNITS, normalize_unit

from .adc import RAW_MAX, RAW_MIN, Adc, default_noise_counts  # noqa: F401 - re-exported
from .commands import FW_VERSION, MODEL, RATES, DeviceCommands  # noqa: F401 - RATES re-exported
from .encoders import (  # noqa: F401 - FORMATS, checksum re-exported
    FORMATS, HX711_STYLES, checksum, encode_pressure, encode_values, line_end,
)
from .faults import FaultPlan, damage_line, parse_faults
from .model import make_profile

log = logging.getLogger(__name__)

MAX_RATE = 10000.0  # what the constructor accepts (fast ADCs, benchmarks)
WRAP = 1 << 32
HX711_BANNER = ("HX711 scale demo", "Initializing the scale", "Before setting up the scale:",
                "After setting up the scale:", "Readings:")


class Firmware(Adc, DeviceCommands):
    """The device. Not thread-safe: the host serialises calls (see ``host.py``)."""

    def __init__(self, profile: str = "hold", fmt: str = "pressure", rate: float = 80, seed: int = 0,
                 counts_per_n: float = 8560.0, offset: int = 8400, noise_counts: float | None = None,
                 faults: "str | FaultPlan | None" = None, target_n: float = 30.0, poll: bool = False,
                 serial: str = "SIM00001", micros_start: int = 0, unit: str | None = None,
                 hx711_style: str = "reading", hum_counts: float | None = None,
                 boot_delay_s: float = 0.1, rest_s: float | None = None):
        fmt = str(fmt).strip().lower()
        if fmt not in FORMATS:
            raise PressureError(f"unknown format {fmt!r}; the simulator speaks {', '.join(FORMATS)}")
        self.fmt = fmt
        self.model = make_profile(profile, seed=seed, target_n=target_n, rest_s=rest_s)
        self.profile = self.model.name
        self.seed = int(seed)
        entropy = self.seed % (1 << 64)  # numpy seeds are non-negative; -1 and 1 stay different
        self._boot_rate = self._check_rate(rate)
        if not (isinstance(counts_per_n, (int, float)) and math.isfinite(counts_per_n) and counts_per_n != 0):
            raise PressureError(f"counts per newton must be a non-zero number, not {counts_per_n!r}")
        self.counts_per_n = float(counts_per_n)
        if not RAW_MIN <= int(offset) <= RAW_MAX:
            raise PressureError(f"offset {offset} is outside the 24-bit ADC range")
        self._zero = int(offset)  # raw count at 0 N before any tare (the board's calibration)
        if noise_counts is not None and not (math.isfinite(noise_counts) and noise_counts >= 0):
            raise PressureError(f"noise must be >= 0 counts, not {noise_counts!r}")
        self._noise_counts = noise_counts
        self._hum_counts = hum_counts
        if poll and fmt != "gauge":
            raise PressureError("polling is what a force gauge does: use it with --format gauge")
        self.poll = bool(poll)
        self.plan = parse_faults(faults)
        if self.plan.rates["checksum"] and fmt != "pressure":
            raise PressureError("the checksum fault needs the 'pressure' format (others have no checksum)")
        self.serial = str(serial)
        if not 0 <= int(micros_start) < WRAP:
            raise PressureError("micros_start must be in 0 .. 2**32-1")
        self._micros_start = int(micros_start)
        if hx711_style not in HX711_STYLES:
            raise PressureError(f"unknown hx711 style {hx711_style!r}; choose {', '.join(HX711_STYLES)}")
        self.hx711_style = hx711_style
        self.unit = normalize_unit(unit or ("kg" if fmt == "hx711" else "N"))
        if self.unit not in FORCE_UNITS:
            raise PressureError(f"the simulator prints a force unit, not {self.unit}")
        self._per_unit = FORCE_UNITS[self.unit]
        self.boot_delay_s = float(boot_delay_s)

        self._nrng = np.random.default_rng([entropy, 0xADC])
        self._frng = np.random.default_rng([entropy, 0xFA17])
        self._hum_phase = float(np.random.default_rng([entropy, 0x50]).uniform(0, 2 * np.pi))
        self.stats: dict[str, float] = {k: 0 for k in (
            "samples", "lines", "garbage", "dropped", "cut", "checksum", "lose", "lost_samples",
            "stalled_samples", "saturated", "spike", "bursts", "restarts", "disconnects", "polls",
            "commands")}
        self.link_up = True
        self.last_seqs: list[int] = []  # seq of each sample line in the last emit (for the host)
        self._out = bytearray()
        self._held: list[tuple[bytes, int]] = []  # burst: lines held back, with their seq
        self._held_until = 0.0
        self._inbuf = bytearray()
        self._polls = 0
        self._base_cache: tuple | None = None
        self._restart_i = 0
        self._now = 0.0
        self._power_up(0.0, first=True)

    # ---- state -------------------------------------------------------------------------
    def _check_rate(self, rate) -> float:
        try:
            rate = float(rate)
        except (TypeError, ValueError):
            raise PressureError(f"rate must be a number of samples per second, not {rate!r}") from None
        if not (math.isfinite(rate) and 0 < rate <= MAX_RATE):
            raise PressureError(f"rate must be between 0 and {MAX_RATE:g} samples/s, not {rate:g}")
        return rate

    def _power_up(self, t: float, first: bool = False) -> None:
        self.seq = 0
        self.rate = self._boot_rate
        self._tare, self._tared = 0, False
        self.streaming = not self.poll
        self._boot_t = t
        self._micros_base = self._micros_start if first else 0
        self._sched_t0, self._sched_k = (t, 1) if first else (t + self.boot_delay_s, 0)
        self._recent_adc: deque[int] = deque(maxlen=10)
        self._recent_val: deque[float] = deque(maxlen=9)
        if self.fmt == "pressure":
            self._say(f"#BOOT {MODEL} {FW_VERSION}")
        elif self.fmt == "hx711":
            for line in HX711_BANNER:
                self._say(line)

    @property
    def offset(self) -> int:
        """Raw count that means 0 N in what the device sends now (its calibration; 0 after TARE)."""
        return 0 if self._tared else self._zero

    @property
    def tare(self) -> int:
        """Counts the device subtracts since its last TARE (0 at power-up)."""
        return self._tare

    @property
    def device_time(self) -> float:
        """Device time (s since the host started) up to which everything has been emitted."""
        return self._now

    def micros(self, t) -> np.ndarray:
        """The device's 32-bit microsecond clock at device time(s) t."""
        us = np.rint((np.asarray(t, dtype=np.float64) - self._boot_t) * 1e6).astype(np.int64)
        return (self._micros_base + us) % WRAP

    def switch_profile(self, profile: str, target_n: float = 30.0, rest_s: float | None = None) -> None:
        """From now on the practitioner follows ``profile`` (started afresh now): the routine
        changed. Samples already emitted keep the force they had."""
        from .model import Switched

        after = make_profile(profile, seed=self.seed, target_n=target_n, rest_s=rest_s)
        self.model = Switched(self.model, after, self._now)
        self.profile = after.name

    def true_force(self, t) -> np.ndarray:
        """The force really on the load cell at device time t, in N (no noise, no saturation)."""
        return self.model.force(t)

    def next_due(self) -> float:
        """Device time of the next sample (inf when not streaming); the host sleeps until then."""
        if not self.streaming:
            return math.inf
        return self._sched_t0 + self._sched_k / self.rate

    # ---- encoding (encoders.py, independent of pressure/wire.py) -----------------------------
    def _encode(self, seqs: np.ndarray, times: np.ndarray, raw: np.ndarray) -> list[bytes]:
        if self.fmt == "pressure":
            return encode_pressure(seqs, self.micros(times), raw)
        values = (raw - self.offset) / self.counts_per_n / self._per_unit
        return encode_values(self.fmt, values, raw, self.unit, self.hx711_style, self._recent_val)

    # ---- output ------------------------------------------------------------------------
    def _say(self, text: str) -> None:
        if self.link_up:
            self._out += text.encode("ascii", "replace") + line_end(self.fmt)

    def _put(self, line: bytes, seq: int) -> None:
        self._out += line
        self.last_seqs.append(seq)

    def _deliver(self, lines: list[bytes], seqs: list[int], times: np.ndarray) -> None:
        """Send sample lines through the fault plan and the link."""
        plan, stats, rng = self.plan, self.stats, self._frng
        stats["lines"] += len(lines)
        if not self.link_up:
            stats["lost_samples"] += len(lines)
            return
        if not plan.any_line_faults and not plan.burst_every and not self._held:
            self._out += b"".join(lines)
            self.last_seqs.extend(seqs)
            return
        eol = line_end(self.fmt)
        for line, seq, t in zip(lines, seqs, times.tolist()):
            if self._held and t >= self._held_until:
                self._flush_held()
            junk, line = damage_line(line, eol, plan.rates, rng, stats)
            self._out += junk
            if line is None:
                continue
            if plan.burst_every and t >= plan.burst_every:
                n = math.floor(t / plan.burst_every)
                start = n * plan.burst_every
                if t < start + plan.burst_hold:
                    self._held.append((line, seq))
                    self._held_until = start + plan.burst_hold
                    continue
            self._put(line, seq)

    def _flush_held(self) -> None:
        if self._held:
            for line, seq in self._held:
                self._put(line, seq)
            self._held = []
            self.stats["bursts"] += 1

    def _in_stall(self, times: np.ndarray) -> np.ndarray:
        mask = np.zeros(times.shape[0], dtype=bool)
        for a, d in self.plan.stalls:
            mask |= (times >= a) & (times < a + d)
        return mask

    def _sample_block(self, times: np.ndarray, base: np.ndarray | None = None) -> None:
        if base is None:
            base = self._base(times)
        if self.plan.stalls:
            taken = ~self._in_stall(times)
            times, base = times[taken], base[taken]
        n = times.shape[0]
        if n == 0:
            return
        adc = self._adc(base)
        p_spike = self.plan.rates["spike"]
        if p_spike:
            hit = self._frng.random(n) < p_spike
            if hit.any():
                bits = self._frng.integers(16, 23, int(hit.sum()))
                adc[hit] = np.clip(adc[hit] ^ (1 << bits), RAW_MIN + 1, RAW_MAX - 1)
                self.stats["spike"] += int(hit.sum())
        self._recent_adc.extend(adc[-10:].tolist())
        raw = self._report(adc)
        seqs = (self.seq + np.arange(n, dtype=np.int64)) % WRAP
        self.seq = int((self.seq + n) % WRAP)
        self.stats["samples"] += n
        self._deliver(self._encode(seqs, times, raw), seqs.tolist(), times)

    def _emit_samples(self, t_end: float) -> None:
        if not self.streaming:
            return
        k_last = math.floor((t_end - self._sched_t0) * self.rate + 1e-9)
        while self._sched_k <= k_last:
            k_hi = min(k_last, self._sched_k + 65535)
            ks = np.arange(self._sched_k, k_hi + 1, dtype=np.float64)
            times = self._sched_t0 + ks / self.rate
            base = self._scheduled_base(self._sched_k, k_hi)
            self._sched_k = k_hi + 1
            if self.plan.stalls:
                stalled = self._in_stall(times)
                self.stats["stalled_samples"] += int(np.count_nonzero(stalled))
            self._sample_block(times, base)

    # ---- the public interface --------------------------------------------------------------
    def emit_until(self, device_time_s: float) -> bytes:
        """Every byte the device sends up to ``device_time_s`` (samples, faults, replies)."""
        t = max(float(device_time_s), self._now)
        self.last_seqs = []
        restarts = self.plan.restarts
        while self._restart_i < len(restarts) and restarts[self._restart_i] <= t:
            tr = max(restarts[self._restart_i], self._now)
            self._restart_i += 1
            self._emit_samples(tr)
            self._now = tr
            self.restart()
        self._emit_samples(t)
        self._now = t
        if self._polls:
            n, self._polls = self._polls, 0
            self.stats["polls"] += n
            self._sample_block(np.full(n, t))
        if self._held and t >= self._held_until:
            self._flush_held()
        out, self._out = bytes(self._out), bytearray()
        return out

    def render(self, n: int) -> bytes:
        """The next ``n`` sample lines at once, as fast as they can be made (throughput tests)."""
        if not self.streaming:
            raise PressureError("the device is not streaming (polled, or stopped): nothing to render")
        return self.emit_until(self._sched_t0 + (self._sched_k + int(n) - 1) / self.rate)

    def restart(self) -> None:
        """Device restart at the current device time: boot line, seq from 0, power-up settings."""
        self.stats["restarts"] += 1
        self._flush_held()
        log.info("simulated device restarts at %.3f s", self._now)
        self._power_up(self._now)

    def set_link(self, up: bool) -> None:
        """The host's port went away (False) or came back (True); samples meanwhile are lost."""
        if not up and self.link_up:
            self.stats["disconnects"] += 1
            self.stats["lost_samples"] += len(self._held)  # held back by a burst: never sent
            self._held = []
        self.link_up = bool(up)
