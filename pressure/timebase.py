"""Session time for every sample: from the device's clock when it has one, else from arrival.

Two clocks, both pure numpy and fed one chunk at a time:

* :class:`DeviceClock` for formats that carry a sequence number and the device's 32-bit
  microsecond clock (the ``pressure`` protocol). The clock wraps every 71.6 minutes and begins
  again at 0 when the device restarts; both must keep session time increasing, and sequence
  gaps must be counted rather than hidden.
* :class:`ArrivalClock` for formats without a clock. A USB serial chip delivers lines in bursts
  (every few milliseconds, many lines at once); stamping each line with its arrival time would
  give a staircase of equal timestamps, which ruins rates and hold timers. Instead a burst is
  spread evenly at a smoothed estimate of the sample interval, and the result is pulled slowly
  towards arrival time so that drift stays bounded.

Neither clock ever returns a time earlier than one it returned before.
"""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass

import numpy as np

log = logging.getLogger(__name__)

WRAP = 1 << 32
MASK = WRAP - 1
HALF = 1 << 31
#: Interval assumed before there is anything to measure (1 kHz, the simulator's default).
DEFAULT_INTERVAL = 1e-3
#: A step of the device clock longer than this many sample intervals (and than STALL_MIN_S)
#: means the device stopped sampling for a while: marked as a gap, though nothing was lost.
STALL_INTERVALS = 20
STALL_MIN_S = 0.1
#: Chunks of up to this many samples are stamped in plain Python when nothing unusual
#: happens in them (the steady state at 1000 samples/s is 1-3 samples a chunk).
FEW = 16


@dataclass(frozen=True)
class Stamped:
    """Times for one chunk of device samples."""

    t: np.ndarray            # float64 seconds since session start
    gap_before: np.ndarray   # bool: samples were lost (or the device restarted) just before
    restart: np.ndarray      # bool: first sample of a new device run (restart or reconnect)
    lost: int                # samples missing according to the sequence numbers
    restarts: int            # device restarts seen in this chunk
    stalls: int = 0          # silences of the device much longer than its sample interval
    clean: bool = False      # known to hold no gap and no restart (the reader skips its flag work)

    @property
    def gaps(self) -> int:
        return int(np.count_nonzero(self.gap_before))


