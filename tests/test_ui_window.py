"""The real window, offscreen, driven by a deterministic source: zones, cues, timer, routine, keys."""

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest

from pressure.filters import make_filter
from pressure.routine import Routine, Step, single_hold
from pressure.ui import theme
from pressure.ui.audio import Silent
from pressure.ui.main_window import KEY_HELP, MARKER_KEYS, MainWindow
from pressure.session.pipeline import STALE_AFTER_S, Pipeline

from pressure.session.scripted import ManualClock as FakeClock, ScriptedSource as FakeSource


@pytest.fixture
def make_window(qtbot):
    def make(routine=None, error_tone=False):
        clock = FakeClock()
        source = FakeSource(clock)
        routine = routine or single_hold(10.0, "10%", 3.0, ceiling=20.0)
        pipeline = Pipeline(source, routine, make_filter("none"), clock=clock)
        audio = Silent("test")
        window = MainWindow(pipeline, audio=audio, window_seconds=10.0, error_tone=error_tone)
        qtbot.addWidget(window)
        window.readout.number_interval_s = 0.0  # every frame's number, for exact checks
        window.resize(1000, 650)
        window.show()
        qtbot.waitExposed(window)
        return window, source, clock, audio
    return make


def drawn(window, qtbot, source, value, seconds=0.1):
    """Push samples and wait until a frame has drawn them."""
    source.push([value], seconds=seconds)
    target_t = source.t
    qtbot.waitUntil(lambda: window._frame is not None and window._frame.t >= target_t, timeout=3000)


def test_zone_colour_and_cue_follow_the_value(make_window, qtbot):
    window, source, _, audio = make_window()
    r = window.readout
    for value, zone, cue in ((5.0, theme.BELOW, "PRESS HARDER"), (10.0, theme.IN_BAND, "HOLD"),
                             (11.5, theme.ABOVE, "EASE OFF"), (25.0, theme.CEILING, "RELEASE!"),
                             (10.0, theme.IN_BAND, "HOLD")):
        drawn(window, qtbot, source, value)
        assert r.zone == zone and r.cue == cue, (value, r.zone, r.cue_label.text())
        assert theme.ZONES[zone].background in r.styleSheet()
        assert r.value_label.text() == f"{value:.{r.decimals}f}"
    assert "alarm" in audio.played and "enter" in audio.played


def test_trace_and_overview_move_with_the_samples(make_window, qtbot):
    window, source, _, _ = make_window()
    for v in np.linspace(0, 9, 10):
        drawn(window, qtbot, source, float(v), seconds=0.2)
    x, _, y = window.trace.curve_data
    assert x[-1] == pytest.approx(source.t) and y[-1] == pytest.approx(9.0)
    qtbot.waitUntil(lambda: window.trace.overview_curve.getData()[1] is not None
                    and np.nanmax(window.trace.overview_curve.getData()[1]) == pytest.approx(9.0), timeout=3000)
    lo, hi = window.trace.plot.viewRange()[1]
    assert lo < 0 < 20.0 <= hi  # fixed range from the routine: 0 .. the ceiling, not autoscaled


@pytest.mark.parametrize("on_leave", ["pause", "reset"])
def test_hold_timer_pauses_or_resets_on_leaving_the_band(make_window, qtbot, on_leave):
    routine = Routine("hold", unit="N", steps=(Step("hold", target=10.0, tolerance=1.0, duration=5.0,
                                                    on_leave=on_leave), Step("rest", duration=1.0)))
    window, source, _, _ = make_window(routine)
    for _ in range(21):  # 2.1 s in the band: 2.9 s left, shown rounded up
        drawn(window, qtbot, source, 10.0)
    assert window.routine_panel.countdown_label.text() == "0:03"
    before = window.pipeline.state.hold_elapsed
    for _ in range(5):  # 0.5 s far above the band
        drawn(window, qtbot, source, 14.0)
    state = window.pipeline.state
    text = window.routine_panel.countdown_label.text()
    if on_leave == "pause":
        # only the interval that began in the band counts (one sample period)
        assert before <= state.hold_elapsed <= before + 1.5 / source.rate
        assert text.startswith("0:03") and "paused" in text
    else:
        assert state.hold_elapsed == 0.0 and text.startswith("0:05")


