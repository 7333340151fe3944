"""Any sensor rate (issue 21 §5): one gap rule from the sensor's own interval serves the coach,
the live scores, the reports, the plots, the classroom tally and the readout's staleness."""

import numpy as np
import pytest

from pressure.coach import Coach
from pressure.filters import make_filter
from pressure.gaprule import GAP_MIN_S, IntervalTracker, gap_limit
from pressure.routine import Routine, Step, single_hold
from pressure.scoring import LiveScorer, score_trace
from pressure.session.gaps import GapFinder
from pressure.session.pipeline import Pipeline
from pressure.session.scripted import ManualClock, ScriptedSource


def slow_session(rate=2.0, seconds=20.0, hold=5.0):
    clock = ManualClock()
    source = ScriptedSource(clock, rate=rate)
    routine = single_hold(30.0, "10%", hold)
    p = Pipeline(source, routine, make_filter("none"), clock=clock)
    scorer = LiveScorer(routine)
    frames = []
    for _ in range(int(seconds * rate)):
        source.push([30.0])  # one sample per tick, in the band
        frame = p.tick()
        scorer.update(frame.times, frame.smoothed, frame.state)
        frames.append(frame)
    return p, scorer, frames


@pytest.mark.parametrize("rate", [1.0, 2.0, 8.0])
def test_a_hold_in_the_band_finishes_at_a_slow_rate(rate):
    p, scorer, frames = slow_session(rate=rate, seconds=8.0)
    done = next(e for f in frames for e in f.events if e.kind == "step_end" and e.data.get("kind") == "hold")
    assert done.data["hold_elapsed"] == pytest.approx(5.0, abs=1e-6)
    assert done.t <= 5.0 + 2.0 / rate  # held from (about) the first samples, not after a guessed gap
    assert scorer.numbers.time_in_band_pct == pytest.approx(100.0)
    assert scorer.numbers.hold_s >= 4.0


def test_the_readout_stays_live_between_slow_samples_and_goes_stale_by_the_same_rule():
    clock = ManualClock()
    source = ScriptedSource(clock, rate=2.0)
    p = Pipeline(source, single_hold(30.0, "10%", 5.0), make_filter("none"), clock=clock)
    for _ in range(6):
        source.push([30.0])
        assert not p.tick().stale
        clock.now += 0.45  # just before the next sample: still live (the old rule: stale after 0.25 s)
        frame = p.tick()
        assert not frame.stale, frame.age_s
        clock.now -= 0.45
    assert p.tick().gap_limit_s == pytest.approx(gap_limit(0.5))
    clock.now += 2.6  # 5 intervals and more without a sample: no signal
    assert p.tick().stale


def test_report_scores_and_plots_count_no_gaps_at_two_samples_a_second():
    p, _, _ = slow_session(rate=2.0, seconds=20.0)
    t = np.arange(1, 41) / 2.0
    assert GapFinder().find(t).size == 0
    assert not IntervalTracker().gaps(t).any()
    scores = score_trace(t, np.full(t.size, 30.0), single_hold(30.0, "10%", 5.0), events=p.coach.events)
    hold = next(s for s in scores.steps if s.kind == "hold")
    assert hold.completed and hold.metrics["time_in_band_pct"] == pytest.approx(100.0)


def test_a_real_gap_still_is_one_at_a_slow_rate():
    routine = single_hold(30.0, "10%", 20.0)
    coach = Coach(routine)
    t = np.r_[np.arange(0, 3, 0.5), np.arange(9, 12.5, 0.5)]  # 6 s silence: > 5 intervals
    coach.update(t, np.full(t.size, 30.0))
    assert coach.state.hold_elapsed == pytest.approx(2.5 + 3.0)  # the 6 s silence is not held
    assert IntervalTracker().gaps(t).sum() == 1


def test_chunking_does_not_change_the_limits():
    rng = np.random.default_rng(3)
    t = np.cumsum(rng.choice([0.5, 0.0125, 0.0, 4.0], size=400, p=[.4, .4, .1, .1]))
    whole = IntervalTracker().limits(t)
    tracker = IntervalTracker()
    parts = np.concatenate([tracker.limits(c) for c in np.array_split(t, 37)])
    np.testing.assert_array_equal(whole, parts)
    assert whole.min() >= GAP_MIN_S


def test_a_sensor_too_slow_for_the_routine_says_so_once():
    routine = Routine(name="short rests", unit="N", steps=(
        Step("hold", target=30.0, tolerance=3.0, duration=5.0),
        Step("rest", duration=3.0),
        Step("hold", target=30.0, tolerance=3.0, duration=5.0),
    ))
    coach = Coach(routine)
    t = np.arange(0, 40, 1.0)  # 1 sample/s: a silence up to 5 s goes unnoticed, longer than a 3 s rest
    for chunk in np.array_split(t, 9):
        coach.update(chunk, np.full(chunk.size, 30.0))
    slow = [e for e in coach.events if e.kind == "slow_sensor"]
    assert len(slow) == 1 and slow[0].data["interval_s"] == pytest.approx(1.0)
    fast = Coach(routine)
    fast.update(np.arange(0, 40, 0.1), np.full(400, 30.0))
    assert not [e for e in fast.events if e.kind == "slow_sensor"]


def test_record_prints_the_too_slow_note_once():
    import io

    from pressure.session.headless import print_coach_notes

    routine = Routine(name="short rests", unit="N", steps=(
        Step("hold", target=30.0, tolerance=3.0, duration=5.0), Step("rest", duration=3.0)))
    clock = ManualClock()
    source = ScriptedSource(clock, rate=1.0)
    p = Pipeline(source, routine, make_filter("none"), clock=clock)
    out = io.StringIO()
    print_coach_notes(p, out)
    for _ in range(8):
        source.push([30.0])
        p.tick()
    assert out.getvalue().count("too slow") == 1 and "every 1 s" in out.getvalue()
