"""The window on a sensor at 2 samples/s (issue 21 §5): the readout stays live between samples
(it flipped HOLD / NO SIGNAL every half second), the hold's countdown runs and the hold finishes
(it stood at 0:05 with 0.0 s in band), and a sensor too slow for the routine is said once."""

from __future__ import annotations

from pressure.routine import Routine, Step, single_hold
from pressure.ui.coach_notes import install_coach_notes
from ui_scripted import scripted_window


def feed_one(window, qtbot, source, clock, value, *, wait_after=0.45):
    """One sample, drawn; then the clock runs to just before the next one and a frame is drawn."""
    source.push([value])
    target = source.t
    qtbot.waitUntil(lambda: window._frame is not None and window._frame.t >= target, timeout=3000)
    clock.now += wait_after
    frames = window.frames
    qtbot.waitUntil(lambda: window.frames > frames + 1, timeout=3000)
    clock.now -= wait_after


def test_two_samples_a_second_stay_live_and_finish_the_hold(qtbot):
    window, source, clock = scripted_window(qtbot, single_hold(30.0, "10%", 5.0), rate=2.0)
    stale_seen, countdowns = [], set()
    for _ in range(16):
        feed_one(window, qtbot, source, clock, 30.0)
        stale_seen.append(window.readout.stale)
        countdowns.add(window.routine_panel.countdown_label.text())
        state = window._frame.state
        if state.step is not None and state.step.kind == "release":
            break
    assert not any(stale_seen), "NO SIGNAL between two samples of a 2 S/s sensor"
    assert state.step.kind == "release"  # the 5 s hold finished
    hold_end = next(e for e in window.pipeline.coach.events if e.kind == "step_end" and e.data["kind"] == "hold")
    assert hold_end.data["hold_elapsed"] >= 5.0
    assert len(countdowns) > 3  # the countdown moved


def test_a_sensor_too_slow_for_the_routine_is_said_once(qtbot):
    routine = Routine(name="short rests", unit="N", steps=(
        Step("hold", target=30.0, tolerance=3.0, duration=5.0),
        Step("rest", duration=3.0),
        Step("hold", target=30.0, tolerance=3.0, duration=5.0)))
    window, source, clock = scripted_window(qtbot, routine, rate=1.0, prepare=install_coach_notes)
    for _ in range(8):
        feed_one(window, qtbot, source, clock, 30.0, wait_after=0.9)
    notes = [n for n in window.coach_notes.shown if "too slow" in n]
    assert len(notes) == 1 and "every 1 s" in notes[0]
    assert not window.readout.stale
