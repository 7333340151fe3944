"""Session time from the device clock (wrap, restarts, gaps, reconnects) and from arrival bursts."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from pressure.timebase import WRAP, ArrivalClock, DeviceClock


def device_samples(n, start_seq=0, start_us=0, interval_us=1000):
    seq = (start_seq + np.arange(n, dtype=np.int64)) % WRAP
    us = (start_us + interval_us * np.arange(n, dtype=np.int64)) % WRAP
    return seq, us


# -- DeviceClock -------------------------------------------------------------------------------

def test_continuous_stream_follows_the_device_clock_from_zero():
    seq, us = device_samples(500, start_seq=1042, start_us=70_512_345, interval_us=997)
    s = DeviceClock().stamp(seq, us)
    assert s.t[0] == 0.0
    np.testing.assert_allclose(np.diff(s.t), 997e-6, rtol=1e-9)
    assert s.lost == 0 and s.restarts == 0
    assert not s.gap_before.any() and not s.restart.any()


def test_clock_wrap_keeps_time_increasing_at_the_sample_interval():
    seq, us = device_samples(3000, start_us=WRAP - 1_234_567)
    assert (np.diff(us) < 0).any()  # the raw clock really wraps inside this run
    clock = DeviceClock()
    t = np.concatenate([clock.stamp(seq[i:i + 250], us[i:i + 250]).t for i in range(0, 3000, 250)])
    np.testing.assert_allclose(np.diff(t), 1e-3, rtol=1e-6)
    assert clock.restarts == 0 and clock.lost == 0


def test_sequence_wrap_is_not_a_restart():
    seq, us = device_samples(100, start_seq=WRAP - 50)
    s = DeviceClock().stamp(seq, us)
    assert s.restarts == 0 and s.lost == 0
    assert np.all(np.diff(s.t) > 0)


def test_sequence_gap_is_counted_and_flagged_on_the_next_sample():
    seq, us = device_samples(100)
    keep = np.ones(100, bool)
    keep[40:47] = False  # 7 samples lost on the way
    s = DeviceClock().stamp(seq[keep], us[keep])
    assert s.lost == 7
    assert np.flatnonzero(s.gap_before).tolist() == [40]
    # the device clock still places the sample after the gap where it was taken
    assert abs(s.t[40] - 47e-3) < 1e-9


def test_restart_begins_a_new_run_without_going_back_in_time():
    clock = DeviceClock()
    seq, us = device_samples(2000, start_us=5_000_000)
    first = clock.stamp(seq, us, arrival_s=100.0)
    seq2, us2 = device_samples(300, start_us=40)  # rebooted: seq 0, micros small
    second = clock.stamp(seq2, us2, arrival_s=103.0)  # 3 s later by the wall clock
    assert second.restarts == 1 and clock.restarts == 1
    assert second.restart[0] and second.gap_before[0] and not second.restart[1:].any()
    assert second.lost == 0  # a restart is not a count of lost samples
    assert second.t[0] > first.t[-1]
    # the chunk's last sample arrived ~3 s after the previous chunk's last sample
    assert abs((second.t[-1] - first.t[-1]) - 3.0) < 0.01
    np.testing.assert_allclose(np.diff(second.t), 1e-3, rtol=1e-6)


def test_restart_inside_one_chunk_is_found():
    seq1, us1 = device_samples(50, start_seq=900, start_us=9_000_000)
    seq2, us2 = device_samples(50, start_us=10)
    s = DeviceClock().stamp(np.concatenate([seq1, seq2]), np.concatenate([us1, us2]))
    assert s.restarts == 1
    assert np.flatnonzero(s.restart).tolist() == [50]
    assert np.all(np.diff(s.t) > 0)


def test_boot_message_forces_a_new_run_once():
    clock = DeviceClock()
    seq, us = device_samples(10, start_seq=5000, start_us=10_000_000)
    clock.stamp(seq, us)
    clock.mark_restart()
    seq2, us2 = device_samples(10)
    s = clock.stamp(seq2, us2)
    assert s.restarts == 1 and s.restart[0]


def test_boot_inside_a_chunk_begins_the_new_run_at_the_sample_after_it():
    """A '#BOOT' announced before sample 1 of a chunk, where the clock alone says nothing (a
    device that restarted right after its first sample: seq 0 again, its clock moved on)."""
    seq, us = np.array([0, 0, 1, 2]), np.array([100, 1200, 2200, 3200])
    plain = DeviceClock().stamp(seq, us)
    assert plain.restarts == 0  # without the message the restart goes unseen
    s = DeviceClock().stamp(seq, us, arrival_s=10.0, restart_at=[1])
    assert s.restarts == 1 and np.flatnonzero(s.restart).tolist() == [1]
    assert np.flatnonzero(s.gap_before).tolist() == [1] and s.lost == 0 and not s.clean
    assert np.all(np.diff(s.t) > 0)


def test_boot_after_the_last_sample_of_a_chunk_restarts_the_next_one():
    clock = DeviceClock()
    a = clock.stamp(*device_samples(5, start_us=100), restart_at=[5])
    assert a.restarts == 0 and a.clean
    b = clock.stamp(*device_samples(2, start_seq=5, start_us=5100))  # seq alone looks fine
    assert b.restarts == 1 and b.restart.tolist() == [True, False]


def test_boot_before_the_first_sample_ever_is_no_restart():
    s = DeviceClock().stamp(*device_samples(4), restart_at=[0])
    assert s.restarts == 0 and not s.gap_before.any()


class NumpyOnlyClock(DeviceClock):
    def _stamp_few(self, seq, us, arrival_s):
        return None


@st.composite
def device_stream(draw):
    """Chunks of (seq, us, arrival, events) with gaps, repeats, stalls, wraps, restarts."""
    seq, us, arrival = draw(st.integers(0, WRAP - 1)), draw(st.integers(0, WRAP - 1)), 100.0
    chunks = []
    for _ in range(draw(st.integers(1, 25))):
        n = draw(st.sampled_from([0, 1, 1, 2, 3, 3, 5, 16, 17, 40]))
        s_list, u_list = [], []
        for _ in range(n):
            kind = draw(st.sampled_from(["next"] * 12 + ["gap", "repeat", "stall", "restart",
                                                          "jitter"]))
            step_s, step_u = 1, 1000
            if kind == "gap":
                step_s = draw(st.integers(2, 50))
                step_u = 1000 * step_s
            elif kind == "repeat":
                step_s = 0
            elif kind == "stall":
                step_u = draw(st.integers(100_000, 2_000_000))
            elif kind == "jitter":
                step_u = draw(st.integers(0, 3000))
            if kind == "restart":
                seq, us = 0, draw(st.integers(0, 5000))
            else:
                seq, us = (seq + step_s) % WRAP, (us + step_u) % WRAP
            s_list.append(seq)
            u_list.append(us)
        arrival += draw(st.floats(0.0005, 2.0))
        event = draw(st.sampled_from([None] * 6 + ["reconnect", "boot"]))
        chunks.append((s_list, u_list, arrival, event))
    return chunks


@settings(max_examples=150, deadline=None)
@given(chunks=device_stream())
def test_few_samples_path_gives_what_the_numpy_path_gives(chunks):
    fast, slow = DeviceClock(), NumpyOnlyClock()
    for s_list, u_list, arrival, event in chunks:
        results = []
        for clock in (fast, slow):
            if event == "reconnect":
                clock.mark_reconnect(arrival - 0.1)
            elif event == "boot":
                clock.mark_restart()
            results.append(clock.stamp(np.array(s_list, np.int64), np.array(u_list, np.int64),
                                       arrival_s=arrival))
        a, b = results
        assert a.t.tolist() == b.t.tolist()  # to the bit
        assert a.t.dtype == b.t.dtype == np.float64
        assert a.gap_before.tolist() == b.gap_before.tolist()
        assert a.restart.tolist() == b.restart.tolist()
        assert (a.lost, a.restarts, a.stalls) == (b.lost, b.restarts, b.stalls)
        assert not a.clean or not (a.gap_before.any() or a.restart.any())
        assert (fast.interval, fast.last_t, fast.lost, fast.restarts) == \
            (slow.interval, slow.last_t, slow.lost, slow.restarts)


def test_reconnect_to_a_device_that_kept_running_counts_what_was_missed():
    clock = DeviceClock()
    seq, us = device_samples(1000, start_us=1_000_000)
    a = clock.stamp(seq, us, arrival_s=50.0)
    clock.mark_reconnect(50.4)
    seq2, us2 = device_samples(100, start_seq=1500, start_us=1_000_000 + 1500 * 1000)
    b = clock.stamp(seq2, us2, arrival_s=50.6)
    assert b.restarts == 0 and not b.restart.any()
    assert b.lost == 500 and b.gap_before[0]
    assert abs((b.t[0] - a.t[-1]) - 0.501) < 1e-9  # measured exactly by the device clock


def test_reconnect_with_an_inconsistent_clock_starts_a_new_run_forward():
    clock = DeviceClock()
    seq, us = device_samples(1000, start_us=1_000_000)
    a = clock.stamp(seq, us, arrival_s=50.0)
    clock.mark_reconnect(51.0)
    # seq moves forward, but the clock claims an hour passed while the wall clock says ~1 s
    seq2, us2 = device_samples(100, start_seq=2000, start_us=3_600_000_000)
    b = clock.stamp(seq2, us2, arrival_s=51.1)
    assert b.gap_before[0] and b.lost == 0
    assert b.t[0] > a.t[-1] and b.t[-1] - a.t[-1] < 2.0


@settings(max_examples=40, deadline=None)
@given(cuts=st.lists(st.integers(1, 1999), max_size=12, unique=True),
       start_us=st.integers(0, WRAP - 1), start_seq=st.integers(0, WRAP - 1))
def test_chunking_does_not_change_the_times(cuts, start_us, start_seq):
    seq, us = device_samples(2000, start_seq=start_seq, start_us=start_us, interval_us=1250)
    whole = DeviceClock().stamp(seq, us)
    clock = DeviceClock()
    bounds = [0, *sorted(cuts), 2000]
    parts = [clock.stamp(seq[a:b], us[a:b]) for a, b in zip(bounds[:-1], bounds[1:])]
    np.testing.assert_allclose(np.concatenate([p.t for p in parts]), whole.t, rtol=0, atol=1e-9)
    assert all(np.diff(whole.t) > 0)


# -- ArrivalClock ------------------------------------------------------------------------------

def bursty_arrivals(seconds, rate_hz, packet_s=0.016, jitter_s=0.003, seed=1):
    """(n, arrival) per burst: a USB chip forwarding whatever accumulated every ~16 ms."""
    rng = np.random.default_rng(seed)
    sample_times = np.arange(0.0, seconds, 1.0 / rate_hz)
    bursts, t, done = [], 10.0, 0
    while done < sample_times.size:
        t += packet_s + rng.uniform(-jitter_s, jitter_s)
        n = int(np.searchsorted(sample_times, t - 10.0, side="right")) - done
        if n > 0:
            bursts.append((n, t))
            done += n
    return bursts


def test_first_burst_starts_at_zero_and_is_spread_not_stacked():
    t = ArrivalClock().stamp(16, 5.0)
    assert t[0] == 0.0
    assert np.all(np.diff(t) > 0)


def test_bursts_are_spread_evenly_at_the_measured_rate():
    clock = ArrivalClock()
    times = np.concatenate([clock.stamp(n, a) for n, a in bursty_arrivals(10.0, 500.0)])
    assert np.all(np.diff(times) > 0)  # no burst shares one timestamp
    steady = np.diff(times[1000:])
    assert abs(np.median(steady) - 2e-3) < 2e-4
    assert abs(clock.interval - 2e-3) < 1e-4


def test_drift_against_arrival_time_stays_bounded():
    rate = 80.0 * 1.002  # an HX711 "80 Hz" board whose crystal runs 0.2 % fast
    clock = ArrivalClock(interval=1 / 80.0)  # told the nominal rate: must correct itself
    worst = 0.0
    origin = None
    for n, a in bursty_arrivals(120.0, rate, seed=3):
        t = clock.stamp(n, a)
        origin = a - t[-1] if origin is None else origin
        worst = max(worst, abs((a - origin) - t[-1]))
    assert worst < 0.1


def test_a_stall_jumps_to_arrival_time_instead_of_compressing():
    clock = ArrivalClock()
    for i in range(100):
        clock.stamp(10, 1.0 + 0.01 * (i + 1))
    before = clock.last_t
    t = clock.stamp(10, 1.0 + 0.01 * 100 + 2.0)  # two silent seconds
    assert clock.stalled
    assert t[0] - before > 1.9
    assert np.all(np.diff(t) > 0)


def test_reconnect_reanchors_forward():
    clock = ArrivalClock()
    for i in range(50):
        clock.stamp(5, 0.005 * (i + 1))
    last = clock.last_t
    clock.mark_reconnect(3.0)
    t = clock.stamp(5, 3.5)
    assert t[0] > last + 3.0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 64), st.floats(0.0, 0.3)), min_size=1, max_size=80))
def test_never_goes_backwards_whatever_the_arrivals(bursts):
    clock = ArrivalClock()
    arrival, last = 0.0, -np.inf
    for n, gap in bursts:
        arrival += gap
        t = clock.stamp(n, arrival)
        assert t.shape == (n,)
        assert t[0] > last
        assert np.all(np.diff(t) > 0)
        last = t[-1]


def test_device_stall_is_a_gap_but_not_a_loss():
    seq, us = device_samples(200)
    us = us.copy()
    us[100:] += 750_000  # the device took no samples for 0.75 s; its clock kept running
    s = DeviceClock().stamp(seq, us)
    assert s.lost == 0 and s.stalls == 1
    assert np.flatnonzero(s.gap_before).tolist() == [100]
    assert abs((s.t[100] - s.t[99]) - 0.751) < 1e-9


def test_a_slow_sensor_tracks_arrival_from_its_first_lines():
    clock = ArrivalClock()  # no rate given: the first lines come at 10 Hz, one per burst
    times, arrivals = [], []
    for k in range(40):
        arrival = 100.0 + 0.1 * k
        times.append(clock.stamp(1, arrival)[0])
        arrivals.append(arrival)
        assert not clock.stalled  # 100 ms between lines is this sensor's pace, not a stall
    lag = (np.array(arrivals) - arrivals[0]) - np.array(times)
    assert np.abs(lag).max() < 0.02
    assert abs(clock.interval - 0.1) < 0.01


def test_first_burst_held_back_keeps_the_spacing_it_arrived_with():
    # A 10 Hz sensor's first five lines were held while the format was detected: they began
    # arriving 0.4 s before they were handed over together.
    clock = ArrivalClock()
    t = clock.stamp(5, 10.4, first_arrival_s=10.0)
    np.testing.assert_allclose(np.diff(t), 0.1)
    later = np.concatenate([clock.stamp(1, 10.4 + 0.1 * k) for k in range(1, 6)])
    np.testing.assert_allclose(np.diff(np.concatenate([t, later])), 0.1, rtol=0.05)
