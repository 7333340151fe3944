"""File > Settings shows what runs, and OK without changes changes nothing (issue 12: OK during
the ischemic routine switched to a single hold without a ceiling, and the next start kept it).
Removing a ceiling is an explicit act: ticking "no ceiling"."""

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from pressure.filters import make_filter
from pressure.routine import Routine, Step, single_hold
from pressure.session.pipeline import Pipeline
from pressure.session.scripted import ManualClock, ScriptedSource
from pressure.ui.audio import Silent
from pressure.ui.main_window import MainWindow
from pressure.ui.settings import Settings
from pressure.ui.settings_dialog import CURRENT

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")  # the offscreen plugin, on a dialog


@pytest.fixture
def make(qtbot):
    def start(routine):
        clock = ManualClock()
        source = ScriptedSource(clock)
        window = MainWindow(Pipeline(source, routine, make_filter("none"), clock=clock),
                            settings=Settings(), audio=Silent("test"))
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        source.push([5.0], seconds=1.0)
        qtbot.waitUntil(lambda: window.pipeline.state is not None, timeout=3000)
        return window
    return start


def in_settings(window, act, ok=True):
    """Open File > Settings (modal), run ``act(dialog)``, then press OK (or Cancel)."""
    from test_ui_pedal_keys import while_modal

    seen = []

    def act_then_close(dialog):
        act(dialog)
        seen.append(dialog)
        box = dialog.findChild(QDialogButtonBox)
        which = QDialogButtonBox.StandardButton.Ok if ok else QDialogButtonBox.StandardButton.Cancel
        box.button(which).click()
        if dialog.isVisible():  # OK refused (the dialog says why): leave it
            seen.append(dialog.message.text())

    while_modal(None, window.edit_settings, act_then_close)  # it closes a dialog left open
    return seen


def next_start():
    """The routine ``python main.py live`` would start with now (from the saved settings)."""
    from pressure.cli import build_parser
    from pressure.commands.live import routine_and_filter

    routine, _, _ = routine_and_filter(build_parser().parse_args(["live"]), Settings())
    return routine


@pytest.mark.parametrize("started_by", ["command line", "routine menu"])
def test_ok_without_changes_keeps_the_running_routine_and_its_ceiling(make, started_by):
    from pressure.routine import get_routine

    if started_by == "command line":  # live --routine ischemic: the settings know nothing of it
        window = make(get_routine("ischemic"))
    else:
        window = make(single_hold(10.0))
        window.load_routine("ischemic")  # saved for the next start
    p = window.pipeline
    routine, coach = p.routine, p.coach
    assert routine.ceiling == 60.0
    start_before = next_start()

    def shown(dialog):
        assert dialog.routine.currentData() == "ischemic"
        assert dialog.hold.value() == 60.0 and dialog.target.value() == 30.0
        assert dialog.ceiling.value() == 60.0 and not dialog.no_ceiling.isChecked()
        assert not dialog.routine_changed()

    in_settings(window, shown)
    assert p.routine is routine and p.coach is coach  # not even restarted
    assert window.trace.ceiling_line.value() == 60.0
    assert "Ischemic" in window.windowTitle()
    assert next_start() == start_before
    if started_by == "routine menu":
        assert next_start().name == routine.name and next_start().ceiling == 60.0


def test_a_routine_from_the_command_line_is_shown_as_running_and_kept(make):
    own = Routine("my clinic's routine", unit="N", ceiling=25.0, steps=(
        Step("hold", target=12.0, tolerance=1.0, duration=45.0), Step("rest", duration=10.0)))
    window = make(own)

    def shown(dialog):
        assert dialog.routine.currentData() == CURRENT
        assert "my clinic's routine" in dialog.routine.currentText()
        assert dialog.hold.value() == 45.0 and dialog.ceiling.value() == 25.0

    in_settings(window, shown)
    assert window.pipeline.routine is own
    assert Settings().get("routine/name") == "" and Settings().get("routine/target") == 0.0


def test_an_empty_ceiling_is_refused_and_no_ceiling_must_be_ticked(make):
    window = make(single_hold(10.0, "10%", 30.0, ceiling=20.0))
    routine = window.pipeline.routine

    def emptied(dialog):
        assert dialog.ceiling.value() == 20.0 and dialog.routine.currentData() == ""
        dialog.ceiling.setValue(0.0)

    seen = in_settings(window, emptied)
    assert "no ceiling" in seen[-1]  # the dialog said why OK was refused
    assert window.pipeline.routine is routine and routine.ceiling == 20.0

    in_settings(window, lambda dialog: dialog.no_ceiling.setChecked(True))
    after = window.pipeline.routine
    assert after.ceiling is None and after.steps == routine.steps
    assert Settings().get("routine/ceiling") == 0.0


def test_changing_only_the_ceiling_keeps_the_routine_steps(make):
    window = make(single_hold(10.0))
    window.load_routine("ischemic")
    before = window.pipeline.routine
    in_settings(window, lambda dialog: dialog.ceiling.setValue(50.0))
    after = window.pipeline.routine
    assert after.ceiling == 50.0 and after.steps == before.steps and after.name == before.name
    assert window.trace.ceiling_line.value() == 50.0
    assert "this session only" in window.status.currentMessage()


def test_cancel_changes_nothing(make):
    window = make(single_hold(10.0, ceiling=20.0))
    routine = window.pipeline.routine
    in_settings(window, lambda dialog: dialog.no_ceiling.setChecked(True), ok=False)
    assert window.pipeline.routine is routine


def test_the_list_shows_each_routine_and_a_single_hold_keeps_what_was_typed(make):
    window = make(single_hold(10.0, "10%", 30.0, ceiling=20.0))

    def browse(dialog):
        dialog.hold.setValue(42.0)
        dialog.routine.setCurrentIndex(dialog.routine.findData("ischemic"))
        assert not dialog.hold.isEnabled() and dialog.hold.value() == 60.0
        assert dialog.ceiling.value() == 60.0 and "Ischemic" in dialog.about.text()
        dialog.routine.setCurrentIndex(dialog.routine.findData("ppt"))
        ppt = dialog.selected_routine()
        assert dialog.no_ceiling.isChecked() == (ppt.ceiling is None)
        dialog.routine.setCurrentIndex(dialog.routine.findData(""))
        assert dialog.hold.isEnabled() and dialog.hold.value() == 42.0
        assert dialog.ceiling.value() == 20.0 and not dialog.no_ceiling.isChecked()

    in_settings(window, browse)
    hold = window.pipeline.routine.steps[1]
    assert hold.duration == 42.0 and window.pipeline.routine.ceiling == 20.0