class DeviceClock:
    """Sequence number + 32-bit device microseconds -> seconds since the session started.

    ``stamp`` may be given the chunk's arrival time (``time.monotonic()``); it is used only to
    place the first sample after a restart or reconnect, when the device clock says nothing
    about how long the device was away.
    """

    def __init__(self) -> None:
        self._seq: int | None = None      # last sequence number (0..2^32-1)
        self._us: int | None = None       # last raw device microseconds
        self._t = 0.0                     # time of the last sample
        self._seg_t0 = 0.0                # session time of the current run's first sample
        self._seg_us = 0                  # unwrapped microseconds since that sample
        self._interval = DEFAULT_INTERVAL  # last known sample interval (s)
        self._interval_measured = False
        self._seq_was_first = False
        self._last_arrival: float | None = None
        self._reconnect_arrival: float | None = None
        self._force_new_run = False
        self.restarts = 0
        self.lost = 0

    @property
    def last_t(self) -> float:
        return self._t

    @property
    def interval(self) -> float:
        """The device's sample interval as last measured (seconds)."""
        return self._interval

    def mark_reconnect(self, arrival_s: float) -> None:
        """The port came back: the next sample continues the session time base.

        If the device kept running (its clock and sequence carry on, consistent with the time
        the port was away) the gap is measured exactly and missing samples are counted;
        otherwise the device restarted and the next sample starts a new run.
        """
        self._reconnect_arrival = arrival_s

    def mark_restart(self) -> None:
        """The device announced a restart (``#BOOT``): the next sample starts a new run."""
        self._force_new_run = True

    def stamp(self, seq, device_us, arrival_s: float | None = None,
              restart_at: list[int] | tuple[int, ...] = ()) -> Stamped:
        """Times for the next samples; ``restart_at``: indices of samples the device announced
        a restart before (its ``#BOOT`` came just before them; an index of ``len(seq)`` means
        after the last one: the next chunk's first sample begins the new run)."""
        seq = np.asarray(seq, dtype=np.int64)
        us = np.asarray(device_us, dtype=np.int64)
        n = seq.shape[0]
        if n <= FEW and not restart_at:
            quick = self._stamp_few(seq.tolist(), us.tolist(), arrival_s)
            if quick is not None:
                return quick
        if n == 0:
            if restart_at:
                self._force_new_run = True
            return Stamped(np.empty(0), np.zeros(0, bool), np.zeros(0, bool), 0, 0)

        first_ever = self._seq is None
        prev_seq = seq[0] if first_ever else self._seq
        prev_us = us[0] if first_ever else self._us
        # Steps modulo 2^32 (the mask is the modulo for int64, negatives included).
        ds = np.empty(n, dtype=np.int64)
        ds[0] = seq[0] - prev_seq
        np.subtract(seq[1:], seq[:-1], out=ds[1:])
        ds &= MASK
        du = np.empty(n, dtype=np.int64)
        du[0] = us[0] - prev_us
        np.subtract(us[1:], us[:-1], out=du[1:])
        du &= MASK
        if first_ever:
            ds[0], du[0] = 1, 0
        # The device restarted: its sequence did not move forward, or its clock went back
        # without a wrap (a forward step of more than half the clock range).
        restart = ((ds - 1) >= HALF - 1) | (du >= HALF)
        reconnect_at = self._reconnect_arrival
        forced = False
        if first_ever:
            pass
        elif self._force_new_run:
            restart[0] = forced = True
        elif reconnect_at is not None and not self._continues(int(du[0]), arrival_s):
            forced = True  # the device clock cannot be trusted across this reconnect
        self._force_new_run = False
        self._reconnect_arrival = None
        for i in restart_at:
            if i >= n:
                self._force_new_run = True  # announced after this chunk's samples
            elif i > 0 or not first_ever:  # the very first sample begins the session anyway
                restart[i] = True
        any_restart = bool(restart.any())
        if any_restart or forced:
            new_run = restart.copy()
            new_run[0] |= forced
            skipped = np.where(new_run, 0, ds - 1)
        else:  # the common case: one run, no restart
            new_run = None
            skipped = ds - 1
        lost = int(skipped.sum())
        stall_us = max(STALL_MIN_S, STALL_INTERVALS * self._interval) * 1e6
        # A silence beyond what the lost samples explain: a line lost right after a stall (a
        # bad line, a checksum error) must not hide the stall behind the sequence gap.
        stalled = du - skipped * (self._interval * 1e6) > stall_us
        if new_run is not None:
            stalled &= ~new_run
        gap = (skipped > 0) | stalled
        if new_run is not None:
            gap |= new_run
        restarts = int(np.count_nonzero(restart)) if any_restart else 0

        t = np.empty(n, dtype=np.float64)
        starts = np.flatnonzero(new_run).tolist() if new_run is not None else []
        bounds = [0, *starts, n]
        for a, b in zip(bounds[:-1], bounds[1:]):
            if a == b:
                continue
            if new_run is not None and new_run[a]:
                self._begin_run(us, a, b, arrival_s, reconnect_at if a == 0 else None)
                du[a] = 0
            cum = np.cumsum(du[a:b])
            cum += self._seg_us
            np.multiply(cum, 1e-6, out=t[a:b])
            t[a:b] += self._seg_t0
            self._seg_us = int(cum[-1])
            self._t = float(t[b - 1])
        self._seq_was_first = first_ever
        self._measure_interval(du, new_run, gap)
        self._seq = int(seq[-1])
        self._us = int(us[-1])
        if arrival_s is not None:
            self._last_arrival = arrival_s
        self.restarts += restarts
        self.lost += lost
        return Stamped(t, gap, restart, lost, restarts, int(np.count_nonzero(stalled)),
                       clean=not gap.any() and not restarts)

    # -- internals -------------------------------------------------------------------------

    def _stamp_few(self, seq: list[int], us: list[int], arrival_s: float | None) -> Stamped | None:
        """The steady state for a few samples, in plain Python (numpy's fixed cost per call
        times the dozen calls of :meth:`stamp` was most of a 1-3 sample chunk's time).

        Only a chunk that continues the run one sample at a time with no stall is taken (the
        same float operations as :meth:`stamp`, so the same times to the bit); anything else
        returns None before changing any state, and :meth:`stamp` does the full work.
        """
        if self._seq is None or self._force_new_run or self._reconnect_arrival is not None:
            return None
        stall_us = max(STALL_MIN_S, STALL_INTERVALS * self._interval) * 1e6
        prev_seq, prev_us = self._seq, self._us
        seg_us, seg_t0 = self._seg_us, self._seg_t0
        times = []
        for s, u in zip(seq, us):
            du = (u - prev_us) & MASK
            if (s - prev_seq) & MASK != 1 or du > stall_us or du >= HALF:
                return None
            seg_us += du
            times.append(seg_us * 1e-6 + seg_t0)
            prev_seq, prev_us = s, u
        n = len(times)
        if n == 0:
            return None
        self._update_interval(seg_us - self._seg_us, n)
        self._seg_us = seg_us
        self._t = times[-1]
        self._seq_was_first = False
        self._seq, self._us = prev_seq, prev_us
        if arrival_s is not None:
            self._last_arrival = arrival_s
        none = np.zeros(n, bool)
        return Stamped(np.array(times), none, none.copy(), 0, 0, 0, clean=True)

    def _continues(self, du: int, arrival_s: float | None) -> bool:
        """After a reconnect: does the device clock agree with the time the port was away?"""
        if arrival_s is None or self._last_arrival is None or du >= HALF:
            return False
        away = arrival_s - self._last_arrival
        return abs(du * 1e-6 - away) <= max(0.25, 0.1 * away)

    def _begin_run(self, us: np.ndarray, a: int, b: int, arrival_s: float | None,
                   reconnect_at: float | None) -> None:
        """Place the first sample of a new run on the session time base.

        The device clock says nothing about how long the device was away, so the wall time
        between the last chunk of the old run and this chunk is used: this chunk's last sample
        arrived at ``arrival_s`` and the run began ``span`` before it. Never earlier than one
        interval after the last sample.
        """
        start = self._t + self._interval
        if self._last_arrival is not None:
            if arrival_s is not None:
                span = ((us[b - 1] - us[a]) % WRAP) * 1e-6
                start = max(start, self._t + (arrival_s - self._last_arrival) - span)
            elif reconnect_at is not None:
                start = max(start, self._t + (reconnect_at - self._last_arrival))
        self._seg_t0 = start
        self._seg_us = 0

    def _measure_interval(self, du: np.ndarray, new_run: np.ndarray | None, gap: np.ndarray) -> None:
        """The sample interval, from the clock steps of this chunk when none of them is a gap.

        Cheap on purpose (no median per chunk): it only sets the stall threshold and places
        the first sample of a new run, so a smoothed mean of clean steps is enough.
        """
        if new_run is not None or gap.any():
            return
        n = du.shape[0]
        span = int(du.sum()) - (int(du[0]) if self._seq_was_first else 0)
        steps = n - 1 if self._seq_was_first else n
        self._update_interval(span, steps)

    def _update_interval(self, span: int, steps: int) -> None:
        """Smooth in ``steps`` clean clock steps that took ``span`` microseconds."""
        if steps <= 0 or span <= 0:
            return
        estimate = span / steps * 1e-6
        if self._interval_measured:
            self._interval += 0.1 * (estimate - self._interval)
        else:
            self._interval, self._interval_measured = estimate, True

