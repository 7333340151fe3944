"""The reader thread against bytes the test controls: a pty whose far end the test writes.

Bytes come from the simulator's firmware rendered offline (``Firmware.render``: exact fault
counts, no timing luck) or are written by hand, and go through a real pseudo-terminal and
pyserial into the Reader. Real-time behaviour (disconnects, polling, the '#ID' conversation)
is in test_sensor_link.py.
"""

from __future__ import annotations

import os
import queue
import threading
import time
import tty
import numpy as np
import pytest

from firmware_sim import Firmware
from pressure.acquisition import Reader, parse_id
from pressure.buffer import RingBuffer
from pressure.calibration import Calibration
from pressure.errors import PressureError
from pressure.samples import (FLAG_GAP_BEFORE, FLAG_RESTART, FLAG_SATURATED, FORCE_UNITS)
from pressure.transport import PortError


def LinearCal(sensor_id, zero, scale, raw_unit="counts"):
    return Calibration(sensor_id=sensor_id, zero=zero, scale=scale, raw_unit=raw_unit)


def sim_cal(fw: Firmware) -> LinearCal:
    return LinearCal("test", fw.offset, 1.0 / fw.counts_per_n)


def wait_until(predicate, timeout=10.0, buffer=None):
    """Poll ``predicate`` until true or the deadline; waits on the buffer (or an event) between."""
    end = time.monotonic() + timeout
    idle = threading.Event()
    while True:
        if predicate():
            return True
        if time.monotonic() > end:
            return False
        if buffer is not None:
            buffer.wait(buffer.total, 0.02)
        else:
            idle.wait(0.01)


class PtyDevice:
    """The device end of a pseudo-terminal: ``send`` is what the device writes."""

    def __init__(self):
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        self.path = os.ttyname(self.slave)
        self._out: queue.Queue = queue.Queue()
        self._writer = threading.Thread(target=self._write_all, daemon=True)
        self._writer.start()

    def _write_all(self):
        while True:
            data = self._out.get()
            if data is None:
                return
            view = memoryview(data)
            while view:
                try:
                    view = view[os.write(self.master, view):]
                except OSError:
                    return

    def send(self, data: bytes):
        self._out.put(bytes(data))

    def close(self):
        self._out.put(None)
        for fd in (self.master, self.slave):
            try:
                os.close(fd)
            except OSError:
                pass


@pytest.fixture
def device():
    dev = PtyDevice()
    yield dev
    dev.close()


def all_samples(buffer):
    block, _, lost = buffer.read_since(0)
    assert lost == 0
    return block


def sample_times(fw: Firmware, n: int) -> np.ndarray:
    """Device times of the first n samples after power-up (the schedule starts at k = 1)."""
    return np.arange(1, n + 1) / fw.rate


# -- every format, from the simulator's encoder ------------------------------------------------

FORMAT_CASES = [
    ("pressure", {}),
    ("number", {}),
    ("plotter", {}),
    ("hx711", {"unit": "kg"}),
    ("gauge", {"unit": "lbf"}),
]


@pytest.mark.parametrize("detect", [False, True], ids=["named", "auto"])
@pytest.mark.parametrize("fmt,opts", FORMAT_CASES, ids=[c[0] for c in FORMAT_CASES])
def test_every_format_arrives_in_newtons(device, run_reader, fmt, opts, detect):
    fw = Firmware(profile="trapezoid", fmt=fmt, rate=100, noise_counts=0, hum_counts=0, **opts)
    n = 400  # 4 s: the ramp from rest towards 40 N
    data = fw.render(n)
    cal = sim_cal(fw) if fmt == "pressure" else None
    reader, buffer = run_reader(device.path, fmt="auto" if detect else fmt, calibration=cal)
    device.send(data)
    assert wait_until(lambda: reader.stats().samples >= n, buffer=buffer), reader.stats()
    stats = reader.stats()
    assert stats.samples == n and stats.bad_lines == 0 and stats.checksum_errors == 0
    assert stats.format == fmt
    block = all_samples(buffer)
    expected = fw.true_force(sample_times(fw, n))
    # what the device printed is rounded: 0.01 of its unit (0.001 for number), 1 count for raw
    resolution = {"number": 0.001, "pressure": 1 / fw.counts_per_n}.get(fmt, 0.01) * FORCE_UNITS[fw.unit]
    np.testing.assert_allclose(block.force_n, expected, atol=resolution + 1e-9)
    assert expected.max() - expected.min() > 10  # the check saw a real range of forces
    assert np.all(np.diff(block.t) > 0)
    assert not np.isnan(block.force_n).any()


