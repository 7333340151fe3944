"""The words for the coach's one-off notes (the window's status bar, record's stderr)."""

from __future__ import annotations

from ..gaprule import too_slow_text
from .state import Event


def note_text(event: Event) -> str | None:
    """What to tell the practitioner about ``event`` once, or None for events that are not notes."""
    if event.kind == "slow_sensor":
        return too_slow_text(event.data["interval_s"], event.data["step_s"])
    if event.kind == "release_overdue":
        return "release time is up but the force is still on: let go fully to go on"
    return None
