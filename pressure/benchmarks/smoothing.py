"""Smoothing figures on a known force: ramp lag, hold error, bias and overshoot.

The known force: 5 N for 1 s, a 5 N/s ramp to 30 N, a 30 N hold for 8 s, then a sudden
10 N press held 2 s; on top, 0.3 N RMS white board noise and a 0.2 N tremor at 8 Hz (random
phase). Each run draws its own noise (seed = run number), renders the samples as lines of the
project's ``pressure`` protocol with the simulator's encoder (written independently of the
reader's parser), writes them into a real pseudo-terminal from a separate process and reads
them with :class:`~pressure.acquisition.Reader` (parse, device time base, calibration, ring
buffer). A consumer drains the ring buffer chunk by chunk and runs each filter on the chunks
as they come, like the live window. Figures are the medians of the runs. The writer does not
wait for each sample's due time: the filters see the device's timestamps, not the wall clock,
and their output does not depend on how the samples are chunked (tested), so a paced run
would give the same numbers 16 s later.

Definitions (docs/smoothing.md), y the readout and f the known force:

* ``ramp_lag_ms``: the time shift d that best aligns the readout with the ramp, least squares
  over the ramp from 1 s after it starts to its end: min_d sum (y(t) - f(t - d))^2. On a straight
  ramp of slope r, f(t - d) = f(t) - r d, so d = mean(f - y) / r exactly.
* ``hold_p99_n``: the 99th percentile of |y - 30 N| over the hold from 1 s after the ramp ends
  to the press. ``bias_n``: the mean of y - 30 N over the same stretch.
* ``corner_overshoot_n``: the highest y - 30 N in the 2 s after the ramp meets the hold;
  ``press_overshoot_n``: the highest y - 40 N in the 2 s after the press. Noise included (what
  the practitioner sees); ``..._clean`` figures are the same on the force without noise (the
  filter's own overshoot), computed in this process.

``smoothing_inprocess_*`` are the same figures with the filters run straight on the arrays
(no pty), over more noise seeds.
"""

from __future__ import annotations

import logging
import time

import numpy as np

from ..filters import DEFAULT_FILTER, make_filter

log = logging.getLogger(__name__)

RATES = (1000.0, 80.0)
START_N, HOLD_N, PRESS_N = 5.0, 30.0, 10.0
RAMP_N_PER_S = 5.0
RAMP_START_S = 1.0
RAMP_END_S = RAMP_START_S + (HOLD_N - START_N) / RAMP_N_PER_S   # 6 s
PRESS_S = RAMP_END_S + 8.0                                      # 14 s
END_S = PRESS_S + 2.0                                           # 16 s
NOISE_RMS_N = 0.3
TREMOR_AMP_N = 0.2
TREMOR_HZ = 8.0
COUNTS_PER_N, OFFSET = 8560.0, 8400  # the simulated device's calibration
START_US = 5_000_000                 # device clock at the first sample

# The targets a lag-compensated smoothing must meet, per rate: (figure, limit).
TARGETS = {
    1000.0: {"ramp_lag_ms": 15.0, "hold_p99_n": 0.3, "bias_n": 0.15,
             "corner_overshoot_n": 0.6, "press_overshoot_n": 0.6},
    80.0: {"ramp_lag_ms": 40.0, "hold_p99_n": 0.3, "bias_n": 0.15,
           "corner_overshoot_n": 0.6, "press_overshoot_n": 0.6},
}
# Compared: the 1€ filter with its defaults, and the lag-compensated one with its defaults.
COMPARED = ("one_euro", "one_euro_lead")


def known_force(rate_hz: float) -> tuple[np.ndarray, np.ndarray]:
    """(t, f): device time from the first sample (s) and the true force (N)."""
    t = np.arange(int(round(END_S * rate_hz))) / rate_hz
    f = np.clip(START_N + RAMP_N_PER_S * (t - RAMP_START_S), START_N, HOLD_N)
    f = np.where(t >= PRESS_S, HOLD_N + PRESS_N, f)
    return t, f