# -- hand-written bytes ------------------------------------------------------------------------

def own_line(seq, us, raw, corrupt=False):
    body = f"S{seq},{us},{raw}".encode()
    check = 0
    for b in body:
        check ^= b
    return body + b"*%02x\r\n" % (check ^ (1 if corrupt else 0))


HAND_WRITTEN = [
    ("pressure", own_line(7, 1000, 500) + b"#OK START\r\n" + own_line(8, 2000, -100)
     + b"S9,3000,12*ZZ\r\n" + own_line(10, 4000, 8388607) + own_line(11, 5000, 0, corrupt=True)
     + own_line(13, 7000, 42),
     [500, -100, 8388607, 42], 1, 1),
    ("number", b"1.5\r\n-2.25\r\nnot a number\r\n\r\n3e1\n", [1.5, -2.25, 30.0], 1, 0),
    ("plotter", b"force:12.5,raw:4567\r\nforce:13\traw:1\r\nforce:x,raw:2\r\n", [12.5, 13.0], 1, 0),
    ("hx711", b"HX711 Demo\r\nReading: 1.00 kg\r\none reading:\t-0.5\t| average:\t0.0\r\n",
     [9.80665, -0.5], 0, 0),
    ("gauge", b"4.285 N\r-18.78 lbF\r+12.34NTO\r", [4.285, -18.78 * 4.4482216152605, 12.34], 0, 0),
]


@pytest.mark.parametrize("fmt,data,values,bad,checksum", HAND_WRITTEN, ids=[c[0] for c in HAND_WRITTEN])
def test_hand_written_bytes(device, run_reader, fmt, data, values, bad, checksum):
    cal = LinearCal("hand", 0.0, 1.0) if fmt == "pressure" else None
    # split the bytes anywhere: the reader must not care where a chunk ends
    reader, buffer = run_reader(device.path, fmt=fmt, calibration=cal)
    for i in range(0, len(data), 7):
        device.send(data[i:i + 7])
    assert wait_until(lambda: reader.stats().samples >= len(values)
                      and reader.stats().bad_lines + reader.stats().checksum_errors >= bad + checksum,
                      buffer=buffer), reader.stats()
    stats = reader.stats()
    block = all_samples(buffer)
    np.testing.assert_allclose(block.force_n, values, rtol=1e-9)
    assert stats.bad_lines == bad and stats.checksum_errors == checksum
    assert not np.isnan(block.force_n).any()
    if fmt == "pressure":
        # seq 9 (bad), 11 (checksum) and 12 (never sent) are missing before 13
        assert stats.lost_samples == 3
        assert block.flags[-1] & FLAG_GAP_BEFORE and block.flags[2] & FLAG_SATURATED
        assert stats.saturated == 1
        np.testing.assert_allclose(block.t, [0.0, 0.001, 0.003, 0.006])


# -- faults ------------------------------------------------------------------------------------

def test_line_faults_are_counted_exactly_and_never_become_numbers(device, run_reader):
    fw = Firmware(profile="hold", rate=1000, seed=3,
                  faults="garbage=0.02,cut=0.02,drop=0.01,checksum=0.02,lose=0.01")
    data = fw.render(5000)
    reader, buffer = run_reader(device.path, fmt="pressure", calibration=sim_cal(fw))
    device.send(data)
    delivered = fw.stats["samples"] - fw.stats["lost_samples"]
    assert wait_until(lambda: reader.stats().samples >= delivered, buffer=buffer), (reader.stats(), fw.stats)
    stats = reader.stats()
    assert fw.stats["garbage"] > 0 and fw.stats["cut"] > 0 and fw.stats["checksum"] > 0
    assert stats.samples == delivered
    assert stats.lost_samples == fw.stats["lost_samples"]  # every missing line, by sequence
    assert stats.checksum_errors >= fw.stats["checksum"]
    assert stats.bad_lines + stats.checksum_errors == (
        fw.stats["garbage"] + fw.stats["cut"] + fw.stats["dropped"] + fw.stats["checksum"])
    block = all_samples(buffer)
    assert np.isfinite(block.force_n).all() and np.isfinite(block.t).all()
    assert np.all(np.diff(block.t) > 0)
    assert abs(block.force_n).max() < 100  # no garbage turned into a huge number


