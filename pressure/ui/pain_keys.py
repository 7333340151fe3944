"""The pain rating by key: **N** opens a short mode in which **0**-**9** rate the trial or hold
just done (0-10 numeric rating scale; **1** then **0** is 10), **Esc** cancels; the mode ends by
itself after PAIN_MODE_S. While it is open the marker keys 1-4 and Esc's leave-fullscreen wait
(two actions on one key would both be dead); outside it they are what they were. The pedal's
keys (Space, T, M, P) are never taken, and nothing waits for a rating: the routine goes on.
"""

from __future__ import annotations

import logging
import math

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence

log = logging.getLogger(__name__)

PAIN_MODE_MS = 4000   # how long N waits for a digit
TEN_WAIT_MS = 900     # after "1": how long a "0" may follow to make 10


def window_action(window, text: str, slot, key: str) -> QAction:
    """A key on the window (whatever widget has the focus), like the window's own actions."""
    action = QAction(text, window)
    action.setShortcut(QKeySequence(key))
    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    action.triggered.connect(lambda checked=False: slot())
    window.addAction(action)
    return action


class PainKeys(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self._digits = ""
        self._waiting: list[QAction] = []  # the window's actions resting while the mode is open
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._timeout)
        self.rate_action = window_action(window, "Rate pain (N, then 0-10)", self.start, "N")
        self.digit_actions = [window_action(window, f"pain {d}", lambda d=d: self.digit(d), str(d))
                              for d in range(10)]
        self.cancel_action = window_action(window, "cancel the pain rating", self.cancel, "Esc")
        for a in (*self.digit_actions, self.cancel_action):
            a.setEnabled(False)

    @property
    def active(self) -> bool:
        return self.cancel_action.isEnabled()

    def start(self) -> None:
        self._waiting = [a for k, a in self.window.actions.items()
                         if (k.startswith("marker:") and k[7:].isdigit()) or k == "leave_fullscreen"]
        for a in self._waiting:
            a.setEnabled(False)
        for a in (*self.digit_actions, self.cancel_action):
            a.setEnabled(True)
        self._digits = ""
        self._timer.start(PAIN_MODE_MS)
        self.window.status.showMessage("rate pain: 0-10 (1 then 0 for 10), Esc to cancel", PAIN_MODE_MS)

    def _end(self) -> None:
        self._timer.stop()
        for a in (*self.digit_actions, self.cancel_action):
            a.setEnabled(False)
        for a in self._waiting:
            a.setEnabled(True)
        self._waiting = []
        self._digits = ""

    def digit(self, d: int) -> None:
        if self._digits == "1":  # 1 then 0 is 10; 1 then another digit: the 1 stands
            self.record(10 if d == 0 else 1)
        elif d == 1:
            self._digits = "1"
            self._timer.start(TEN_WAIT_MS)
        else:
            self.record(d)

    def _timeout(self) -> None:
        if self._digits == "1":
            self.record(1)
        else:
            self._end()
            self.window.status.showMessage("no pain rating", 2000)

    def cancel(self) -> None:
        self._end()
        self.window.status.showMessage("pain rating cancelled", 2000)

    def record(self, nrs: int) -> None:
        self._end()
        p = self.window.pipeline
        if p.recorder is None:
            self.window.status.showMessage("pain rating not kept: not recording", 3000)
            return
        t = p.last_t if math.isfinite(p.last_t) else 0.0
        p.recorder.add_event(t, "pain", f"pain {nrs}/10", {"nrs": int(nrs)})
        self.window.status.showMessage(f"pain {nrs}/10 recorded", 3000)
