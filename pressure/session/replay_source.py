"""Replay a recording through the live window's pipeline: the clocked source.

Qt-free (numpy and the standard library), so every timing rule is tested with a fake clock.
:class:`ReplaySource` is a pipeline source: ``poll()`` returns the samples whose time falls
between the last position and the position now, which advances by wall-clock dt x speed. The
clock is injectable (a callable returning monotonic seconds). The recorded key presses (Space,
P) are re-applied by :class:`~pressure.scoring.replay.KeyedCoach` (the one key-replay
implementation, shared with ``report``). The pipeline with seeks is
:mod:`pressure.session.replay_pipeline`, the exact background pass :mod:`pressure.session.analysis`.
"""

from __future__ import annotations

import logging
import math
import time

import numpy as np

from ..samples import FLAG_GAP_BEFORE, Block
from ..scoring.replay import recorded_keys
from .source import Source, SourceStats

log = logging.getLogger(__name__)

MIN_SPEED, MAX_SPEED = 0.25, 16.0
SPEEDS = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0)
MAX_POLL_S = 2.0       # at most this much wall time is caught up in one poll (a stalled GUI)


def keys_for(recording, routine) -> tuple[float | None, list]:
    """The recorded keys, if the file's routine is ``routine`` (same steps); else none."""
    from ..scoring import routine_of_recording_matches

    if routine_of_recording_matches(recording, routine):
        # the file's routine is the last one set: replay its run (from the last routine event)
        changes = [e.t for e in recording.events if e.kind == "routine"]
        since = max(changes) if changes else -math.inf
        return recorded_keys([e for e in recording.events if e.t >= since])
    return None, []


# ---------------------------------------------------------------- the source

class ReplaySource(Source):
    """Samples of a recording as time passes on ``clock`` x ``speed`` (see the module docstring)."""

    is_live = False
    can_seek = True

    def __init__(self, recording, clock=time.monotonic, speed: float = 1.0, start: float = 0.0,
                 playing: bool = True):
        self.recording = recording
        self._clock = clock
        self.speed = self._check_speed(speed)
        self.playing = bool(playing)
        self.t_first = float(recording.t[0]) if len(recording) else 0.0
        self.t_end = float(recording.t[-1]) if len(recording) else 0.0
        self.position = self.t_first
        self._cursor = 0
        self._last_clock = clock()
        self._gaps = int(np.count_nonzero(recording.flags & FLAG_GAP_BEFORE))
        self._reconnects = sum(1 for e in recording.events if e.kind == "reconnect")
        # the first poll delivers the samples at ``start`` itself (a seek shows them at once)
        self.position = min(max(float(start), self.t_first), self.t_end)
        self._cursor = int(np.searchsorted(recording.t, self.position, side="left"))

    @staticmethod
    def _check_speed(speed: float) -> float:
        speed = float(speed)
        if not (MIN_SPEED <= speed <= MAX_SPEED):
            from ..errors import PressureError

            raise PressureError(f"speed must be between {MIN_SPEED:g}x and {MAX_SPEED:g}x, not {speed:g}")
        return speed

    # --- control ---------------------------------------------------------------------------
    @property
    def at_end(self) -> bool:
        return self._cursor >= len(self.recording)

    def _sync(self) -> None:
        """Move the position by the wall time passed since the last call (if playing)."""
        now = self._clock()
        dt = min(max(0.0, now - self._last_clock), MAX_POLL_S)
        self._last_clock = now
        if self.playing:
            self.position = min(self.position + dt * self.speed, self.t_end)
            if self.position >= self.t_end and self.at_end:
                self.playing = False

    def play(self) -> None:
        self._sync()
        if self.at_end:
            return
        self.playing = True

    def pause(self) -> None:
        self._sync()
        self.playing = False

    def toggle(self) -> None:
        if self.playing:
            self.pause()
        else:
            self.play()

    def set_speed(self, speed: float) -> None:
        self._sync()  # the time so far was played at the old speed
        self.speed = self._check_speed(speed)

    def seek(self, t: float) -> int:
        """Jump to ``t`` (clamped to the file); the next poll starts after it. Returns the
        index one past the last sample at or before ``t``."""
        self._sync()
        t = min(max(float(t), self.t_first), self.t_end)
        self.position = t
        self._cursor = int(np.searchsorted(self.recording.t, t, side="right"))
        return self._cursor

    # --- the source interface ----------------------------------------------------------------
    def poll(self) -> Block:
        self._sync()
        end = int(np.searchsorted(self.recording.t, self.position, side="right"))
        a, self._cursor = self._cursor, max(self._cursor, end)
        return self.recording._block(a, self._cursor) if self._cursor > a else Block.empty()

    def stats(self) -> SourceStats:
        rec = self.recording
        return SourceStats(sensor=f"replay: {rec.path.name}", rate_hz=float(rec.rate_hz or math.nan),
                           gaps=self._gaps, reconnects=self._reconnects, state="replay",
                           message=str(rec.path))

    def stop(self) -> None:
        self.playing = False
