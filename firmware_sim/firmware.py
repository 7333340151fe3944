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

The encoder here is written independently of ``pressure/wire.py`` on purpose.
"""

from __future__ import annotations

import logging
import math
from collections import deque

import numpy as np

from pressure.errors import PressureError
from pressure.samples import FORCE_UNITS, normalize_unit

from .faults import FaultPlan, parse_faults
from .model import make_profile

log = logging.getLogger(__name__)

FORMATS = ("pressure", "number", "plotter", "hx711", "gauge")
RATES = (10, 80, 100, 250, 500, 1000, 2000)  # what the RATE command accepts
MAX_RATE = 10000.0  # what the constructor accepts (fast ADCs, benchmarks)
RAW_MIN, RAW_MAX = -8388608, 8388607
WRAP = 1 << 32
MODEL, FW_VERSION = "pressure-sim", "1.0"
HX711_STYLES = ("reading", "average")
HX711_BANNER = ("HX711 scale demo", "Initializing the scale", "Before setting up the scale:",
                "After setting up the scale:", "Readings:")
_GAUGE_LABELS = {"N": "N", "kN": "kN", "mN": "mN", "kgf": "kgF", "gf": "gF", "lbf": "lbF", "ozf": "ozF"}
_HX711_LABELS = {"kgf": "kg", "gf": "g", "lbf": "lbs", "ozf": "oz", "N": "N", "kN": "kN", "mN": "mN"}
_EOL = {"gauge": b"\r"}
_MAX_COMMAND = 128  # a longer line without an ending is noise, not a command


def checksum(body: bytes) -> int:
    """XOR of every byte of a sample line before ``*``."""
    c = 0
    for b in body:
        c ^= b
    return c


def default_noise_counts(rate: float) -> float:
    """RMS board noise in counts: an HX711 is quieter at 10 Hz than at 80 Hz; fast ADCs noisier."""
    if rate <= 10:
        return 4.0
    if rate <= 80:
        return 12.0
    return 20.0


class Firmware:
    """The device. Not thread-safe: the host serialises calls (see ``host.py``)."""

    def __init__(self, profile: str = "hold", fmt: str = "pressure", rate: float = 80, seed: int = 0,
                 counts_per_n: float = 8560.0, offset: int = 8400, noise_counts: float | None = None,
                 faults: "str | FaultPlan | None" = None, target_n: float = 30.0, poll: bool = False,
                 serial: str = "SIM00001", micros_start: int = 0, unit: str | None = None,
                 hx711_style: str = "reading", hum_counts: float | None = None,
                 boot_delay_s: float = 0.1):
        fmt = str(fmt).strip().lower()
        if fmt not in FORMATS:
            raise PressureError(f"unknown format {fmt!r}; the simulator speaks {', '.join(FORMATS)}")
        self.fmt = fmt
        self.model = make_profile(profile, seed=seed, target_n=target_n)
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
    def noise_counts(self) -> float:
        return default_noise_counts(self.rate) if self._noise_counts is None else self._noise_counts

    @property
    def device_time(self) -> float:
        """Device time (s since the host started) up to which everything has been emitted."""
        return self._now

    def micros(self, t) -> np.ndarray:
        """The device's 32-bit microsecond clock at device time(s) t."""
        us = np.rint((np.asarray(t, dtype=np.float64) - self._boot_t) * 1e6).astype(np.int64)
        return (self._micros_base + us) % WRAP

    def true_force(self, t) -> np.ndarray:
        """The force really on the load cell at device time t, in N (no noise, no saturation)."""
        return self.model.force(t)

    def next_due(self) -> float:
        """Device time of the next sample (inf when not streaming); the host sleeps until then."""
        if not self.streaming:
            return math.inf
        return self._sched_t0 + self._sched_k / self.rate

    # ---- the ADC -----------------------------------------------------------------------
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

    # ---- encoders (independent of pressure/wire.py) ---------------------------------------
    def _encode(self, seqs: np.ndarray, times: np.ndarray, raw: np.ndarray) -> list[bytes]:
        fmt = self.fmt
        if fmt == "pressure":
            bodies = [f"S{s},{m},{r}".encode() for s, m, r in
                      zip(seqs.tolist(), self.micros(times).tolist(), raw.tolist())]
            return [b + b"*%02X\r\n" % checksum(b) for b in bodies]
        values = (raw - self.offset) / self.counts_per_n / self._per_unit
        eol = _EOL.get(fmt, b"\r\n")
        if fmt == "number":
            return [b"%.3f" % v + eol for v in values.tolist()]
        if fmt == "plotter":
            return [b"force:%.2f,raw:%d" % (v, r) + eol for v, r in zip(values.tolist(), raw.tolist())]
        if fmt == "gauge":
            label = _GAUGE_LABELS[self.unit].encode()
            return [b"%+.2f %s" % (v, label) + eol for v in values.tolist()]
        label = _HX711_LABELS[self.unit].encode()
        if self.hx711_style == "reading":
            return [b"Reading: %.2f %s" % (v, label) + eol for v in values.tolist()]
        history = np.concatenate([np.asarray(self._recent_val, dtype=float), values])
        csum = np.concatenate([[0.0], np.cumsum(history)])
        n0 = len(self._recent_val)
        lines = []
        for i, v in enumerate(values.tolist()):
            end = n0 + i + 1
            start = max(0, end - 10)
            avg = (csum[end] - csum[start]) / (end - start)
            lines.append(b"one reading:\t%.1f\t| average:\t%.1f" % (v, avg) + eol)
        self._recent_val.extend(values.tolist())
        return lines

    # ---- output ------------------------------------------------------------------------
    def _say(self, text: str) -> None:
        if self.link_up:
            self._out += text.encode("ascii", "replace") + _EOL.get(self.fmt, b"\r\n")

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
        r = plan.rates
        eol = _EOL.get(self.fmt, b"\r\n")
        for line, seq, t in zip(lines, seqs, times.tolist()):
            if self._held and t >= self._held_until:
                self._flush_held()
            if r["garbage"] and rng.random() < r["garbage"]:
                # line noise: starts with a non-ASCII byte, so it can never pass for a line
                junk = rng.integers(0, 256, int(rng.integers(1, 24)), dtype=np.uint8).tobytes()
                junk = bytes([0x80 | junk[0]]) + junk[1:].replace(b"\r", b"?").replace(b"\n", b"?")
                self._out += junk + eol
                stats["garbage"] += 1
            body = line[: len(line) - len(eol)]
            if r["lose"] and rng.random() < r["lose"]:
                stats["lose"] += 1
                stats["lost_samples"] += 1
                continue
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

    def handle_input(self, data: bytes) -> None:
        """Bytes the host received from the reader: commands, or poll requests for a gauge."""
        self._inbuf += data
        while True:
            cut = [i for i in (self._inbuf.find(b"\n"), self._inbuf.find(b"\r")) if i >= 0]
            if not cut:
                if len(self._inbuf) > _MAX_COMMAND:
                    self._inbuf.clear()
                return
            i = min(cut)
            line = bytes(self._inbuf[:i]).decode("ascii", "replace").strip()
            del self._inbuf[: i + 1]
            if line:
                self._command(line)

    def _command(self, line: str) -> None:
        if self.fmt == "gauge" and self.poll:
            if line in ("?", "D", "d"):
                self._polls += 1
            return
        if self.fmt != "pressure":
            log.debug("format %s ignores input %r", self.fmt, line)
            return
        self.stats["commands"] += 1
        words = line.split()
        cmd = words[0].upper()
        if cmd == "ID?" and len(words) == 1:
            self._say(f"#ID model={MODEL} fw={FW_VERSION} serial={self.serial} rate={self.rate:g} "
                      f"counts_per_n={self.counts_per_n!r} offset={self.offset}")
        elif cmd == "TARE" and len(words) == 1:
            recent = list(self._recent_adc) or self._adc(self._base(np.array([self._now]))).tolist()
            self._tare, self._tared = int(round(sum(recent) / len(recent))), True
            self._say(f"#OK TARE offset={self._tare}")
        elif cmd == "RATE":
            try:
                hz = float(words[1]) if len(words) == 2 else math.nan
            except ValueError:
                hz = math.nan
            if hz not in RATES:
                arg = " ".join(words[1:]) or "(none)"
                self._say(f"#ERR RATE {arg} is not a rate; choose {', '.join(map(str, RATES))}")
                return
            self.rate = hz
            self._sched_t0, self._sched_k = self._now, 1
            self._say(f"#OK RATE {hz:g}")
        elif cmd in ("START", "STOP") and len(words) == 1:
            if cmd == "START" and not self.streaming:
                self._sched_t0, self._sched_k = self._now, 1
            self.streaming = cmd == "START"
            self._say(f"#OK {cmd}")
        else:
            self._say(f"#ERR {line[:40]} unknown command")
