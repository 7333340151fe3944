"""When the reader hands a gathered chunk on: a pure rule over given times (no clock inside).

A consumer that reads on a clock (the window's frame timer) tells the reader when it reads
next (:meth:`pressure.acquisition.Reader.pace`). A reader with a ``read_interval`` gathers the
lines that arrive meanwhile and hands them on just before that moment, so the samples wait
once, for the consumer, not twice, and the reader thread wakes once a frame instead of once a
line. The ring buffer itself carries data only, one way.
"""

from __future__ import annotations

from dataclasses import dataclass

HOLD_LEAD_S = 0.002        # s: hand a chunk on this long before the consumer reads
HOLD_MIN_S = 0.001         # s: the shortest hold (a late consumer must not make it wake per line)
POLL_GRACE_S = 0.003       # s: lines after the hand-off wait this long past the read for the next moment
PACE_FORGOTTEN_S = 0.5     # s: a consumer this late has stopped reading on its clock: hold read_interval


@dataclass(frozen=True)
class PacingRule:
    """Until when to gather bytes whose first ones arrived at ``arrival``.

    At most ``read_interval`` after ``arrival``. If the consumer named its next read ``due``
    (monotonic seconds; 0 or None: not known): until just before it (``lead``), so the
    consumer finds every sample that came before it. Lines that come after that hand-off point
    missed this read anyway: they wait until just after it (``grace``), when the consumer has
    named its next read, and go on with that read's lines (one hand-off a frame, none while the
    window draws). When the moment has passed and no new one was named (the consumer is late)
    lines go on after ``hold_min``; a consumer more than ``forgotten`` late no longer paces.
    """

    read_interval: float
    lead: float = HOLD_LEAD_S
    hold_min: float = HOLD_MIN_S
    grace: float = POLL_GRACE_S
    forgotten: float = PACE_FORGOTTEN_S

    def hold_until(self, arrival: float, now: float, due: float | None) -> float:
        longest = arrival + self.read_interval
        if not due or due <= 0 or arrival - due > self.forgotten:  # no consumer on a clock (any more)
            return longest
        if now < due - self.lead:
            return min(longest, due - self.lead)
        if arrival >= due - self.lead and now < due + self.grace:
            return min(longest, due + self.grace)
        return min(longest, max(arrival + self.hold_min, now))
