"""Bluetooth sensors end to end through bumble: the emulated Progressor, Force Board and
advertising scale (firmware_sim/ble) on the in-process link, read by the ordinary Reader via
``ble-sim://`` URLs: discovery, subscription, commands and notifications all go through bumble.
Each test asks for a fresh device (``instance=``) and reads one or two seconds of data."""

from __future__ import annotations

import itertools
import os
import time

import numpy as np
import pytest

if not os.environ.get("CI"):  # CI installs the test extra: there a missing bumble fails
    pytest.importorskip("bumble")

from firmware_sim.ble import world  # noqa: E402
from pressure.acquisition import Reader  # noqa: E402
from pressure.buffer import RingBuffer  # noqa: E402
from pressure.samples import FLAG_GAP_BEFORE, FLAG_RECONNECT, Block  # noqa: E402
from pressure.session.source import LiveSource  # noqa: E402
from waiting import wait_until  # noqa: E402

G = 9.80665
LBF = 4.4482216152605
_instances = itertools.count()
_started: list = []


def open_sim(kind: str, **options):
    """(reader, ring buffer, the emulated device) for a fresh emulated ``kind``."""
    options = {"instance": f"t{next(_instances)}-{time.monotonic_ns()}", **options}
    url = f"ble-sim://{kind}?" + "&".join(f"{k}={v}" for k, v in options.items())
    rb = RingBuffer(50_000)
    reader = Reader(url, rb)
    reader.start()
    typed = {k: (v if k in ("instance", "profile") else type(v)(v)) for k, v in options.items()}
    for key in ("target",):
        if key in typed:
            typed["target_n"] = typed.pop(key)
    dev = world().device(kind, **typed)
    _started.append(dev)
    return reader, rb, dev


class Collector:
    def __init__(self, rb):
        self.rb, self.cursor, self.blocks = rb, 0, []

    def until(self, done, timeout: float = 10.0) -> Block:
        deadline = time.monotonic() + timeout
        while True:
            self.rb.wait(self.cursor, 0.1)
            block, self.cursor, lost = self.rb.read_since(self.cursor)
            assert lost == 0
            if len(block):
                self.blocks.append(block)
            whole = Block.concat(self.blocks) if self.blocks else Block.empty()
            if done(whole):
                return whole
            assert time.monotonic() < deadline, f"gave up after {timeout} s with {len(whole.t)} samples"


@pytest.fixture
def readers():
    opened = []
    yield opened
    for r in opened:
        r.stop()
        r.join(3.0)
    while _started:  # off the air: an advertising scale would go on advertising all session
        world().forget(_started.pop())


def test_progressor_samples_values_and_times_across_the_32_bit_wrap(readers):
    # the device clock wraps 0.5 s after the stream starts, however long connecting took
    reader, rb, dev = open_sim("progressor", wrap_after=0.5, profile="trapezoid", profile_start=2.5)
    readers.append(reader)
    got = Collector(rb).until(lambda b: len(b.t) and b.t[-1] >= 1.0)
    t, f = got.t, got.force_n
    assert np.all(np.abs(np.diff(t) - 1 / 80) < 1e-6), "one sample every 12.5 ms, wrap or not"
    assert not got.flags.any()
    # trapezoid ramp: 10 N/s from profile time 2 s, so device time = f/10 + 2 - 2.5
    k0 = int(round(np.mean(f / 10 - 0.5 - t) * 80))
    t_dev = k0 / 80 + t
    assert t_dev[0] < dev.wrap_time() < t_dev[-1], "the data must straddle the device clock's wrap"
    assert np.max(np.abs(f - dev.true_force_n(t_dev))) < 0.12  # float32 kg, 0.02 N noise
    assert np.ptp(f) > 10  # a ramp, not a constant that anything would match
    stats = reader.stats()
    assert stats.format == "ble-progressor" and stats.gaps == 0 and stats.bad_lines == 0
    assert 70 < stats.rate_hz < 90


def test_progressor_tare_is_the_device_command(readers):
    reader, rb, dev = open_sim("progressor", profile="trapezoid", profile_start=10.0)  # 40 N plateau
    readers.append(reader)
    source = LiveSource(reader, rb)
    col = Collector(rb)
    before = col.until(lambda b: len(b.t) >= 20)
    assert np.mean(before.force_n[-10:]) == pytest.approx(40, abs=0.2)
    cal = source.tare(float(np.mean(before.force_n[-10:])))
    assert cal.zero == 0  # nothing tared in software: the device does it
    after = col.until(lambda b: len(b.t) > len(before.t) + 5 and abs(b.force_n[-1]) < 0.15)
    assert 0x64 in dev.commands
    assert np.mean(after.force_n[-5:]) == pytest.approx(0, abs=0.1)
    wait_until(lambda: reader.stats().last_message == "OK TARE", 10.0)


