"""Reader benchmarks: throughput through a real pty, the readline() baseline, and latency.

* ``reader_samples_per_s``: the project's own protocol, rendered by the simulator's firmware,
  written into a pseudo-terminal as fast as it takes it by a separate process (as a sensor
  is), read by :class:`Reader` (chunked reads, numpy parsing, device time base, calibration,
  ring buffer). Clock: from telling the writer to go to the last sample in the ring buffer.
* ``naive_readline_samples_per_s``: the same bytes from the same writer read with pyserial's ``readline()`` and a
  per-line split parse, the way most serial scripts do it (pyserial reads one byte per call).
* ``latency_ms_p50`` / ``latency_ms_p99``: the simulator host sends each sample at its due time
  (1000 samples/s, send times recorded by sequence number); latency is the time from that
  send to the reader handing the sample on (``Block.arrival``, taken just before the ring
  buffer append: read, parse, stamp and calibrate included). ``latency_consumer_ms_*`` adds
  waking a consumer that waits on the ring buffer (in this same process, so it also pays for
  the simulator's thread and the interpreter lock).
* ``reader_small_chunk_us``: the reader's own work on one chunk of 1-3 sample lines (parse,
  stamp, calibrate, flag, ring buffer), fed straight to it without a port: the fixed cost per
  chunk that the steady state at 1000 samples/s pays on every read. Best of three passes.
"""

from __future__ import annotations

import logging
import contextlib
import os
import shutil
import tempfile
import time
import tty

import numpy as np

log = logging.getLogger(__name__)

WARMUP_S = 0.25  # latency: samples of the first quarter second after connecting are not counted


def _pty():
    master, slave = os.openpty()
    tty.setraw(slave)
    return master, slave, os.ttyname(slave)


_WRITER_CHILD = (
    "import os, sys\n"
    "fd, path = int(sys.argv[1]), sys.argv[2]\n"
    "view = memoryview(open(path, 'rb').read())\n"
    "print('ready', flush=True)\n"
    "sys.stdin.readline()\n"
    "while view:\n"
    "    view = view[os.write(fd, view[: 1 << 16]):]\n"
)


def _writer_process(master: int, data: bytes, folder: str):
    """A separate process that writes ``data`` into the pty once told to (a sensor is another
    process: a writer thread here would share the reader's interpreter lock). Returns the
    started process, already loaded and waiting for a line on its stdin."""
    import subprocess
    import sys

    path = os.path.join(folder, "stream.bin")
    with open(path, "wb") as fh:
        fh.write(data)
    proc = subprocess.Popen([sys.executable, "-c", _WRITER_CHILD, str(master), path],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, pass_fds=(master,), text=True)
    if proc.stdout.readline().strip() != "ready":
        proc.kill()
        raise RuntimeError("the benchmark's writer process did not start")
    return proc


@contextlib.contextmanager
def _pty_stream(data: bytes):
    """A pty whose device side a separate writer process fills with ``data``: yields (path,
    go), where ``go()`` starts the writing and returns the start time. Cleans everything up."""
    master, slave, path = _pty()
    folder = tempfile.mkdtemp(prefix="pressure-bench-pty-")
    writer = None

    def go() -> float:
        t0 = time.perf_counter()
        writer.stdin.write("go\n")
        writer.stdin.flush()
        return t0

    try:
        writer = _writer_process(master, data, folder)
        yield path, go
    finally:
        if writer is not None:
            writer.kill()
            writer.wait()
            writer.stdin.close()  # its pipes too: an unclosed pipe is a ResourceWarning in tests
            writer.stdout.close()
        shutil.rmtree(folder, ignore_errors=True)
        for fd in (master, slave):
            os.close(fd)


def _render(n: int) -> tuple[bytes, object]:
    from firmware_sim import Firmware

    fw = Firmware(profile="hold", fmt="pressure", rate=10000, seed=1)
    return fw.render(n), fw


def reader_throughput(n: int) -> dict:
    from ..acquisition import Reader
    from ..buffer import RingBuffer
    from ..calibration import from_device

    data, fw = _render(n)
    buffer = RingBuffer(1 << 20)
    with _pty_stream(data) as (path, go):
        reader = Reader(path, buffer, fmt="pressure",
                        calibration=from_device(fw.counts_per_n, fw.offset, sensor_id="bench"))
        try:
            reader.start()
            # what waits in the port at connect is thrown away (a stale backlog): write after
            if not reader.wait_fresh(5.0):
                raise RuntimeError("the reader never connected to the pty")
            t0 = go()
            deadline = time.monotonic() + 120
            while buffer.total < n and time.monotonic() < deadline:
                buffer.wait(buffer.total, 0.1)
            elapsed = time.perf_counter() - t0
            got = buffer.total
        finally:
            reader.stop()
            reader.join(2)
            stats = reader.stats()
    return {
        "reader_samples_per_s": round(got / elapsed),
        "reader_samples": got,
        "reader_bytes_per_s": round(len(data) * got / n / elapsed),
        "reader_lost_samples": stats.lost_samples + stats.bad_lines + stats.checksum_errors,
    }


def naive_readline_throughput(n: int) -> dict:
    from .. import transport

    data, _ = _render(n)
    count = 0
    values = []  # parsed like a typical script would, so the baseline does the same work
    with _pty_stream(data) as (path, go):
        port = transport.open_port(path, timeout=0.5)
        try:
            t0 = go()
            while count < n:
                line = port.readline()  # the baseline on purpose: one byte per read() inside pyserial
                if not line:
                    break
                if line.startswith(b"S"):
                    body, _, _ = line.partition(b"*")
                    seq, micros, raw = body[1:].split(b",")
                    values.append((int(seq), int(micros), int(raw)))
                    count += 1
            elapsed = time.perf_counter() - t0
        finally:
            port.close()
    return {"naive_readline_samples_per_s": round(count / elapsed), "naive_readline_samples": count}