def test_stall_is_marked_as_a_gap_without_loss(device, run_reader):
    fw = Firmware(profile="hold", rate=1000, faults="stall=0.5:0.4")
    reader, buffer = run_reader(device.path, fmt="pressure", calibration=sim_cal(fw))
    device.send(fw.render(1500))
    sent = fw.stats["samples"]
    assert wait_until(lambda: reader.stats().samples >= sent, buffer=buffer)
    stats = reader.stats()
    assert stats.stalls == 1 and stats.gaps == 1 and stats.lost_samples == 0
    block = all_samples(buffer)
    i = int(np.flatnonzero(block.flags & FLAG_GAP_BEFORE)[0])
    assert abs((block.t[i] - block.t[i - 1]) - 0.401) < 0.0015


def test_saturated_readings_are_flagged(device, run_reader):
    fw = Firmware(profile="hold", rate=1000, faults="saturate=0.2:0.1")
    reader, buffer = run_reader(device.path, fmt="pressure", calibration=sim_cal(fw))
    device.send(fw.render(500))
    sent = fw.stats["samples"]
    assert wait_until(lambda: reader.stats().samples >= sent, buffer=buffer)
    block = all_samples(buffer)
    flagged = (block.flags & FLAG_SATURATED) > 0
    assert flagged.sum() == fw.stats["saturated"] == reader.stats().saturated > 50
    assert np.all(block.raw[flagged] == 8388607)


def test_device_restart_is_counted_and_time_keeps_increasing(device, run_reader):
    fw = Firmware(profile="hold", rate=1000, faults="restart=0.6", micros_start=123_456_789)
    reader, buffer = run_reader(device.path, fmt="pressure", calibration=sim_cal(fw))
    device.send(fw.render(1500))
    sent = fw.stats["samples"]
    assert wait_until(lambda: reader.stats().samples >= sent, buffer=buffer)
    stats = reader.stats()
    assert stats.restarts == 1 and stats.lost_samples == 0
    block = all_samples(buffer)
    restarted = np.flatnonzero(block.flags & FLAG_RESTART)
    assert restarted.tolist() == [600]
    assert block.flags[600] & FLAG_GAP_BEFORE
    assert np.all(np.diff(block.t) > 0)


def test_clock_wrap_keeps_time_increasing(device, run_reader):
    fw = Firmware(profile="hold", rate=1000, micros_start=(1 << 32) - 300_000)
    reader, buffer = run_reader(device.path, fmt="pressure", calibration=sim_cal(fw))
    device.send(fw.render(1000))
    sent = fw.stats["samples"]
    assert wait_until(lambda: reader.stats().samples >= sent, buffer=buffer)
    block = all_samples(buffer)
    np.testing.assert_allclose(np.diff(block.t), 1e-3, atol=1e-9)
    assert reader.stats().restarts == 0 and reader.stats().gaps == 0


def test_raw_counts_without_any_calibration_are_reported_uncalibrated(device, run_reader):
    fw = Firmware(profile="hold", rate=1000)
    reader, buffer = run_reader(device.path, fmt="pressure")
    device.send(fw.render(200))  # nobody answers '#ID' on this pty
    assert wait_until(lambda: reader.stats().samples >= 200, buffer=buffer)
    stats = reader.stats()
    assert stats.calibrated is False
    block = all_samples(buffer)
    assert np.array_equal(block.force_n, block.raw)


def test_set_calibration_applies_to_new_samples(device, run_reader):
    reader, buffer = run_reader(device.path, fmt="number")
    device.send(b"1.0\n2.0\n")
    assert wait_until(lambda: reader.stats().samples >= 2, buffer=buffer)
    reader.set_calibration(LinearCal("x", 1.0, 10.0, raw_unit="N"))
    assert reader.calibration.scale == 10.0
    device.send(b"3.0\n")
    assert wait_until(lambda: reader.stats().samples >= 3, buffer=buffer)
    np.testing.assert_allclose(all_samples(buffer).force_n, [1.0, 2.0, 20.0])


# -- the port ----------------------------------------------------------------------------------

def test_unreachable_port_fails_at_start(tmp_path):
    reader = Reader(str(tmp_path / "no-such-port"), RingBuffer(16))
    with pytest.raises(PortError, match="cannot open"):
        reader.start()


