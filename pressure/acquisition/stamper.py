"""Parsed chunk + arrival time -> a :class:`~pressure.samples.Block`: times and flags.

Pure: no thread, no port, no clock of its own (the caller passes every moment in), so a test
feeds it chunks and times and checks what comes out. The session time comes from the device's
clock when the format carries one (:class:`~pressure.timebase.DeviceClock`), else from arrival
(:class:`~pressure.timebase.ArrivalClock`). Flags mark lost samples and stalls
(``FLAG_GAP_BEFORE``), device restarts, reconnects and readings at an ADC limit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import wire
from ..samples import FLAG_GAP_BEFORE, FLAG_RECONNECT, FLAG_RESTART, FLAG_SATURATED, Block
from ..timebase import FEW, ArrivalClock, DeviceClock


@dataclass(slots=True)
class Stamp:
    """One chunk's samples and what was counted on the way."""

    block: Block
    gaps: int = 0
    lost_samples: int = 0
    restarts: int = 0
    stalls: int = 0
    saturated: int = 0

    def counts(self) -> dict | None:
        """The counts to add to the stats; None when there is nothing but samples."""
        if not (self.gaps or self.lost_samples or self.restarts or self.stalls or self.saturated):
            return None
        return {"gaps": self.gaps, "lost_samples": self.lost_samples, "restarts": self.restarts,
                "stalls": self.stalls, "saturated": self.saturated}


class Stamper:
    """Stamps and flags the chunks of one session, across reconnects and device restarts."""

    def __init__(self) -> None:
        self.device_clock = DeviceClock()
        self.arrival_clock = ArrivalClock()
        self._pending_flags = 0        # flags for the next sample (reconnect, restart)
        # When the bytes of the first samples began arriving: the arrival of the first chunk
        # that gave no samples yet (auto detection holding its first lines, or after a
        # reconnect). The time base spreads that first burst over the span instead of bunching
        # it at a guessed interval. None once samples were stamped.
        self._first_arrival: float | None = None
        self._stamped_any = False
        self._last: tuple[float, float] | None = None  # (session t, arrival) of the newest sample

    def no_samples(self, arrival: float, had_messages: bool) -> None:
        """A chunk that gave no samples (the format is being detected, or a banner/reply)."""
        if had_messages:
            self._first_arrival = None  # the samples' bytes begin after the message
        elif not self._stamped_any and self._first_arrival is None:
            self._first_arrival = arrival

    def restart_next(self, own_clock: bool) -> None:
        """A restart announced after the last sample: it applies to the next one."""
        if own_clock:
            self.device_clock.mark_restart()
        else:
            self._pending_flags |= FLAG_RESTART | FLAG_GAP_BEFORE

    def disconnected(self, arrival: float) -> float:
        """The port went away at ``arrival``: the next sample starts where the device is then.
        Returns the session time of the loss (0.0 before any sample)."""
        self._first_arrival, self._stamped_any = None, False
        self.device_clock.mark_reconnect(arrival)
        self.arrival_clock.mark_reconnect(arrival)
        return self.session_time(arrival)

    def reconnected(self) -> None:
        self._pending_flags |= FLAG_RECONNECT | FLAG_GAP_BEFORE

    def session_time(self, now: float) -> float:
        """Session time at monotonic ``now``: the newest sample's time plus the time since."""
        if self._last is None:
            return 0.0
        t, arrival = self._last
        return t + max(0.0, now - arrival)

    def stamp(self, parsed, arrival: float, restart_at=(), force_n: np.ndarray | None = None,
              handoff: float | None = None) -> Stamp:
        """Times and flags for one parsed chunk that arrived at ``arrival``.

        ``restart_at``: indices of samples a restart was announced before; ``force_n``: the
        calibrated readings (default: the raw values); ``handoff``: the samples' ``arrival``
        column (default ``arrival``). At 1000 samples/s a chunk holds 1-3 samples, so what
        costs here is the fixed work per call: flag work is skipped when the time base says
        the chunk is clean, and the saturation test on a few values is done without numpy.
        """
        n = len(parsed)
        flags = np.zeros(n, dtype=np.uint8)
        out = Stamp(block=None)  # type: ignore[arg-type]
        flagged = False  # some flag set (else no need to count gaps)
        if parsed.seq is not None:
            stamped = self.device_clock.stamp(parsed.seq, parsed.device_us, arrival, restart_at)
            t = stamped.t
            if not stamped.clean:
                flags[stamped.gap_before] |= FLAG_GAP_BEFORE
                flags[stamped.restart] |= FLAG_RESTART
                out.lost_samples, out.restarts, out.stalls = stamped.lost, stamped.restarts, stamped.stalls
                flagged = True
        else:
            first_arrival, self._first_arrival = self._first_arrival, None
            t = self.arrival_clock.stamp(n, arrival, first_arrival_s=first_arrival)
            if self.arrival_clock.stalled:
                flags[0] |= FLAG_GAP_BEFORE
                out.stalls = 1
                flagged = True
        self._stamped_any = True
        if self._pending_flags and n:
            flags[0] |= self._pending_flags
            self._pending_flags = 0
            flagged = True
        if parsed.seq is None:
            for i in restart_at:  # a text device's banner: it restarted before sample i
                if i < n:
                    flags[i] |= FLAG_RESTART | FLAG_GAP_BEFORE
                    flagged = True
                else:
                    self._pending_flags |= FLAG_RESTART | FLAG_GAP_BEFORE
        if parsed.unit == "counts" and n and _may_saturate(parsed.value):
            sat = (parsed.value <= wire.RAW_MIN) | (parsed.value >= wire.RAW_MAX)
            out.saturated = int(np.count_nonzero(sat))
            if out.saturated:
                flags[sat] |= FLAG_SATURATED
        if flagged:
            out.gaps = int(np.count_nonzero(flags & FLAG_GAP_BEFORE))
        if n:
            self._last = (float(t[-1]), arrival)
        out.block = Block(t=t, raw=parsed.value, force_n=parsed.value if force_n is None else force_n,
                          flags=flags, arrival=np.full(n, arrival if handoff is None else handoff))
        return out


def _may_saturate(value: np.ndarray) -> bool:
    """Whether any count sits at an ADC limit; a few values are looked at without numpy."""
    if value.shape[0] > FEW:
        return True  # the vectorised test decides
    few = value.tolist()
    return min(few) <= wire.RAW_MIN or max(few) >= wire.RAW_MAX
