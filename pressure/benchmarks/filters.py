"""Filter figures: streaming throughput, and steadiness vs lag on a synthetic hand hold.

``filter_samples_per_s`` is the 1€ filter fed 1,000,000 samples in chunks of 1000, the way
the display drains the ring buffer. ``hold_table`` is how DEFAULT_FILTER was chosen
(docs/smoothing.md): residual wobble of the readout during a steady hold, and how long the
readout takes to follow a 10 N press.
"""

from __future__ import annotations

import time

import numpy as np

from ..filters import DEFAULT_FILTER, FILTERS, make_filter

HOLD_N = 30.0       # the hold a practitioner keeps
STEP_N = 10.0       # then presses 10 N harder, at once
NOISE_RMS_N = 0.5   # white sensor + hand noise per sample
TREMOR_HZ = 8.0     # physiological tremor
TREMOR_AMP_N = 0.3  # its amplitude (0.21 N RMS)
SETTLE_S = 2.0      # ignore the start-up of every filter
HOLD_S = 4.0        # measured steady hold
AFTER_S = 1.0       # after the step
RAMP_N_PER_S = 5.0  # a slow, deliberate ramp toward a target (30 N in 6 s)

# Candidates measured for the default (name, params), in the order docs/smoothing.md lists.
CANDIDATES: list[tuple[str, dict]] = [
    ("none", {}),
    ("moving_average", {"n": 50}),
    ("moving_average", {"n": 100}),
    ("exponential", {"tau": 0.02}),
    ("exponential", {"tau": 0.05}),
    ("exponential", {"tau": 0.1}),
    ("one_euro", {"mincutoff": 1.0, "beta": 0.1, "dcutoff": 1.0}),   # the authors' demo set
    ("one_euro", {"mincutoff": 1.0, "beta": 0.05, "dcutoff": 0.5}),
    ("one_euro", {"mincutoff": 0.5, "beta": 0.02, "dcutoff": 1.0}),
    ("one_euro", {"mincutoff": 0.5, "beta": 0.05, "dcutoff": 1.0}),
    ("one_euro", {"mincutoff": 0.5, "beta": 0.05, "dcutoff": 0.5}),  # DEFAULT_FILTER
    ("one_euro", {"mincutoff": 0.3, "beta": 0.05, "dcutoff": 0.5}),
    ("one_euro", {"mincutoff": 0.5, "beta": 0.08, "dcutoff": 0.5}),
]