def test_a_routine_runs_through_all_its_steps_with_the_space_key(make_window, qtbot):
    routine = Routine("two", unit="N", steps=(
        Step("ramp", target=10.0, tolerance=1.0),
        Step("hold", target=10.0, tolerance=1.0, duration=0.5),
        Step("rest", duration=0.5),
        Step("hold", target=10.0, tolerance=1.0, duration=0.5, advance="key"),
        Step("release"),
    ))
    window, source, _, audio = make_window(routine)
    seen = set()
    window.frame_hooks.append(lambda f: f.state is not None and seen.add(f.state.step_index))
    for _ in range(12):
        drawn(window, qtbot, source, 10.0)
    assert window.pipeline.state.waiting_for_key
    assert window.readout.cue == "SPACE: NEXT STEP"
    window.activateWindow()
    QTest.keyClick(window, Qt.Key.Key_Space)
    for _ in range(7):
        drawn(window, qtbot, source, 10.0)
    for _ in range(3):
        drawn(window, qtbot, source, 0.0)
    assert window.pipeline.state.finished
    assert {1, 2, 3, 4} <= seen  # the ramp ends on the first sample (already in its band)
    assert "routine complete" in window.routine_panel.step_label.text()
    assert audio.played.count("done") >= 3  # two holds and the routine


def test_marker_keys_put_labelled_lines_on_the_trace(make_window, qtbot):
    window, source, _, _ = make_window()
    drawn(window, qtbot, source, 3.0, seconds=0.5)
    window.activateWindow()
    QTest.keyClick(window, Qt.Key.Key_1)
    QTest.keyClick(window, Qt.Key.Key_M)
    qtbot.waitUntil(lambda: len(window.trace.markers) == 2, timeout=3000)
    labels = [m.label.text() for m in window.trace.markers]
    assert labels == [MARKER_KEYS["1"], MARKER_KEYS["M"]]
    assert all(m.t == pytest.approx(source.t) for m in window.trace.markers)


def test_stale_and_disconnected_are_shown_never_as_live(make_window, qtbot):
    window, source, clock, _ = make_window()
    r = window.readout
    drawn(window, qtbot, source, 10.0)
    assert not r.stale
    clock.now += STALE_AFTER_S + 0.05
    qtbot.waitUntil(lambda: r.stale, timeout=3000)
    assert r.zone == theme.STALE and "NO SIGNAL" in r.cue_label.text()
    assert r.value_label.font().strikeOut()
    drawn(window, qtbot, source, 10.0)
    assert not r.stale and not r.value_label.font().strikeOut() and r.zone == theme.IN_BAND
    source.connected, source.state = False, "disconnected"
    clock.now += STALE_AFTER_S + 0.05  # a pulled cable: no more samples
    qtbot.waitUntil(lambda: "DISCONNECTED" in r.cue_label.text(), timeout=3000)
    assert r.zone == theme.STALE


def test_keys_are_window_shortcuts_and_documented(make_window, qtbot):
    window, source, _, audio = make_window()
    expected = {"advance": "Space", "tare": "T", "threshold": "P", "mute": "S", "fullscreen": "F11",
                "leave_fullscreen": "Esc"}
    for name, key in expected.items():
        action = window.actions[name]
        assert QKeySequence(key) in action.shortcuts()
        assert action.shortcutContext() == Qt.ShortcutContext.WindowShortcut
        assert any(k.startswith(key) or key in k for k, _ in KEY_HELP)
    drawn(window, qtbot, source, 0.2, seconds=0.6)  # at rest: one press tares (under load it asks)
    window.activateWindow()
    QTest.keyClick(window, Qt.Key.Key_T)
    assert source.tares and source.tares[-1] == pytest.approx(0.2)
    before = window.trace.window_seconds
    QTest.keyClick(window, Qt.Key.Key_Plus)
    assert window.trace.window_seconds > before
    QTest.keyClick(window, Qt.Key.Key_Minus)
    QTest.keyClick(window, Qt.Key.Key_Minus)
    assert window.trace.window_seconds < before


def test_error_tone_follows_the_error(make_window, qtbot):
    calls = []
    window, source, _, audio = make_window(error_tone=True)
    audio.set_error_tone = calls.append
    drawn(window, qtbot, source, 9.5)
    drawn(window, qtbot, source, 10.5)
    finite = [c for c in calls if c is not None]
    assert finite and min(finite) == pytest.approx(-0.5) and max(finite) == pytest.approx(0.5)


def test_closing_the_window_closes_the_session(make_window, qtbot):
    window, source, _, _ = make_window()
    closed = []
    window.pipeline.close = lambda: closed.append(True)
    window.close()
    assert closed and source.stopped and not window.timer.isActive()