def test_unreachable_port_with_retry_keeps_trying_and_stops_promptly(tmp_path):
    states = []
    reader = Reader(str(tmp_path / "no-such-port"), RingBuffer(16))
    reader.add_status_listener(lambda s: states.append(s.state))
    reader.start(retry=True)
    assert wait_until(lambda: reader.stats().error is not None)
    reader.stop()
    assert reader.join(1.0)
    assert reader.stats().state == "stopped" and "cannot open" in reader.stats().error
    assert "connecting" in states


def test_stop_returns_promptly_while_waiting_for_bytes(device, run_reader):
    reader, _ = run_reader(device.path, fmt="number")
    assert wait_until(lambda: reader.stats().state == "streaming")
    began = time.monotonic()
    reader.stop()
    assert reader.join(1.0)
    assert time.monotonic() - began < 1.0
    assert reader.stats().state == "stopped" and not reader.stats().connected


def test_read_interval_gathers_lines_and_counts_the_wait_as_latency(device, run_reader):
    """With read_interval the reader holds a chunk until the interval has passed since its first
    bytes: everything that came meanwhile is one block, stamped with the first bytes' moment."""
    reader, buffer = run_reader(device.path, fmt="number", read_interval=0.05)
    assert wait_until(lambda: reader.stats().state == "streaming")
    sent = time.monotonic()
    device.send(b"1.5\n")
    device.send(b"2.5\n3.5\n")
    assert wait_until(lambda: buffer.total >= 3, buffer=buffer)
    seen = time.monotonic()
    block = all_samples(buffer)
    np.testing.assert_allclose(block.force_n, [1.5, 2.5, 3.5])
    assert sent <= block.arrival.min()
    assert seen - block.arrival.min() >= 0.05  # the wait is inside the latency, not hidden


# The pacing rule on a made-up clock: ``hold_until(arrival, now, due)`` with given times.

def _rule():
    from pressure.acquisition import PacingRule

    return PacingRule(read_interval=0.02)


def test_without_a_consumer_on_a_clock_lines_are_held_the_read_interval():
    hold = _rule().hold_until
    assert hold(99.0, 99.0, None) == 99.0 + 0.02
    assert hold(99.0, 99.0, 0.0) == 99.0 + 0.02  # 0: the consumer does not know


def test_a_consumer_that_says_when_it_reads_gets_the_chunk_just_before():
    from pressure.acquisition import HOLD_LEAD_S

    hold = _rule().hold_until
    assert hold(99.99, 99.99, 100.0) == 100.0 - HOLD_LEAD_S  # until just before the read
    assert hold(99.99, 99.995, 100.0) == 100.0 - HOLD_LEAD_S  # woken early: still that moment
    assert hold(99.90, 99.90, 100.0) == 99.90 + 0.02  # the read is further off than read_interval


def test_lines_after_the_hand_off_wait_for_the_next_read_to_be_named():
    from pressure.acquisition import HOLD_LEAD_S, POLL_GRACE_S

    hold = _rule().hold_until
    late = 100.0 - HOLD_LEAD_S + 0.0005  # came after the hand-off point of the read at 100
    assert hold(late, late, 100.0) == 100.0 + POLL_GRACE_S  # missed this read: wait past it
    # the consumer read at 100 and named its next read: they go on with that read's lines ...
    assert hold(late, 100.0 + POLL_GRACE_S, 100.016) == 100.016 - HOLD_LEAD_S
    # ... and read_interval still caps the hold
    assert hold(late, 100.0 + POLL_GRACE_S, 116.0) == late + 0.02


def test_lines_after_the_hand_off_go_on_when_no_next_read_is_named():
    from pressure.acquisition import POLL_GRACE_S

    hold = _rule().hold_until
    late = 100.0 - 0.001
    # the grace is over and the consumer named nothing new (it is late): hand on now
    assert hold(late, 100.0 + POLL_GRACE_S, 100.0) == 100.0 + POLL_GRACE_S


def test_a_late_consumer_still_gets_samples_promptly_but_not_a_wake_up_per_line():
    from pressure.acquisition import HOLD_MIN_S

    hold = _rule().hold_until
    assert hold(100.1, 100.1, 100.0) == 100.1 + HOLD_MIN_S
    assert hold(100.1, 100.105, 100.0) == 100.105  # past that already: at once


