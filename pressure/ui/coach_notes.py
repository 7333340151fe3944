"""One-off notes from the coach in the status bar (and over the trace): a sensor too slow for the
routine (``slow_sensor``, once per run of a routine), a release whose time ran out while the
force is still on (``release_overdue``)."""

from __future__ import annotations

import logging

from ..coach.notes import note_text

log = logging.getLogger(__name__)

NOTE_S = 15000  # ms a note stays in the status bar


class CoachNotes:
    def __init__(self, window):
        self.window = window
        self.shown: list[str] = []  # what was said (tests read it)
        window.frame_hooks.append(self.on_frame)

    def on_frame(self, frame) -> None:
        for e in frame.events:
            text = note_text(e)
            if text:
                self._say(text)

    def _say(self, text: str) -> None:
        log.info("%s", text)
        self.shown.append(text)
        self.window.status.showMessage(text, NOTE_S)


def install_coach_notes(window) -> CoachNotes:
    notes = CoachNotes(window)
    window.coach_notes = notes
    return notes
