"""The GUI benchmark's account of the machine: how often it ran a busy loop at under half speed."""

import numpy as np

from pressure.benchmarks.gui import SLOW_WINDOW_S, busy_loop_turns, slow_stretch_figures


def _turns(seconds=10.0, fast=2000):
    return np.full(int(round(seconds / SLOW_WINDOW_S)), fast, dtype=np.int64)


def test_a_steady_machine_has_no_slow_stretches():
    figures = slow_stretch_figures(_turns())
    assert figures["machine_slow_percent"] == 0.0
    assert figures["machine_slow_longest_ms"] == 0
    assert figures["machine_slow_every_s"] is None  # JSON's null: no period without two stretches


def test_periodic_slow_stretches_are_found_with_their_period_and_length():
    turns = _turns()
    # every 1.5 s, 80 ms at a tenth of the speed, then 30 ms at full speed and 20 ms at a third:
    # one stretch of 130 ms (the fast gap inside it is shorter than the merging distance)
    for start in np.arange(0.5, 9.5, 1.5):
        i = int(round(start / SLOW_WINDOW_S))
        turns[i:i + 8] = 200
        turns[i + 11:i + 13] = 600
    figures = slow_stretch_figures(turns)
    assert figures["machine_slow_every_s"] == 1.5
    assert figures["machine_slow_longest_ms"] == 130
    assert figures["machine_slow_percent"] == round(100 * 6 * 10 / len(turns), 1)


def test_a_window_at_just_over_half_speed_is_not_slow():
    turns = _turns()
    turns[100:110] = 1001
    turns[300:310] = 999
    figures = slow_stretch_figures(turns)
    assert figures["machine_slow_percent"] == round(100 * 10 / len(turns), 1)
    assert figures["machine_slow_longest_ms"] == 100


def test_no_turns_gives_no_figures():
    figures = slow_stretch_figures(np.zeros(0))
    assert set(figures) == {"machine_slow_percent", "machine_slow_every_s", "machine_slow_longest_ms"}
    assert all(v is None for v in figures.values())


def test_the_busy_loop_counts_turns_in_every_window():
    turns = busy_loop_turns(0.2)
    assert len(turns) == round(0.2 / SLOW_WINDOW_S)
    assert turns.sum() > 1000  # a clock read and an add take well under 2 µs anywhere
    # windows follow the clock: most see turns (a preempted process may miss a few)
    assert (turns > 0).mean() > 0.5
