"""GUI figures: frame rate, sample-to-screen latency, CPU, and an optional memory soak.

Measured the way the program runs: the built-in simulator at 1000 S/s on a pty (in its own
process, as ``python main.py`` starts it), the real Reader thread, the real window (offscreen
here) with its training parts, recording on, a 30 s trace window.

* ``gui_fps``            frames painted per second by the trace view (60 Hz timer)
* ``gui_latency_ms_p99`` from a sample's arrival at the reader to the end of the first paint
  that shows it. The arrival is the moment the simulator wrote the sample's line to the port
  (it writes each line at its due time and logs that ``time.monotonic()`` by sequence number;
  the same clock in both processes): the bytes are then waiting at the reader's side.
  ``gui_latency_chunk_ms_*`` count from the reader's own stamp instead (``Block.arrival``: when
  the first bytes of the chunk holding the sample arrived, the same for the whole chunk), an
  upper bound: the reader gathers a frame's lines into one chunk, so most samples of a chunk
  arrived later than its stamp says
* ``gui_cpu_percent``    CPU time of the window's process (window, reader, recorder) per wall
  time, in percent of one core; ``gui_cpu_baseline_percent`` is the same process before the
  window opens (reader + recorder), so the window's own share is the difference;
  ``gui_sim_cpu_percent`` is the simulator's process (a real sensor costs nothing here)
* ``gui_frame_ms_p50`` / ``gui_frame_ms_p99``: a frame's work, from the start of the timer's
  tick (drain, filter, coach, update every panel) to the end of the trace's paint
* ``gui_bare_*``         fps, latency and CPU of the window without the training parts
  (score panel, summary, reference ghost) that ``python main.py`` installs; the figures
  without the prefix are measured with them, as users run it
* with ``soak_minutes``: ``soak_minutes``, ``soak_frames``, ``soak_rss_growth_mb`` (resident
  memory at the end minus after the warm-up) and ``soak_rss_growth_second_half_mb`` (the same
  over the second half only: one-off growth, such as caches filling or the end-of-routine
  summary, shows in the first half; a leak shows in both)
* ``machine_job_ms_p50`` / ``machine_job_ms_p99``: how steady the machine itself is, measured
  first with nothing else of ours running: the time of one fixed pure-Python job (~1 ms),
  started 60 times a second. On a quiet desktop the p99 is close to the p50; on a shared
  virtual machine a few per cent of jobs can take many times longer, and a frame that lands in
  such a moment is late by the same factor: that, not the program, then sets the latency p99.
* ``machine_slow_percent`` / ``machine_slow_every_s`` / ``machine_slow_longest_ms``: the same
  question asked continuously. A busy loop counts its turns in every 10 ms window, with nothing
  else of ours running; a window is *slow* when it got fewer than half the median turns (the
  machine ran this process at under half speed, whether the guest counts the lost time as steal
  or not). The share of slow windows, the median time between the starts of slow stretches
  (slow windows less than 200 ms apart are one stretch; null with fewer than two stretches), and
  the longest stretch. On a quiet machine the share is near 0; every frame in a slow stretch
  does its work at that speed.
"""

from __future__ import annotations

import logging
import math
import os
import resource
import tempfile
import time
from pathlib import Path

import numpy as np

from .reader import sequence_numbers

log = logging.getLogger(__name__)

RATE_HZ = 1000
WINDOW_S = 30.0
# The figures are taken over this long (after the warm-up). The p99 latency comes from a few
# rare slow frames, so a short window makes it vary between runs of the same code.
MEASURE_S = 30.0


def rss_mb() -> float:
    """Resident memory now (Linux /proc), else the peak (other systems)."""
    try:
        with open("/proc/self/statm") as fh:
            pages = int(fh.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / 2**20 if os.uname().sysname == "Darwin" else peak / 1024


def process_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) of another process (Linux /proc; NaN elsewhere)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return float("nan")


def machine_jitter(seconds: float = 5.0) -> dict:
    """p50 and p99 duration of a fixed ~1 ms pure-Python job started 60 times a second."""

    def job(n: int) -> int:
        total = 0
        for i in range(n):
            total += i * i
        return total

    n = 20_000
    began = time.perf_counter()
    job(n)
    n = max(1000, int(n * 0.001 / max(time.perf_counter() - began, 1e-6)))  # sized to about 1 ms
    durations = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        began = time.perf_counter()
        job(n)
        durations.append(time.perf_counter() - began)
        time.sleep(1 / 60)
    d = np.array(durations) * 1000
    return {"machine_job_ms_p50": round(float(np.percentile(d, 50)), 2),
            "machine_job_ms_p99": round(float(np.percentile(d, 99)), 2)}


SLOW_WINDOW_S = 0.010
SLOW_BELOW = 0.5       # a window with fewer than this share of the median turns is slow
SLOW_MERGE_S = 0.200   # slow windows closer than this belong to one stretch