def noisy(rate_hz: float, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(t, measured force, true force) for one run."""
    rng = np.random.default_rng([22, seed, int(rate_hz)])
    t, f = known_force(rate_hz)
    tremor = TREMOR_AMP_N * np.sin(2 * np.pi * TREMOR_HZ * t + rng.uniform(0, 2 * np.pi))
    return t, f + tremor + rng.normal(0.0, NOISE_RMS_N, t.shape[0]), f


def figures(t: np.ndarray, y: np.ndarray, f: np.ndarray) -> dict:
    """The figures of one readout ``y`` against the known force ``f`` (definitions above)."""
    ramp = (t >= RAMP_START_S + 1.0) & (t < RAMP_END_S)
    hold = (t >= RAMP_END_S + 1.0) & (t < PRESS_S)
    corner = (t >= RAMP_END_S) & (t < RAMP_END_S + 2.0)
    press = (t >= PRESS_S) & (t < PRESS_S + 2.0)
    err = y[hold] - HOLD_N
    return {
        "ramp_lag_ms": float(np.mean(f[ramp] - y[ramp]) / RAMP_N_PER_S * 1000.0),
        "hold_p99_n": float(np.percentile(np.abs(err), 99)),
        "bias_n": float(np.mean(err)),
        "corner_overshoot_n": float(np.max(y[corner] - HOLD_N)),
        "press_overshoot_n": float(np.max(y[press] - HOLD_N - PRESS_N)),
    }


def _lines(t: np.ndarray, x: np.ndarray) -> bytes:
    from firmware_sim.encoders import encode_pressure

    seqs = np.arange(t.shape[0], dtype=np.int64)
    micros = START_US + np.rint(t * 1e6).astype(np.int64)
    raw = np.rint(OFFSET + x * COUNTS_PER_N).astype(np.int64)
    return b"".join(encode_pressure(seqs, micros, raw))


def through_pty(t: np.ndarray, x: np.ndarray, names=COMPARED, timeout: float = 60.0) -> tuple[np.ndarray, dict]:
    """Send (t, x) through a pty and the reader; filter the ring buffer's chunks as they come.

    Returns (the reader's t, {filter name: readout}). Raises RuntimeError if samples went
    missing or the reader's force is not the one sent (then the figures would mean nothing).
    """
    from ..acquisition import Reader
    from ..buffer import RingBuffer
    from ..calibration import from_device
    from .reader import _pty_stream

    n = t.shape[0]
    filters = {name: make_filter(name) for name in names}
    buffer = RingBuffer(1 << 20)
    ts, outs, forces = [], {name: [] for name in names}, []
    chunks = 0
    with _pty_stream(_lines(t, x)) as (path, go):
        reader = Reader(path, buffer, fmt="pressure",
                        calibration=from_device(COUNTS_PER_N, OFFSET, sensor_id="bench-smoothing"))
        try:
            reader.start()
            # what waits in the port at connect is thrown away (a stale backlog): write after
            if not reader.wait_fresh(5.0):
                raise RuntimeError("the reader never connected to the pty")
            go()
            cursor, deadline = 0, time.monotonic() + timeout
            while cursor < n and time.monotonic() < deadline:
                if not buffer.wait(cursor, 0.1):
                    continue
                block, cursor, lost = buffer.read_since(cursor)
                if lost:
                    raise RuntimeError(f"the ring buffer lost {lost} samples")
                chunks += 1
                ts.append(block.t)
                forces.append(block.force_n)
                for name, filt in filters.items():
                    outs[name].append(filt.process(block.t, block.force_n))
        finally:
            reader.stop()
            reader.join(2)
    got_t = np.concatenate(ts) if ts else np.empty(0)
    if got_t.shape[0] != n:
        raise RuntimeError(f"the reader handed on {got_t.shape[0]} of {n} samples")
    # the reader's time starts at the first sample; its force is the sent one to ADC rounding
    if np.max(np.abs((got_t - got_t[0]) - t)) > 2e-6:
        raise RuntimeError("the reader's timestamps differ from the device clock sent")
    if np.max(np.abs(np.concatenate(forces) - x)) > 1.0 / COUNTS_PER_N:
        raise RuntimeError("the reader's force differs from the force sent")
    log.debug("pty run: %d samples in %d chunks", n, chunks)
    return got_t, {name: np.concatenate(v) for name, v in outs.items()}


def _median(rows: list[dict]) -> dict:
    return {k: float(np.median([r[k] for r in rows])) for k in rows[0]}


def _meets(fig: dict, rate: float) -> bool:
    return all(abs(fig[k]) <= limit for k, limit in TARGETS[rate].items())


def _key(prefix: str, name: str, rate: float, figure: str) -> str:
    return f"{prefix}{name}_{rate:g}hz_{figure}"


def run(quick: bool = False) -> dict:
    runs = 3 if quick else 9
    seeds_inprocess = 10 if quick else 40
    result: dict = {"smoothing_default_filter": DEFAULT_FILTER[0], "smoothing_pty_runs": runs,
                    "smoothing_inprocess_runs": seeds_inprocess}
    meets = {name: True for name in COMPARED}
    for rate in RATES:
        per_run = {name: [] for name in COMPARED}
        for seed in range(runs):
            t, x, f = noisy(rate, seed)
            got_t, outs = through_pty(t, x)
            for name in COMPARED:
                per_run[name].append(figures(got_t - got_t[0], outs[name], f))
        inproc = {name: [] for name in COMPARED}
        for seed in range(seeds_inprocess):
            t, x, f = noisy(rate, 1000 + seed)
            for name in COMPARED:
                inproc[name].append(figures(t, make_filter(name).process(t, x), f))
        t, f = known_force(rate)
        for name in COMPARED:
            fig = _median(per_run[name])
            meets[name] &= _meets(fig, rate)
            for k, v in fig.items():
                result[_key("smoothing_", name, rate, k)] = round(v, 4 if k.endswith("_n") else 2)
            for k, v in _median(inproc[name]).items():
                result[_key("smoothing_inprocess_", name, rate, k)] = round(v, 4 if k.endswith("_n") else 2)
            clean = figures(t, make_filter(name).process(t, f), f)
            for k in ("corner_overshoot_n", "press_overshoot_n"):
                result[_key("smoothing_", name, rate, k + "_clean")] = round(clean[k], 4)
    for name in COMPARED:
        result[f"smoothing_{name}_meets_targets"] = meets[name]
    return result


def _cell(fmt: str, value: float) -> str:
    text = fmt.format(value)
    return fmt.format(0.0) if float(text) == 0.0 else text  # no "-0.00" for a figure that rounds to 0


def markdown_table(result: dict) -> str:
    """The figures as the table in docs/smoothing.md (``python -m pressure.benchmarks.smoothing``)."""
    cols = [("ramp_lag_ms", "ramp lag (ms)", "{:.1f}"), ("hold_p99_n", "hold error p99 (N)", "{:.3f}"),
            ("bias_n", "bias (N)", "{:+.3f}"), ("corner_overshoot_n", "overshoot ramp->hold (N)", "{:.2f}"),
            ("press_overshoot_n", "overshoot 10 N press (N)", "{:.2f}"),
            ("corner_overshoot_n_clean", "ramp->hold, no noise (N)", "{:.2f}"),
            ("press_overshoot_n_clean", "press, no noise (N)", "{:.2f}")]
    lines = ["| filter | rate (/s) | " + " | ".join(c[1] for c in cols) + " |",
             "|---|---|" + "---|" * len(cols)]
    for name in COMPARED:
        for rate in RATES:
            cells = [_cell(fmt, result[_key("smoothing_", name, rate, k)]) for k, _, fmt in cols]
            lines.append(f"| {name} | {rate:g} | " + " | ".join(cells) + " |")
    lines.append("| *target* | 1000 / 80 | <= 15 / <= 40 | <= 0.3 | <= ±0.15 | <= 0.6 | <= 0.6 | | |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown_table(run()))
