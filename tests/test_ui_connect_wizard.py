"""The connection wizard on the simulator: likely sensors first, a live test read before the
choice is kept, a port that cannot open says why and what to do, gauges by name; and the first
start of the window opens it."""

from __future__ import annotations

import pytest

from firmware_sim import Firmware, SimHost
from pressure import transport
from pressure.sensor_kinds import KINDS
from pressure.ui.connect_wizard import SIMULATOR, ConnectWizard, port_help

TTYS0 = transport.PortInfo("/dev/ttyS0", "ttyS0", None, None, None, False, "")
UNO = transport.PortInfo("/dev/ttyACM0", "Arduino Uno", 0x2341, 0x0043, "X1", True, "Arduino")
GAUGE = transport.PortInfo("/dev/ttyUSB3", "Mark-10 USB", 0x0403, 0x6001, None, True, "force gauge")

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")  # the offscreen plugin, on showing


@pytest.fixture
def ports(monkeypatch):
    listed = [TTYS0, UNO, GAUGE]
    monkeypatch.setattr(transport, "list_ports", lambda: list(listed))
    return listed


def shown_urls(wizard):
    lst = wizard.choose.list
    return [lst.item(i).data(256) for i in range(lst.count())]


def make_wizard(qtbot, current="", **kwargs):
    wizard = ConnectWizard(None, current, **kwargs)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    return wizard


def test_likely_sensors_first_and_no_legacy_port_unless_asked(qtbot, ports):
    wizard = make_wizard(qtbot, SIMULATOR)
    emulated = ["ble-sim://progressor", "ble-sim://forceboard", "ble-sim://whc06"]  # demos, last
    assert shown_urls(wizard) == ["/dev/ttyACM0", "/dev/ttyUSB3", *emulated, SIMULATOR]
    assert wizard.choose.list.currentItem().data(256) == SIMULATOR  # the sensor in use
    assert "1 more" in wizard.choose.show_all.text()
    wizard.choose.show_all.setChecked(True)
    assert "/dev/ttyS0" in shown_urls(wizard)


def test_a_gauge_by_name_sets_the_kind(qtbot, ports):
    wizard = make_wizard(qtbot, SIMULATOR)
    wizard.choose.list.setCurrentRow(shown_urls(wizard).index("/dev/ttyUSB3"))
    choice = wizard.choice()
    assert choice.url == "/dev/ttyUSB3" and choice.reader_options["fmt"] == "gauge"


def test_the_simulator_needs_no_test_read(qtbot, ports):
    probes = []
    wizard = make_wizard(qtbot, "/dev/ttyACM0", make_probe=lambda *a: probes.append(a))
    wizard.choose.list.setCurrentRow(shown_urls(wizard).index(SIMULATOR))
    wizard.next()
    assert wizard.currentPage() is wizard.test and wizard.test.isComplete()
    assert probes == [] and wizard.choice().simulated


def test_a_test_read_shows_values_before_the_choice_can_be_kept(qtbot, ports):
    with SimHost(Firmware(rate=200, seed=3), transport="pty") as host:
        wizard = make_wizard(qtbot, SIMULATOR)
        wizard.choose.url_edit.setText(host.url)
        wizard.next()
        page = wizard.test
        assert not page.isComplete()  # nothing arrived yet: Finish stays off
        qtbot.waitUntil(page.isComplete, timeout=10_000)
        assert "N" in page.value.text() or "counts" in page.value.text()
        assert "Values arriving" in page.status.text()
        probe = page.probe
        assert probe is not None
        wizard.accept()
        assert page.probe is None  # the port is free for the session
        qtbot.waitUntil(lambda: probe.reader.stats().state == "stopped", timeout=5000)
        choice = wizard.choice()
        assert choice.url == host.url and choice.reader_options["baudrate"] == KINDS[0].baudrate


def test_a_polled_gauge_answers_the_kind_s_request(qtbot, ports):
    with SimHost(Firmware(fmt="gauge", poll=True, rate=50, seed=4), transport="pty") as host:
        wizard = make_wizard(qtbot, SIMULATOR)
        wizard.choose.url_edit.setText(host.url)
        wizard.choose.kind.setCurrentIndex(next(i for i, k in enumerate(KINDS) if k.name.startswith("Mark-10")))
        wizard.next()
        qtbot.waitUntil(wizard.test.isComplete, timeout=10_000)
        assert wizard.test.value.text().endswith(" N")  # a gauge says its unit
        wizard.reject()