def test_lost_connection_is_a_gap_and_reconnects_and_is_recorded(readers, tmp_path):
    from pressure.filters import make_filter
    from pressure.recording import RecordingWriter, open_recording
    from pressure.session.meta import session_meta
    from pressure.session.recorder import Recorder

    reader, rb, dev = open_sim("progressor")
    readers.append(reader)
    source = LiveSource(reader, rb)
    path = tmp_path / "ble.pressure"
    recorder = Recorder(RecordingWriter(path, session_meta(filt=make_filter("none"), unit="N",
                                                           url=reader.url, reader=reader)), source)
    col = Collector(rb)
    first = col.until(lambda b: len(b.t) >= 16)
    dev.drop(0.4)
    got = col.until(lambda b: reader.stats().reconnects >= 1 and len(b.t) >= len(first.t) + 16)
    back = np.flatnonzero(got.flags & FLAG_RECONNECT)
    assert len(back) == 1 and got.flags[back[0]] & FLAG_GAP_BEFORE
    assert np.all(np.diff(got.t) > 0)
    assert got.t[back[0]] - got.t[back[0] - 1] > 0.35  # the time away is on the time base
    stats = reader.stats()
    assert stats.disconnects == 1 and stats.state == "streaming" and dev.connections == 2
    wait_until(lambda: recorder.samples >= len(got.t), 10.0)
    recorder.close()
    rec = open_recording(path)
    assert np.any(rec.flags & FLAG_RECONNECT)
    assert {"reconnect", "gap"} <= {e.kind for e in rec.events}
    assert rec.meta["sensor"]["device_info"]["battery_mv"] == "3950"


def test_battery_firmware_and_low_power_reach_the_status_and_the_metadata(readers):
    from pressure.session.meta import sensor_meta

    reader, rb, dev = open_sim("progressor", low_power_at=0.3, battery_mv=3712)
    readers.append(reader)
    source = LiveSource(reader, rb)
    wait_until(lambda: reader.device_info.get("low_power") == "1", 10.0)
    text = source.stats().device
    assert "battery 3.71 V" in text and "fw 1.2.3.sim" in text and "LOW POWER" in text
    info = sensor_meta(reader)["sensor"]["device_info"]
    assert info["battery_mv"] == "3712" and info["serial"].startswith("progressor-")


def test_status_bar_shows_the_device_line(qtbot):
    from pressure.session.source import SourceStats
    from pressure.ui.status import StatusBar

    bar = StatusBar()
    qtbot.addWidget(bar)
    bar.update_stats(SourceStats(sensor="ble://P", rate_hz=80.0, device="battery 3.71 V · LOW POWER"))
    assert "battery 3.71 V · LOW POWER" in bar.sensor_label.text()
    assert "color" in bar.sensor_label.styleSheet()  # low power: the warning colour
    bar.update_stats(SourceStats(sensor="ble://P", rate_hz=80.0, device="battery 4.10 V"))
    assert bar.sensor_label.styleSheet() == ""


def test_force_board_pounds_rate_battery_and_tare(readers):
    reader, rb, dev = open_sim("forceboard", profile="trapezoid", profile_start=10.0)
    readers.append(reader)
    source = LiveSource(reader, rb)
    col = Collector(rb)
    got = col.until(lambda b: len(b.t) >= 80)
    assert np.mean(got.force_n[-20:]) == pytest.approx(40, abs=0.2)  # 40 N sent as pounds
    assert np.std(got.force_n[-20:]) < 0.1
    wait_until(lambda: reader.stats().rate_hz > 0, 10.0)
    assert 70 < reader.stats().rate_hz < 90
    assert reader.device_info["battery_pct"] == "87" and source.stats().device.startswith("battery 87 %")
    source.tare(float(np.mean(got.force_n[-10:])))
    col.until(lambda b: abs(np.mean(b.force_n[-4:])) < 0.15)
    assert 0x05 in dev.modes


def test_advertising_scale_readings_silence_and_return(readers, monkeypatch):
    from pressure.ble import profiles

    monkeypatch.setattr(profiles, "ADVERT_SILENCE_S", 0.4)
    reader, rb, dev = open_sim("whc06", profile="trapezoid", profile_start=10.0)
    readers.append(reader)
    col = Collector(rb)
    got = col.until(lambda b: len(b.t) >= 8)
    assert np.mean(got.force_n) == pytest.approx(40, abs=0.1)  # 0.01 kg steps
    wait_until(lambda: reader.stats().rate_hz > 0, 10.0)
    assert 6 < reader.stats().rate_hz < 10
    dev.drop(0.8)
    col.until(lambda b: reader.stats().reconnects >= 1 and np.any(b.flags & FLAG_RECONNECT))
    assert reader.stats().disconnects == 1
    # the scale has no tare command: the window tares in software, and the device says so
    source = LiveSource(reader, rb)
    cal = source.tare(40.0 / G)  # the raw mean, in the scale's kilograms
    assert cal.zero == pytest.approx(40.0 / G) and reader.calibration is cal


