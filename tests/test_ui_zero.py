"""The zero in the window: T refuses an unplugged, silent or moving sensor and says why; the
at-rest banner; no HOLD below zero; a recorder that fails is shown; the calibration wizard."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from pressure.calibration import Calibration
from pressure.errors import PressureError
from pressure.routine import Routine, Step, single_hold
from pressure.session.pipeline import STALE_AFTER_S
from pressure.ui.calibration_wizard import CalibrationDialog

from failing_writer import FailingWriter
from ui_scripted import drawn, scripted_window, while_modal

HOLD = single_hold(30.0, "10%", 60.0, ceiling=60.0)
DEVICE = Calibration(sensor_id="s1", zero=0.0, scale=1 / 8560.0, source="device")
REST_FIRST = Routine("rest first", steps=(Step("rest", duration=60.0), Step("hold", target=30.0, duration=30.0)),
                     unit="N", ceiling=60.0)


def press_t(window):
    window.activateWindow()
    QTest.keyClick(window, Qt.Key.Key_T)


def test_tare_with_the_sensor_unplugged_is_refused_and_says_why(qtbot):
    window, source, clock = scripted_window(qtbot, HOLD)
    drawn(window, qtbot, source, 0.2, seconds=1.0)
    source.connected, source.state = False, "disconnected"
    clock.now += STALE_AFTER_S + 0.5  # the cable came out: no more samples
    qtbot.waitUntil(lambda: "DISCONNECTED" in window.readout.cue_label.text(), timeout=3000)
    press_t(window)
    press_t(window)
    assert source.tares == []
    assert "reads zero now" not in window.status.currentMessage()
    assert "not tared: the sensor is disconnected" in window.status.currentMessage()
    assert not [m for m in window.pipeline.markers if m.kind == "tare"]


def test_tare_on_a_silent_sensor_is_refused(qtbot):
    window, source, clock = scripted_window(qtbot, HOLD)
    drawn(window, qtbot, source, 0.2, seconds=1.0)
    clock.now += 2.0  # connected, but nothing for 2 s
    qtbot.waitUntil(lambda: window.readout.stale, timeout=3000)
    press_t(window)
    assert source.tares == []
    assert "no reading from the sensor for" in window.status.currentMessage()


def test_tare_during_a_ramp_is_refused_even_when_confirmed(qtbot):
    window, source, clock = scripted_window(qtbot, HOLD)
    source.push(np.linspace(0.0, 15.0, 150))  # 10 N/s for 1.5 s
    target = source.t
    qtbot.waitUntil(lambda: window._frame is not None and window._frame.t >= target, timeout=3000)
    press_t(window)
    press_t(window)
    assert source.tares == []
    assert "not tared: the reading is moving" in window.status.currentMessage()


def test_a_steady_load_still_tares_on_the_second_press(qtbot):
    window, source, clock = scripted_window(qtbot, HOLD)
    drawn(window, qtbot, source, 12.0, seconds=1.0)  # a preloaded sensor, still
    press_t(window)
    assert source.tares == [] and "press T again" in window.status.currentMessage()
    press_t(window)
    assert source.tares == [pytest.approx(12.0)]


def test_a_tare_that_reads_zero_but_is_loaded_by_the_devices_zero_asks_first(qtbot):
    """A tare taken under 40 N makes 40 N read 0: a second tare under that load would look
    harmless on screen. The device's own zero (its #ID offset) still sees the 40 N."""
    window, source, clock = scripted_window(qtbot, REST_FIRST)
    source.device_calibration = lambda: Calibration(sensor_id="fake", zero=-40.0, scale=1.0, source="device")
    drawn(window, qtbot, source, 0.0, seconds=1.0)
    press_t(window)
    assert source.tares == []
    assert "reads 40.0 N by the device's own zero: press T again" in window.status.currentMessage()
    press_t(window)
    assert source.tares == [pytest.approx(0.0)]


def test_a_reading_away_from_zero_at_rest_shows_the_banner_after_two_seconds(qtbot):
    window, source, clock = scripted_window(qtbot, REST_FIRST)
    banner = window.alerts.banner
    drawn(window, qtbot, source, -29.4, seconds=1.5)
    assert not banner.isVisible()
    drawn(window, qtbot, source, -29.4, seconds=0.7)
    qtbot.waitUntil(banner.isVisible, timeout=3000)
    assert banner.text() == "reads -29.4 N at rest: re-tare (T)"
    assert banner.textFormat() == Qt.TextFormat.PlainText
    press_t(window)  # asks first (far from zero) ...
    press_t(window)  # ... then tares, and the warning is gone
    assert source.tares and not banner.isVisible()


