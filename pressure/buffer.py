"""A bounded numpy ring buffer: the one hand-off from the reader thread to its consumers.

The reader appends blocks; each consumer (the display timer, the recorder, the headless
stream) keeps its own cursor and reads what is new since that cursor. A consumer that falls
more than ``capacity`` samples behind is told how many it lost; the writer never blocks.
Data goes one way only: a consumer that reads on a clock tells the reader when
(:meth:`pressure.acquisition.Reader.pace`), not the buffer.
"""

from __future__ import annotations

import threading

import numpy as np

from .samples import Block


class RingBuffer:
    def __init__(self, capacity: int = 1 << 20):
        if capacity <= 0:
            raise ValueError("capacity must be positive")
        self.capacity = int(capacity)
        self._cols = {f: np.zeros(self.capacity, dtype=d) for f, d in Block.DTYPES.items()}
        self._total = 0  # samples ever written
        self._cond = threading.Condition()

    @property
    def total(self) -> int:
        """Samples ever written: a consumer's cursor starts at 0 (everything) or here (only new)."""
        with self._cond:
            return self._total

    def append(self, block: Block) -> None:
        n = len(block)
        if n == 0:
            return
        with self._cond:
            if n > self.capacity:  # keep only the newest samples that fit
                skipped = n - self.capacity
                block = block[skipped:]
                self._total += skipped
                n = self.capacity
            start = self._total % self.capacity
            first = min(n, self.capacity - start)
            for f in Block.FIELDS:
                col, src = self._cols[f], getattr(block, f)
                col[start:start + first] = src[:first]
                if first < n:
                    col[: n - first] = src[first:]
            self._total += n
            self._cond.notify_all()

    def read_since(self, cursor: int, max_samples: int | None = None) -> tuple[Block, int, int]:
        """Samples written since ``cursor``: (block, new_cursor, lost).

        ``lost`` counts samples that were overwritten before this consumer read them.
        """
        with self._cond:
            total = self._total
            oldest = max(0, total - self.capacity)
            lost = max(0, oldest - cursor)
            begin = max(cursor, oldest)
            end = total if max_samples is None else min(total, begin + max_samples)
            return self._slice(begin, end), end, lost

    def latest(self, n: int) -> Block:
        """The newest ``n`` samples (fewer if fewer were written or kept)."""
        with self._cond:
            end = self._total
            begin = max(0, end - min(n, self.capacity))
            return self._slice(begin, end)

    def wait(self, cursor: int, timeout: float | None = None) -> bool:
        """Block until samples past ``cursor`` exist (True) or the timeout passes (False)."""
        with self._cond:
            return self._cond.wait_for(lambda: self._total > cursor, timeout)

    def _slice(self, begin: int, end: int) -> Block:
        n = end - begin
        if n <= 0:
            return Block.empty()
        start = begin % self.capacity
        stop = start + n
        if stop <= self.capacity:
            return Block(**{f: self._cols[f][start:stop].copy() for f in Block.FIELDS})
        return Block(**{
            f: np.concatenate((self._cols[f][start:], self._cols[f][: stop - self.capacity]))
            for f in Block.FIELDS
        })
