"""Fresh from the first sample (issue 21 §6): bytes that waited in the port before the session
began are not live data. Connecting late to the emulated AVR showed 29.7 N at t=0, completed the
ramp step at once, then a 10.8 s phantom gap (a 51.2 s file for 40 s of real time). Also: the
recording's duration_s counts events after the last sample, and a disconnect in the last half
second before the session closes is written."""

import os

import numpy as np
import pytest

from pressure.calibration import Calibration
from pressure.filters import make_filter
from pressure.recording import RecordingWriter, open_recording
from pressure.routine import single_hold
from pressure.samples import Block
from pressure.session.pipeline import Pipeline
from pressure.session.recorder import Recorder
from pressure.session.source import LiveSource, SourceStats

from stale_port import CPN, fill_with_backlog, lines, pty_device  # noqa: F401 - pty_device is a fixture


def test_bytes_that_waited_before_the_connection_are_not_the_session(pty_device, run_reader, tmp_path):
    master, path = pty_device
    # 10 s pressed, sent while nobody read: more than the pty holds, so the rest waits in the
    # device's own buffer and follows the moment the port is opened (and flushed by pyserial)
    old = fill_with_backlog(master, path)
    reader, buffer = run_reader(path, fmt="pressure", calibration=Calibration("t", 0.0, 1 / CPN, "N"))
    old.join(5.0)
    writer = RecordingWriter(tmp_path / "late.pressure", {})
    source = LiveSource(reader, buffer)
    p = Pipeline(source, single_hold(30.0, "10%", 5.0), make_filter("none"), recorder=writer)
    os.write(master, lines(1060, 10_600_000, 200, 0.0))  # noqa: E501  # 10 s later: the live, resting sensor
    assert buffer.wait(0, 5.0)
    while p.samples < 200:
        buffer.wait(buffer.total, 0.5)
        p.tick()
    frame = p.tick()
    p.close()
    stats = reader.stats()
    assert stats.gaps == 0 and stats.samples == 200
    rec = open_recording(tmp_path / "late.pressure")
    assert rec.t[0] == 0.0 and rec.force_n.max() < 0.01  # no 29.7 N at t=0
    assert rec.meta["duration_s"] == pytest.approx(1.99, abs=1e-6)  # 2 s of samples, no phantom 10 s
    assert not [e for e in rec.events if e.kind == "gap"]
    assert frame.state.step.kind == "ramp"  # the ramp was not completed by old bytes


def test_duration_counts_events_after_the_last_sample(tmp_path):
    w = RecordingWriter(tmp_path / "d.pressure", {})
    t = np.arange(0, 5, 0.01)
    w.append(Block.make(t, t, t))
    w.add_event(7.0, "disconnected", "sensor disconnected")
    w.close()
    assert open_recording(tmp_path / "d.pressure").meta["duration_s"] == pytest.approx(7.0)


class StoppedAfterLoss:
    """A source whose port went away just before the session closed (the recorder had not looked
    since) and that was then stopped."""

    def __init__(self):
        from pressure.buffer import RingBuffer
        from pressure.session.source import Tap

        self.buffer = RingBuffer(1024)
        self.state, self.disconnected_at = "streaming", None

    def tap(self):
        from pressure.session.source import Tap

        return Tap(self.buffer)

    def stats(self):
        return SourceStats(sensor="s", connected=self.state == "streaming", state=self.state,
                           disconnected_at=self.disconnected_at)

    def sensor_meta(self):
        return None


def test_a_disconnect_in_the_last_half_second_is_written_at_close(tmp_path):
    source = StoppedAfterLoss()
    clock = [0.0]
    recorder = Recorder(RecordingWriter(tmp_path / "c.pressure", {}), source, clock=lambda: clock[0],
                        start=False)
    t = np.arange(1, 101) / 100
    source.buffer.append(Block.make(t, t, t))
    recorder._drain()  # the recorder looks: all well
    source.state, source.disconnected_at = "disconnected", 1.2
    clock[0] += 0.3   # within its half second between looks ...
    source.state = "stopped"  # ... the window closes: the reader is stopped first
    recorder.close()
    events = [e for e in open_recording(tmp_path / "c.pressure").events if e.kind == "disconnected"]
    assert [e.t for e in events] == [pytest.approx(1.2)]
