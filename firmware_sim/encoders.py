"""The bytes of one sample line in each format the simulator speaks.

Written independently of ``pressure/wire.py`` on purpose: if the simulator and the reader
shared one codec, tests between them would prove nothing.
"""

from __future__ import annotations

from collections import deque

import numpy as np

FORMATS = ("pressure", "number", "plotter", "hx711", "gauge")
HX711_STYLES = ("reading", "average")
_GAUGE_LABELS = {"N": "N", "kN": "kN", "mN": "mN", "kgf": "kgF", "gf": "gF", "lbf": "lbF", "ozf": "ozF"}
_HX711_LABELS = {"kgf": "kg", "gf": "g", "lbf": "lbs", "ozf": "oz", "N": "N", "kN": "kN", "mN": "mN"}
_EOL = {"gauge": b"\r"}


def line_end(fmt: str) -> bytes:
    """A gauge ends its lines with a bare CR; everything else with CR LF."""
    return _EOL.get(fmt, b"\r\n")


def checksum(body: bytes) -> int:
    """XOR of every byte of a sample line before ``*``."""
    c = 0
    for b in body:
        c ^= b
    return c


def encode_pressure(seqs: np.ndarray, micros: np.ndarray, raw: np.ndarray) -> list[bytes]:
    """``S<seq>,<micros>,<raw>*<CC>\\r\\n`` lines of the project's own protocol."""
    bodies = [f"S{s},{m},{r}".encode() for s, m, r in
              zip(seqs.tolist(), micros.tolist(), raw.tolist())]
    return [b + b"*%02X\r\n" % checksum(b) for b in bodies]


def encode_values(fmt: str, values: np.ndarray, raw: np.ndarray, unit: str, hx711_style: str,
                  recent_values: deque) -> list[bytes]:
    """Lines of the text formats (number, plotter, gauge, hx711), ``values`` in ``unit``.

    The hx711 "average" style prints a running mean over the last 10 readings; it takes the
    previous ones from ``recent_values`` and appends the new ones there.
    """
    eol = line_end(fmt)
    if fmt == "number":
        return [b"%.3f" % v + eol for v in values.tolist()]
    if fmt == "plotter":
        return [b"force:%.2f,raw:%d" % (v, r) + eol for v, r in zip(values.tolist(), raw.tolist())]
    if fmt == "gauge":
        label = _GAUGE_LABELS[unit].encode()
        return [b"%+.2f %s" % (v, label) + eol for v in values.tolist()]
    label = _HX711_LABELS[unit].encode()
    if hx711_style == "reading":
        return [b"Reading: %.2f %s" % (v, label) + eol for v in values.tolist()]
    history = np.concatenate([np.asarray(recent_values, dtype=float), values])
    csum = np.concatenate([[0.0], np.cumsum(history)])
    n0 = len(recent_values)
    lines = []
    for i, v in enumerate(values.tolist()):
        end = n0 + i + 1
        start = max(0, end - 10)
        avg = (csum[end] - csum[start]) / (end - start)
        lines.append(b"one reading:\t%.1f\t| average:\t%.1f" % (v, avg) + eol)
    recent_values.extend(values.tolist())
    return lines
