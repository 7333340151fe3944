"""Hostile files: memory and time of the commands on files made to hurt them.

``hostile_export_long_marker_peak_mb`` / ``_s``: ``export`` of 70,000 samples with one 60 KB
marker (the export padded every row of a chunk to the longest cell: 7.7 GB and a traceback).
``hostile_export_many_markers_peak_mb`` / ``_s``: ``export`` of a 2 s recording carrying
200,000 markers (27 s and 7.5 GB). Each runs as the real command in a child process (see
exchange.py: peak resident memory, wall time in the child). ``hostile_routine_deep_key_s``: time
``load_routine_file`` takes to refuse a 400 KB routine whose table header has 200,000 dotted
parts (TOML parsing alone ran past 30 s).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np

from .exchange import run_step


def _recording(path: Path, n: int, markers) -> None:
    from ..recording import RecordingWriter
    from ..samples import Block

    t = np.arange(n) / 1000.0
    with RecordingWriter(path, {}) as w:
        w.append(Block.make(t=t, raw=np.arange(n, dtype=float), force_n=np.sin(t)))
        for at, text in markers:
            w.add_event(at, "marker", text)


def run(quick: bool = False) -> dict:
    from ..routine.steps import RoutineError
    from ..routine.tomlfile import load_routine_file

    out = {}
    with tempfile.TemporaryDirectory(prefix="pressure-bench-") as tmp:
        folder = Path(tmp)
        cases = {"long_marker": (70_000, [(1.0, "x" * 60_000)]),
                 "many_markers": (2_000, [(k * 1e-5, f"m{k}") for k in range(200_000)])}
        for name, (n, markers) in cases.items():
            rec = folder / f"{name}.pressure"
            _recording(rec, n, markers)
            step = run_step(["export", str(rec), "--csv", str(folder / f"{name}.csv")])
            out[f"hostile_export_{name}_s"] = round(step["s"], 2)
            out[f"hostile_export_{name}_peak_mb"] = round(step["peak_mb"], 1)
        deep = folder / "deep.toml"
        deep.write_text('name = "x"\n[' + ".".join(["a"] * 200_000) + "]\n")
        t0 = time.perf_counter()
        try:
            load_routine_file(deep)
        except RoutineError:
            pass
        out["hostile_routine_deep_key_s"] = round(time.perf_counter() - t0, 4)
    return out