def test_ppt_key_marks_the_threshold_on_the_trace(make_window, qtbot):
    routine = Routine("ppt", unit="N", ceiling=100.0,
                      steps=(Step("threshold", rate=10.0, advance="key"), Step("rest", duration=1.0)))
    window, source, _, _ = make_window(routine)
    drawn(window, qtbot, source, 0.0)
    window.activateWindow()
    QTest.keyClick(window, Qt.Key.Key_P)  # no trial running yet: refused, said in the status bar
    assert "only during a PPT trial" in window.status.currentMessage()
    QTest.keyClick(window, Qt.Key.Key_Space)
    for v in np.linspace(1, 25, 12):
        drawn(window, qtbot, source, float(v))
    QTest.keyClick(window, Qt.Key.Key_P)
    drawn(window, qtbot, source, 25.0)
    qtbot.waitUntil(lambda: len(window.trace.markers) == 1, timeout=3000)
    assert window.trace.markers[0].label.text() == "PPT 25.0 N"
    assert window.pipeline.state.thresholds == (pytest.approx(25.0),)


def test_readout_never_shows_minus_zero_and_fits_long_cues(make_window, qtbot):
    window, source, _, _ = make_window()
    r = window.readout
    r.decimals = 1
    assert r.format(-0.04) == "0.0" and r.format(-0.06) == "-0.1" and r.format(float("nan")) == "—"
    r.show_stale("DISCONNECTED", "sensor disconnected — reconnecting…")
    metrics_width = r.cue_label.fontMetrics().horizontalAdvance(r.cue_label.text())
    assert metrics_width <= r.width()
    assert "reconnecting" in r.state_label.text()


def test_settings_dialog_changes_filter_routine_and_window(make_window, qtbot, monkeypatch):
    from pressure.ui.dialogs import SettingsDialog

    def fill_and_accept(dialog):
        dialog.filter.setCurrentText("moving_average")
        dialog.strength.setValue(0.5)
        dialog.target.setValue(20.0)
        dialog.tolerance.setText("2")
        dialog.hold.setValue(7.0)
        dialog.ceiling.setValue(40.0)
        dialog.window_seconds.setValue(30.0)
        return 1

    monkeypatch.setattr(SettingsDialog, "exec", fill_and_accept)
    window, source, _, _ = make_window()
    window.edit_settings()
    p = window.pipeline
    assert p.filter.name == "moving_average"
    hold = [s for s in p.routine.steps if s.kind == "hold"][0]
    assert (hold.target, hold.tolerance, hold.duration, p.routine.ceiling) == (20.0, 2.0, 7.0, 40.0)
    assert window.trace.window_seconds == 30.0
    assert window.trace.ceiling_line.value() == 40.0


def test_uncalibrated_sensor_is_said_under_the_number(make_window, qtbot):
    window, source, _, _ = make_window()
    original = source.stats

    def uncalibrated():
        stats = original()
        stats.calibrated = False
        return stats

    source.stats = uncalibrated
    drawn(window, qtbot, source, 5.0)
    qtbot.waitUntil(lambda: "UNCALIBRATED" in window.readout.state_label.text(), timeout=3000)
    assert "UNCALIBRATED" in window.status.sensor_label.text()


def test_set_markers_shows_them_all_at_once_and_follows_the_range(make_window, qtbot):
    window, source, _, _ = make_window()
    trace = window.trace
    trace.add_marker(1.0, "old")
    old = trace.markers[0]
    trace.set_markers([2.0, 5.0, 9.0], ["a", "b", "c"])
    assert old.line.scene() is None and old.tick.scene() is None  # replaced, not added to
    assert [(m.t, m.label.text()) for m in trace.markers] == [(2.0, "a"), (5.0, "b"), (9.0, "c")]
    trace.set_y_range(0.0, 80.0)
    assert all(m.line.line().y2() == 80.0 and m.tick.line().x1() == m.t for m in trace.markers)
    shown = list(trace.markers)
    trace.set_markers([], [])
    assert trace.markers == [] and all(m.line.scene() is None and m.box.scene() is None for m in shown)


def test_off_scale_value_is_shown_at_the_top_of_the_plot(make_window, qtbot):
    window, source, _, _ = make_window()  # fixed range 0 .. 22 N (the ceiling 20 N x 1.1)
    trace = window.trace
    top = trace.y_range[1]
    drawn(window, qtbot, source, 10.0)
    assert trace.off_scale.text() == "" and not trace.off_scale.box.isVisible()
    drawn(window, qtbot, source, 57.25)
    assert 57.25 > top
    assert trace.off_scale.text() == f"off scale \u25b2 {57.25:.{window.readout.decimals}f} N"
    assert trace.off_scale.box.isVisible()
    # at the top edge of the plot, inside it, above the curves
    vb = trace.plot.vb
    box = trace.off_scale.box.mapRectToItem(vb, trace.off_scale.box.rect())
    assert vb.rect().contains(box) and box.top() < 0.1 * vb.height()
    assert trace.off_scale.box.zValue() > trace.smooth_curve.items[0].zValue()
    drawn(window, qtbot, source, 12.0)
    assert trace.off_scale.text() == "" and not trace.off_scale.box.isVisible()