def busy_loop_turns(seconds: float, window_s: float = SLOW_WINDOW_S) -> np.ndarray:
    """Turns of a busy loop (one clock read each) in every ``window_s`` window for ``seconds``."""
    windows = max(1, int(round(seconds / window_s)))
    clock = time.perf_counter
    began = clock()
    counts = [0] * windows  # a list: numpy item assignment would dominate the loop
    while True:
        i = int((clock() - began) / window_s)
        if i >= windows:
            break
        counts[i] += 1
    return np.array(counts, dtype=np.int64)


def slow_stretch_figures(turns: np.ndarray, window_s: float = SLOW_WINDOW_S) -> dict:
    """``machine_slow_*`` from the turns per window (see the module docstring)."""
    turns = np.asarray(turns, dtype=float)
    if turns.size == 0 or not np.median(turns) > 0:  # None: JSON's null (NaN is not JSON)
        return {"machine_slow_percent": None, "machine_slow_every_s": None, "machine_slow_longest_ms": None}
    slow = turns < SLOW_BELOW * np.median(turns)
    idx = np.flatnonzero(slow)
    starts, longest = [], 0.0
    if idx.size:
        # a new stretch begins where the previous slow window is SLOW_MERGE_S or more away
        breaks = np.flatnonzero(np.diff(idx) * window_s >= SLOW_MERGE_S) + 1
        first = np.concatenate([[0], breaks])
        last = np.concatenate([breaks - 1, [idx.size - 1]])
        starts = idx[first] * window_s
        longest = float(((idx[last] - idx[first] + 1) * window_s).max()) * 1000
    every = round(float(np.median(np.diff(starts))), 2) if len(starts) >= 2 else None
    return {"machine_slow_percent": round(100.0 * float(slow.mean()), 1),
            "machine_slow_every_s": every,
            "machine_slow_longest_ms": round(longest)}


def run(quick: bool = False, soak_minutes: float = 0.0) -> dict:
    """The window as ``python main.py`` shows it (with the training parts), then without them
    (``gui_bare_*``: the window alone, comparable with figures from before they existed)."""
    machine = machine_jitter(2.0 if quick else 10.0)
    machine.update(slow_stretch_figures(busy_loop_turns(2.0 if quick else 10.0)))
    result = run_window(quick, soak_minutes, training=True)
    result.update(machine)
    bare = run_window(quick, 0.0, training=False)
    result.update({f"gui_bare_{k[4:]}": v for k, v in bare.items()
                   if k in ("gui_fps", "gui_latency_ms_p50", "gui_latency_ms_p99", "gui_latency_chunk_ms_p99",
                            "gui_cpu_percent", "gui_frame_ms_p50", "gui_frame_ms_p99")})
    return result