def test_a_port_that_cannot_open_says_why_and_what_to_do(qtbot, ports):
    wizard = make_wizard(qtbot, SIMULATOR)
    wizard.choose.url_edit.setText("/dev/no-such-pressure-port")
    wizard.next()
    page = wizard.test
    assert not page.isComplete()
    assert "cannot open /dev/no-such-pressure-port" in page.status.text()
    assert "plug the sensor in again" in page.status.text()


def test_permission_denied_names_the_dialout_group(monkeypatch):
    monkeypatch.setattr("sys.platform", "linux")
    assert "dialout" in port_help("cannot open /dev/ttyACM0: Permission denied")


def test_silence_offers_help_and_keep_anyway(qtbot, ports, monkeypatch):
    class Silent:
        def __init__(self, *a):
            pass

        def start(self):
            pass

        def stop(self):
            pass

        def snapshot(self):
            from pressure.acquisition.probe import ProbeState
            return ProbeState(0, None, "counts", 0.0, "connecting", None, 7)

    monkeypatch.setattr("pressure.ui.connect_wizard.SILENCE_MS", 600)  # 3 s in the program
    wizard = make_wizard(qtbot, SIMULATOR, make_probe=Silent)
    wizard.choose.url_edit.setText("loop://")
    wizard.next()
    page = wizard.test
    qtbot.waitUntil(lambda: page.keep_anyway.isVisible(), timeout=10_000)
    assert "baud rate" in page.status.text() and "7 lines" in page.status.text()
    assert not page.isComplete()
    page.keep_anyway.setChecked(True)
    assert page.isComplete()


class _Session:
    """What ``live`` needs of a session when the window is not opened."""

    recording_path = None

    def close(self):
        pass


@pytest.mark.parametrize("argv, expected", [
    ([], ""),                         # a first start: the wizard opens
    (["--seconds", "0.5"], None),     # a timed run (scripts, tests): never
    (["--port", "loop://"], None),    # the sensor was named: no wizard
])
def test_the_first_start_opens_the_wizard(monkeypatch, argv, expected):
    from pressure.cli import main
    from pressure.commands import live
    from pressure.session import live as session_live

    seen = {}

    monkeypatch.setattr(session_live, "open_session", lambda url, config: _Session())
    monkeypatch.setattr("pressure.ui.app.run_live", lambda *a, **kw: seen.update(kw) or 0)
    assert main(["live", "--no-record", *argv]) == 0
    assert seen["wizard"] == expected


def test_the_saved_sensor_opens_next_time_or_the_wizard_says_why(monkeypatch):
    from pressure.cli import main
    from pressure.commands import live
    from pressure.errors import PressureError
    from pressure.session import live as session_live
    from pressure.ui.settings import Settings

    s = Settings()
    s.set("sensor/port", "/dev/ttyACM0")
    s.set("wizard/seen", True)
    opened, seen = [], {}

    def start(url, config):
        opened.append(url)
        if url == "/dev/ttyACM0":
            raise PressureError("cannot open /dev/ttyACM0: No such file or directory")
        return _Session()

    monkeypatch.setattr(session_live, "open_session", start)
    monkeypatch.setattr("pressure.ui.app.run_live", lambda *a, **kw: seen.update(kw) or 0)
    assert main(["live", "--no-record"]) == 0
    assert opened == ["/dev/ttyACM0", None]  # the saved sensor first, then the simulator
    assert "did not open" in seen["wizard"] and "No such file" in seen["wizard"]


def test_the_saved_kind_and_baud_rate_read_back_as_reader_options():
    from pressure.sensor_kinds import saved_reader_options
    from pressure.ui.settings import Settings

    mark10 = next(k for k in KINDS if k.name.startswith("Mark-10"))
    s = Settings()
    s.set("sensor/kind", mark10.name)
    s.set("sensor/baud", 19200)
    again = Settings()
    options = saved_reader_options(again.get("sensor/kind"), again.get("sensor/baud"))
    assert options == {"fmt": "gauge", "baudrate": 19200, "poll": b"?\r", "poll_rate": 10.0}
    # a kind no longer known and a nonsense baud rate: the Arduino sketch at its own rate
    assert saved_reader_options("gone", -5) == KINDS[0].reader_options()


def test_kind_and_baud_rate_are_off_for_the_simulator(qtbot, ports):
    wizard = make_wizard(qtbot, SIMULATOR)
    page = wizard.choose
    assert not page.kind.isEnabled() and not page.baud.isEnabled()
    page.url_edit.setText("/dev/ttyUSB9")
    assert page.kind.isEnabled() and page.baud.isEnabled()
