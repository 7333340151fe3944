"""Training panels offscreen: live score panel, summary at routine end, ghost, progress, library."""

import numpy as np
import pytest

from pressure.filters import make_filter
from pressure.paths import sessions_dir
from pressure.references import set_reference
from pressure.routine import single_hold
from pressure.scoring import score_recording
from pressure.trainees import add_trainee, record_attempt
from pressure.ui.audio import Silent
from pressure.ui.main_window import MainWindow
from pressure.session.pipeline import Pipeline
from pressure.ui.progress_view import ProgressView
from pressure.session.replay_setup import open_replay
from pressure.ui.replay_window import ReplayWindow
from pressure.session.scripted import ManualClock, ScriptedSource
from pressure.ui.session_browser import SessionBrowser
from pressure.ui.training import install_training
from test_session_replay import make_recording

ROUTINE = single_hold(10.0, 1.0, 4.0)


def press_hold_release(t, level=10.0, wobble=0.3):
    """Up to ``level`` in 2 s, hold with a wobble until 8 s, release to 0 by 9 s."""
    up = np.minimum(t * level / 2.0, level) + wobble * np.sin(t * 4.0) * (t > 2.0)
    return np.where(t < 8.0, up, np.maximum(0.0, level * (9.0 - t)))


def student(t):
    return press_hold_release(t, level=10.6, wobble=0.5)


@pytest.fixture
def open_window(qtbot, tmp_path):
    def make(force=press_hold_release, name="s.pressure", speed=16.0, playing=True):
        path = tmp_path / name
        make_recording(path, seconds=11.0, routine=ROUTINE, force=force)
        clock = ManualClock()
        pipeline = open_replay(path, filt=make_filter("none"), speed=speed, playing=playing, clock=clock)
        window = ReplayWindow(pipeline, audio=Silent("test"), window_seconds=10.0)
        training = install_training(window)
        qtbot.addWidget(window)
        window.resize(1200, 700)
        window.show()
        qtbot.waitExposed(window)
        return window, training, clock, path
    return make


def test_score_panel_follows_the_hold(open_window, qtbot):
    window, training, clock, _ = open_window(speed=1.0)
    for _ in range(5):
        clock.now += 1.0
        frames = window.frames
        qtbot.waitUntil(lambda: window.frames > frames, timeout=3000)
    # 5 s in: the 4 s hold began at ~1.8 s and never left 10 +/- 1
    assert training.tracker.numbers.in_hold
    assert training.panel.values["time_in_band_pct"].text() == "100.0 %"
    cv = float(training.panel.values["cv_pct"].text().split()[0])
    assert 0.5 < cv < 5.0  # a 0.3 N wobble on 10 N: about 2 %


def test_summary_at_the_end_of_the_routine_with_the_worst_moment(open_window, qtbot):
    window, training, clock, _ = open_window(speed=16.0)
    clock.now += 1.0  # 16 s of recording: past the end of the routine
    qtbot.waitUntil(lambda: training.summary is not None, timeout=5000)
    html = training.summary.text.toPlainText()
    assert ROUTINE.name in html and "score" in html
    assert "1 press" in html and "2 hold" in html
    hold = training.scores.steps[1]
    assert hold.kind == "hold" and hold.metrics["time_in_band_pct"] == pytest.approx(100.0)
    assert training.scores.worst is not None
    assert len(training.worst.items) == 3  # ring on trace, ring on overview, label
    training.summary.worst_button.click()
    w = training.scores.worst["t_s"]
    left, right = window.trace.shown_span()
    assert left <= w <= right


def test_summary_of_any_replayed_session_from_the_menu(open_window, qtbot):
    window, training, clock, _ = open_window(playing=False)
    training.actions["summary"].trigger()  # the whole file, though nothing was played
    assert training.summary is not None and training.scores.finished
    assert training.scores.steps[1].score is not None


def test_a_new_summary_frees_the_previous_one(open_window, qtbot):
    """Each summary replaces the last: a long session with many routines must not keep every
    dialog (each held ~2-3 MB) alive behind the window."""
    window, training, clock, _ = open_window(playing=False)
    training.actions["summary"].trigger()
    first = training.summary
    freed = []
    first.destroyed.connect(lambda *_: freed.append(True))
    training.actions["summary"].trigger()
    assert training.summary is not first
    qtbot.waitUntil(lambda: bool(freed), timeout=3000)


