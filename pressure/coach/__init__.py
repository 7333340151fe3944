"""The coach: a pure state machine that runs a routine against the smoothed value over time.

It is fed (t, value) samples in the routine's unit, chunk by chunk, and answers what the
practitioner needs to see and hear: the zone, a direction cue, the hold timer, the countdown and
discrete events the window turns into tones. No clock, no thread, no Qt: the same samples give
the same answers, live, in replay and in tests, however they are split into chunks.

Its parts: machine.py (the per-sample rules), steps.py (step changes), keys.py (key presses),
display.py (the state shown), state.py (Event, CoachState), snapshot.py (checkpoints),
rules.py (its numbers), notes.py (the words of its one-off notes).
"""

from .machine import Coach
from .rules import (BAND_HYSTERESIS, CEILING_HYSTERESIS, COUNTDOWN_S, GAP_S, HISTORY_S,
                    RELEASE_FLOOR_N, RELEASE_FRACTION)
from .snapshot import CoachSnapshot
from .state import CUES, EVENT_KINDS, ZONES, CoachState, Event

__all__ = ["BAND_HYSTERESIS", "CEILING_HYSTERESIS", "COUNTDOWN_S", "CUES", "EVENT_KINDS", "GAP_S",
           "HISTORY_S", "RELEASE_FLOOR_N", "RELEASE_FRACTION", "ZONES", "Coach", "CoachSnapshot",
           "CoachState", "Event"]
