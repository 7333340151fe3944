"""Recording figures: CPU cost of recording live, time to load a long session, file size.

``record_cpu_percent``: 60 s (quick: 10 s) of a 1000 samples/s sensor is prepared in 16 ms
blocks first (as the reader delivers them); then the process CPU time (all threads:
``time.process_time``) is measured while every block is appended and a commit is forced every
``COMMIT_INTERVAL_S`` of simulated time, exactly the work the committer thread does live.
Divided by the simulated span and x100 it is the percent of one core that recording adds.
Waiting for fsync is not CPU time and is not counted.

``replay_load_s``: ``open_recording`` of a synthetic 1-hour (quick: 10-minute) 1 kHz file plus
touching ``t``/``raw``/``force_n``; best of three after a warm-up read (the file is in the page
cache, as it is right after the session or on a second open).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np

from ..recording import COMMIT_INTERVAL_S, RecordingWriter, open_recording
from ..samples import Block


def synthetic_blocks(seconds: float, rate: float = 1000.0, block_s: float = 0.016,
                     seed: int = 0):
    """A plausible pressing session in reader-sized blocks (deterministic for a seed)."""
    rng = np.random.default_rng(seed)
    per = max(1, int(round(rate * block_s)))
    total = int(round(seconds * rate))
    scale = 1.0 / 21000.0  # newtons per count, like the simulator's load cell
    for start in range(0, total, per):
        n = min(per, total - start)
        t = (start + np.arange(n)) / rate
        force = 20.0 * (1 - np.cos(2 * np.pi * t / 40.0)) + rng.normal(0.0, 0.05, n)
        raw = np.round(force / scale + 8400)
        yield Block.make(t, raw, (raw - 8400) * scale)


def make_synthetic_recording(path, seconds: float, rate: float = 1000.0) -> Path:
    """Write a realistic recording of ``seconds`` at ``rate`` samples/s (for replay benchmarks)."""
    path = Path(path)
    meta = {"kind": "reference", "sensor": {"id": "synthetic", "url": None, "format": "pressure",
                                            "rate_hz": rate, "device_info": {}},
            "calibration": {"sensor_id": "synthetic", "zero": 8400.0, "scale": 1 / 21000.0,
                            "raw_unit": "counts"},
            "labels": {"notes": "synthetic benchmark session"}}
    with RecordingWriter(path, meta) as writer:
        pending = []
        for block in synthetic_blocks(seconds, rate, block_s=1.0):
            pending.append(block)
            if len(pending) >= 60:  # a commit per simulated minute keeps writing quick
                for b in pending:
                    writer.append(b)
                writer.flush()
                pending = []
        for b in pending:
            writer.append(b)
        for k in range(0, int(seconds), 30):
            writer.add_event(float(k), "marker", f"marker {k // 30 + 1}")
    return path


def measure_record_cpu(seconds: float, folder: Path) -> float:
    blocks = list(synthetic_blocks(seconds))
    writer = RecordingWriter(folder / "cpu.pressure", {"kind": "reference"})
    cpu0 = time.process_time()
    next_commit = COMMIT_INTERVAL_S
    for block in blocks:
        writer.append(block)
        if block.t[-1] >= next_commit:
            writer.flush()
            next_commit += COMMIT_INTERVAL_S
    writer.close()
    return (time.process_time() - cpu0) / seconds * 100.0


def measure_load(path: Path, repeats: int = 3) -> float:
    open_recording(path)  # warm-up: the file in the page cache
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        rec = open_recording(path)
        _ = float(rec.t[0]) + float(rec.raw[-1]) + float(rec.force_n[len(rec) // 2])
        best = min(best, time.perf_counter() - t0)
        del rec
    return best


def run(quick: bool = False) -> dict:
    with tempfile.TemporaryDirectory(prefix="pressure-bench-") as tmp:
        folder = Path(tmp)
        cpu = measure_record_cpu(10.0 if quick else 60.0, folder)
        seconds = 600.0 if quick else 3600.0
        path = make_synthetic_recording(folder / "long.pressure", seconds)
        load = measure_load(path, repeats=2 if quick else 3)
        size_mb = path.stat().st_size / 1e6
    return {
        "record_cpu_percent": round(cpu, 3),
        "replay_load_s": round(load, 3),
        "replay_load_seconds_of_data": seconds,
        "replay_file_mb": round(size_mb, 1),
    }
