"""RingBuffer: the one hand-off between the reader thread and its consumers."""

import threading

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pressure.buffer import RingBuffer
from pressure.samples import Block


def block(start, n):
    t = np.arange(start, start + n, dtype=float)
    return Block.make(t, t * 2, t * 3, flags=(t % 2).astype(np.uint8), arrival=t + 0.5)


def test_reads_what_was_written_in_order():
    rb = RingBuffer(100)
    rb.append(block(0, 30))
    rb.append(block(30, 20))
    got, cursor, lost = rb.read_since(0)
    assert cursor == 50 and lost == 0
    np.testing.assert_array_equal(got.t, np.arange(50))
    np.testing.assert_array_equal(got.raw, np.arange(50) * 2)
    np.testing.assert_array_equal(got.arrival, np.arange(50) + 0.5)


def test_slow_consumer_is_told_how_much_it_lost():
    rb = RingBuffer(10)
    rb.append(block(0, 7))
    rb.append(block(7, 8))  # wraps and overwrites the oldest five
    got, cursor, lost = rb.read_since(0)
    assert lost == 5 and cursor == 15
    np.testing.assert_array_equal(got.t, np.arange(5, 15))


def test_block_larger_than_capacity_keeps_newest():
    rb = RingBuffer(4)
    rb.append(block(0, 10))
    got, cursor, lost = rb.read_since(0)
    assert cursor == 10 and lost == 6
    np.testing.assert_array_equal(got.t, [6, 7, 8, 9])


def test_two_consumers_have_independent_cursors():
    rb = RingBuffer(64)
    rb.append(block(0, 10))
    a, ca, _ = rb.read_since(0)
    rb.append(block(10, 5))
    b, cb, _ = rb.read_since(0)
    a2, ca2, _ = rb.read_since(ca)
    assert len(a) == 10 and len(b) == 15 and len(a2) == 5 and ca2 == cb == 15


def test_latest_and_max_samples():
    rb = RingBuffer(8)
    rb.append(block(0, 12))
    np.testing.assert_array_equal(rb.latest(3).t, [9, 10, 11])
    got, cursor, _ = rb.read_since(rb.total - 6, max_samples=4)
    np.testing.assert_array_equal(got.t, [6, 7, 8, 9])
    assert cursor == 10


def test_wait_wakes_when_a_writer_appends():
    rb = RingBuffer(16)
    started = threading.Event()

    def writer():
        started.wait(5)
        rb.append(block(0, 3))

    th = threading.Thread(target=writer)
    th.start()
    assert rb.wait(0, timeout=0.01) is False
    started.set()
    assert rb.wait(0, timeout=5) is True
    th.join(5)


def test_rejects_nonpositive_capacity():
    with pytest.raises(ValueError):
        RingBuffer(0)


@settings(max_examples=60, deadline=None)
@given(capacity=st.integers(1, 40), sizes=st.lists(st.integers(0, 60), max_size=12))
def test_property_matches_a_plain_list(capacity, sizes):
    rb = RingBuffer(capacity)
    everything, start = [], 0
    for n in sizes:
        rb.append(block(start, n))
        everything.extend(range(start, start + n))
        start += n
    got, cursor, lost = rb.read_since(0)
    assert cursor == len(everything)
    assert lost == max(0, len(everything) - capacity)
    np.testing.assert_array_equal(got.t, everything[lost:])
