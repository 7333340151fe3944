"""Dialogs: calibration with a known weight, settings checks, the sensor picker."""

import pytest

from pressure.calibration import Calibration
from pressure.errors import PressureError
from pressure.filters import FILTERS
from pressure.routine import BUILTIN_ROUTINES
from pressure.samples import G
from pressure.ui.dialogs import SIMULATOR, CalibrationDialog, PortDialog, SettingsDialog


def test_calibration_with_a_known_weight(qtbot):
    readings = iter([100.0, 2100.0])
    dialog = CalibrationDialog(None, Calibration(sensor_id="s1", zero=0.0, scale=1.0), lambda s: next(readings),
                               "N", None)
    qtbot.addWidget(dialog)
    dialog.tare_button.click()
    dialog.weight.setValue(1.0)
    dialog.weight_unit.setCurrentText("kgf")
    dialog.measure_button.click()
    cal = dialog.result_calibration
    assert cal.zero == 100.0 and cal.sensor_id == "s1"
    assert cal.apply(2100.0) == pytest.approx(G)  # 1 kgf on the sensor reads 9.80665 N


def test_calibration_problems_are_shown_in_the_dialog(qtbot):
    def no_samples(seconds):
        raise PressureError("no recent samples to measure: is the sensor connected?")

    dialog = CalibrationDialog(None, Calibration(), no_samples, "N", None)
    qtbot.addWidget(dialog)
    dialog.measure_button.click()
    assert "known weight" in dialog.status.text()  # asks for the weight first
    dialog.weight.setValue(2.0)
    dialog.measure_button.click()
    assert "no recent samples" in dialog.status.text() and dialog.result_calibration is None


def test_calibration_dialog_needs_an_area_for_pressure_units(qtbot, monkeypatch):
    warnings = []
    monkeypatch.setattr("pressure.ui.calibration_wizard.QMessageBox.warning", lambda *a: warnings.append(a[2]))
    dialog = CalibrationDialog(None, Calibration(), lambda s: 0.0, "N", None)
    qtbot.addWidget(dialog)
    dialog.unit.setCurrentText("kPa")
    dialog.area.setEditText("none")
    dialog.accept()
    assert warnings and dialog.result() == 0
    dialog.area.setEditText("1.5")
    assert dialog.area_cm2() == 1.5


def make_settings(qtbot, **changes):
    values = dict(filters=FILTERS, filter_name="one_euro", strength=-1.0, routines=BUILTIN_ROUTINES,
                  routine_name="", unit="N", target=30.0, tolerance="10%", hold=30.0, ceiling=0.0,
                  window_seconds=20.0, y_max=0.0, record=True, error_tone=False)
    values.update(changes)
    dialog = SettingsDialog(None, **values)
    qtbot.addWidget(dialog)
    return dialog


def test_settings_dialog_refuses_a_bad_single_hold(qtbot):
    dialog = make_settings(qtbot)
    dialog.tolerance.setText("lots")
    dialog.accept()
    assert "tolerance" in dialog.message.text() and dialog.result() == 0
    dialog.tolerance.setText("2")
    dialog.ceiling.setValue(10.0)
    dialog.accept()
    assert "ceiling" in dialog.message.text()
    dialog.ceiling.setValue(50.0)
    dialog.accept()
    assert dialog.result() == 1


def test_settings_dialog_values_round_trip(qtbot):
    dialog = make_settings(qtbot, routine_name="steady", strength=0.4, record=False)
    v = dialog.values()
    assert v["routine/name"] == "steady" and v["filter/strength"] == pytest.approx(0.4)
    assert v["record/enabled"] is False and v["filter/name"] == "one_euro"
    dialog.strength.setValue(dialog.strength.minimum())
    assert dialog.values()["filter/strength"] == -1.0  # "filter default"


def test_port_dialog_always_offers_the_simulator(qtbot):
    dialog = PortDialog(None)
    qtbot.addWidget(dialog)
    values = [dialog.list.item(i).data(256) for i in range(dialog.list.count())]
    assert values[-1] == SIMULATOR
    assert dialog.url() == SIMULATOR
    dialog.url_edit.setText("socket://127.0.0.1:5000")
    assert dialog.url() == "socket://127.0.0.1:5000"