def test_ghost_and_comparison_with_a_reference(open_window, qtbot, tmp_path):
    ref = tmp_path / "ref.pressure"
    make_recording(ref, seconds=11.0, routine=ROUTINE, force=press_hold_release)
    set_reference(ref)
    window, training, clock, _ = open_window(force=student, name="student.pressure", speed=16.0)
    assert training.ghost.reference is not None
    clock.now += 1.0
    qtbot.waitUntil(lambda: training.summary is not None, timeout=5000)
    assert training.ghost.active
    # labelled with the demonstration's name, and thinner than the student's own trace
    assert training.ghost.label.text() == "reference: ref" and training.ghost.label.isVisible()
    assert training.ghost.curve.opts["pen"].widthF() < theme.SMOOTH_WIDTH
    training.actions["ghost"].trigger()  # the menu hides curve and label together
    assert not training.ghost.label.isVisible() and not training.ghost.curve.isVisible()
    training.actions["ghost"].trigger()
    x, y = training.ghost.curve.getData()
    assert np.nanmax(y) == pytest.approx(np.max(press_hold_release(np.arange(1100) / 100.0)), abs=0.05)
    c = training.comparison
    assert c is not None and c.rms_diff_pct > 1.0  # the student pressed 6 % harder
    text = training.summary.text.toPlainText()
    assert "Against the reference" in text


def test_no_ghost_without_a_reference(open_window, qtbot):
    window, training, clock, _ = open_window()
    assert training.ghost.reference is None and not training.ghost.active


def test_progress_view_has_one_point_per_attempt(qtbot, tmp_path):
    add_trainee("Ann")
    for k, level in enumerate((9.0, 10.0, 10.4)):
        path = tmp_path / f"a{k}.pressure"
        rec = make_recording(path, seconds=11.0, routine=ROUTINE,
                             force=lambda t, lv=level: press_hold_release(t, level=lv))
        record_attempt("Ann", path, score_recording(rec), recorded_at=f"2026-01-0{k + 1}T10:00:00")
    view = ProgressView(None, trainee="Ann", routine=ROUTINE.name)
    qtbot.addWidget(view)
    x, y = view.curve.getData()
    assert list(x) == [1.0, 2.0, 3.0]
    assert y[0] < y[1]  # 9 N against a 10 +/- 1 band scores lower than 10 N
    view.figure.setCurrentIndex(view.figure.findData("time_in_band_pct"))
    assert len(view.curve.getData()[0]) == 3 and "3 attempts" in view.message.text()


def test_session_browser_search_and_open(qtbot):
    folder = sessions_dir()
    make_recording(folder / "2026-01-01_100000.pressure", seconds=2.0)
    other = make_recording(folder / "2026-01-02_100000.pressure", seconds=3.0, routine=single_hold(20.0))
    browser = SessionBrowser()
    qtbot.addWidget(browser)
    assert browser.table.rowCount() == 2
    browser.search.setText("Hold 20")
    qtbot.waitUntil(lambda: browser.table.rowCount() == 1, timeout=3000)
    assert "Hold 20" in browser.table.item(0, 3).text()
    with qtbot.waitSignal(browser.sigOpen, timeout=2000) as opened:
        browser.table.cellDoubleClicked.emit(0, 0)
    assert opened.args == [str(other.path)]


def test_training_on_a_live_window(live_window, qtbot):
    window, training, push, _ = live_window(ROUTINE)
    assert "open" in training.actions  # a live window offers to open recordings
    for value, seconds in ((5.0, 0.5), (10.0, 5.0), (0.0, 1.0)):
        push(value, seconds=seconds)
    qtbot.waitUntil(lambda: training.summary is not None, timeout=3000)
    assert training.scores.steps[1].metrics["time_in_band_pct"] == pytest.approx(100.0)
    assert training.tracker.numbers.holds_done == 1


# -- the live panels: PPT numbers, one hold timer, the key prompt, the paused countdown ---------

from PySide6.QtGui import QFontMetrics  # noqa: E402

from pressure.routine import Routine, Step  # noqa: E402
from pressure.ui import theme  # noqa: E402
from pressure.ui.readout import WAITING, WAITING_STYLE  # noqa: E402

