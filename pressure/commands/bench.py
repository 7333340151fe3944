"""``bench``: measure throughput, latency, frame rate and replay figures on this machine.

Each group runs in a fresh Python process of its own, so no figure carries the memory, threads
or warmed caches of the group before it: ``replay_rss_mb`` is the memory of a program that has
just that file open, ``gui_cpu_percent`` the CPU of a program that is just the live window.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time

from .. import __version__
from ..benchmarks import MODULES

_CHILD = (
    "import json, sys\n"
    "from importlib import import_module\n"
    "module = import_module('pressure.benchmarks.' + sys.argv[1])\n"
    "kwargs = json.loads(sys.argv[2])\n"
    "print('BENCH-RESULT ' + json.dumps(module.run(**kwargs)), flush=True)\n"
)


def register(sub) -> None:
    p = sub.add_parser("bench", help="measure performance figures and print them",
                       description="Measure the figures the issues ask for (latency, throughput, load "
                                   "times) and print them; --json gives one object with a key per figure.")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--quick", action="store_true", help="shorter runs (for a smoke test)")
    p.add_argument("--only", choices=MODULES, action="append", help="run only these groups")
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


def run(args) -> int:
    result: dict = {
        "version": __version__,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    failed = []
    for name in args.only or MODULES:
        kwargs = {"quick": args.quick}
        if name == "gui" and args.soak:
            kwargs["soak_minutes"] = args.soak
        figures = run_group(name, kwargs)
        if f"{name}_error" in figures:
            failed.append(name)
        result.update(figures)
    if args.json:
        print(json.dumps(result))
    else:
        width = max(len(k) for k in result)
        for k, v in result.items():
            print(f"{k:<{width}}  {v}")
    return 1 if failed else 0