def test_a_negative_value_never_shows_hold(qtbot):
    ppt = Routine("ppt", steps=(Step("threshold", rate=50.0, target=100.0),), unit="kPa", area_cm2=1.0)
    window, source, clock = scripted_window(qtbot, ppt)
    drawn(window, qtbot, source, -29.2, seconds=3.0)  # -292 kPa, past the pacer's cap
    cue = window.readout.cue_label.text()
    assert "HOLD" not in cue and "BELOW ZERO" in cue


def test_a_stored_scale_far_from_the_devices_is_said_at_start(qtbot):
    """A stored calibration 2.3x off read -34 N at rest on every restart, with no word."""
    window, source, clock = scripted_window(qtbot, HOLD)
    source.current_calibration = lambda: Calibration(sensor_id="x", scale=2.3 / 8560.0, source="stored")
    source.device_calibration = lambda: DEVICE
    drawn(window, qtbot, source, 0.0, seconds=0.3)
    qtbot.waitUntil(window.alerts.banner.isVisible, timeout=3000)
    assert "the calibration in use is 2.30x the device's own" in window.alerts.banner.text()


def test_a_recorder_thread_error_shows_a_banner(qtbot):
    window, source, clock = scripted_window(qtbot, HOLD, recorder=FailingWriter(), recording_path="failing.pressure")
    drawn(window, qtbot, source, 0.0, seconds=0.5)
    qtbot.waitUntil(lambda: window.alerts.banner.isVisible(), timeout=5000)
    assert "Recording stopped: boom in the writer" in window.alerts.banner.text()
    qtbot.waitUntil(lambda: "RECORDING STOPPED" in window.status.record_label.text(), timeout=3000)


# --- the calibration wizard -------------------------------------------------------------------------


def wizard(qtbot, readings, **kw):
    def measure(seconds):
        value = next(readings)
        if isinstance(value, Exception):
            raise value
        return value

    kw.setdefault("device", DEVICE)
    dialog = CalibrationDialog(None, kw.pop("calibration", DEVICE), measure, "N", None, **kw)
    qtbot.addWidget(dialog)
    return dialog


def test_the_wizard_refuses_an_unsteady_reading(qtbot):
    from pressure.zero import NotSteady

    dialog = wizard(qtbot, iter([NotSteady("the reading is moving (5.00 N ...)")]))
    dialog.tare_button.click()
    assert "Not tared: the reading is moving" in dialog.status.text()
    assert dialog.result_calibration is None


def test_a_scale_far_from_the_devices_asks_before_it_is_kept(qtbot, monkeypatch):
    asked = []
    monkeypatch.setattr("pressure.ui.calibration_wizard.QMessageBox.question",
                        lambda *a, **k: asked.append(a[2]) or 0x10000)  # No
    # tared at 0, then "10 N" read 37232 counts: 2.3x the device's 8560 counts/N the other way
    dialog = wizard(qtbot, iter([0.0, 85600.0 / 2.3]))
    dialog.tare_button.click()
    dialog.weight.setValue(10.0)
    dialog.weight_unit.setCurrentText("N")
    dialog.measure_button.click()
    assert "2.30x the device's own" in dialog.status.text()
    dialog.accept()
    assert asked and dialog.result() == 0  # not kept without a yes
    assert "Not kept yet" in dialog.status.text()


def test_a_second_weight_that_reads_right_keeps_a_new_scale_without_asking(qtbot, monkeypatch):
    asked = []
    monkeypatch.setattr("pressure.ui.calibration_wizard.QMessageBox.question",
                        lambda *a, **k: asked.append(a[2]) or 0x10000)
    # the device's own is off by 30 % (a replaced load cell): 10 N reads 111280 counts
    dialog = wizard(qtbot, iter([0.0, 111280.0, 55640.0]))
    dialog.tare_button.click()
    dialog.weight.setValue(10.0)
    dialog.weight_unit.setCurrentText("N")
    dialog.measure_button.click()
    assert "Warning" in dialog.status.text()
    dialog.check_weight.setValue(5.0)
    dialog.check_unit.setCurrentText("N")
    dialog.check_button.click()
    assert "reads 5.00 N" in dialog.status.text() and "good" in dialog.status.text()
    dialog.accept()
    assert not asked and dialog.result() == 1
    assert dialog.result_calibration.scale == pytest.approx(10.0 / 111280.0)


def test_the_wizard_shows_the_stored_calibration_with_its_date(qtbot):
    stored = Calibration(sensor_id="s1", zero=12.0, scale=1 / 8000.0, source="stored",
                         created="2026-11-30T09:15:00+00:00")
    dialog = wizard(qtbot, iter([]), stored=stored)
    assert "2026-11-30 09:15" in dialog.stored_label.text()
    old = wizard(qtbot, iter([]), stored=Calibration(sensor_id="s1", scale=1 / 8000.0, source="stored"))
    assert "date not recorded" in old.stored_label.text()
    none = wizard(qtbot, iter([]), stored=None)
    assert "No stored calibration" in none.stored_label.text()


