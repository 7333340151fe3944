"""``bench``: measure throughput, latency, frame rate and replay figures on this machine.

Each group runs in a fresh Python process of its own, so no figure carries the memory, threads
or warmed caches of the group before it: ``replay_rss_mb`` is the memory of a program that has
just that file open, ``gui_cpu_percent`` the CPU of a program that is just the live window.

``--repeat N`` runs every group N times (each time in a fresh process) and reports each
numeric figure as the median of the N runs under its own name, with the smallest and largest
beside it as ``NAME_min`` and ``NAME_max`` (``"gui_fps": 59.8, "gui_fps_min": 59.1,
"gui_fps_max": 60.0``) and ``"repeat": N``; a figure that is missing (null) in a run is left out
of its statistics. Single runs vary from run to run; the README's figures come from
``--repeat 3``.
"""

from __future__ import annotations

import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time

from .. import __version__
from ..benchmarks import MODULES
from ..errors import PressureError

_CHILD = (
    "import json, sys\n"
    "from importlib import import_module\n"
    "module = import_module('pressure.benchmarks.' + sys.argv[1])\n"
    "kwargs = json.loads(sys.argv[2])\n"
    "print('BENCH-RESULT ' + json.dumps(module.run(**kwargs)), flush=True)\n"
)


def register(sub) -> None:
    p = sub.add_parser("bench", help="measure performance figures and print them",
                       description="Measure the performance figures (latency, throughput, load "
                                   "times) and print them; --json gives one object with a key per figure.")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--quick", action="store_true", help="shorter runs (for a smoke test)")
    p.add_argument("--only", choices=MODULES, action="append", help="run only these groups")
    p.add_argument("--repeat", type=int, default=1, metavar="N",
                   help="run each group N times; each figure is the median, with NAME_min and NAME_max")
    p.add_argument("--soak", type=float, default=0.0, metavar="MINUTES",
                   help="also run the GUI soak test for this many minutes")
    p.set_defaults(func=run)


def run_group(name: str, kwargs: dict) -> dict:
    """Run one benchmark group in its own process; its figures, or ``{name}_error``."""
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    proc = subprocess.run([sys.executable, "-c", _CHILD, name, json.dumps(kwargs)],
                          capture_output=True, text=True, env=env)
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith("BENCH-RESULT "):
            return json.loads(line[len("BENCH-RESULT "):])
    tail = (proc.stderr.strip().splitlines() or [f"exit code {proc.returncode}"])[-1]
    return {f"{name}_error": tail}


def _number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def combine_runs(runs: list[dict]) -> dict:
    """One group's figures from several runs: each numeric figure the median of the runs (min
    and max beside it as NAME_min, NAME_max); anything else as the last run gave it."""
    out: dict = {}
    for key in dict.fromkeys(k for r in runs for k in r):  # every key, in first-seen order
        values = [r[key] for r in runs if key in r]
        numbers = [v for v in values if _number(v) and math.isfinite(v)]
        if numbers and all(_number(v) or v is None for v in values):
            out[key] = statistics.median(numbers)
            out[f"{key}_min"] = min(numbers)
            out[f"{key}_max"] = max(numbers)
        elif all(v is None or _number(v) for v in values):
            out[key] = None
            out[f"{key}_min"] = out[f"{key}_max"] = None
        else:
            out[key] = values[-1]
    return out


def run(args) -> int:
    if args.repeat < 1:
        raise PressureError(f"--repeat must be 1 or more, not {args.repeat}")
    result: dict = {
        "version": __version__,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "repeat": args.repeat,
    }
    failed = []
    for name in args.only or MODULES:
        kwargs = {"quick": args.quick}
        if name == "gui" and args.soak:
            kwargs["soak_minutes"] = args.soak
        runs = [run_group(name, kwargs) for _ in range(args.repeat)]
        errors = [r for r in runs if f"{name}_error" in r]
        if errors:
            failed.append(name)
            result.update(errors[-1])
            continue
        result.update(runs[0] if args.repeat == 1 else combine_runs(runs))
    if args.json:
        print(json.dumps(result))
    else:
        width = max(len(k) for k in result)
        for k, v in result.items():
            print(f"{k:<{width}}  {v}")
    return 1 if failed else 0
