"""What the coach answers: the events it raises and the state the display shows."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..routine import Step

ZONES = ("none", "below", "in", "above", "over")
CUES = ("press", "hold", "ease", "release", "rest", "stop", "done", "let_go")
EVENT_KINDS = ("step_start", "step_end", "enter_band", "leave_band", "countdown", "ceiling",
               "ceiling_clear", "threshold", "routine_done", "key_wait", "step_skipped", "slow_sensor",
               "release_overdue")


@dataclass(frozen=True)
class Event:
    """Something that happened at time ``t`` in step ``step`` (kind in EVENT_KINDS)."""

    t: float
    kind: str
    step: int
    data: dict = field(default_factory=dict)


@dataclass(frozen=True)
class CoachState:
    """What the display shows after an update. Values are in the routine's unit."""

    t: float
    step_index: int
    step: Step | None
    zone: str
    cue: str
    value: float
    target: float | None
    band: tuple[float, float] | None
    pacer: float | None
    hold_elapsed: float
    hold_remaining: float | None
    step_elapsed: float
    step_remaining: float | None
    waiting_for_key: bool
    finished: bool
    thresholds: tuple[float, ...]
    events: tuple[Event, ...]
