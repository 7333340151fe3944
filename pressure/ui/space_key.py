"""Space (the foot pedal) on the live window: start a step that waits for it; skip a running
step only on a deliberate act.

A pedal gets bumped. One tap used to end a running hold and count it as done; now a single tap
during a running step only says how to skip it, and the skip takes a double press (a second
Space within ``DOUBLE_PRESS_S``) or a long press (held ``LONG_PRESS_S``). The caller hands in
real presses and releases only: a held key's auto-repeat events are not presses (X11 sends
them as press/release pairs), so :class:`~pressure.ui.pedal_keys.PedalKeys` drops them.
The skip itself is the coach's (a ``step_skipped`` event, recorded and scored as skipped).
"""

from __future__ import annotations

import math
import time

from PySide6.QtCore import QTimer

DOUBLE_PRESS_S = 0.6   # a second press within this time skips the running step ...
BOUNCE_S = 0.08        # ... but not one this soon: that is a switch bouncing, not a person
LONG_PRESS_S = 1.0     # ... and so does holding the key this long
HINT_MS = 4000


def running_step(state):
    """The step that runs now (not waiting for the key, not finished), or None."""
    if state is None or state.finished or state.waiting_for_key or state.step is None:
        return None
    return state.step


class SpaceKey:
    """The Space gesture of one window (``window.advance()`` and ``window.status``)."""

    def __init__(self, window, clock=time.monotonic):
        self.window = window
        self.clock = clock
        self._last_tap = -math.inf
        self._held = False
        self.skips = 0  # steps skipped by the key (tests, the status line)
        self._long = QTimer(window)
        self._long.setSingleShot(True)
        self._long.setInterval(int(LONG_PRESS_S * 1000))
        self._long.timeout.connect(self._long_press)

    def press(self) -> None:
        """A real (not auto-repeated) Space press."""
        window = self.window
        state = window.pipeline.state
        if state is None:
            window.status.showMessage("no samples yet: Space starts the routine's steps once the "
                                      "sensor reads", 3000)
            return
        step = running_step(state)
        if step is None:  # a step waits for the key (or the routine is done): as always
            self._last_tap = -math.inf
            window.advance()
            return
        now = self.clock()
        if now - self._last_tap < BOUNCE_S:
            return  # the same press, bounced
        if now - self._last_tap <= DOUBLE_PRESS_S:
            self._skip()
            return
        self._last_tap = now
        self._held = True
        self._long.start()
        window.status.showMessage(f"Space during a {step.kind}: press Space twice (or hold it "
                                  f"{LONG_PRESS_S:g} s) to skip this {step.kind}", HINT_MS)

    def release(self) -> None:
        """A real Space release: a long press ends here unless it already skipped."""
        self._held = False
        self._long.stop()

    def _long_press(self) -> None:
        if self._held:
            self._skip()

    def _skip(self) -> None:
        self._held = False
        self._long.stop()
        self._last_tap = -math.inf
        step = running_step(self.window.pipeline.state)
        if step is None:  # it ended on its own meanwhile: nothing to skip
            return
        self.skips += 1
        self.window.advance()
        self.window.status.showMessage(f"{step.label or step.kind} skipped (recorded as skipped, "
                                       "not scored as done)", HINT_MS)
