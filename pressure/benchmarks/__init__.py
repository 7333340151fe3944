"""Benchmarks behind ``python main.py bench --json``.

Each module here exposes ``run(quick: bool) -> dict`` returning flat JSON-able figures; the
bench command runs them in order in one process and prints one JSON object. Numbers are
measured here, never asserted by timed tests.
"""

# Module names, run in this order.
MODULES = ("reader", "filters", "smoothing", "recording", "gui", "replay", "classroom", "exchange", "hostile",
           "ble", "startup")