def hand_hold(rate_hz: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """(t, noisy force, true force, step time): a steady 30 N hold, then a 10 N step."""
    rng = np.random.default_rng(seed)
    t_step = SETTLE_S + HOLD_S
    t = np.arange(0.0, t_step + AFTER_S, 1.0 / rate_hz)
    truth = HOLD_N + STEP_N * (t >= t_step)
    phase = rng.uniform(0, 2 * np.pi)
    x = truth + TREMOR_AMP_N * np.sin(2 * np.pi * TREMOR_HZ * t + phase) + rng.normal(0, NOISE_RMS_N, t.shape[0])
    return t, x, truth, t_step


def ramp(rate_hz: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(t, noisy force, true force): a 5 N/s ramp from 5 N for 6 s, with the same noise."""
    rng = np.random.default_rng(1000 + seed)
    t = np.arange(0.0, 6.0, 1.0 / rate_hz)
    truth = 5.0 + RAMP_N_PER_S * t
    phase = rng.uniform(0, 2 * np.pi)
    x = truth + TREMOR_AMP_N * np.sin(2 * np.pi * TREMOR_HZ * t + phase) + rng.normal(0, NOISE_RMS_N, t.shape[0])
    return t, x, truth


def hold_metrics(name: str, params: dict, rate_hz: float, seeds: int = 5) -> dict:
    """Residual std (N) during the hold; 10-90 % rise and time to 90 % (ms) after the step;
    delay (ms) behind a slow 5 N/s ramp.

    Medians over a few noise seeds: the 1€ filter is nonlinear, so its lag depends on the
    noise it sees and is measured with the noise, not on a clean step.
    """
    stds, rises, t90s, ramps = [], [], [], []
    for seed in range(seeds):
        t, x, truth, t_step = hand_hold(rate_hz, seed)
        y = make_filter(name, **params).process(t, x)
        hold = (t >= SETTLE_S) & (t < t_step)
        stds.append(float(np.std(y[hold] - truth[hold])))
        after = t >= t_step
        ta, ya = t[after], y[after]
        hit10 = np.flatnonzero(ya >= HOLD_N + 0.1 * STEP_N)
        hit90 = np.flatnonzero(ya >= HOLD_N + 0.9 * STEP_N)
        t10 = ta[hit10[0]] if hit10.size else np.inf
        t90 = ta[hit90[0]] if hit90.size else np.inf
        rises.append((t90 - t10) * 1000.0)
        t90s.append((t90 - t_step) * 1000.0)
        t, x, truth = ramp(rate_hz, seed)
        y = make_filter(name, **params).process(t, x)
        late = t >= 3.0  # the readout trails a steady ramp by a constant delay
        ramps.append(float(np.mean(truth[late] - y[late])) / RAMP_N_PER_S * 1000.0)
    return {
        "residual_std_n": float(np.median(stds)),
        "rise_10_90_ms": float(np.median(rises)),
        "time_to_90_ms": float(np.median(t90s)),
        "ramp_lag_ms": float(np.median(ramps)),
    }


def hold_table(rates=(1000.0, 80.0), seeds: int = 5) -> list[dict]:
    rows = []
    for name, params in CANDIDATES:
        for rate in rates:
            rows.append({"filter": name, "params": params, "rate_hz": rate,
                         **hold_metrics(name, params, rate, seeds)})
    return rows


def _rate(name: str, params: dict, total: int, chunk: int, repeats: int = 3) -> float:
    """Samples per second streaming in chunks; the best of a few runs (the machine is shared)."""
    rng = np.random.default_rng(1)
    t = np.arange(total) / 1000.0
    x = HOLD_N + rng.normal(0, NOISE_RMS_N, total)
    best = np.inf
    for _ in range(repeats):
        f = make_filter(name, **params)
        start = time.perf_counter()
        for i in range(0, total, chunk):
            f.process(t[i:i + chunk], x[i:i + chunk])
        best = min(best, time.perf_counter() - start)
    return total / best


def run(quick: bool = False) -> dict:
    total = 100_000 if quick else 1_000_000
    chunk = 1000
    name, params = DEFAULT_FILTER
    result = {"filter_samples_per_s": round(_rate("one_euro", params if name == "one_euro" else {}, total, chunk))}
    for other in FILTERS:
        if other not in ("one_euro", "none"):
            result[f"filter_{other}_samples_per_s"] = round(_rate(other, {}, total, chunk, repeats=1))
    return result


def markdown_table(rows: list[dict]) -> str:
    """The table in docs/smoothing.md (``python -m pressure.benchmarks.filters``)."""
    def ms(v: float) -> str:
        return f"{v:.0f}" if np.isfinite(v) else f"> {AFTER_S * 1000:.0f}"

    lines = ["| filter | parameters | rate (Hz) | hold residual std (N) | 10-90 % rise (ms) | step to 90 % (ms) | ramp lag (ms) |",
             "|---|---|---|---|---|---|---|"]
    for r in rows:
        params = ", ".join(f"{k}={v:g}" for k, v in r["params"].items()) or "-"
        lines.append(f"| {r['filter']} | {params} | {r['rate_hz']:g} | {r['residual_std_n']:.3f} | "
                     f"{ms(r['rise_10_90_ms'])} | {ms(r['time_to_90_ms'])} | {ms(r['ramp_lag_ms'])} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown_table(hold_table()))
    print(run(quick=True))
