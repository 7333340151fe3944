"""``bench``: measure throughput, latency, frame rate and replay figures on this machine."""

from __future__ import annotations

import importlib
import json
import platform
import time

from .. import __version__
from ..benchmarks import MODULES


def register(sub) -> None:
    p = sub.add_parser("bench", help="measure performance figures and print them")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--quick", action="store_true", help="shorter runs (for a smoke test)")
    p.add_argument("--only", choices=MODULES, action="append", help="run only these groups")
    p.add_argument("--soak", type=float, default=0.0, metavar="MINUTES",
                   help="also run the GUI soak test for this many minutes")
    p.set_defaults(func=run)


def run(args) -> int:
    result: dict = {
        "version": __version__,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    failed = []
    for name in args.only or MODULES:
        try:
            module = importlib.import_module(f"..benchmarks.{name}", __package__)
        except ModuleNotFoundError:
            continue
        kwargs = {"quick": args.quick}
        if name == "gui" and args.soak:
            kwargs["soak_minutes"] = args.soak
        try:
            result.update(module.run(**kwargs))
        except Exception as exc:  # a benchmark that breaks must not hide the others
            failed.append(name)
            result[f"{name}_error"] = f"{type(exc).__name__}: {exc}"
    if args.json:
        print(json.dumps(result))
    else:
        width = max(len(k) for k in result)
        for k, v in result.items():
            print(f"{k:<{width}}  {v}")
    return 1 if failed else 0
