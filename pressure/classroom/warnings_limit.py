"""Repeated warnings, one line per kind per interval with a count.

Anyone on a broker can send a station or a dashboard as many bad messages as they like; a line
for each would bury the terminal (and the log file) and cost more than the message itself.
"""

from __future__ import annotations

import logging
import threading
import time

INTERVAL_S = 10.0


class WarningLimit:
    """``warn(kind, text)``: the first of a kind is logged at once; more of the same kind within
    ``interval`` are counted and said in one line when the interval is over (at the next warn of
    that kind or at ``flush()``, which a heartbeat calls)."""

    def __init__(self, logger: logging.Logger, interval: float = INTERVAL_S, clock=time.monotonic):
        self.log, self.interval, self._clock = logger, interval, clock
        self._lock = threading.Lock()
        self._kinds: dict[str, list] = {}  # kind -> [interval start, count held back, latest text]

    def warn(self, kind: str, text: str) -> None:
        now = self._clock()
        with self._lock:
            entry = self._kinds.get(kind)
            if entry is not None and now - entry[0] < self.interval:
                entry[1] += 1
                entry[2] = text
                return
            held = entry[1] if entry is not None else 0
            self._kinds[kind] = [now, 0, text]
        if held:
            self.log.warning("%s (and %d more like it in the last %.0f s)", text, held, self.interval)
        else:
            self.log.warning("%s", text)

    def flush(self) -> None:
        """Say the counts of intervals that are over (called now and then, e.g. by a heartbeat)."""
        now = self._clock()
        lines = []
        with self._lock:
            for kind, entry in list(self._kinds.items()):
                if now - entry[0] >= self.interval:
                    if entry[1]:
                        lines.append((entry[2], entry[1]))
                    del self._kinds[kind]
        for text, held in lines:
            self.log.warning("%s: %d more like it in the last %.0f s", text, held, self.interval)
