"""BLE latency: from the emulated device's notification (or advertisement) to the reader's
hand-off into the ring buffer (``Block.arrival``), through bumble's in-process link.

The emulated device runs in this process (bumble's link is in-process), on its own event loop
thread: the figure includes bumble's host stack on both sides, the port's frames, the parser and
the time base; not the radio (a real link adds its connection interval, 7.5-50 ms). Skipped with
a note when bumble is not installed.
"""

from __future__ import annotations

import os
import time

import numpy as np


def _latency(kind: str, seconds: float, **options) -> dict:
    from firmware_sim.ble import world

    from ..acquisition import Reader
    from ..buffer import RingBuffer

    instance = f"bench-{time.monotonic_ns()}"
    w = world()
    dev = w.device(kind, instance=instance, **options)
    dev.record_send_times = True
    url = f"ble-sim://{kind}?instance={instance}" + "".join(f"&{k}={v}" for k, v in options.items())
    buffer = RingBuffer(1 << 16)
    reader = Reader(url, buffer)
    try:
        reader.start()
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            buffer.wait(buffer.total, 0.1)
    finally:
        reader.stop()
        reader.join(3)
        w.forget(dev)
    block = buffer.latest(buffer.total)
    sends = np.concatenate([np.full(n, at) for n, at in dev.send_log]) if dev.send_log else np.empty(0)
    lat = _match(sends, block.arrival, in_order=kind != "whc06")
    lat = lat[len(lat) // 10:]  # steady state: not the connection's first samples
    prefix = f"ble_{kind}"
    return {f"{prefix}_latency_ms_p50": round(float(np.percentile(lat, 50)), 3),
            f"{prefix}_latency_ms_p99": round(float(np.percentile(lat, 99)), 3),
            f"{prefix}_latency_ms_max": round(float(lat.max()), 3),
            f"{prefix}_samples": int(len(block.arrival)),
            f"{prefix}_sent": int(len(sends))}


def _match(sends: np.ndarray, arrivals: np.ndarray, in_order: bool) -> np.ndarray:
    """Latencies (ms) of the samples handed on.

    Notifications each reach the reader, in order, from the subscription on: the i-th sent is
    the i-th handed on. A scanner can miss an advertisement (and the first ones are heard while
    the device is still being looked for), so a scale's reading is matched to the newest send
    before it: readings are 125 ms apart, far more than a latency.
    """
    if in_order:
        if len(sends) != len(arrivals):
            raise RuntimeError(f"BLE bench: {len(sends)} notified, {len(arrivals)} handed on")
        return (arrivals - sends) * 1e3
    idx = np.searchsorted(sends, arrivals, side="right") - 1
    keep = idx >= 0
    return (arrivals[keep] - sends[idx[keep]]) * 1e3


def run(quick: bool = False) -> dict:
    import importlib.util

    if importlib.util.find_spec("bumble") is None:
        return {"ble_skipped": "bumble not installed (pip install 'pressure[ble]')"}
    result = {"ble_load_avg_1min": round(os.getloadavg()[0], 2)}
    result.update(_latency("progressor", 2.0 if quick else 5.0))
    result.update(_latency("whc06", 2.0 if quick else 5.0))
    return result
