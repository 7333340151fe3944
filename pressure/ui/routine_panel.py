"""The routine panel: which step, a large countdown, a large progress bar, and what comes next.

The hold timer is the coach's (it counts time in the band and pauses, resets or only records
on leaving, per routine); this panel only shows it, large enough to read from the table.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from .hold_bar import HoldBar
from .live_label import LiveLabel, set_font


STEP_TITLES = {"ramp": "press to target", "hold": "hold", "release": "release", "rest": "rest",
               "threshold": "PPT trial: press slowly"}


def step_title(step) -> str:
    """A step in a few words: 'hold 60 s — hold 1/3', 'ramp to 40', 'ramp to 0 — ramp down'."""
    base = STEP_TITLES.get(step.kind, step.kind)
    if step.kind == "hold":
        base = f"hold {step.duration:g} s"
    elif step.kind == "ramp" and step.target is not None:
        base = f"ramp to {step.target:g}"  # a ramp may go down (the trapezoid's to 0): never "press"
    label = step.label.strip()
    return f"{base} — {label}" if label and label.split()[0] != step.kind else base


def format_seconds(seconds: float) -> str:
    """Countdown text in whole seconds, rounded up (a hold is done at 0:00, not before), as m:ss."""
    if seconds is None or not math.isfinite(seconds):
        return "–:––"
    s = max(0, math.ceil(seconds - 1e-9))
    return f"{s // 60}:{s % 60:02d}"


class RoutinePanel(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("routinePanel")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.routine_label = QLabel("", self)
        self.step_label = QLabel("", self)
        self.countdown_label = LiveLabel("–:––", self)
        self.countdown_label.setObjectName("countdown")
        self.progress = HoldBar(self)  # show_step sets its maximum to the bar's width
        self.next_label = QLabel("", self)
        self.next_label.setWordWrap(True)
        for label in (self.routine_label, self.step_label, self.next_label):
            label.setTextFormat(Qt.TextFormat.PlainText)  # routine names and step labels come from files
        for label in (self.routine_label, self.step_label, self.countdown_label, self.next_label):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.setSpacing(2)
        layout.addWidget(self.routine_label)
        layout.addWidget(self.step_label)
        layout.addWidget(self.countdown_label)
        layout.addWidget(self.progress)
        layout.addWidget(self.next_label)
        self._fonts(28)
        self._shown = None

    def set_routine(self, name: str) -> None:
        self.routine_label.setText(name)

    def show_state(self, routine, state, signal: bool = True) -> None:
        """Show the coach's state: the step, its countdown and progress, and what comes next.

        ``signal`` False: no live samples (disconnected, no signal, no data; the readout says
        which). The coach only moves with samples, and an interval longer than the sensor's
        gap limit (pressure.gaprule; the pipeline's staleness uses the same) never counts as held: a hold's timer
        is stopped and the missing time will not count, so the countdown says "no signal"
        and the bar looks paused. A rest's or release's time is the samples' time and the gap
        does count once they return: its countdown says "no signal", its bar stays as it is."""
        total = len(routine.steps)
        if state is None:
            self.show_step(index=0, total=total, title=step_title(routine.steps[0]), countdown=None,
                           progress=None, next_text="starts with the first sample")
            return
        if state.finished:
            self.show_step(index=total - 1, total=total, title="routine complete", countdown=None, progress=1.0,
                           next_text="Routine menu: start it again or choose another")
            return
        step = routine.steps[state.step_index]
        nxt = routine.steps[state.step_index + 1] if state.step_index + 1 < total else None
        if state.waiting_for_key:
            title = f"ready: {step_title(step)}"
            next_text = "press Space (or the pedal) to start"
            countdown, progress = None, None
        else:
            title = step_title(step)
            if nxt is None:
                next_text = "last step"
            else:
                how = "Space to start" if nxt.advance == "key" else "starts by itself"
                next_text = f"next: {step_title(nxt)} ({how})"
            if step.kind == "threshold":
                next_text = "P marks the threshold · " + next_text
            countdown = state.hold_remaining if step.kind == "hold" else state.step_remaining
            if step.kind == "hold":
                progress = state.hold_elapsed / step.duration
            elif step.duration:
                progress = state.step_elapsed / step.duration
            else:
                progress = None
        # the hold timer stands still (or restarts) while the value is out of the band
        no_signal = not signal and not state.waiting_for_key
        paused = (step.kind == "hold" and not state.waiting_for_key
                  and (no_signal or (step.on_leave != "record" and state.zone != "in")))
        self.show_step(index=state.step_index, total=total, title=title, countdown=countdown,
                       progress=progress, next_text=next_text, paused=paused, no_signal=no_signal)

    def show_step(self, *, index: int, total: int, title: str, countdown: float | None,
                  progress: float | None, next_text: str, paused: bool = False,
                  no_signal: bool = False) -> None:
        """One call per frame; only what changed is touched (a label set again relayouts and
        repaints; the bar moves in steps of about a pixel)."""
        count_text = format_seconds(countdown) if countdown is not None else ""
        steps = max(100, self.progress.width())
        bar = -1 if progress is None or not math.isfinite(progress) else int(round(min(max(progress, 0.0), 1.0) * steps))
        step_text = f"step {index + 1} / {total} · {title}" if total else title
        # "paused" in words: a pause glyph (U+23F8) is a box in the default font (DejaVu Sans)
        if count_text:
            count_text += " no signal" if no_signal else " paused" if paused else ""
        key = (step_text, count_text, bar, steps, next_text, paused)
        shown = self._shown or (None,) * len(key)
        if key == shown:
            return
        self._shown = key
        if step_text != shown[0]:
            self._set_fitted(self.step_label, step_text)
        if count_text != shown[1]:
            self._set_fitted(self.countdown_label, count_text)
        self.progress.set_paused(paused)
        self.progress.setVisible(bar >= 0)
        if bar >= 0:
            self.progress.setMaximum(steps)
            self.progress.setValue(bar)
        if next_text != shown[4]:
            self._set_fitted(self.next_label, next_text)

    def _set_fitted(self, label: QLabel, text: str) -> None:
        """Set text, shrinking the font (down to a third) so a long step name is never cut off."""
        label.setText(text)
        px = self._px.get(label, 14)
        font = QFont(label.font())
        font.setPixelSize(px)
        width = max(label.width() - 8, 40)
        advance = QFontMetrics(font).horizontalAdvance(text)
        if advance > width:  # text width scales with the pixel size: one estimate, no search
            px = max(10, self._px.get(label, 14) // 3, int(px * width / advance))
            font.setPixelSize(px)
        set_font(label, font)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._fonts(int(max(22, min(self.height() * 0.32, self.width() / 6))))

    def _fonts(self, big: int) -> None:
        self._px = {}
        for label, px, bold in ((self.routine_label, max(11, big // 3), False),
                                (self.step_label, max(13, big // 2), True),
                                (self.countdown_label, big, True),
                                (self.next_label, max(11, big // 3), False)):
            font = QFont(label.font())
            font.setPixelSize(px)
            font.setBold(bold)
            set_font(label, font)
            self._px[label] = px
        for label in (self.step_label, self.countdown_label, self.next_label):
            self._set_fitted(label, label.text())
        self.progress.setMinimumHeight(max(18, big // 2))
