"""Start to first frame: a program started as a user starts it, timed until its live window has
drawn the first frame that shows a sample (the built-in simulator, offscreen).

``run()`` times ``python main.py`` of this checkout (``bench --only startup``); the installed
program is timed with ``pressure -m pressure.benchmarks.startup --command /usr/bin/pressure``
(packaging/smoke.sh does), which works inside the frozen bundle too: it starts no Python.
Each start is a fresh process in a fresh PRESSURE_HOME; ``--repeat N`` (default 3) gives the
median of N with its spread (``bench --only startup --repeat 3`` the same through the bench command).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from ..ui.first_frame import ENV, LINE  # constants only: the module imports no Qt

TIMEOUT_S = 60.0


def first_frame_s(command: list[str]) -> float:
    """Seconds from starting ``command`` to its first-frame line (nan if it never came)."""
    with tempfile.TemporaryDirectory(prefix="pressure-startup-") as home:
        env = {**os.environ, ENV: "1", "PRESSURE_HOME": home,
               "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
        seen = threading.Event()
        start = time.perf_counter()
        proc = subprocess.Popen([*command, "--no-record", "--no-sound", "--seconds", "30"], env=env,
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                text=True)
        stamp: list[float] = []

        def watch() -> None:
            for line in proc.stderr:
                if line.strip() == LINE and not stamp:
                    stamp.append(time.perf_counter())
                    seen.set()

        reader = threading.Thread(target=watch, daemon=True)
        reader.start()
        seen.wait(TIMEOUT_S)
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        reader.join(5)
        return stamp[0] - start if stamp else float("nan")


def default_command() -> list[str]:
    return [sys.executable, str(Path(__file__).resolve().parents[2] / "main.py")]


def times(command: list[str] | None = None, repeat: int = 3) -> list[float]:
    return [first_frame_s(command or default_command()) for _ in range(repeat)]


def run(quick: bool = False) -> dict:
    """The bench group: one start (``bench --repeat N`` gives the median of N and its spread)."""
    t = times(repeat=1)[0]
    return {"startup_first_frame_s": round(t, 3) if t == t else None}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="startup", description=__doc__.splitlines()[0])
    p.add_argument("--command", default=None, help="the program to time (default: this checkout's main.py)")
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args(argv)
    measured = times([args.command] if args.command else None, max(1, args.repeat))
    good = [t for t in measured if t == t]
    figures = {"startup_first_frame_s": round(statistics.median(good), 3) if good else None,
               "startup_runs": len(measured), "startup_failed": len(measured) - len(good)}
    if good:
        figures["startup_first_frame_s_min"] = round(min(good), 3)
        figures["startup_first_frame_s_max"] = round(max(good), 3)
    print(json.dumps(figures), flush=True)
    return 0 if good and len(good) == len(measured) else 1


if __name__ == "__main__":
    sys.exit(main())