class ArrivalClock:
    """Arrival times of bursts of lines -> evenly spaced, never decreasing sample times.

    The sample interval is estimated over the last ``window_s`` seconds of arrivals (number of
    samples / elapsed time), which averages out USB and scheduler jitter. Each burst continues
    from the previous sample at that interval; the difference between where that puts the
    burst and where arrival time puts it is closed by ``pull`` of itself per burst (slow
    re-anchoring), so drift stays bounded without passing jitter into the time base. A silence
    much longer than the interval (a stall) is not compressed: the clock jumps to arrival time
    and ``stalled`` is set for that burst.
    """

    def __init__(self, interval: float | None = None, window_s: float = 10.0, pull: float = 0.05,
                 stall_s: float = 0.25) -> None:
        self._interval = interval or DEFAULT_INTERVAL
        self._measured = interval is not None
        self._window_s = window_s
        self._pull = pull
        self._stall_s = stall_s
        self._history: deque[tuple[float, int]] = deque()  # (arrival, samples so far)
        self._count = 0
        self._origin: float | None = None  # arrival time that maps to t = 0
        self._t: float | None = None       # last stamped time
        self._reanchor = False
        self.stalled = False

    @property
    def interval(self) -> float:
        return self._interval

    @property
    def last_t(self) -> float:
        return self._t if self._t is not None else 0.0

    def mark_reconnect(self, arrival_s: float) -> None:
        """After a reconnect the next burst is placed at its arrival time (never backwards)."""
        self._reanchor = True
        self._history.clear()

    def stamp(self, n: int, arrival_s: float, first_arrival_s: float | None = None) -> np.ndarray:
        """Times for ``n`` samples that arrived together at ``arrival_s``.

        ``first_arrival_s``: when these samples' bytes began arriving earlier (lines held back
        while the format was being detected), the first burst is spread over that span instead
        of being bunched at a guessed interval.
        """
        self.stalled = False
        if n <= 0:
            return np.empty(0, dtype=np.float64)
        steps = np.arange(n, dtype=np.float64)
        if self._origin is None:
            span = arrival_s - first_arrival_s if first_arrival_s is not None else 0.0
            if n > 1 and span > 0:
                # One interval before the first line's arrival to the last line's arrival.
                self._interval = span / (n - 1)
                self._measured = n >= 3 and span >= 0.05
            self._origin = arrival_s - (n - 1) * self._interval
            t = steps * self._interval
            self._remember(n, arrival_s, t)
            return t

        previous_arrival = self._history[-1][0] if self._history else None
        self._update_interval(n, arrival_s)
        dt = self._interval
        now = arrival_s - self._origin             # where arrival time puts the last sample
        anchored = now - (n - 1) * dt              # ... and so the burst's first sample
        follow = self._t + dt                      # continuing at the estimated interval
        quiet = arrival_s - previous_arrival if previous_arrival is not None else 0.0
        if not self._measured:
            # No rate known yet (a slow sensor's first lines): follow arrival time itself.
            first = max(anchored, self._t + 0.25 * dt)
            t = first + steps * dt
        elif self._reanchor or (anchored - follow > max(self._stall_s, 20 * dt)
                                and quiet > max(self._stall_s, 20 * dt)):
            self.stalled = not self._reanchor
            self._reanchor = False
            first = max(anchored, follow)
            t = first + steps * dt
        else:
            first = follow + self._pull * (anchored - follow)
            first = max(first, self._t + 0.25 * dt)  # never backwards, never bunched up
            # Not past arrival time: squeeze the burst to end at "now" if it would overshoot.
            spacing = dt
            if n > 1 and first + (n - 1) * dt > now:
                spacing = max((now - first) / (n - 1), 0.25 * dt)
            t = first + steps * spacing
        self._remember(n, arrival_s, t)
        return t

    def _remember(self, n: int, arrival_s: float, t: np.ndarray) -> None:
        self._count += n
        self._history.append((arrival_s, self._count))
        while len(self._history) > 2 and arrival_s - self._history[1][0] >= self._window_s:
            self._history.popleft()
        self._t = float(t[-1])

    def _update_interval(self, n: int, arrival_s: float) -> None:
        if not self._history:
            return
        a0, c0 = self._history[0]
        elapsed, count = arrival_s - a0, self._count + n - c0
        # Need a span long enough that jitter of a few ms does not dominate.
        if count >= 8 and elapsed >= 0.05:
            estimate = elapsed / count
            if self._measured:
                self._interval += 0.2 * (estimate - self._interval)
            else:
                self._interval, self._measured = estimate, True
