"""Export memory stays bounded by a constant plus the largest cell (one long marker must not
widen every row of a chunk)."""

from __future__ import annotations

import csv
import tracemalloc

import numpy as np

from pressure.exchange import export_csv
from pressure.recording import RecordingWriter
from pressure.samples import Block


def _recording(path, n, markers):
    t = np.arange(n) / 1000.0
    with RecordingWriter(path, {}) as w:
        w.append(Block.make(t=t, raw=np.arange(n, dtype=float), force_n=np.sin(t)))
        for at, text in markers:
            w.add_event(at, "marker", text)
    return t


def test_one_long_marker_does_not_widen_every_row(tmp_path):
    long = "x" * 50_000
    _recording(tmp_path / "s.pressure", 5000, [(1.0, long), (2.5, "short, quoted")])
    tracemalloc.start()
    try:
        export_csv(tmp_path / "s.pressure", tmp_path / "s.csv")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # padded to the longest cell the marker column alone is 5000 x 50 KB = 250 MB
    assert peak < 30_000_000, peak
    with open(tmp_path / "s.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.reader(line for line in f if not line.startswith("#")))
    assert rows[0][-1] == "marker"
    body = rows[1:]
    assert len(body) == 5000 and all(len(r) == 6 for r in body)
    marked = {i: r[-1] for i, r in enumerate(body) if r[-1]}
    assert marked == {1000: long, 2500: "short, quoted"}
    assert float(body[1000][0]) == 1.0