@pytest.mark.parametrize("url, words", [
    ("ble-sim://rocket", "no emulated Bluetooth device"),
    ("ble-sim://progressor?micros_start=soon", "not a int"),
    ("ble-sim://progressor?warp=9", "unknown option"),
    ("ble-sim://progressor?rate=0", "must be from"),
    ("ble-sim://progressor?noise=inf", "must be from"),
    ("ble-sim://progressor?profile=rocket", "unknown profile"),
    ("ble-sim://whc06?offset=999", "bad advertising-scale layout"),
    ("ble-sim://forceboard?lbf_per_count=-1", "lbf_per_count"),
    ("ble://Mystery", "which device"),
    ("ble://", "say which device"),
])
def test_bad_bluetooth_urls_are_one_line(url, words):
    from pressure.transport import PortError, open_port

    with pytest.raises(PortError) as err:
        open_port(url)
    assert words in str(err.value) and "\n" not in str(err.value)


def test_without_bumble_or_bleak_the_port_says_how_to_install(monkeypatch):
    import sys

    from pressure.transport import PortError, open_port

    monkeypatch.setitem(sys.modules, "firmware_sim.ble", None)
    with pytest.raises(PortError, match=r"pip install 'pressure\[ble\]'"):
        open_port("ble-sim://progressor")
    monkeypatch.setitem(sys.modules, "bleak", None)
    with pytest.raises(PortError, match=r"pip install 'pressure\[ble\]'"):
        open_port("ble://Progressor_1")


def test_the_sensor_dialog_offers_the_emulated_devices_and_says_why_no_scan(qtbot):
    from pressure.ui.dialogs import PortDialog

    dialog = PortDialog(None)
    qtbot.addWidget(dialog)
    urls = [dialog.list.item(i).data(256) for i in range(dialog.list.count())]
    assert {"ble-sim://progressor", "ble-sim://forceboard", "ble-sim://whc06"} <= set(urls)
    dialog.scan_bluetooth()  # no Bluetooth here: one line says why, nothing is listed
    assert dialog.ble_note.text() and "\n" not in dialog.ble_note.text()


@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_the_connection_wizard_test_reads_an_emulated_progressor(qtbot):
    from pressure.ui.connect_wizard import SIMULATOR, ConnectWizard

    wizard = ConnectWizard(None, SIMULATOR)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    urls = [wizard.choose.list.item(i).data(256) for i in range(wizard.choose.list.count())]
    wizard.choose.list.setCurrentRow(urls.index("ble-sim://progressor"))
    assert not wizard.choose.kind.isEnabled() and not wizard.choose.baud.isEnabled()
    choice = wizard.choice()
    assert choice.kind == "Bluetooth sensor" and choice.reader_options["fmt"] == "auto"
    wizard.next()
    qtbot.waitUntil(wizard.test.isComplete, timeout=10_000)
    assert wizard.test.value.text().endswith(" N") and "Values arriving" in wizard.test.status.text()
    wizard.reject()
    wizard.choose.ble_note.clear()
    from pressure.ui import ble_rows

    ble_rows.scan_into(wizard.choose.list, 256, wizard.choose.ble_note)  # no Bluetooth here
    assert wizard.choose.ble_note.text() and "\n" not in wizard.choose.ble_note.text()


def test_a_device_out_of_range_is_one_line_and_a_waiting_reader_finds_it_later(readers, monkeypatch):
    from pressure.ble import port
    from pressure.transport import PortError

    monkeypatch.setattr(port, "SIM_CONNECT_TIMEOUT", 0.3)
    instance = f"away-{time.monotonic_ns()}"
    dev = world().device("progressor", instance=instance)
    _started.append(dev)
    dev.drop(1.0)  # silent for a second
    url = f"ble-sim://progressor?instance={instance}"
    with pytest.raises(PortError, match="did not answer within 0.3 s"):
        Reader(url, RingBuffer(100)).start()
    rb = RingBuffer(1000)
    reader = Reader(url, rb)
    readers.append(reader)
    reader.start(retry=True)  # a window waiting for its sensor
    Collector(rb).until(lambda b: len(b.t) >= 5)
    assert reader.stats().state == "streaming"
