"""The real window across a treatment's changes: Settings OK mid-hold keeps the step and its time
left (issue 21: ticking "no ceiling" turned 0:29 left into "1:00 paused"), and the window's look
follows a routine the instructor started."""

from __future__ import annotations

import pytest

from pressure.routine import single_hold
from pressure.ui.settings import Settings
from ui_scripted import drawn, scripted_window

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")  # the offscreen plugin, on a dialog


@pytest.mark.parametrize("change", ["no ceiling", "new ceiling", "trace length"])
def test_settings_ok_mid_hold_keeps_the_step_and_its_time_left(qtbot, change):
    from test_ui_settings_round_trip import in_settings

    window, source, _clock = scripted_window(qtbot, single_hold(30.0, "10%", 60.0, ceiling=45.0),
                                             settings=Settings())
    drawn(window, qtbot, source, 30.0, 31.0)
    before = window.pipeline.state
    assert before.step.kind == "hold" and 28.5 < before.hold_remaining < 29.5

    def act(dialog):
        if change == "no ceiling":
            dialog.no_ceiling.setChecked(True)
        elif change == "new ceiling":
            dialog.ceiling.setValue(60.0)
        else:
            dialog.window_seconds.setValue(30.0)

    in_settings(window, act)
    drawn(window, qtbot, source, 30.0, 0.1)
    after = window.pipeline.state
    assert after.step_index == before.step_index and not after.waiting_for_key
    assert after.hold_remaining == pytest.approx(before.hold_remaining - 0.1, abs=0.02)
    assert len(window.pipeline.runs) == 1
    if change == "no ceiling":
        assert window.pipeline.routine.ceiling is None and not window.trace.ceiling_line.isVisible()
    elif change == "new ceiling":
        assert window.pipeline.routine.ceiling == 60.0 and window.trace.ceiling_line.value() == 60.0
    countdown = window.routine_panel.countdown_label.text()
    assert countdown.startswith("0:29") and "paused" not in countdown


def test_a_routine_the_instructor_started_gets_the_windows_axis_ceiling_and_title(qtbot):
    window, source, _clock = scripted_window(qtbot, single_hold(300.0, "10%", 30.0, unit="kPa", area_cm2=1.0))
    drawn(window, qtbot, source, 5.0, 0.5)
    window.session.load_routine("ischemic")  # what the station's start calls, in the ticking thread
    drawn(window, qtbot, source, 5.0, 0.1)
    routine = window.pipeline.routine
    assert routine.unit == "kPa" and routine.name in window.windowTitle()
    assert window.trace.ceiling_line.isVisible() and window.trace.ceiling_line.value() == routine.ceiling
    assert window.trace.y_range[1] >= routine.ceiling


def test_the_classroom_keeps_receiving_after_rec_off_and_on_in_the_window(qtbot, tmp_path):
    from classroom_brokers import Embedded, wait_until
    from pressure.classroom.dashboard import Classroom
    from pressure.classroom.station import Station
    from pressure.classroom.url import parse_url
    from pressure.ui.audio import Silent
    from pressure.ui.main_window import MainWindow
    from pressure.ui.session_bar import install_session_bar
    from test_session_changes import make_session

    broker = Embedded().start()
    url = parse_url(broker.url())
    room = Classroom(url, secret="k").start()
    station = Station(url, "bench1", "Ann", secret="k").start()
    try:
        session, source = make_session(tmp_path, single_hold(30.0, "10%", 60.0))
        session.attach_station(station)
        made = []

        def factory(url, record=None, labels=None):  # New session: another one on the same sensor
            folder = tmp_path / f"n{len(made)}"
            folder.mkdir()
            made.append(make_session(folder, single_hold(30.0, "10%", 60.0), record=bool(record)))
            return made[-1][0]

        window = MainWindow(session, audio=Silent("test"), window_seconds=10.0, session_factory=factory)
        qtbot.addWidget(window)
        bar = install_session_bar(window)
        window.show()
        qtbot.waitExposed(window)

        def shown_on_the_dashboard(value):
            station._next_live = 0.0
            drawn(window, qtbot, made[-1][1] if made else source, value, 0.2)
            wait_until(lambda: "bench1" in room.stations and room.stations["bench1"].value == pytest.approx(value),
                       10, f"{value} on the dashboard")

        shown_on_the_dashboard(28.5)
        bar.rec.trigger()  # off
        assert window.session is session and session.recorder is None
        shown_on_the_dashboard(17.0)
        bar.rec.trigger()  # on: a second file, the same session and station
        assert window.session is session and len(session.files) == 2
        shown_on_the_dashboard(21.0)
        bar.new_session.trigger()  # the new session takes the station over
        assert window.session is made[-1][0] and window.session.station is station and session.closed
        shown_on_the_dashboard(12.5)
        window.close()
        assert window.session.station is None  # the last session said goodbye to the class
    finally:
        station.close(0.5)
        room.close()
        broker.stop()


def test_f9_and_the_replay_window_show_every_run_of_a_routine_change(qtbot, tmp_path):
    from PySide6.QtCore import Qt

    from pressure.session.replay_setup import open_replay
    from pressure.ui.audio import Silent
    from pressure.ui.main_window import MainWindow
    from pressure.ui.replay_window import ReplayWindow
    from pressure.ui.training import install_training
    from test_session_changes import make_session
    from test_session_runs import FIRST, SECOND

    session, source = make_session(tmp_path, FIRST)
    window = MainWindow(session, audio=Silent("test"), window_seconds=10.0)
    qtbot.addWidget(window)
    training = install_training(window, summary_at_end=False)
    window.show()
    qtbot.waitExposed(window)
    drawn(window, qtbot, source, 10.0, 5.0)
    drawn(window, qtbot, source, 0.0, 1.0)
    switch_t = window.pipeline.last_t
    window.set_routine(SECOND)  # what Routine > (another routine) does, once converted
    assert SECOND.name in window.windowTitle()
    drawn(window, qtbot, source, 20.0, 5.0)
    drawn(window, qtbot, source, 0.0, 1.0)
    qtbot.keyClick(window, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: training.summary is not None and training.summary.isVisible(), timeout=3000)
    text = training.summary.text.toPlainText()
    assert "Run 1 of 2" in text and "Run 2 of 2" in text and FIRST.name in text and SECOND.name in text
    training.summary.close()
    path = session.files[0]
    window.close()

    replay = ReplayWindow(open_replay(path, playing=False), audio=Silent("test"))
    qtbot.addWidget(replay)
    replay.show()
    qtbot.waitExposed(replay)
    replay.pipeline.analysis.run()
    for t, routine, band in ((2.0, FIRST, (9.0, 11.0)), (switch_t + 2.0, SECOND, (18.0, 22.0))):
        replay.seek(t)
        qtbot.waitUntil(lambda r=routine: r.name in replay.windowTitle(), timeout=3000)
        assert replay.routine_panel.routine_label.text() == routine.name
        assert replay.pipeline.state.band == pytest.approx(band)
        assert replay.routine_panel.step_label.text().startswith("step 2 / 3")
        assert not replay.readout.stale
    replay.close()
