"""CSV exchange figures on an hour-long file: a generated 1-hour, 1000 samples/s CSV
(3.6 M rows; quick: 10 minutes) is imported, the recording exported and reported.

Each step runs as the real command (``pressure.cli.main``) in a fresh child process of its
own, so its figures are that command's alone: ``*_s`` is the wall time of the command in the
child (argument parsing, the modules it imports, the work; not the interpreter's start-up)
and ``*_peak_mb`` the child's peak resident memory (VmHWM from /proc, else getrusage), which
counts numpy buffers, SQLite's cache and Python objects alike, unlike tracemalloc.

``import_csv_s`` / ``import_csv_peak_mb``: ``import CSV --out FILE``.
``export_csv_s`` / ``export_csv_peak_mb``: ``export FILE --csv OUT``.
``report_1h_s`` / ``report_1h_peak_mb``: ``report FILE --routine steady --json --html OUT
--no-reference`` (scored against a built-in routine: an imported file has none of its own).

``*_cpu_s`` is the child's CPU time (user + system, all its threads, start-up included): on a
machine shared with other work the wall times grow with the load, these much less;
``exchange_load_avg`` is the 1-minute load average when the group started, for context.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

_STEP = (
    "import contextlib, io, json, os, resource, sys, time\n"
    "t0 = time.perf_counter()\n"
    "from pressure.cli import main\n"
    "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()) as err:\n"
    "    code = main(json.loads(sys.argv[1]))\n"
    "seconds = time.perf_counter() - t0\n"
    "usage = resource.getrusage(resource.RUSAGE_SELF)\n"
    "cpu = usage.ru_utime + usage.ru_stime\n"
    "peak_kb = usage.ru_maxrss\n"
    "try:\n"
    "    with open('/proc/self/status') as f:\n"
    "        peak_kb = next(int(ln.split()[1]) for ln in f if ln.startswith('VmHWM:'))\n"
    "except (OSError, StopIteration):\n"
    "    pass\n"
    "print('STEP ' + json.dumps({'code': code, 's': seconds, 'cpu_s': cpu, 'peak_mb': peak_kb / 1024,\n"
    "                            'err': err.getvalue()[-300:]}))\n"
)


def write_csv(path: Path, seconds: float, rate: float = 1000.0, seed: int = 0) -> int:
    """A force log as another tool writes it (time_s,force_N), a minute at a time; rows."""
    rng = np.random.default_rng(seed)
    total = int(round(seconds * rate))
    per = int(rate * 60)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("time_s,force_N\n")
        for start in range(0, total, per):
            t = (start + np.arange(min(per, total - start))) / rate
            force = 20.0 * (1 - np.cos(2 * np.pi * t / 40.0)) + rng.normal(0.0, 0.05, len(t))
            np.savetxt(f, np.column_stack((t, force)), fmt=("%.3f", "%.4f"), delimiter=",")
    return total


def run_step(argv: list[str]) -> dict:
    proc = subprocess.run([sys.executable, "-c", _STEP, json.dumps(argv)],
                          capture_output=True, text=True)
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith("STEP "):
            step = json.loads(line[5:])
            if step["code"] != 0:
                raise RuntimeError(f"{argv[0]} failed: {step['err'].strip()}")
            return step
    tail = (proc.stderr.strip().splitlines() or [f"exit code {proc.returncode}"])[-1]
    raise RuntimeError(f"{argv[0]} failed: {tail}")


def run(quick: bool = False) -> dict:
    seconds = 600.0 if quick else 3600.0
    with tempfile.TemporaryDirectory(prefix="pressure-bench-") as tmp:
        folder = Path(tmp)
        src, rec = folder / "long.csv", folder / "long.pressure"
        rows = write_csv(src, seconds)
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        size_mb = src.stat().st_size / 1e6
        imp = run_step(["import", str(src), "--out", str(rec)])
        exp = run_step(["export", str(rec), "--csv", str(folder / "out.csv")])
        rep = run_step(["report", str(rec), "--routine", "steady", "--json", "--no-reference",
                        "--html", str(folder / "report.html")])
    return {
        "exchange_load_avg": round(load, 2),
        "import_csv_s": round(imp["s"], 2),
        "import_csv_cpu_s": round(imp["cpu_s"], 2),
        "import_csv_peak_mb": round(imp["peak_mb"], 1),
        "export_csv_s": round(exp["s"], 2),
        "export_csv_cpu_s": round(exp["cpu_s"], 2),
        "export_csv_peak_mb": round(exp["peak_mb"], 1),
        "report_1h_s": round(rep["s"], 2),
        "report_1h_cpu_s": round(rep["cpu_s"], 2),
        "report_1h_peak_mb": round(rep["peak_mb"], 1),
        "exchange_csv_rows": rows,
        "exchange_csv_mb": round(size_mb, 1),
    }