def test_a_consumer_that_stopped_reading_on_its_clock_is_forgotten():
    from pressure.acquisition import PACE_FORGOTTEN_S

    hold = _rule().hold_until
    gone = 100.0 + PACE_FORGOTTEN_S + 1.0
    assert hold(gone, gone, 100.0) == gone + 0.02
    just = 100.0 + PACE_FORGOTTEN_S - 0.01  # not yet forgotten: late, so on after HOLD_MIN_S
    assert hold(just, just, 100.0) < just + 0.02


def test_the_reader_asks_the_pace_it_was_given(device, run_reader):
    """``Reader.pace`` reaches the reader thread: with a 30 s read_interval a line still goes on
    when the consumer's named read has passed, and the thread asked the consumer's callable."""
    asked = []

    def next_read_at():
        asked.append(True)
        return time.monotonic() - 0.1  # a late consumer

    reader, buffer = run_reader(device.path, fmt="number", read_interval=30.0)
    reader.pace(next_read_at)
    assert wait_until(lambda: reader.stats().state == "streaming")
    device.send(b"4.0\n")
    assert wait_until(lambda: buffer.total >= 1, buffer=buffer)
    assert asked and all_samples(buffer).force_n[0] == 4.0


def test_stop_returns_promptly_during_a_read_interval(device, run_reader):
    reader, buffer = run_reader(device.path, fmt="number", read_interval=30.0)
    assert wait_until(lambda: reader.stats().state == "streaming")
    device.send(b"1.0\n")
    began = time.monotonic()
    reader.stop()
    assert reader.join(1.0)
    assert time.monotonic() - began < 1.0


def test_polling_writes_the_request_at_the_rate(device, run_reader):
    began = time.monotonic()  # before the reader exists: no poll can be older than this
    reader, _ = run_reader(device.path, fmt="gauge", poll=b"?\r", poll_rate=100.0)
    got = bytearray()
    os.set_blocking(device.master, False)

    def polled():
        try:
            got.extend(os.read(device.master, 4096))
        except BlockingIOError:
            pass
        return got.count(b"?\r") >= 20

    assert wait_until(polled)
    elapsed = time.monotonic() - began
    assert got.count(b"?\r") <= 2 + elapsed * 100.0  # never faster than asked
    assert set(bytes(got)) <= set(b"?\r")


def test_gathering_replies_does_not_slow_the_polling(device, run_reader):
    """A polled gauge answers every request; with a long read_interval the reader must still
    send the requests at the poll rate (it gathers replies only until the next request is due)."""
    reader, _ = run_reader(device.path, fmt="gauge", poll=b"?\r", poll_rate=50.0, read_interval=1.0)
    got = bytearray()
    os.set_blocking(device.master, False)

    def answered():
        try:
            data = os.read(device.master, 4096)
        except BlockingIOError:
            data = b""
        got.extend(data)
        for _ in range(data.count(b"?\r")):
            os.write(device.master, b"12.5 N\r\n")
        return got.count(b"?\r") >= 25

    began = time.monotonic()
    assert wait_until(answered, timeout=20.0)
    assert time.monotonic() - began < 5.0  # 25 requests at 50/s: 0.5 s, not 25 one-second holds


@pytest.mark.parametrize("kwargs,message", [
    ({"fmt": "csv"}, "unknown format"),
    ({"poll_rate": 5.0}, "poll request"),
    ({"poll": b"?\r"}, "poll rate"),
    ({"poll": b"?\r", "poll_rate": -1.0}, "poll rate"),
])
def test_bad_reader_settings_are_clear_errors(kwargs, message):
    with pytest.raises(PressureError, match=message):
        Reader("loop://", RingBuffer(16), **kwargs)


def test_send_without_a_port_is_a_clear_error():
    with pytest.raises(PressureError, match="not connected"):
        Reader("loop://", RingBuffer(16)).send("TARE")


def test_parse_id():
    info = parse_id("ID model=pressure-sim fw=1.0 serial=SIM00042 rate=1000 counts_per_n=21000.0 offset=8400")
    assert info == {"model": "pressure-sim", "fw": "1.0", "serial": "SIM00042", "rate": "1000",
                    "counts_per_n": "21000.0", "offset": "8400"}


