"""The coach state machine: hold timer, band events, cues, ceiling, steps, keys, chunking."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pressure.coach import CUES, ZONES, Coach
from pressure.routine import BUILTIN_ROUTINES, Routine, Step

DT = 0.01


def times(t_end: float, t0: float = 0.0, dt: float = DT) -> np.ndarray:
    return t0 + np.arange(int(round((t_end - t0) / dt)) + 1) * dt


def one(*steps: Step, ceiling=None, unit="N") -> Routine:
    return Routine("test", tuple(steps), unit=unit, ceiling=ceiling)


def kinds(events, kind=None):
    return [e for e in events if kind is None or e.kind == kind]


def end_time(coach: Coach, step: int) -> float:
    ends = [e.t for e in coach.events if e.kind == "step_end" and e.step == step]
    assert len(ends) == 1, f"step {step} ended {len(ends)} times"
    return ends[0]


def hold(on_leave="pause", duration=10.0, **kw) -> Step:
    return Step("hold", target=30.0, tolerance=3.0, duration=duration, on_leave=on_leave, **kw)


def excursion_trace(t_end=20.0):
    """In the band (30 N) except 4 s <= t < 6 s, when it is well above it (40 N)."""
    t = times(t_end)
    return t, np.where((t >= 4) & (t < 6), 40.0, 30.0)


# -- hold timer ----------------------------------------------------------------------------------

def test_pause_counts_only_time_in_band():
    coach = Coach(one(hold("pause")))
    t, v = excursion_trace()
    state = coach.update(t[t < 5], v[t < 5])
    assert state.hold_elapsed == pytest.approx(4.0, abs=DT)
    assert state.zone == "above" and state.cue == "ease"
    coach.update(t[t >= 5], v[t >= 5])
    # 4 s before the excursion + 6 s after it (which starts at 6 s)
    assert end_time(coach, 0) == pytest.approx(12.0, abs=DT + 1e-9)
    assert [e.t for e in kinds(coach.events, "leave_band")] == pytest.approx([4.0])
    assert kinds(coach.events, "enter_band")[-1].t == pytest.approx(6.0)


def test_reset_starts_the_timer_again_after_leaving():
    coach = Coach(one(hold("reset")))
    coach.update(*excursion_trace())
    assert end_time(coach, 0) == pytest.approx(16.0, abs=DT + 1e-9)


def test_record_keeps_counting_but_logs_the_excursion():
    coach = Coach(one(hold("record")))
    coach.update(*excursion_trace())
    assert end_time(coach, 0) == pytest.approx(10.0, abs=DT + 1e-9)
    assert len(kinds(coach.events, "leave_band")) == 1
    assert len(kinds(coach.events, "enter_band")) == 2  # at the start and after the excursion


def test_record_starts_at_the_first_sample_in_band():
    coach = Coach(one(hold("record")))
    t = times(20)
    coach.update(t, np.where(t < 3, 10.0, 30.0))
    assert end_time(coach, 0) == pytest.approx(13.0, abs=DT + 1e-9)


def test_a_gap_in_the_data_does_not_count_as_held():
    coach = Coach(one(hold("pause")))
    t = np.concatenate([times(3.0), times(20.0, t0=4.0)])  # no samples between 3 s and 4 s
    coach.update(t, np.full(t.size, 30.0))
    assert end_time(coach, 0) == pytest.approx(11.0, abs=DT + 1e-9)


def test_hold_elapsed_is_sample_accurate_with_uneven_sampling():
    rng = np.random.default_rng(1)
    t = np.cumsum(rng.uniform(0.001, 0.2, 400))
    t -= t[0]
    v = np.where(rng.random(t.size) < 0.7, 30.0, 10.0)
    coach = Coach(one(hold("pause", duration=1e6)))
    state = coach.update(t, v)
    expected = float(np.sum(np.diff(t)[(v[:-1] >= 27) & (v[:-1] <= 33)]))
    assert state.hold_elapsed == pytest.approx(expected)
    assert state.hold_remaining == pytest.approx(1e6 - expected)


# -- band events ---------------------------------------------------------------------------------

def test_noise_at_a_band_edge_does_not_chatter_but_the_zone_follows_it():
    coach = Coach(one(hold("pause", duration=100)))
    t = times(4)
    lo = 27.0
    v = lo + 0.1 * np.sin(2 * np.pi * 5 * t)  # +/- 0.1 N around the edge, 1 % of 30 N is 0.3 N
    zones = []
    for ti, vi in zip(t, v):
        zones.append(coach.update([ti], [vi]).zone)
    assert {"below", "in"} <= set(zones) and sum(a != b for a, b in zip(zones, zones[1:])) > 10
    assert len(kinds(coach.events, "enter_band")) == 1
    assert kinds(coach.events, "leave_band") == []
    state = coach.update([4.01], [lo - 0.5])  # clearly out
    assert [e.kind for e in state.events] == ["leave_band"]


def test_countdown_fires_3_2_1_once_each():
    coach = Coach(one(hold("pause", duration=10)))
    t = times(12)
    for chunk in np.array_split(np.arange(t.size), 37):
        coach.update(t[chunk], np.full(chunk.size, 30.0))
    cd = kinds(coach.events, "countdown")
    assert [e.data["seconds_left"] for e in cd] == [3, 2, 1]
    assert [e.t for e in cd] == pytest.approx([7.0, 8.0, 9.0], abs=DT + 1e-9)


def test_countdown_is_heard_again_after_a_reset():
    coach = Coach(one(hold("reset", duration=10)))
    t = times(30)
    coach.update(t, np.where((t >= 8) & (t < 9), 45.0, 30.0))
    assert [e.data["seconds_left"] for e in kinds(coach.events, "countdown")] == [3, 3, 2, 1]


# -- ceiling and cues ----------------------------------------------------------------------------

def test_ceiling_alarm_once_per_excursion():
    coach = Coach(one(Step("rest", duration=100), ceiling=50))
    t = times(10)
    v = np.interp(t, [0, 2, 4, 6, 8, 10], [0, 55, 45, 55, 0, 0]) + 0.05 * np.sin(2 * np.pi * 20 * t)
    coach.update(t[t <= 2], v[t <= 2])
    assert coach.state.zone == "over" and coach.state.cue == "release"
    coach.update(t[t > 2], v[t > 2])
    assert [e.kind for e in coach.events if e.kind.startswith("ceiling")] == [
        "ceiling", "ceiling_clear", "ceiling", "ceiling_clear"]
    assert coach.state.zone == "none" and coach.state.cue == "rest"


@pytest.mark.parametrize("value,zone,cue", [(20, "below", "press"), (30, "in", "hold"), (27, "in", "hold"),
                                            (33.5, "above", "ease"), (61, "over", "release")])
def test_zone_and_cue_in_a_hold(value, zone, cue):
    coach = Coach(one(hold(), ceiling=60))
    state = coach.update([0.0, 0.1], [value, value])
    assert (state.zone, state.cue) == (zone, cue)
    assert state.zone in ZONES and state.cue in CUES
    assert state.band == pytest.approx((27, 33)) and state.target == 30


def test_cues_through_release_rest_and_done():
    coach = Coach(one(Step("release", duration=2), Step("rest", duration=2)))
    assert coach.update([0.0], [20.0]).cue == "release"
    assert coach.update([2.0], [20.0]).cue == "let_go"  # time is up, the force is still on
    assert coach.update([2.1], [0.0]).cue == "rest"
    state = coach.update([4.1], [0.0])
    assert state.cue == "done" and state.finished and state.step is None
    assert [e.kind for e in state.events] == ["step_end", "routine_done"]


# -- ramps, release, rest ----------------------------------------------------------------------

def test_paced_ramp_reports_the_pacer_and_ends_in_the_band():
    coach = Coach(one(Step("ramp", target=40, tolerance=4, rate=10)))
    t = times(2)
    state = coach.update(t, np.full(t.size, 5.0))
    assert state.pacer == pytest.approx(5 + 10 * 2.0) and state.cue == "press"
    assert state.step_remaining == pytest.approx(3.5 - 2.0)
    state = coach.update(times(6, t0=2.01), np.full(400, 5.0))
    assert state.pacer == pytest.approx(40.0)  # capped at the target
    state = coach.update([6.02, 6.03], [35.9, 36.1])
    assert [e.kind for e in state.events] == ["enter_band", "step_end", "routine_done"]
    assert state.events[0].t == pytest.approx(6.03)


def test_ramp_down_to_a_lower_target():
    coach = Coach(one(Step("ramp", target=0, tolerance=2, rate=10), Step("rest", duration=60)))
    t = times(5)
    v = np.maximum(40 - 10 * t, 0)
    state = coach.update(t[t <= 1], v[t <= 1])
    assert state.pacer == pytest.approx(30.0) and state.zone == "above" and state.cue == "ease"
    coach.update(t[t > 1], v[t > 1])
    assert end_time(coach, 0) == pytest.approx(3.8, abs=DT + 1e-9)  # 40 - 10 t <= 2


def test_ramp_default_tolerance_is_ten_percent():
    coach = Coach(one(Step("ramp", target=30), Step("rest", duration=60)))
    t = times(5)
    coach.update(t, 10 * t)
    assert end_time(coach, 0) == pytest.approx(2.7, abs=DT + 1e-9)


def test_release_ends_below_a_tenth_of_the_last_target():
    coach = Coach(one(Step("ramp", target=30, tolerance=3), Step("release"), Step("rest", duration=60)))
    t = times(10)
    v = np.interp(t, [0, 3, 4, 10], [0, 30, 30, 0])
    coach.update(t, v)
    release_end = end_time(coach, 1)
    assert v[np.searchsorted(t, release_end)] < 3.0
    assert np.all(v[(t > 3.5) & (t < release_end - 1e-9)] >= 3.0)


def test_release_waits_for_the_force_to_go_and_the_rest_clock_with_it():
    """Issue 21 §4: REST 0:26 ran with 28 N still applied, because a release ended on its
    time. Only letting go ends it; its time running out escalates the cue, once."""
    coach = Coach(one(Step("release", duration=5), Step("rest", duration=60)))
    state = coach.update(times(8), np.full(801, 20.0))
    assert not [e for e in coach.events if e.kind == "step_end"]
    assert state.step.kind == "release" and state.cue == "let_go"
    overdue = [e for e in coach.events if e.kind == "release_overdue"]
    assert len(overdue) == 1 and overdue[0].t == pytest.approx(5.0, abs=DT + 1e-9)
    state = coach.update([8.5, 9.0], [20.0, 0.2])  # let go
    assert end_time(coach, 0) == pytest.approx(9.0)
    assert state.step.kind == "rest" and state.step_elapsed == 0.0


def test_rest_counts_down_wall_time():
    coach = Coach(one(Step("rest", duration=30)))
    state = coach.update(times(12.5), np.zeros(1251))
    assert state.step_remaining == pytest.approx(17.5) and state.step_elapsed == pytest.approx(12.5)
    coach.update(times(31, t0=12.51), np.zeros(1850))
    assert end_time(coach, 0) == pytest.approx(30.0, abs=DT + 1e-9)


# -- keys ----------------------------------------------------------------------------------------

def test_ppt_trials_wait_for_the_key_and_record_thresholds():
    ppt = BUILTIN_ROUTINES["ppt"]
    coach = Coach(ppt)
    t_now, marks, expected = 0.0, [3.0, 4.2, 5.1], []
    state = coach.update([0.0], [0.0])
    for trial, mark_after in enumerate(marks):
        assert state.waiting_for_key and state.cue == "stop"
        assert kinds(coach.events, "key_wait")[-1].data["next"] == state.step_index
        coach.advance(t_now)
        state = coach.update([], [])
        assert not state.waiting_for_key and state.step.kind == "threshold"
        t = times(t_now + mark_after, t0=t_now + DT)
        v = 48.0 * (t - t_now)  # the examiner follows the 50 kPa/s pacer a little slowly
        state = coach.update(t, v)
        assert state.pacer == pytest.approx(50.0 * (t[-1] - t_now))
        coach.mark_threshold(t[-1])
        expected.append(v[-1])
        t_rest = times(t[-1] + 45, t0=t[-1] + DT)
        state = coach.update(t_rest, np.zeros(t_rest.size))
        t_now = t_rest[-1]
    assert state.finished and state.thresholds == pytest.approx(expected)
    assert [e.data["value"] for e in kinds(coach.events, "threshold")] == pytest.approx(expected)


def test_threshold_key_uses_the_value_at_the_key_time():
    coach = Coach(one(Step("threshold", rate=10), Step("rest", duration=5)))
    t = times(3)
    coach.update(t, 10 * t)
    coach.mark_threshold(2.0)  # pressed at 2 s, seen after the 3 s samples
    assert coach.state.thresholds == pytest.approx((20.0,))
    assert coach.state.step.kind == "rest"


def test_threshold_key_outside_a_trial_is_ignored():
    coach = Coach(one(Step("rest", duration=5)))
    coach.update([0, 1], [5, 5])
    coach.mark_threshold(1.0)
    assert coach.state.thresholds == () and coach.state.step.kind == "rest"


def test_key_advance_waits_then_starts_the_step():
    coach = Coach(one(Step("rest", duration=1), Step("rest", duration=2, advance="key")))
    state = coach.update(times(5), np.zeros(501))
    assert state.waiting_for_key and state.step_index == 1 and state.step_remaining is None
    assert kinds(coach.events, "key_wait")[0].t == pytest.approx(1.0)
    coach.advance(5.0)
    state = coach.update(times(8, t0=5.01), np.zeros(300))
    assert not state.waiting_for_key
    assert kinds(coach.events, "step_start")[-1].t == pytest.approx(5.0)
    assert end_time(coach, 1) == pytest.approx(7.0, abs=DT + 1e-9)


def test_advance_skips_the_current_step_and_events_come_with_the_next_update():
    coach = Coach(one(hold(duration=60), Step("rest", duration=5)))
    coach.update(times(2), np.full(201, 30.0))
    coach.advance(2.0)
    assert coach.state.step.kind == "rest" and coach.state.events == ()
    state = coach.update([], [])
    assert [e.kind for e in state.events] == ["step_skipped", "step_end", "step_start"]
    assert state.events[0].data["hold_elapsed"] == pytest.approx(2.0, abs=0.02)
    assert state.events[1].data["skipped"] is True
    assert coach.update([], []).events == ()


def test_a_key_press_after_the_last_sample_waits_for_the_samples():
    coach = Coach(one(hold(duration=60), Step("rest", duration=5)))
    coach.update(times(2), np.full(201, 30.0))
    coach.advance(3.005)  # the window saw the key before the samples up to then arrived
    assert coach.state.step.kind == "hold"
    state = coach.update(times(4, t0=2.01), np.full(200, 30.0))
    assert state.step.kind == "rest"
    assert end_time(coach, 0) == pytest.approx(3.005)
    assert state.step_elapsed == pytest.approx(4.0 - 3.005)


def test_start_time_ignores_earlier_samples():
    coach = Coach(one(Step("rest", duration=5)), start_t=10.0)
    coach.update(times(12), np.zeros(1201))
    assert coach.state.step_elapsed == pytest.approx(2.0)
    coach.update(times(16, t0=12.01), np.zeros(400))
    assert end_time(coach, 0) == pytest.approx(15.0, abs=DT + 1e-9)


def test_mismatched_arrays_are_refused():
    with pytest.raises(ValueError):
        Coach(one(hold())).update([0, 1], [1])


# -- chunking -------------------------------------------------------------------------------------

CHUNK_ROUTINE = Routine("mixed", (
    Step("ramp", target=30, tolerance=3, rate=15),
    Step("hold", target=30, tolerance=3, duration=4, on_leave="pause"),
    Step("release", duration=3),
    Step("rest", duration=1),
    Step("ramp", target=30),
    Step("hold", target=30, tolerance=2, duration=1.5, on_leave="reset"),
    Step("hold", target=30, tolerance=2, duration=2, on_leave="record"),
    Step("ramp", target=0, tolerance=2, rate=10),
    Step("threshold", rate=20, duration=2),
    Step("rest", duration=1, advance="key"),
), ceiling=36)


@st.composite
def trace_and_cuts(draw):
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    n = draw(st.integers(200, 2500))
    dt = rng.choice([0.005, 0.01, 0.02], size=n)
    dt[rng.random(n) < 0.003] = 0.5  # occasional data gaps
    t = np.cumsum(dt)
    knots_t = np.linspace(0, t[-1], 16)
    knots_v = rng.choice([0.0, 20.0, 29.0, 30.0, 30.0, 31.5, 34.0, 38.0], size=16)
    v = np.interp(t, knots_t, knots_v) + rng.normal(0, 0.2, n)
    cuts = sorted(set(draw(st.lists(st.integers(1, n - 1), max_size=25))))
    keys = sorted(set(draw(st.lists(st.sampled_from(cuts), max_size=4)))) if cuts else []
    return t, v, cuts, keys


def _final(state):
    return dataclasses.replace(state, events=())


@settings(max_examples=40, deadline=None)
@given(trace_and_cuts())
def test_any_chunking_gives_the_same_events_and_state(data):
    t, v, cuts, keys = data
    whole = Coach(CHUNK_ROUTINE)
    for k in keys:  # key presses known in advance are queued until the samples reach them
        whole.advance(t[k - 1])
    whole.update(t, v)
    chunked = Coach(CHUNK_ROUTINE)
    for part in np.split(np.arange(t.size), cuts):
        chunked.update(t[part], v[part])
        if part[-1] + 1 in keys:  # pressed right after the chunk that ends at that time
            chunked.advance(t[part[-1]])
    assert chunked.events == whole.events
    assert _final(chunked.state) == _final(whole.state)


def test_samples_without_a_time_are_skipped():
    coach = Coach(one(hold(duration=5)))
    t = times(6)
    t[100:110] = np.nan
    coach.update(t, np.full(t.size, 30.0))
    assert end_time(coach, 0) == pytest.approx(5.0, abs=DT + 1e-9)


# -- snapshots ------------------------------------------------------------------------------------

@settings(max_examples=30, deadline=None)
@given(trace_and_cuts())
def test_a_restored_snapshot_goes_on_exactly_like_the_coach(data):
    t, v, cuts, keys = data
    cut = cuts[len(cuts) // 2] if cuts else t.size // 2
    coach = Coach(CHUNK_ROUTINE)
    coach.update(t[:cut], v[:cut])
    snap = coach.snapshot()
    coach.advance(t[cut - 1])  # the original goes on (a key, more samples) after the snapshot
    coach.update(t[cut:], v[cut:])
    reference = Coach(CHUNK_ROUTINE)
    reference.update(t[:cut], v[:cut])
    reference.advance(t[cut - 1])
    reference.update(t[cut:], v[cut:])
    restored = Coach(CHUNK_ROUTINE)
    restored.restore(snap)  # taken before the key and the later samples: none of them leak in
    restored.advance(t[cut - 1])
    restored.update(t[cut:], v[cut:])
    assert restored.events == reference.events == coach.events
    assert _final(restored.state) == _final(reference.state)


def test_snapshot_shares_what_never_changes_and_refuses_another_routine():
    coach = Coach(one(Step("threshold", rate=10), Step("rest", duration=5)))
    t = times(3)
    coach.update(t, 10 * t)
    a, b = coach.snapshot(), coach.snapshot()
    assert a.events is b.events and all(x is y for x, y in zip(a.history, b.history))
    restored = Coach(coach.routine)
    # remember the file's own arrays instead of the coach's copies: the look-up still works
    restored.restore(a.with_history([(t, 10 * t)]))
    restored.mark_threshold(2.0)
    assert restored.state.thresholds == pytest.approx((20.0,))
    with pytest.raises(ValueError):
        Coach(one(hold())).restore(a)
