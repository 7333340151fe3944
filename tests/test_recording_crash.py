"""kill -9 in the middle of a recording: the file opens and at most about a second is lost."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

from pressure.recording import open_recording

# The child is a fake sensor feeding a RecordingWriter in real time: 1000 samples/s in 16 ms
# blocks, paced by the clock as a real sensor would be. After each block it reports on stdout
# how many samples it handed to the writer and how many the writer has committed.
CHILD = r"""
import sys, time
import numpy as np
from pressure.recording import RecordingWriter
from pressure.samples import Block

path = sys.argv[1]
rate, per = 1000, 16
w = RecordingWriter(path, {"labels": {"notes": "crash test"}})
start = time.monotonic()
k = 0
while True:
    i = k * per + np.arange(per)
    t = i / rate
    w.append(Block.make(t, i.astype(float), i * 0.5))
    k += 1
    print(w.samples_written, w.samples_committed, flush=True)
    delay = start + k * per / rate - time.monotonic()
    if delay > 0:
        time.sleep(delay)  # pacing of the fake sensor (this is the child, not a test wait)
"""

RATE = 1000


class Deadline:
    def __init__(self, seconds):
        self.end = time.monotonic() + seconds

    def left(self):
        left = self.end - time.monotonic()
        if left <= 0:
            pytest.fail("the recording child did not get far enough in time")
        return left


def test_kill_9_mid_recording_loses_at_most_a_second(tmp_path):
    path = tmp_path / "crash.pressure"
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    errors = tmp_path / "child-stderr.txt"
    with open(errors, "w") as err:
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(path)], stdout=subprocess.PIPE,
                                 stderr=err, text=True, env=env)
    lines: queue.Queue = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(x) for x in child.stdout], daemon=True)
    reader.start()
    written = committed = 0
    try:
        deadline = Deadline(30)
        while committed < 2 * RATE:
            if child.poll() is not None:
                pytest.fail(f"the recording child died: {errors.read_text()}")
            try:
                line = lines.get(timeout=min(0.5, deadline.left()))
            except queue.Empty:
                continue
            written, committed = map(int, line.split())
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        reader.join(timeout=10)
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    while not lines.empty():  # lines the child printed before it died
        written, committed = map(int, lines.get().split())

    rec = open_recording(path)
    n = len(rec)
    assert n >= committed, "a committed sample was lost"
    assert written - n <= RATE + 16, f"lost {written - n} samples, more than one second"
    assert rec.interrupted and rec.meta["labels"]["notes"] == "crash test"
    expect = np.arange(n, dtype=float)  # every sample that is there is intact and in order
    np.testing.assert_array_equal(rec.raw, expect)
    np.testing.assert_array_equal(rec.t, expect / RATE)
    assert os.path.exists(f"{path}-wal")  # it was read through the WAL and left as it was