PPT = Routine("ppt test", unit="N", ceiling=100.0, steps=(
    Step("threshold", rate=5.0, advance="key", label="trial"),
    Step("rest", duration=0.5, label="rest"),
    Step("threshold", rate=5.0, advance="key", label="trial"),
    Step("rest", duration=0.5, label="rest"),
    Step("threshold", rate=5.0, advance="key", label="trial"),
))


@pytest.fixture
def live_window(qtbot):
    def make(routine):
        clock = ManualClock()
        source = ScriptedSource(clock)
        pipeline = Pipeline(source, routine, make_filter("none"), clock=clock)
        window = MainWindow(pipeline, audio=Silent("test"), window_seconds=10.0)
        training = install_training(window)
        qtbot.addWidget(window)
        window.resize(1200, 700)
        window.show()
        qtbot.waitExposed(window)

        def push(value, seconds=0.1):
            source.push([value], seconds=seconds)
            qtbot.waitUntil(lambda: window._frame is not None and window._frame.t >= source.t,
                            timeout=3000)
        return window, training, push, clock
    return make


def test_ppt_routine_shows_trial_numbers_not_hold_metrics(live_window, qtbot):
    window, training, push, _ = live_window(PPT)
    panel = training.panel
    push(0.0)
    assert panel.mode == "ppt" and "time in band" not in panel.names.values()
    assert panel.values["trial"].text() == "1 of 3" and panel.values["thresholds"].text() == "—"
    for k, level in enumerate((20.0, 24.0)):
        window.pipeline.advance()  # Space: the trial starts
        push(level / 2)
        push(level)
        assert window.pipeline.mark_threshold()
        push(level)
        qtbot.waitUntil(lambda: len(window.pipeline.state.thresholds) == k + 1, timeout=3000)
        push(0.0, seconds=0.6)  # the rest passes; the next trial waits for Space
    assert panel.values["thresholds"].text() == "20.0 · 24.0"
    assert panel.values["last"].text() == "24.0 N" and panel.values["mean"].text() == "22.0 N"
    assert panel.values["cv"].text() == "12.9 %"  # sd 2.83 / mean 22, between trials
    assert panel.values["trial"].text() == "3 of 3" and panel.values["count"].text() == "2"


def test_hold_timer_in_the_panel_is_the_countdown_time(live_window, qtbot):
    routine = Routine("hold", unit="N", steps=(
        Step("hold", target=10.0, tolerance=1.0, duration=20.0, on_leave="pause"),
        Step("rest", duration=1.0)))
    window, training, push, _ = live_window(routine)
    for value in [10.0] * 21 + [14.0] * 10:  # 2.1 s in the band, then 1 s far above it
        push(value)
    state = window.pipeline.state
    panel = training.panel
    assert panel.mode == "hold" and panel.names["hold_timer"] == "time in band"
    assert panel.values["hold_timer"].text() == f"{state.hold_elapsed:.1f} of 20 s"
    assert 2.0 <= state.hold_elapsed <= 2.2  # the time out of the band is not counted ...
    countdown = window.routine_panel.countdown_label.text()
    assert countdown.startswith("0:18")  # ... neither by the countdown: 20 - 2.1, rounded up
    bar = window.routine_panel.progress.value() / window.routine_panel.progress.maximum()
    assert bar == pytest.approx(state.hold_elapsed / 20.0, abs=0.002)


def test_paused_countdown_says_so_in_characters_the_font_has(live_window, qtbot):
    routine = Routine("hold", unit="N", steps=(
        Step("hold", target=10.0, tolerance=1.0, duration=5.0, on_leave="pause"),))
    window, _, push, _ = live_window(routine)
    for value in [10.0] * 10 + [14.0] * 3:
        push(value)
    label = window.routine_panel.countdown_label
    assert label.text() == "0:04 paused"
    metrics = QFontMetrics(label.font())
    assert all(metrics.inFontUcs4(ord(c)) for c in label.text()), label.text()
    push(10.0)
    assert label.text() == "0:04"


def test_waiting_for_the_key_is_live_and_not_grey(live_window, qtbot):
    window, _, push, clock = live_window(PPT)
    r = window.readout
    push(3.0)
    assert window.pipeline.state.waiting_for_key
    assert r.zone == WAITING and not r.stale and r.cue == "SPACE: NEXT STEP"
    assert WAITING_STYLE.background in r.styleSheet()
    greys = (theme.ZONES[theme.STALE].background, theme.ZONES[theme.IDLE].background)
    assert WAITING_STYLE.background not in greys
    assert theme.contrast_ratio(WAITING_STYLE.text, WAITING_STYLE.background) >= 4.5
    clock.now += 1.0  # no samples: now it is stale, and grey says so
    qtbot.waitUntil(lambda: r.stale, timeout=3000)
    assert r.zone == theme.STALE and theme.ZONES[theme.STALE].background in r.styleSheet()
    push(3.0)
    assert r.zone == WAITING and not r.stale


