"""The instructor's window under a flood (part of the ``classroom`` group).

A rogue client on the broker sends 2,000 fake stations' status messages and 200,000 messages
(unique events and live values spread over them) as fast as one thread can hand them to the
dashboard model -- what paho's network thread does -- while the real window (offscreen) draws its
frames. Figures, in a process of its own so its memory is its own:

* ``classroom_flood_worst_frame_ms``: the longest window refresh during the flood and 2 s after.
* ``classroom_flood_frame_ms_p50``: the median refresh.
* ``classroom_flood_longest_gap_ms``: the longest time between two refreshes (due every 100 ms):
  how long the window did not answer, painting and layout included.
* ``classroom_flood_rss_growth_mb``: resident memory after the flood minus before it.
* ``classroom_flood_stations_shown``: tiles on screen at the end (the room's bound).
* ``classroom_flood_feed_s``: how long the flood took to hand over.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time

STATIONS = 2000
MESSAGES = 200_000


def _rss_mb() -> float:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def _flood_process(stations: int, messages: int) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import numpy as np

    from pressure.classroom import protocol
    from pressure.classroom.dashboard import Classroom
    from pressure.classroom.url import parse_url
    from pressure.ui.app import qt_app
    from pressure.ui.classroom_window import ClassroomWindow

    app = qt_app()
    room = Classroom(parse_url("mqtt://127.0.0.1:1/flood"))
    window = ClassroomWindow(room)
    window.resize(1280, 800)
    window.show()
    frames, starts = [], []
    refresh = window.refresh

    def timed_refresh():
        t0 = time.perf_counter()
        starts.append(t0)
        refresh()
        frames.append(time.perf_counter() - t0)

    window.timer.timeout.disconnect()
    window.timer.timeout.connect(timed_refresh)
    for _ in range(20):
        app.processEvents()
    rss0 = _rss_mb()
    frames.clear()
    starts.clear()
    done = threading.Event()
    fed = {}

    def feed():
        t0 = time.perf_counter()
        now = time.time()
        for i in range(stations):
            room.receive(f"pressure/v1/flood/fake{i}/status",
                         protocol.encode({"state": "online", "trainee": f"x{i}" * 20, "t": now}))
        for i in range(messages):
            name = f"fake{i % stations}"
            if i % 2:
                payload = protocol.encode({"kind": "marker", "seq": i, "sid": "ab", "text": "y" * 150})
                room.receive(f"pressure/v1/flood/{name}/event", payload)
            else:
                payload = protocol.encode({"t": i * 0.001, "value": float(i % 50), "unit": "N", "zone": "in",
                                           "step": "z" * 150})
                room.receive(f"pressure/v1/flood/{name}/live", payload)
        fed["s"] = time.perf_counter() - t0
        done.set()

    threading.Thread(target=feed, daemon=True).start()
    while not done.is_set():
        app.processEvents()
        time.sleep(0.002)
    end = time.monotonic() + 2.0  # the frames after: the remaining tiles are laid out
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.002)
    rss1 = _rss_mb()
    ms = np.array(frames) * 1000
    out = {"worst_frame_ms": round(float(ms.max()), 1) if ms.size else None,
           "frame_ms_p50": round(float(np.median(ms)), 1) if ms.size else None,
           "longest_gap_ms": round(float(np.diff(starts).max()) * 1000, 1) if len(starts) > 1 else None,
           "rss_growth_mb": round(rss1 - rss0, 1), "stations_shown": len(window.tiles),
           "feed_s": round(fed["s"], 2), "frames": int(ms.size)}
    window.close()
    print(json.dumps(out), flush=True)


def run(quick: bool = False) -> dict:
    stations, messages = (STATIONS, MESSAGES // 4) if quick else (STATIONS, MESSAGES)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run([sys.executable, "-c", "import sys; from pressure.benchmarks.classroom_flood import "
                           "_flood_process; _flood_process(int(sys.argv[1]), int(sys.argv[2]))",
                           str(stations), str(messages)], capture_output=True, text=True, env=env, timeout=600)
    if proc.returncode != 0:
        raise RuntimeError(f"the flood benchmark failed: {proc.stderr.strip().splitlines()[-1:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    return {f"classroom_flood_{k}": v for k, v in result.items() if k != "frames"}


if __name__ == "__main__":
    print(json.dumps(run(quick="--quick" in sys.argv)))