@pytest.mark.parametrize("whole", [True, False], ids=["one-chunk", "banner-alone"])
def test_a_text_device_printing_its_banner_again_has_restarted(device, run_reader, whole):
    fw = Firmware(profile="hold", fmt="hx711", rate=80, faults="restart=1.0")
    reader, buffer = run_reader(device.path, fmt="hx711")
    data = fw.render(200)
    sent = fw.stats["samples"]
    if whole:
        # a burst: the banner may arrive in the same chunk as samples before and after it
        device.send(data)
    else:
        # as from a real 80 Hz device: the samples before the restart arrive before the banner
        cut = data.index(b"HX711 scale demo", data.index(b"Reading"))
        device.send(data[:cut])
        assert wait_until(lambda: reader.stats().samples >= 80, buffer=buffer)
        device.send(data[cut:])
    assert wait_until(lambda: reader.stats().samples >= sent, buffer=buffer)
    stats = reader.stats()
    assert fw.stats["restarts"] == 1 and stats.restarts == 1 and stats.bad_lines == 0
    block = all_samples(buffer)
    marked = np.flatnonzero(block.flags & FLAG_RESTART)
    assert marked.tolist() == [80]  # 1 s at 80 samples/s, then the banner, then sample 81
    assert np.flatnonzero(block.flags & FLAG_GAP_BEFORE).tolist() == [80]
    assert np.all(np.diff(block.t) > 0)


def _own(seq, micros, raw):
    body = f"S{seq},{micros},{raw}".encode()
    x = 0
    for byte in body:
        x ^= byte
    return body + b"*%02X\r\n" % x


@pytest.mark.parametrize("given", [True, False], ids=["calibrated", "waiting-for-id"])
def test_boot_between_samples_restarts_the_sample_after_it(device, run_reader, given):
    """The device restarted right after its first sample: the sequence alone cannot tell (0
    again, clock moving on), the '#BOOT' can. Split anywhere, held for the '#ID' or not."""
    data = (_own(0, 100, 5) + b"#BOOT pressure-sim 1.0\r\n" + _own(0, 1200, 6)
            + _own(1, 2200, 7) + b"#BOOT pressure-sim 1.0\r\n" + _own(0, 300, 8) + _own(1, 1300, 9))
    cal = LinearCal("hand", 0.0, 1.0) if given else None
    reader, buffer = run_reader(device.path, fmt="pressure", calibration=cal)
    for i in range(0, len(data), 11):
        device.send(data[i:i + 11])
    assert wait_until(lambda: reader.stats().samples >= 5, buffer=buffer), reader.stats()
    stats = reader.stats()
    block = all_samples(buffer)
    assert block.raw.tolist() == [5, 6, 7, 8, 9]
    assert np.flatnonzero(block.flags & FLAG_RESTART).tolist() == [1, 3]
    assert stats.restarts == 2 and stats.lost_samples == 0 and stats.bad_lines == 0
    assert np.all(np.diff(block.t) > 0)


# -- the first samples of a sensor without a device clock ------------------------------------------

def test_first_lines_held_by_detection_keep_their_spacing_exactly():
    """Auto detection holds a 10 Hz gauge's first lines and hands them on as one burst; the
    reader tells the time base when their bytes began arriving (fake arrival times: exact)."""
    reader = Reader("loop://", RingBuffer(1024), fmt="auto")
    for k in range(10):
        reader.data_received(b"%.2f N\r" % (4.0 + k), 50.0 + 0.1 * k)
    block = all_samples(reader.buffer)
    assert reader.stats().format == "gauge" and len(block) == 10
    np.testing.assert_allclose(np.diff(block.t), 0.1, rtol=0.05)


def test_first_lines_of_a_slow_sensor_arrive_with_their_spacing(device, run_reader):
    """The same through a real pty: hand-written lines 0.1 s apart, read while detecting."""
    reader, buffer = run_reader(device.path, fmt="auto")
    assert wait_until(lambda: reader.stats().state == "streaming")
    done = threading.Event()

    def write_slowly():  # paces the writer only; the test waits on the buffer below
        for k in range(10):
            device.send(b"%.2f N\r" % (4.0 + k))
            if done.wait(0.1):
                return

    writer = threading.Thread(target=write_slowly, daemon=True)
    writer.start()
    try:
        assert wait_until(lambda: buffer.total >= 8, buffer=buffer)
    finally:
        done.set()
        writer.join(2.0)
    t = all_samples(buffer).t
    assert reader.stats().format == "gauge"
    assert np.diff(t[:8]).min() > 0.05, t[:8]  # not bunched 1 ms apart