def test_a_routine_changed_mid_session_is_scored_per_run_alike_live_and_in_the_report(qtbot, tmp_path, capsys):
    """Issue 12: the live summary, the report and replay disagreed after a routine change. Now
    the change is a ``routine`` event, each run is scored on its own, and the window's summary
    at the end of the routine is what ``report --json`` says about the file."""
    import json

    from pressure import cli
    from pressure.recording import RecordingWriter, open_recording
    from pressure.session.meta import session_meta

    first, second = single_hold(10.0, 1.0, 4.0), single_hold(20.0, 2.0, 3.0)
    path = tmp_path / "changed.pressure"
    clock = ManualClock()
    source = ScriptedSource(clock)
    filt = make_filter("none")
    writer = RecordingWriter(path, session_meta(routine=first, filt=filt, unit="N"))
    pipeline = Pipeline(source, first, filt, recorder=writer, clock=clock)
    window = MainWindow(pipeline, audio=Silent("test"), window_seconds=10.0)
    training = install_training(window)
    qtbot.addWidget(window)
    window.show()

    def push(value, seconds):
        source.push([value], seconds=seconds)
        qtbot.waitUntil(lambda: window._frame is not None and window._frame.t >= source.t, timeout=3000)

    push(10.0, 2.0)  # half of the first hold, then the practitioner picks another routine
    window.set_routine(second)
    for value, seconds in ((20.0, 4.0), (0.0, 1.0)):
        push(value, seconds)
    qtbot.waitUntil(lambda: training.summary is not None, timeout=3000)
    live = training.scores
    window.close()
    assert [e.kind for e in open_recording(path).events].count("routine") == 1
    capsys.readouterr()
    assert cli.main(["report", str(path), "--json", "--no-reference"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert len(live.runs) == len(report["runs"]) == 2
    assert report["score"] == pytest.approx(live.score, abs=1e-3)
    assert report["holds_completed"] == live.holds_completed == 1 and report["steps"][1]["target"] == 20.0


def test_progress_view_adds_a_trainee_with_the_commands_rules(qtbot):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from pressure.trainees import list_trainees

    view = ProgressView(None)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    assert view.trainee.count() == 0 and "No trainees yet" in view.message.text()
    view.new_name.setText("  Bea   Nguyen ")
    QTest.keyClick(view.new_name, Qt.Key.Key_Return)  # Enter in the field adds
    assert [t.name for t in list_trainees()] == ["Bea Nguyen"]  # stored as `trainees add` stores it
    assert view.trainee.currentText() == "Bea Nguyen" and view.new_name.text() == ""
    assert "Added trainee Bea Nguyen" in view.message.text()
    for bad, reason in (("bea nguyen", "exists already"), ("Ann\tB", "control characters"),
                        ("   ", "must not be empty"), ("x" * 81, "at most 80")):
        view.new_name.setText(bad)
        view.add_button.click()
        assert view.message.text().startswith("Not added:") and reason in view.message.text(), bad
        assert view.new_name.text() == bad  # kept, to be corrected
    assert [t.name for t in list_trainees()] == ["Bea Nguyen"]
    view.new_name.setText("Ann")
    view.add_button.click()
    assert [view.trainee.itemText(i) for i in range(view.trainee.count())] == ["Ann", "Bea Nguyen"]
    assert view.trainee.currentText() == "Ann" and view.isVisible()  # Enter never closed the view


def test_a_trainee_added_in_the_progress_view_is_offered_by_the_session_bar(live_window, qtbot):
    from pressure.ui.session_bar import install_session_bar

    window, training, push, _ = live_window(ROUTINE)
    bar = install_session_bar(window)
    assert bar.trainee.findText("Cleo") < 0
    view = training.show_progress()
    qtbot.addWidget(view)
    view.new_name.setText("Cleo")
    view.add_button.click()
    assert bar.trainee.findText("Cleo") >= 0 and view.trainee.currentText() == "Cleo"
