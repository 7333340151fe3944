"""The real sketch on an emulated ATmega328P with an emulated HX711, behind a pty.

:class:`AvrEmulator` builds what is missing (:mod:`firmware_sim.avr.build`), starts the host
program (``hx711_host.c``) and feeds it the ADC count of every conversion: the practitioner
profile of :mod:`firmware_sim.model` at the conversion's simulated time, times the load cell's
counts per newton, plus the board's noise (the same noise :mod:`firmware_sim.adc` gives). The
C side clamps at the ADC's limits and shifts the bits out on the sketch's SCK pulses.
"""

from __future__ import annotations

import logging
import os
import select
import subprocess
import threading
import time
from collections import deque

import numpy as np

from pressure.errors import PressureError

from ..adc import default_noise_counts
from ..model import make_profile
from . import build

log = logging.getLogger(__name__)

SKETCH_COUNTS_PER_N = 8560.0  # COUNTS_PER_N in the sketch: the emulated load cell matches it
CHUNK = 64                    # conversions computed per write (~0.8 s at 80/s)


class AvrEmulator:
    """One emulated board. ``start()`` returns the pty; ``stop()`` ends the emulator."""

    def __init__(self, profile: str = "hold", rate: int = 80, seed: int = 0, target_n: float = 30.0,
                 zero_counts: int = 0, noise_counts: float | None = None):
        if rate not in build.RATES:
            raise PressureError(f"an HX711's RATE pin gives 10 or 80 samples/s, not {rate:g}")
        self.model = make_profile(profile, seed=seed, target_n=target_n)
        self.profile = self.model.name
        self.rate = int(rate)
        self.seed = int(seed)
        self.zero_counts = int(zero_counts)
        self.noise_counts = default_noise_counts(rate) if noise_counts is None else float(noise_counts)
        self._rng = np.random.default_rng([self.seed % (1 << 64), 0xADC])
        self._proc: subprocess.Popen | None = None
        self._control = -1
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._stderr: deque[str] = deque(maxlen=20)
        self.url = ""

    def counts(self, k0: int, n: int) -> np.ndarray:
        """ADC input of conversions k0 .. k0+n-1 (conversion k is ready at (k+1)/rate s)."""
        t = (np.arange(k0, k0 + n, dtype=np.float64) + 1.0) / self.rate
        base = self.zero_counts + self.model.force(t) * SKETCH_COUNTS_PER_N
        return np.rint(base + self._rng.standard_normal(n) * self.noise_counts).astype(np.int64)

    def start(self, timeout: float = 30.0) -> str:
        elf, _ = build.sketch_hex(self.rate)
        host = build.host_program()
        read_end, self._control = os.pipe()
        try:
            self._proc = subprocess.Popen(
                [str(host), str(elf), str(self.rate), str(read_end)], stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, pass_fds=(read_end,),
                # Its own session: a terminal's Ctrl-C reaches only us, and we stop it (it would
                # otherwise die first and look like a crash). If we die, it sees the control
                # pipe close and ends within a millisecond of simulated time.
                start_new_session=True)
        finally:
            os.close(read_end)
        for target in (self._feed, self._drain_stderr):
            thread = threading.Thread(target=target, daemon=True, name=f"avr-{target.__name__}")
            thread.start()
            self._threads.append(thread)
        line = self._first_line(timeout)
        if not line.startswith("PTY "):
            self.stop()
            raise PressureError(f"the AVR emulator did not start: {self.error() or line or 'no pty'}")
        self.url = line[4:].strip()
        return self.url

    def _first_line(self, timeout: float) -> str:
        out = self._proc.stdout
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self._proc.poll() is None:
            if select.select([out], [], [], 0.1)[0]:
                return out.readline().decode(errors="replace").strip()
        return ""

    def _feed(self) -> None:
        # Blocks on the pipe when the emulator is ahead of the need: the pipe is the queue.
        k = 0
        try:
            while not self._stop.is_set():
                values = self.counts(k, CHUNK)
                self._proc.stdin.write("".join(f"{v}\n" for v in values).encode())
                self._proc.stdin.flush()
                k += CHUNK
        except (BrokenPipeError, ValueError, OSError):
            pass  # the emulator ended (or we closed it)

    def _drain_stderr(self) -> None:
        for raw in self._proc.stderr:
            self._stderr.append(raw.decode(errors="replace").rstrip())

    def error(self) -> str:
        lines = [s for s in self._stderr if s and not s.startswith(("Loaded", "uart_pty"))]
        return lines[-1] if lines else ""

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def _command(self, line: str) -> None:
        if not self.running:
            raise PressureError(f"the AVR emulator is not running: {self.error() or 'stopped'}")
        os.write(self._control, line.encode() + b"\n")

    def hold_counts(self, counts: int) -> None:
        """Hold the ADC input at ``counts`` (a known weight; beyond +-2^23 it saturates)."""
        self._command(f"load {int(counts)}")

    def follow_profile(self) -> None:
        self._command("profile")

    def reset(self) -> None:
        """Press the board's reset button: the sketch starts again (seq from 0, #BOOT)."""
        self._command("reset")

    def stop(self) -> int | None:
        self._stop.set()
        proc = self._proc
        if proc is not None:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(5)
            for pipe in (proc.stdin, proc.stdout):
                try:
                    pipe.close()
                except OSError:
                    pass
        if self._control >= 0:
            os.close(self._control)
            self._control = -1
        for thread in self._threads:
            thread.join(2)
        if proc is not None and proc.stderr is not None:
            proc.stderr.close()  # after the drain thread ended: it reads until the end
        return proc.returncode if proc is not None else None

    def __enter__(self) -> "AvrEmulator":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
