"""The GUI benchmark's latency figures: each shown sample matched to the moment it was sent."""

import numpy as np

from pressure.benchmarks.gui import RATE_HZ, latency_figures
from pressure.buffer import RingBuffer
from pressure.samples import Block


class _Stats:
    def __init__(self, last_seq, lost=0):
        self.last_seq, self.lost_samples = last_seq, lost


class _Reader:
    def __init__(self, stats):
        self._stats = stats

    def stats(self):
        return self._stats


def _setup(tmp_path, n=992, first_seq=5000):
    """n samples sent 1 ms apart, shown in frames of 16 by paints 3 ms after the frame's last one."""
    seq = first_seq + np.arange(n)
    sent_at = 100.0 + np.arange(n) / RATE_HZ
    np.save(tmp_path / "sent.npy", np.column_stack([seq, sent_at]).astype(np.float64))
    t = 2.0 + np.arange(n) / RATE_HZ  # session time: the device clock since the session began
    buffer = RingBuffer(1 << 12)
    buffer.append(Block.make(t=t, raw=np.zeros(n), force_n=np.zeros(n)))
    shown = []
    for i in range(0, n, 16):
        part = slice(i, min(n, i + 16))
        end = sent_at[part][-1] + 0.003
        chunk = np.full(part.stop - part.start, sent_at[part][0])  # the reader's chunk stamp
        shown.append((t[part], chunk, np.full(part.stop - part.start, end)))
    return shown, _Reader(_Stats(int(seq[-1]))), buffer


def test_latency_counts_from_each_samples_send_time(tmp_path):
    shown, reader, buffer = _setup(tmp_path)
    r = latency_figures(shown, reader, buffer, tmp_path / "sent.npy")
    assert r["gui_latency_matched"] == 1.0
    # within a frame of 16 the newest waited 3 ms, the oldest 3 + 15 ms
    assert r["gui_latency_ms_p50"] == 10.5
    assert 17.5 <= r["gui_latency_ms_p99"] <= 18.0
    assert r["gui_latency_chunk_ms_p99"] == 18.0  # every sample of a frame from its first


def test_a_wrong_sequence_mapping_matches_nothing(tmp_path):
    shown, _, buffer = _setup(tmp_path)
    r = latency_figures(shown, _Reader(_Stats(10**9)), buffer, tmp_path / "sent.npy")
    assert r["gui_latency_matched"] == 0.0
    assert r["gui_latency_ms_p99"] is None


def test_without_a_send_log_the_chunk_stamps_are_reported(tmp_path):
    shown, reader, buffer = _setup(tmp_path)
    r = latency_figures(shown, reader, buffer, tmp_path / "missing.npy")
    assert r["gui_latency_ms_p99"] == r["gui_latency_chunk_ms_p99"]
