"""What the reader has seen: :class:`ReaderStats` snapshots and the counters behind them."""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field, replace

RATE_WINDOW = 2.0          # s: window over which rate_hz is measured
COUNTS = ("samples", "bad_lines", "checksum_errors", "gaps", "lost_samples", "stalls",
          "saturated", "restarts")


@dataclass(frozen=True)
class ReaderStats:
    """A snapshot of the reader's health; cheap to take, safe to pass between threads."""

    url: str
    state: str = "connecting"
    connected: bool = False
    format: str = "auto"
    samples: int = 0
    bad_lines: int = 0
    checksum_errors: int = 0
    gaps: int = 0              # samples marked FLAG_GAP_BEFORE (lost samples, stalls, reconnects)
    lost_samples: int = 0      # samples missing according to the sequence numbers
    stalls: int = 0            # silences much longer than the sample interval
    saturated: int = 0
    reconnects: int = 0
    restarts: int = 0
    disconnects: int = 0       # times the port went away while it was streaming
    # Session time (s, the samples' time base) at which the port went away the latest time;
    # None while connected (set back to None when the port comes back).
    disconnected_at: float | None = None
    rate_hz: float = 0.0
    last_sample_monotonic: float | None = None
    last_seq: int | None = None  # the device's sequence number of the newest sample (own protocol)
    sensor_id: str | None = None
    device_info: dict = field(default_factory=dict)
    calibrated: bool = False
    calibration_source: str = ""  # "given", "store", "device", "unit", "" (raw counts as is)
    last_message: str | None = None  # the device's last reply ("OK TARE offset=8400", "ERR ...")
    error: str | None = None

    def summary(self) -> dict:
        """The counts a user needs to judge a run (``stream`` prints this at the end)."""
        return {k: getattr(self, k) for k in (
            "url", "format", "sensor_id", "samples", "bad_lines", "checksum_errors", "gaps",
            "lost_samples", "stalls", "saturated", "reconnects", "restarts", "disconnects",
            "disconnected_at", "rate_hz", "calibrated", "error")}


class StatsKeeper:
    """The reader's counters, written by its thread and read as snapshots by anyone.

    What changes rarely (state, device info) lives in a ReaderStats replaced under the lock;
    what changes with every chunk is plain numbers merged into the snapshot by :meth:`snapshot`.
    """

    def __init__(self, url: str, fmt: str) -> None:
        self.lock = threading.Lock()
        self._stats = ReaderStats(url=url, format=fmt)
        self._counts: dict = {k: 0 for k in COUNTS}
        self._counts.update(last_sample_monotonic=None, last_seq=None)
        self._rate_marks: deque[tuple[float, int]] = deque()

    @property
    def current(self) -> ReaderStats:
        """The rarely changing part, without taking the lock (a reference read is atomic)."""
        return self._stats

    def update(self, **changes) -> ReaderStats:
        with self.lock:
            self._stats = replace(self._stats, **changes)
            return self._stats

    def add(self, **counts) -> None:
        with self.lock:
            for key, n in counts.items():
                self._counts[key] += n

    def add_chunk(self, arrival: float, n: int, counts: dict | None, last_seq: int | None) -> None:
        """One delivered chunk of ``n`` samples with its counts (gaps, lost_samples, ...)."""
        with self.lock:
            marks = self._rate_marks
            marks.append((arrival, n))
            while arrival - marks[0][0] > RATE_WINDOW:
                marks.popleft()
            c = self._counts
            c["samples"] += n
            if counts:
                for key, value in counts.items():
                    c[key] += value
            c["last_sample_monotonic"] = arrival
            if last_seq is not None:
                c["last_seq"] = last_seq

    def snapshot(self, now: float | None = None) -> ReaderStats:
        with self.lock:
            stats = replace(self._stats, **self._counts)
            marks = list(self._rate_marks)
        return replace(stats, rate_hz=self._rate(marks, time.monotonic() if now is None else now))

    @staticmethod
    def _rate(marks: list[tuple[float, int]], now: float) -> float:
        items = [m for m in marks if now - m[0] <= RATE_WINDOW]
        if len(items) < 2:
            return 0.0
        span = items[-1][0] - items[0][0]
        return sum(n for _, n in items[1:]) / span if span > 0 else 0.0
