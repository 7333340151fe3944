"""``sim --firmware avr``: serve the real sketch on the emulated board until Ctrl-C or SIGTERM.

Like ``sim``: the pty is the first line on stdout, everything else goes to stderr.
"""

from __future__ import annotations

import sys
import threading

from pressure.errors import PressureError

from . import build

# sim options that describe the Python simulator's device; the sketch decides these itself.
_PYTHON_ONLY = (("fmt", "pressure", "--format"), ("faults", "", "--faults"), ("tcp", None, "--tcp"),
                ("poll", False, "--poll"), ("counts_per_n", 8560.0, "--counts-per-n"),
                ("unit", None, "--unit"), ("micros_start", 0, "--micros-start"))


def run(args, stop: threading.Event) -> int:
    """Serve until ``stop`` is set (the sim command sets it on Ctrl-C or SIGTERM)."""
    for attr, default, flag in _PYTHON_ONLY:
        if getattr(args, attr, default) != default:
            raise PressureError(f"{flag} is an option of the Python simulator; with --firmware avr the "
                                "real sketch decides what is sent, on a pty")
    if args.rate not in build.RATES:
        raise PressureError(f"--rate with --firmware avr is the HX711's RATE pin: 10 or 80, not {args.rate:g}")
    build.require_packages()
    from .emulator import AvrEmulator

    emu = AvrEmulator(profile=args.profile, rate=int(args.rate), seed=args.seed, target_n=args.target)
    try:
        print(emu.start(), flush=True)
        print(f"emulated Arduino Uno running hardware/arduino/pressure_hx711 with an HX711 at "
              f"{emu.rate} samples/s, profile {emu.profile}, seed {emu.seed}; stop with Ctrl-C",
              file=sys.stderr, flush=True)
        while not stop.wait(0.25):
            if not emu.running:
                raise PressureError(f"the AVR emulator stopped: {emu.error() or 'no reason given'}")
    finally:
        emu.stop()
    return 0
