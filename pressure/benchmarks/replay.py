"""Replay figures, measured offscreen on a synthetic 1-hour 1000 samples/s file (quick: 10 min).

``replay_open_s``: from ``open_replay`` (read the file, build the pipeline, the whole-file
overview) to the first frame painted by a shown ReplayWindow; best of three (the file is in
the page cache after the first, as right after a session or on a second open).

``replay_seek_ms``: median over ``SEEKS`` random targets of ``window.seek(t)`` (state restored,
the window ending at t set on the curves, readout and routine panel updated) plus the
synchronous repaint of the trace, once the background analysis has covered
the file (the usual case: it runs from the moment the file opens). ``replay_seek_cold_ms`` is
the same before the analysis got there (the coach fast-forwarded on a decimated trace);
``replay_seek_max_ms`` the worst warm seek. ``replay_analysis_s`` is how long the background
pass took.

``replay_rss_mb``: resident memory of this process with the file open (first open) and
analysed; ``replay_peak_rss_mb`` the peak so far (getrusage), which includes writing the file.
"""

from __future__ import annotations

import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

SEEKS = 30


def _rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _current_rss_mb() -> float:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6
    except OSError:
        return _rss_mb()


def run(quick: bool = False) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from ..ui.app import qt_app
    from ..ui.audio import Silent
    from ..session.replay_setup import open_replay
    from ..ui.replay_window import ReplayWindow
    from .recording import make_synthetic_recording

    seconds = 600.0 if quick else 3600.0
    app = qt_app()
    rng = np.random.default_rng(1)
    with tempfile.TemporaryDirectory(prefix="pressure-bench-replay-") as tmp:
        path = make_synthetic_recording(Path(tmp) / "long.pressure", seconds)
        from ..routine import single_hold

        routine = single_hold(20.0, "10%", 60.0)  # the synthetic file has no routine of its own

        def open_once():
            marks = []
            t0 = time.perf_counter()
            pipeline = open_replay(path, routine=routine, playing=False)
            window = ReplayWindow(pipeline, audio=Silent("benchmark"), window_seconds=20.0)
            window.trace.paint_hooks.append(lambda end: marks.append(time.perf_counter()))
            window.resize(1280, 720)
            window.show()
            while not marks and time.perf_counter() - t0 < 30:
                app.processEvents()
            return (marks[0] if marks else time.perf_counter()) - t0, pipeline, window, marks

        open_s, pipeline, window, painted = open_once()

        def seek_ms(t):
            app.processEvents()  # nothing pending from before
            n = len(painted)
            s0 = time.perf_counter()
            window.seek(t)
            window.trace.viewport().repaint()  # the trace painted now, synchronously
            while len(painted) == n and time.perf_counter() - s0 < 5:
                app.processEvents()
            return (time.perf_counter() - s0) * 1000.0

        cold = [seek_ms(float(t)) for t in rng.uniform(seconds * 0.5, seconds, 5)]
        a0 = time.perf_counter()
        an = pipeline.analysis
        while not an.finished and time.perf_counter() - a0 < 600:
            app.processEvents()
            time.sleep(0.01)  # the benchmark waits for the background thread (not a test)
        analysis_s = time.perf_counter() - a0 + 0.0
        warm = [seek_ms(float(t)) for t in rng.uniform(0.0, seconds, SEEKS)]
        rss = max(_current_rss_mb(), 0.0)
        peak = _rss_mb()
        window.close()
        del pipeline, window
        QApplication.processEvents()
        for _ in range(2):  # best of three opens (a busy machine only ever makes it slower)
            again, _p, w, _m = open_once()
            open_s = min(open_s, again)
            w.close()
            del _p, w
            QApplication.processEvents()
    return {
        "replay_open_s": round(open_s, 3),
        "replay_seek_ms": round(statistics.median(warm), 1),
        "replay_seek_max_ms": round(max(warm), 1),
        "replay_seek_cold_ms": round(statistics.median(cold), 1),
        "replay_analysis_s": round(analysis_s, 1),
        "replay_rss_mb": round(rss, 1),
        "replay_peak_rss_mb": round(peak, 1),
        "replay_seconds_of_data": seconds,
    }


if __name__ == "__main__":
    import json

    print(json.dumps(run(quick="--quick" in sys.argv), indent=1))
