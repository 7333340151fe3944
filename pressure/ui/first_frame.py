"""Start-up timing from outside: with ``PRESSURE_FIRST_FRAME=1`` in the environment the live
window prints ``pressure: first frame`` on stderr once it has drawn its first frame that shows a
sample. The parent that started the program times the line (pressure/benchmarks/startup.py),
so the figure is what a user waits for: process start, imports, sensor, window, first value.
"""

from __future__ import annotations

import math
import os
import sys

ENV = "PRESSURE_FIRST_FRAME"
LINE = "pressure: first frame"


def install_first_frame_note(window) -> None:
    if not os.environ.get(ENV):
        return

    def hook(frame) -> None:
        if frame.new > 0 and math.isfinite(frame.t):
            print(LINE, file=sys.stderr, flush=True)
            window.frame_hooks.remove(hook)

    window.frame_hooks.append(hook)
