"""File > Sensor: the sensor in use is preselected; OK switches only to a port that opens."""

from __future__ import annotations

import pytest

from pressure import transport
from pressure.filters import make_filter
from pressure.routine import single_hold
from pressure.ui import menu_actions as controls
from pressure.ui.audio import Silent
from pressure.ui.connect_wizard import ConnectWizard
from pressure.ui.dialogs import SIMULATOR, PortDialog
from pressure.ui.main_window import MainWindow
from pressure.session.pipeline import Pipeline
from pressure.session.scripted import ManualClock, ScriptedSource
from pressure.session.session import Session

TTYS0 = transport.PortInfo("/dev/ttyS0", "ttyS0", None, None, None, False, "")


@pytest.fixture(autouse=True)
def one_plain_port(monkeypatch):
    monkeypatch.setattr(transport, "list_ports", lambda: [TTYS0])


@pytest.mark.qt_log_ignore("propagateSizeHints")  # the offscreen plugin, on showing a dialog
@pytest.mark.parametrize("current", [SIMULATOR, "socket://127.0.0.1:5000", "/dev/ttyS0"])
def test_the_sensor_in_use_is_preselected_even_after_the_list_gets_focus(qtbot, current):
    dialog = PortDialog(None, current)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.list.setFocus()
    assert dialog.list.currentItem().data(256) == current
    assert dialog.url() == current


@pytest.fixture
def window(qtbot, monkeypatch):
    clock = ManualClock()
    source = ScriptedSource(clock)
    pipeline = Pipeline(source, single_hold(10.0, "10%", 3.0), make_filter("none"), clock=clock)
    opened = []

    def factory(url, record=None, labels=None, reader_options=None):
        opened.append(url)
        new = ScriptedSource(clock)
        new.url = url  # the port it reads, as a LiveSource says it
        return Session(Pipeline(new, single_hold(10.0, "10%", 3.0), make_filter("none"), clock=clock))

    w = MainWindow(pipeline, audio=Silent("test"), window_seconds=10.0, session_factory=factory)
    qtbot.addWidget(w)
    warnings = []
    monkeypatch.setattr(controls.QMessageBox, "warning", lambda parent, title, text: warnings.append(text))
    return w, opened, warnings


def choose(monkeypatch, url):
    """The user types ``url`` in the connection wizard (None: leaves the preselection) and
    finishes it."""
    def exec_(wizard):
        if url is not None:
            wizard.choose.url_edit.setText(url)
        return 1
    monkeypatch.setattr(ConnectWizard, "exec", exec_)


def test_ok_on_the_sensor_in_use_changes_nothing(window, monkeypatch):
    w, opened, warnings = window
    choose(monkeypatch, None)
    controls.choose_sensor(w)
    assert opened == [] and warnings == []


def test_a_port_that_cannot_open_says_why_and_keeps_the_session(window, monkeypatch):
    w, opened, warnings = window
    before = w.pipeline
    choose(monkeypatch, "/dev/no-such-pressure-port")
    controls.choose_sensor(w)
    assert opened == [] and w.pipeline is before
    assert len(warnings) == 1 and "cannot open /dev/no-such-pressure-port" in warnings[0]
    assert "Still reading the built-in simulated sensor" in warnings[0]


def test_a_port_that_opens_starts_a_new_session_on_it(window, monkeypatch):
    w, opened, warnings = window
    choose(monkeypatch, "loop://")
    controls.choose_sensor(w)
    assert opened == ["loop://"] and warnings == []
    assert controls.current_sensor(w) == "loop://"
