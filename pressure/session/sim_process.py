"""The built-in simulated sensor in a child process, as a real sensor would be: outside.

Why not a thread in the window's process: the simulator is Python, and every Python thread
shares one interpreter lock with the window's drawing. At 1000 S/s a simulator thread holds
that lock for a large share of the time, and the window waits for it (frames late, samples
shown late). In its own process it costs the window nothing, and the window reaches it the way
it reaches any sensor: through a pseudo-terminal (or TCP) URL.

The child prints its URL on the first line of stdout and then waits for stdin to close. The
parent keeps that pipe open for the life of the session; when the window ends for any reason
(closed, crashed, killed), the pipe closes and the child stops its simulator and exits, so no
orphan keeps running.

Run as ``python -m pressure.session.sim_process --profile NAME --rate HZ --target-n N [--rest-s S]
[--faults SPEC]``. A line ``profile NAME TARGET_N REST_S|-`` on stdin switches the simulated
practitioner's profile (the routine changed in the window).
``--send-log FILE`` (for the benchmark) writes, when the child stops, every sample's sequence
number and the ``time.monotonic()`` at which its line was written to the port (the same clock
in every process on the machine): the moment the sample reached the reader's side.
This module imports no Qt.
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
import tempfile
import threading

from ..errors import PressureError

log = logging.getLogger(__name__)

START_TIMEOUT_S = 20.0  # a cold start imports numpy; a loaded machine can take seconds


class SimProcess:
    """A started child process serving the simulator; ``url`` to connect, ``stop()`` to end it."""

    def __init__(self, profile: str, rate: float, target_n: float, faults: str = "", seed: int | None = None,
                 send_log: str | os.PathLike | None = None, rest_s: float | None = None):
        args = [sys.executable, "-m", "pressure.session.sim_process", "--profile", profile, "--rate", str(rate),
                "--target-n", repr(float(target_n))]
        if rest_s is not None:
            args += ["--rest-s", repr(float(rest_s))]
        if faults:
            args += ["--faults", faults]
        if seed is not None:
            args += ["--seed", str(int(seed))]
        if send_log is not None:
            args += ["--send-log", os.fspath(send_log)]
        self._stderr = tempfile.TemporaryFile()
        root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
        self._proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr,
                                      env=env, text=True)
        self.url = self._read_url()
        self.pid = self._proc.pid

    def _read_url(self) -> str:
        result: list[str] = []
        reader = threading.Thread(target=lambda: result.append(self._proc.stdout.readline()), daemon=True)
        reader.start()
        reader.join(START_TIMEOUT_S)
        line = result[0].strip() if result else ""
        if not line:
            try:
                self._proc.wait(1.0)  # it failed: let it finish writing why
            except subprocess.TimeoutExpired:
                pass
            reason = self._error_text().removeprefix("pressure: error: ") or "no answer"
            self.stop()
            raise PressureError(f"the built-in simulator did not start: {reason}")
        return line

    def _error_text(self) -> str:
        try:
            self._stderr.seek(0)
            lines = self._stderr.read().decode("utf-8", "replace").strip().splitlines()
        except (OSError, ValueError):
            return ""
        return lines[-1] if lines else ""

    def switch_profile(self, profile: str, target_n: float, rest_s: float | None = None) -> None:
        """Tell the child's practitioner to follow ``profile`` from now on (a line on its stdin:
        the pipe that keeps it alive is its control channel too). A child already gone is logged."""
        line = f"profile {profile} {float(target_n)!r} {'-' if rest_s is None else repr(float(rest_s))}\n"
        try:
            self._proc.stdin.write(line)
            self._proc.stdin.flush()
        except (OSError, ValueError) as exc:
            log.warning("the simulator did not take the new profile %s: %s", profile, exc)

    def stop(self) -> None:
        """Close the pipe (the child stops its simulator and exits); kill it if it does not."""
        proc = self._proc
        if proc.poll() is None:
            try:
                proc.stdin.close()
            except OSError:
                pass
            try:
                proc.wait(3.0)
            except subprocess.TimeoutExpired:
                log.warning("simulator process %d did not stop; killing it", proc.pid)
                proc.kill()
                proc.wait(3.0)
        for stream in (proc.stdin, proc.stdout):
            try:
                stream.close()
            except (OSError, ValueError):
                pass
        self._stderr.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pressure.session.sim_process")
    parser.add_argument("--profile", default="ischemic")
    parser.add_argument("--rate", type=float, default=1000.0)
    parser.add_argument("--target-n", type=float, default=30.0)
    parser.add_argument("--faults", default="")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--send-log", default=None)
    parser.add_argument("--rest-s", type=float, default=None)
    args = parser.parse_args(argv)
    from firmware_sim.host import start_builtin_simulator

    options = {"faults": args.faults} if args.faults else {}
    try:
        host = start_builtin_simulator(profile=args.profile, rate=args.rate, fmt="pressure",
                                       target_n=args.target_n, seed=args.seed, rest_s=args.rest_s,
                                       record_send_times=args.send_log is not None, **options)
    except PressureError as exc:
        print(f"pressure: error: {exc}", file=sys.stderr)
        return 1
    try:
        print(host.url, flush=True)
        for line in sys.stdin:  # ends when the parent closes the pipe or dies
            _control(host, line)
    except KeyboardInterrupt:  # Ctrl+C in the terminal reaches the whole process group
        pass
    finally:
        host.stop()
    if args.send_log is not None:
        _save_send_log(host.send_log, args.send_log)
    return 0


def _control(host, line: str) -> None:
    """One control line from the parent: ``profile NAME TARGET_N REST_S|-``. Anything else is
    logged and ignored (the session goes on with the practitioner it has)."""
    words = line.split()
    try:
        if len(words) != 4 or words[0] != "profile":
            raise PressureError(f"unknown control line {line.strip()[:60]!r}")
        rest = None if words[3] == "-" else float(words[3])
        host.switch_profile(words[1], target_n=float(words[2]), rest_s=rest)
    except (PressureError, ValueError) as exc:
        print(f"pressure: warning: {exc}", file=sys.stderr, flush=True)


def _save_send_log(entries, path: str) -> None:
    """``(seq, sent_at)`` pairs as a two-column float64 ``.npy`` file (seq is exact below 2**53)."""
    import numpy as np

    table = np.array(list(entries), dtype=np.float64).reshape(-1, 2)
    with open(path, "wb") as fh:
        np.save(fh, table)


if __name__ == "__main__":
    sys.exit(main())
