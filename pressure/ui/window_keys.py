"""What the practitioner's keys do in the live window: markers, tare, threshold, next step,
sound, fullscreen and the trace's length (a part of :class:`~pressure.ui.main_window.MainWindow`).

Every key acts on the session through the window's pipeline (``pressure.session``); this only
asks and answers (status messages; the tare's rules are in ``tare_key``).
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)

WINDOW_STEPS = (5.0, 10.0, 20.0, 30.0, 60.0, 120.0)  # +/- cycle through these trace lengths

# Marker keys during treatment: key -> text stored in the recording and shown on the trace.
MARKER_KEYS = {
    "M": "marker",
    "1": "pain reported",
    "2": "release felt",
    "3": "twitch response",
    "4": "patient moved",
}

# (key, what it does): shown in Help > Keys and in the README.
KEY_HELP = (
    ("Space", "start a step that waits for the key (foot pedal); skip a running step: "
              "press Space twice quickly or hold it 1 s"),
    ("T", "tare: zero the sensor (nothing pressing on it)"),
    ("Shift+T, Shift+M, Shift+P", "the same as T, M, P (some pedals send Shift); the pedal's keys "
                                  "work with a dialog open, except in a text field"),
    *((k, f"marker: {v}") for k, v in MARKER_KEYS.items()),
    ("Ctrl+Z / Backspace", "undo the last marker"),
    ("P", "mark the pressure-pain threshold (during a PPT trial; a very low one asks for a second P)"),
    ("N, then 0-10", "rate pain for the trial or hold just done (1 then 0: 10; Esc cancels; docs/clinical.md)"),
    ("F6 / F7", "next side (left, right, midline) / next phase (before, after treatment)"),
    ("S", "mute / unmute sound"),
    ("F11", "fullscreen on / off"),
    ("Esc", "leave fullscreen"),
    ("+ / -", "longer / shorter trace window"),
    ("F9", "summary of the routine so far"),
    ("F1", "this list of keys"),
)


class KeyActions:
    """The window's key actions (a mixin of MainWindow, which owns the widgets they talk to)."""

    def advance(self) -> None:
        self.pipeline.advance()

    def add_marker(self, text: str) -> None:
        marker = self.pipeline.add_marker(text)
        if marker is None:
            self.status.showMessage("no samples yet: nothing to mark", 3000)
        else:
            self.audio.play("marker")
            self.status.showMessage(f"marker at {marker.t:.1f} s: {text}", 3000)

    def undo_marker(self) -> None:
        marker = self.pipeline.undo_marker()
        if marker is None:
            self.status.showMessage("no marker to undo", 3000)
        else:
            self.status.showMessage(f"marker at {marker.t:.1f} s undone: {marker.text}", 3000)

    def mark_threshold(self) -> None:
        self.threshold_key.press()  # a low or negative threshold asks first / is refused

    def tare(self) -> None:
        self.tare_key.press()  # under load it asks first; a stale or moving reading is refused

    def toggle_mute(self) -> None:
        self.audio.set_muted(not self.audio.muted)
        self.status.set_sound(self.audio.available, self.audio.muted, self.audio.reason)
        self.actions["mute"].setText("Unmute" if self.audio.muted else "Mute")
        if self.settings is not None and self.audio.available:
            self.settings.set("sound/muted", self.audio.muted)

    def toggle_fullscreen(self) -> None:
        if self.isFullScreen():
            self.showNormal()
        else:
            self.showFullScreen()

    def leave_fullscreen(self) -> None:
        if self.isFullScreen():
            self.showNormal()

    def step_window(self, direction: int) -> None:
        current = self.trace.window_seconds
        if direction > 0:
            bigger = [s for s in WINDOW_STEPS if s > current + 1e-9]
            new = bigger[0] if bigger else current
        else:
            smaller = [s for s in WINDOW_STEPS if s < current - 1e-9]
            new = smaller[-1] if smaller else current
        self.trace.window_seconds = new
        self.redraw_trace()
        self.status.showMessage(f"trace window: {new:g} s", 2000)
        if self.settings is not None:
            self.settings.set("display/window_seconds", new)