def run_window(quick: bool = False, soak_minutes: float = 0.0, training: bool = True) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from ..acquisition import Reader
    from ..buffer import RingBuffer
    from ..filters import default_filter
    from ..recording import RecordingWriter
    from ..routine import get_routine
    from ..session.live import READ_INTERVAL_S, RING_CAPACITY
    from ..ui.app import qt_app, spin
    from ..ui.main_window import MainWindow
    from ..session.pipeline import Pipeline
    from ..session.recorder import Recorder
    from ..session.source import LiveSource
    from ..session.sim_process import SimProcess

    qt_app()
    folder = Path(tempfile.mkdtemp(prefix="pressure-bench-gui-"))
    send_log = folder / "sent.npy"
    host = SimProcess(profile="ischemic", rate=RATE_HZ, target_n=30.0, seed=1,  # as `python main.py` runs it
                      send_log=send_log)
    buffer = RingBuffer(RING_CAPACITY)
    reader = Reader(host.url, buffer, fmt="pressure", read_interval=READ_INTERVAL_S)  # as the window reads
    reader.start()
    source = LiveSource(reader, buffer, sensor="built-in simulator", on_stop=[host.stop])
    # the recorder reads the ring buffer on its own thread, so it runs (and counts) from here on
    recorder = Recorder(RecordingWriter(folder / "bench.pressure", {"unit": "N"}), source)
    # What the simulator, reader and recorder cost without any window: the rest is the window's.
    cpu0, wall0 = time.process_time(), time.monotonic()
    spin(1.0 if quick else 3.0)
    baseline = 100.0 * (time.process_time() - cpu0) / (time.monotonic() - wall0)
    pipeline = Pipeline(source, get_routine("ischemic"), default_filter(), recorder=recorder)
    window = MainWindow(pipeline, window_seconds=WINDOW_S)
    if training:  # as run_live installs them: score panel, summary at routine end, ghost
        from ..ui.training import install_training

        install_training(window)
    window.resize(1280, 720)
    window.show()

    pending: list[tuple[np.ndarray, np.ndarray]] = []
    shown: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # session time, chunk stamp, paint end
    frame_work: list[float] = []  # a tick's start to the end of the paint that follows it
    tick_started = [math.nan]

    def on_frame(frame) -> None:
        tick_started[0] = window.tick_started
        if frame.new:
            pending.append((frame.times, frame.arrivals))

    def on_paint(end: float) -> None:
        if math.isfinite(tick_started[0]):
            frame_work.append(end - tick_started[0])
            tick_started[0] = math.nan
        if pending:
            t = np.concatenate([p[0] for p in pending])
            shown.append((t, np.concatenate([p[1] for p in pending]), np.full(t.shape, end)))
            pending.clear()

    result: dict = {}
    try:
        # Warm up until the trace window is full (the steady state a session runs in).
        spin(2.0 if quick else WINDOW_S + 1.0)
        window.frame_hooks.append(on_frame)
        window.trace.paint_hooks.append(on_paint)
        frames0, ticks0 = window.trace.frames, window.frames
        cpu0, wall0, sim0 = time.process_time(), time.monotonic(), process_cpu_s(host.pid)
        spin(3.0 if quick else MEASURE_S)
        wall = time.monotonic() - wall0
        cpu = time.process_time() - cpu0
        sim_cpu = process_cpu_s(host.pid) - sim0
        window.frame_hooks.remove(on_frame)
        window.trace.paint_hooks.remove(on_paint)
        result.update({
            "gui_fps": round((window.trace.frames - frames0) / wall, 1),
            "gui_ticks_per_s": round((window.frames - ticks0) / wall, 1),
            "gui_cpu_percent": round(100.0 * cpu / wall, 1),
            "gui_cpu_baseline_percent": round(baseline, 1),  # reader + recorder, no window
            "gui_sim_cpu_percent": round(100.0 * sim_cpu / wall, 1),  # the simulator's own process
            "gui_samples_shown": int(pipeline.samples),
            # what a frame costs: typical, and in the rare slow frames that set the latency p99
            "gui_frame_ms_p50": _ms(np.percentile(frame_work, 50)) if frame_work else None,
            "gui_frame_ms_p99": _ms(np.percentile(frame_work, 99)) if frame_work else None,
        })
        if soak_minutes and soak_minutes > 0:
            rss0, frames0 = rss_mb(), window.trace.frames
            began = time.monotonic()
            end = began + soak_minutes * 60.0
            rss_half = None
            while time.monotonic() < end:
                spin(min(10.0, max(0.0, end - time.monotonic())))
                if rss_half is None and time.monotonic() - began >= soak_minutes * 30.0:
                    rss_half = rss_mb()
            rss1 = rss_mb()
            result.update({
                "soak_minutes": round(soak_minutes, 2),
                "soak_frames": int(window.trace.frames - frames0),
                "soak_rss_growth_mb": round(rss1 - rss0, 1),
                # caches that fill once, and the summary built when the routine ends, grow the
                # first half; a leak grows both halves alike
                "soak_rss_growth_second_half_mb": round(rss1 - (rss_half if rss_half is not None else rss0), 1),
            })
        window.close()
        source.stop()  # the reader, then the simulator: it writes its send log as it exits
        result.update(latency_figures(shown, reader, buffer, send_log))
    finally:
        window.close()
        source.stop()
        for f in folder.iterdir():
            f.unlink()
        folder.rmdir()
    return result


def latency_figures(shown, reader, buffer, send_log: Path) -> dict:
    """Per-sample latency percentiles from the simulator's send times and from the chunk stamps.

    ``shown``: (session times, chunk stamps, paint end) per painted frame; a sample's send time
    is found by its sequence number (:func:`~.reader.sequence_numbers`).
    """
    if not shown:
        return {"gui_latency_ms_p50": None, "gui_latency_ms_p99": None}
    t = np.concatenate([s[0] for s in shown])
    chunk = np.concatenate([s[1] for s in shown])
    end = np.concatenate([s[2] for s in shown])
    stats = reader.stats()
    result = {"gui_latency_chunk_ms_p50": _ms(np.nanpercentile(end - chunk, 50)),
              "gui_latency_chunk_ms_p99": _ms(np.nanpercentile(end - chunk, 99)),
              "gui_latency_lost_samples": int(stats.lost_samples)}
    try:
        sent = np.load(send_log)
    except (OSError, ValueError) as exc:
        log.warning("no send times from the simulator (%s): latency from chunk stamps only", exc)
        sent = np.empty((0, 2))
    if stats.last_seq is None or not len(sent) or not buffer.total:
        result.update(gui_latency_ms_p50=result["gui_latency_chunk_ms_p50"],
                      gui_latency_ms_p99=result["gui_latency_chunk_ms_p99"], gui_latency_matched=0.0)
        return result
    seq = sequence_numbers(t, RATE_HZ, float(buffer.latest(1).t[0]), stats.last_seq)
    order = np.argsort(sent[:, 0])
    sent_seq, sent_at = sent[order, 0].astype(np.int64), sent[order, 1]
    where = np.clip(np.searchsorted(sent_seq, seq), 0, len(sent_seq) - 1)
    found = sent_seq[where] == seq
    lat = end[found] - sent_at[where[found]]
    result.update({
        "gui_latency_ms_p50": _ms(np.percentile(lat, 50)) if lat.size else None,
        "gui_latency_ms_p99": _ms(np.percentile(lat, 99)) if lat.size else None,
        "gui_latency_matched": round(float(found.mean()), 4),  # shown samples with a send time
    })
    return result


def _ms(seconds) -> float:
    return round(float(seconds) * 1000, 1)
