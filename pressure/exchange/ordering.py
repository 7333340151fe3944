"""Rows in time order as blocks stream through, and the figures about their time steps.

Loggers that buffer write a few rows late; a whole file is never held to sort it. The last
``HOLD_ROWS`` rows wait for the next block and are sorted with it (stable: rows with the same
time keep the file's order), so a row may come up to ``HOLD_ROWS`` rows late. A row earlier
than rows already passed on (two sessions pasted one after the other, a clock reset) cannot be
placed any more: the import stops and says so, rather than writing a trace that runs back.
"""

from __future__ import annotations

import numpy as np

from ..errors import PressureError

HOLD_ROWS = 50_000  # ~50 s at 1 kHz
STEP_SAMPLE = 1_000_000  # positive time steps kept for the median rate and the irregularity note


class TimeOrder:
    """Feed blocks with :meth:`push`, then :meth:`finish`; each returns rows ready in order."""

    def __init__(self, name: str, hold: int | None = None):
        self.name = name
        self.hold = HOLD_ROWS if hold is None else hold
        self._t = np.empty(0)
        self._v = np.empty(0)
        self._last_in = None  # the file's previous time (counting steps that go back)
        self._last_out = None  # the last time passed on
        self.backwards = 0
        self.duplicates = 0
        self.rows = 0
        self.first_t: float | None = None
        self.step_min = np.inf
        self.step_max = -np.inf
        self._steps: list[np.ndarray] = []
        self._stepped = 0

    def push(self, t: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if not len(t):
            return t, v
        if self._last_in is not None:
            self.backwards += int(t[0] < self._last_in)
        self.backwards += int(np.count_nonzero(t[1:] < t[:-1]))
        self._last_in = float(t[-1])
        if self._last_out is not None and float(t.min()) < self._last_out:
            late = float(t.min())
            raise PressureError(
                f"{self.name}: time {late:g} s comes after {self._last_out:g} s, more than "
                f"{self.hold:,} rows too late to sort it in (the file holds two sessions, or the "
                "clock was reset); sort the file by time or split it")
        t = np.concatenate((self._t, t)) if len(self._t) else t
        v = np.concatenate((self._v, v)) if len(self._v) else v
        if np.any(t[1:] < t[:-1]):
            order = np.argsort(t, kind="stable")
            t, v = t[order], v[order]
        cut = max(0, len(t) - self.hold)
        self._t, self._v = t[cut:], v[cut:]
        return self._out(t[:cut], v[:cut])

    def finish(self) -> tuple[np.ndarray, np.ndarray]:
        t, v = self._t, self._v
        self._t, self._v = np.empty(0), np.empty(0)
        return self._out(t, v)

    def _out(self, t: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if not len(t):
            return t, v
        if self.first_t is None:
            self.first_t = float(t[0])
        steps = np.diff(t, prepend=t[0] if self._last_out is None else self._last_out)
        if self._last_out is None:
            steps = steps[1:]
        self.duplicates += int(np.count_nonzero(steps == 0))
        positive = steps[steps > 0]
        if positive.size:
            self.step_min = min(self.step_min, float(positive.min()))
            self.step_max = max(self.step_max, float(positive.max()))
            if self._stepped < STEP_SAMPLE:
                keep = positive[:STEP_SAMPLE - self._stepped]
                self._steps.append(keep)
                self._stepped += len(keep)
        self._last_out = float(t[-1])
        self.rows += len(t)
        return t, v

    def median_step(self) -> float | None:
        """The median positive time step of the rows passed on so far (their first million)."""
        if not self._stepped:
            return None
        return float(np.median(np.concatenate(self._steps)))

    def notes(self) -> list[str]:
        """What the user should know about the times, once every row went through."""
        out = []
        if self.backwards:
            out.append(f"{self.backwards} time stamps went backwards: rows sorted by time (stable)")
        if self.duplicates:
            out.append(f"{self.duplicates} rows repeat the time of the row before: kept")
        if self._stepped > 10:
            steps = np.concatenate(self._steps)
            median = float(np.median(steps))
            if self.step_max > 1.5 * self.step_min + 1e-12 and float(np.percentile(steps, 95)) > 1.2 * median:
                out.append(f"irregular time steps ({self.step_min:.4g} to {self.step_max:.4g} s, "
                           f"median {median:.4g} s): kept as they are")
        return out
