"""``sim``: serve a simulated force sensor on a pseudo-terminal or a TCP port until stopped.

The first line on stdout is the port or URL to connect to (flushed at once), so a script or a
test can start ``python main.py sim`` and read one line to know where the sensor is. Everything
else (what is being simulated, the fault counts at the end) goes to stderr.
"""

from __future__ import annotations

import json
import logging
import sys

from ..errors import PressureError
from ..session.headless import stop_on_signals

log = logging.getLogger(__name__)

FAULTS_HELP = (
    "faults on demand, comma-separated NAME=VALUE. Per-line probabilities (0..1): "
    "garbage (a line of random bytes), drop (one byte of the line lost), cut (half a line), "
    "checksum (wrong checksum; pressure format), lose (the whole line lost), "
    "spike (a valid line whose ADC count has one high bit flipped). "
    "Timed, AT:DURATION in seconds since start: stall (nothing sent), saturate (raw at +8388607), "
    "disconnect (the port disappears and comes back at the same address). "
    "restart=AT (device restart: seq from 0); burst=EVERY[:HOLD] (lines held HOLD s, sent at once). "
    "Example: --faults garbage=0.01,cut=0.005,stall=5:1.5,disconnect=8:2,restart=12"
)


def register(sub) -> None:
    # Imported here so `pressure --help` stays fast and a broken simulator cannot break other commands.
    from firmware_sim.firmware import FORMATS
    from firmware_sim.model import PROFILES

    p = sub.add_parser(
        "sim", help="serve a simulated force sensor (pty or TCP) for testing without hardware",
        description="Serve a simulated force sensor on a pseudo-terminal or a TCP port until "
                    "stopped. The first line on stdout is the port or URL to connect to "
                    "(see docs/simulator.md).",
        epilog="profiles: " + "; ".join(f"{k}: {v}" for k, v in PROFILES.items()),
    )
    p.add_argument("--rate", type=float, default=80.0, metavar="HZ",
                   help="samples per second (HX711: 10 or 80; fast ADCs up to 10000; default 80)")
    p.add_argument("--profile", default="hold", choices=list(PROFILES),
                   help="what the practitioner presses (default hold)")
    p.add_argument("--format", dest="fmt", default="pressure", choices=FORMATS,
                   help="what the device prints (default pressure: the project's checksummed protocol)")
    p.add_argument("--faults", default="", metavar="SPEC", help=FAULTS_HELP)
    p.add_argument("--seed", type=int, default=0, help="random seed: same seed, same bytes (default 0)")
    p.add_argument("--tcp", type=int, default=None, metavar="PORT",
                   help="serve on socket://127.0.0.1:PORT instead of a pseudo-terminal (0 = any free port)")
    p.add_argument("--poll", action="store_true",
                   help="gauge format: answer only when asked ('?' or 'D' and a line ending)")
    p.add_argument("--target", type=float, default=30.0, metavar="N",
                   help="target force of the profile in newtons (default 30)")
    p.add_argument("--counts-per-n", type=float, default=8560.0, metavar="COUNTS",
                   help="calibration: ADC counts per newton (default 8560)")
    p.add_argument("--unit", default=None,
                   help="unit printed by number/plotter/gauge/hx711 (default N; hx711 kg)")
    p.add_argument("--hx711-style", default="reading", choices=("reading", "average"),
                   help="hx711 lines 'Reading: 1.23 kg' or 'one reading:\\t1.2\\t| average:\\t1.2'")
    p.add_argument("--micros-start", type=int, default=0, metavar="US",
                   help="device clock at start (e.g. 4289967296 to see the 32-bit wrap after 5 s)")
    p.add_argument("--firmware", default="python", choices=("python", "avr"),
                   help="python: the simulator in firmware_sim; avr: the real Arduino sketch on an "
                        "emulated ATmega328P with an HX711 (needs Debian's gcc-avr, simavr, ...; "
                        "--rate 10 or 80)")
    p.set_defaults(func=run)


def run(args) -> int:
    if args.firmware == "avr":
        from firmware_sim.avr.serve import run as run_avr
        with stop_on_signals() as stop:
            return run_avr(args, stop)
    from firmware_sim.firmware import Firmware
    from firmware_sim.host import SimHost, default_transport

    if args.tcp is not None and not 0 <= args.tcp <= 65535:
        raise PressureError(f"--tcp must be a port number 0..65535, not {args.tcp}")
    fw = Firmware(profile=args.profile, fmt=args.fmt, rate=args.rate, seed=args.seed,
                  counts_per_n=args.counts_per_n, faults=args.faults, target_n=args.target,
                  poll=args.poll, unit=args.unit, hx711_style=args.hx711_style,
                  micros_start=args.micros_start)
    transport = "tcp" if args.tcp is not None else default_transport()
    host = SimHost(fw, transport=transport, tcp_port=args.tcp or 0)

    with stop_on_signals() as stop:
        try:
            url = host.start()
            print(url, flush=True)
            print(f"simulated sensor: {fw.fmt} format, profile {fw.profile}, {fw.rate:g} samples/s, "
                  f"seed {fw.seed}" + (f", faults {fw.plan.describe()}" if fw.plan.describe() else "")
                  + "; stop with Ctrl-C", file=sys.stderr, flush=True)
            while not stop.wait(0.25):
                if not host.running:
                    raise PressureError(f"the simulator stopped: {host.error}")
        finally:
            host.stop()
    print("simulator stats: " + json.dumps({k: v for k, v in fw.stats.items() if v}),
          file=sys.stderr, flush=True)
    return 0
