"""One line on stderr when the recording's status changes (disk full, writing again), not on
every tick: a status that repeats itself twice a second buries everything else."""

from __future__ import annotations

import re
import sys


class StatusLine:
    """Feed it the writer's status each tick; it prints only a change of kind.

    A count inside the status ("... 1200 samples kept in memory") changes every tick; it is
    not a change worth a line, so lines are compared with their numbers left out."""

    def __init__(self, stream=None):
        self.stream = stream
        self.last = ""

    def update(self, status: str) -> None:
        status = status or ""
        if _kind(status) == _kind(self.last):
            self.last = status
            return
        stream = self.stream or sys.stderr
        if status:
            print(f"pressure: {status}", file=stream, flush=True)
        else:
            print("pressure: recording: writing to disk again", file=stream, flush=True)
        self.last = status


def _kind(status: str) -> str:
    return re.sub(r"\d+", "N", status)