def small_chunk_cost(n_chunks: int) -> dict:
    """Microseconds of reader work per chunk of 1, 2 or 3 lines (no port, no thread)."""
    from ..acquisition import Reader
    from ..buffer import RingBuffer
    from ..calibration import from_device

    data, fw = _render(2 * n_chunks)
    lines = data.splitlines(keepends=True)
    chunks, i, k = [], 0, 0
    while i < len(lines) and len(chunks) < n_chunks:
        size = 1 + k % 3
        chunks.append(b"".join(lines[i:i + size]))
        i, k = i + size, k + 1
    best = float("inf")
    for _ in range(3):
        reader = Reader("bench://chunks", RingBuffer(1 << 16), fmt="pressure",
                        calibration=from_device(fw.counts_per_n, fw.offset, sensor_id="bench"))
        arrival = time.monotonic()
        t0 = time.perf_counter()
        for chunk in chunks:
            arrival += 0.002
            reader.data_received(chunk, arrival)
        best = min(best, (time.perf_counter() - t0) / len(chunks))
    return {"reader_small_chunk_us": round(best * 1e6, 1)}


def _serve_sim(conn, rate: int) -> None:
    """Child process: serve a simulated sensor, report its URL, then its send log when told."""
    from firmware_sim import Firmware, SimHost

    fw = Firmware(profile="hold", fmt="pressure", rate=rate, seed=2)
    host = SimHost(fw, transport="pty", record_send_times=True)
    conn.send(host.start())
    conn.recv()  # "stop"
    log_ = list(host.send_log)
    host.stop()
    conn.send((fw.counts_per_n, fw.offset, log_))


def sequence_numbers(t, rate: float, last_t: float, last_seq: int) -> np.ndarray:
    """The device's sequence numbers of the samples at session times ``t``, with none lost: the
    device clock counts ``1/rate`` a sample, and the newest sample (at ``last_t``) had ``last_seq``."""
    counted = np.rint(np.asarray(t, dtype=np.float64) * rate).astype(np.int64)
    return counted + (int(last_seq) - int(round(last_t * rate)))


def latency(seconds: float) -> dict:
    """Latency with the simulated device in its own process, as a real device would be.

    (A simulator thread in this process would compete for the interpreter lock with the
    reader and inflate the tail; time.monotonic() is the same clock in both processes.)
    """
    import multiprocessing

    from ..acquisition import Reader
    from ..buffer import RingBuffer
    from ..calibration import Calibration

    rate = 1000
    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_serve_sim, args=(child, rate), daemon=True)
    proc.start()
    if not parent.poll(30):
        proc.kill()
        raise RuntimeError("the simulator process did not start")
    url = parent.recv()
    buffer = RingBuffer(1 << 18)
    # counts only: a stand-in calibration keeps the first samples from waiting for '#ID'
    reader = Reader(url, buffer, fmt="pressure", calibration=Calibration(sensor_id="bench"))
    seen_t, seen_at, arrivals = [], [], []
    try:
        reader.start()
        cursor = buffer.total
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if not buffer.wait(cursor, 0.1):
                continue
            now = time.monotonic()  # the consumer has the samples in hand
            block, cursor, _ = buffer.read_since(cursor)
            seen_t.append(block.t)
            seen_at.append(np.full(len(block), now))
            arrivals.append(block.arrival)
    finally:
        reader.stop()
        reader.join(2)
        stats = reader.stats()
        parent.send("stop")
        sent = dict(parent.recv()[2]) if parent.poll(30) else {}
        proc.join(10)
    t = np.concatenate(seen_t)
    seen = np.concatenate(seen_at)
    arrival = np.concatenate(arrivals)
    seq = sequence_numbers(t, rate, float(buffer.latest(1).t[0]), stats.last_seq)
    keep = np.array([s in sent for s in seq.tolist()])
    # Steady state only: the first samples waited in the pty while the reader was opening it.
    keep &= t >= t[0] + WARMUP_S
    send = np.array([sent[s] for s in seq[keep].tolist()])
    handed = (arrival[keep] - send) * 1e3    # to the reader's hand-off (Block.arrival)
    consumer = (seen[keep] - send) * 1e3     # ... and to a waiting consumer having it
    return {
        "latency_ms_p50": round(float(np.percentile(handed, 50)), 3),
        "latency_ms_p99": round(float(np.percentile(handed, 99)), 3),
        "latency_ms_max": round(float(handed.max()), 3),
        "latency_consumer_ms_p50": round(float(np.percentile(consumer, 50)), 3),
        "latency_consumer_ms_p99": round(float(np.percentile(consumer, 99)), 3),
        "latency_samples": int(keep.sum()),
        "latency_lost_samples": stats.lost_samples,
    }


def run(quick: bool = False) -> dict:
    # Other processes on the machine change these figures a lot: say how busy it was.
    result = {"reader_load_avg_1min": round(os.getloadavg()[0], 2)}
    result.update(reader_throughput(200_000 if quick else 2_000_000))
    result.update(naive_readline_throughput(20_000 if quick else 100_000))
    result["reader_vs_readline"] = round(result["reader_samples_per_s"]
                                         / max(1, result["naive_readline_samples_per_s"]), 1)
    result.update(small_chunk_cost(3_000 if quick else 30_000))
    result.update(latency(2.0 if quick else 5.0))
    return result