def test_the_check_needs_a_measured_weight_first(qtbot):
    dialog = wizard(qtbot, iter([PressureError("not used")]))
    dialog.check_weight.setValue(1.0)
    dialog.check_button.click()
    assert "Measure a known weight first" in dialog.status.text()


# --- the wizard from the window's menu, on the built-in simulator -----------------------------------
@pytest.fixture
def sim_window(qtbot, monkeypatch):
    from firmware_sim import model
    from firmware_sim.host import start_builtin_simulator
    from pressure.acquisition import Reader
    from pressure.buffer import RingBuffer
    from pressure.filters import default_filter
    from pressure.session.pipeline import LiveSource, Pipeline
    from pressure.ui.main_window import MainWindow

    # a weight of 10 N put on over 3 s after 0.2 s (the same 38 s cycle): a short test, and a
    # ramp long enough that a slow frame does not miss it
    monkeypatch.setattr(model.Trapezoid, "_segments", lambda self, k: [
        (0.2, 0.0, model._LIN), (3.0, 10.0, model._LIN), (20.0, 10.0, model._LIN), (1.0, 0.0, model._LIN),
        (13.8, 0.0, model._LIN)])
    host = start_builtin_simulator(profile="idle", rate=500, fmt="pressure", seed=7)
    buffer = RingBuffer(1 << 18)
    reader = Reader(host.url, buffer, fmt="pressure")
    reader.start()
    source = LiveSource(reader, buffer, sensor="built-in simulator", on_stop=[host.stop])
    pipeline = Pipeline(source, HOLD, default_filter())
    window = MainWindow(pipeline, window_seconds=10.0)
    qtbot.addWidget(window)
    window.show()
    yield window, host
    window.close()
    source.stop()


@pytest.mark.qt_log_ignore("propagateSizeHints")  # the offscreen plugin, on showing a dialog
def test_the_calibration_wizard_from_the_menu_on_the_simulator(sim_window, qtbot):
    """File > Calibration…: tare at rest, a weight refused while it is being put on (the ramp that
    once stored a scale 2.3x off), measured once still, checked, kept with its date."""
    from pressure.calibration import CalibrationStore

    window, host = sim_window
    source = window.pipeline.source
    qtbot.waitUntil(lambda: window.pipeline.samples > 500 and source.reader.calibration is not None, timeout=10000)
    device = source.device_calibration()
    assert device is not None and device.scale > 0
    action = next(a for a in window.menuBar().actions()[0].menu().actions() if a.text().startswith("Calibration"))
    seen = []

    def frame_value():
        return window._frame.value if window._frame is not None else float("nan")

    def act(dialog):
        assert isinstance(dialog, CalibrationDialog)
        seen.append(dialog.stored_label.text())
        dialog.tare_button.click()
        seen.append(dialog.status.text())
        host.switch_profile("trapezoid")  # a 10 N weight goes on over 3 s
        dialog.weight.setValue(10.0)
        dialog.weight_unit.setCurrentText("N")
        qtbot.waitUntil(lambda: 1.5 < frame_value() < 8.0, timeout=10000)
        dialog.measure_button.click()
        seen.append(dialog.status.text())
        qtbot.waitUntil(lambda: frame_value() > 9.5, timeout=10000)
        start = window.pipeline.last_t
        qtbot.waitUntil(lambda: window.pipeline.last_t > start + 0.8, timeout=5000)
        dialog.measure_button.click()
        seen.append(dialog.status.text())
        dialog.check_weight.setValue(10.0)
        dialog.check_unit.setCurrentText("N")
        dialog.check_button.click()
        seen.append(dialog.status.text())
        dialog.accept()

    while_modal(qtbot, action.trigger, act)
    assert len(seen) == 5, seen
    stored_before, tared, ramp, measured, checked = seen
    assert "No stored calibration" in stored_before
    assert tared.startswith("Tared at")
    assert "Not measured: the reading is moving" in ramp
    assert measured.startswith("Measured: 10 N") and "Warning" not in measured
    assert "good" in checked
    kept = source.reader.calibration
    assert kept.source == "known-weight" and kept.scale == pytest.approx(device.scale, rel=0.03)
    stored = CalibrationStore().load(kept.sensor_id)
    assert stored is not None and stored.created and stored.scale == pytest.approx(kept.scale)


def test_the_wizard_tare_under_a_load_the_device_sees_asks_first(qtbot):
    # 342400 counts over the device's zero: 40 N on the sensor by its own 8560 counts/N
    dialog = wizard(qtbot, iter([342400.0, 342400.0]), range_n=66.0)
    dialog.tare_button.click()
    assert "carries 40.0 N" in dialog.status.text() and dialog.result_calibration is None
    dialog.tare_button.click()  # deliberately: a preloaded tip
    assert dialog.result_calibration.zero == 342400.0
    assert "8560 counts per N" in dialog.device_label.text()
