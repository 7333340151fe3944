"""Calibration: tare, known weight in every force unit, persistence per sensor, damaged files."""

from __future__ import annotations

import json
import logging

import numpy as np
import pytest

from pressure.calibration import (
    Calibration,
    CalibrationFileError,
    CalibrationStore,
    default_for_unit,
    from_device,
)
from pressure.errors import PressureError
from pressure.samples import to_unit

LB_KG = 0.45359237  # definition of the pound
G = 9.80665         # standard gravity


def _board(force_n, zero=8400.0, counts_per_n=8560.0, noise=0.0, seed=0):
    """What an HX711 board sends for a given force (the physics, not the code under test)."""
    rng = np.random.default_rng(seed)
    force_n = np.asarray(force_n, dtype=float)
    return zero + force_n * counts_per_n + rng.normal(0.0, noise, force_n.shape)


def test_tare_then_apply_reads_zero_with_nothing_on():
    idle = _board(np.zeros(500), noise=30.0)
    cal = Calibration(sensor_id="A").tared(float(np.mean(idle)))
    assert cal.source == "tare" and cal.created
    assert abs(float(np.mean(cal.apply(idle)))) < 1e-9
    # a later idle stretch (new noise) reads within noise of 0 raw units
    assert abs(float(np.mean(cal.apply(_board(np.zeros(500), noise=30.0, seed=1))))) < 5.0


@pytest.mark.parametrize(
    "weight, unit, newtons",
    [(2.0, "N", 2.0), (1.0, "kg", G), (0.5, "kgf", 0.5 * G), (5.0, "lbf", 5 * LB_KG * G), (200.0, "g", 0.2 * G)],
)
def test_known_weight_gives_the_right_force_in_every_unit(weight, unit, newtons):
    cal = Calibration(sensor_id="A").tared(float(np.mean(_board(np.zeros(100)))))
    loaded = _board(np.full(100, newtons))
    cal = cal.with_known_weight(float(np.mean(loaded)), weight, unit)
    assert cal.source == "known-weight"
    # another force on the same board now reads right, in newtons and in display units
    probe = _board(np.array([0.0, 12.5, 40.0]))
    np.testing.assert_allclose(cal.apply(probe), [0.0, 12.5, 40.0], atol=1e-9)
    np.testing.assert_allclose(to_unit(cal.apply(probe), "lbf"), np.array([0.0, 12.5, 40.0]) / (LB_KG * G))
    np.testing.assert_allclose(to_unit(cal.apply(probe), "kgf"), np.array([0.0, 12.5, 40.0]) / G)


def test_reverse_mounted_cell_gives_a_negative_scale_and_positive_force():
    cal = Calibration(sensor_id="A").tared(1000.0)
    cal = cal.with_known_weight(1000.0 - 9.80665 * 5000.0, 1.0, "kgf")
    assert cal.scale < 0
    assert cal.apply(np.array([1000.0 - 5000.0 * 20.0]))[0] == pytest.approx(20.0)


@pytest.mark.parametrize(
    "reading, weight, unit, message",
    [
        (8410.0, 1.0, "kg", "too close to zero"),
        (50000.0, 0.0, "kg", "greater than 0"),
        (50000.0, -2.0, "N", "greater than 0"),
        (50000.0, float("nan"), "N", "finite"),
        (float("inf"), 1.0, "N", "finite"),
        (50000.0, 1.0, "kPa", "force"),
        (50000.0, 1.0, "stone", "unknown unit"),
    ],
)
def test_bad_known_weight_is_a_clear_error(reading, weight, unit, message):
    cal = Calibration(sensor_id="A", zero=8400.0)
    with pytest.raises(PressureError, match=message):
        cal.with_known_weight(reading, weight, unit)


def test_known_weight_on_a_gauge_corrects_its_reading():
    cal = default_for_unit("lbf", sensor_id="gauge-1")
    assert cal.raw_unit == "lbf" and cal.apply(np.array([1.0]))[0] == pytest.approx(LB_KG * G)
    # the gauge reads 2 % high: 10 lbf on it shows 10.2
    fixed = cal.with_known_weight(10.2, 10.0, "lbf")
    assert fixed.apply(np.array([10.2]))[0] == pytest.approx(10.0 * LB_KG * G)
    with pytest.raises(PressureError, match="too close"):
        cal.with_known_weight(0.001, 1.0, "lbf")


def test_default_for_unit_rejects_pressure_units():
    with pytest.raises(PressureError, match="not a force"):
        default_for_unit("kPa")


def test_from_device_numbers_and_id_mapping_agree():
    a = from_device(8560.0, 8400, "SIM00042")
    b = from_device({"serial": "SIM00042", "counts_per_n": "8560.0", "offset": "8400"}, sensor_id="SIM00042")
    assert a.zero == b.zero == 8400.0 and a.scale == b.scale and a.source == "device"
    np.testing.assert_allclose(a.apply(_board(np.array([0.0, 3.0]))), [0.0, 3.0], atol=1e-9)
    for bad in (0.0, "x", float("nan")):
        with pytest.raises(PressureError):
            from_device(bad, 0, "S")
    with pytest.raises(PressureError, match="counts_per_n"):
        from_device({"serial": "S"}, sensor_id="S")


def test_dict_round_trip_and_validation():
    cal = Calibration(sensor_id="S1", zero=12.5, scale=1 / 8560.0, source="known-weight", created="2024-01-01T00:00:00+00:00")
    d = json.loads(json.dumps(cal.to_dict()))
    assert Calibration.from_dict(d) == cal
    for bad in ({"scale": 0}, {"scale": "nan"}, {"zero": None}, {"raw_unit": "kPa"}, {"source": "guess"},
                {"zero": True}, [1, 2]):
        with pytest.raises(PressureError):
            Calibration.from_dict(bad if not isinstance(bad, dict) else {**d, **bad})


# -- the store --------------------------------------------------------------------------------

def test_store_default_path_is_in_the_private_config_dir(pressure_home):
    store = CalibrationStore()
    assert store.path == pressure_home / "config" / "calibrations.json"
    assert store.load("nobody") is None and store.all() == {}


def test_calibration_survives_a_restart_and_keeps_other_sensors(pressure_home):
    a = Calibration(sensor_id="A").tared(8400.0).with_known_weight(8400 + 8560 * G, 1.0, "kg")
    b = default_for_unit("N", sensor_id="B")
    CalibrationStore().save(a)
    CalibrationStore().save(b)
    # a new store object (as after a restart) reads both back, with the same numbers
    again = CalibrationStore()
    got = again.load("A")
    assert got is not None and got.source == "stored"
    assert (got.zero, got.scale, got.raw_unit, got.created) == (a.zero, a.scale, a.raw_unit, a.created)
    assert set(again.all()) == {"A", "B"}
    # re-tare A: B is untouched, A changes
    again.save(got.tared(8500.0))
    assert CalibrationStore().load("A").zero == 8500.0
    assert CalibrationStore().load("B").scale == b.scale
    # saving a loaded calibration unchanged keeps how it was made in the file
    again.save(again.load("B"))
    assert json.loads(again.path.read_text())["sensors"]["B"]["source"] == "default"


def test_save_needs_a_sensor_id():
    with pytest.raises(PressureError, match="sensor id"):
        CalibrationStore().save(Calibration())


@pytest.mark.parametrize("content", [b'{"format": "pressure-calib', b"[1, 2, 3]", b'{"format": "other"}',
                                     b"\x00\xff\xfe not text", b"[" * 100000])
def test_damaged_file_is_reported_and_kept_before_a_save(content, caplog):
    store = CalibrationStore()
    store.path.write_bytes(content)
    with pytest.raises(CalibrationFileError, match="calibrations"):
        store.load("A")
    with pytest.raises(PressureError, match=str(store.path.name)):
        store.all()
    with caplog.at_level(logging.WARNING, logger="pressure.calibration"):
        store.save(default_for_unit("N", sensor_id="A"))
    backups = list(store.path.parent.glob("calibrations.json.corrupt-*"))
    assert len(backups) == 1
    assert backups[0].read_bytes() == content
    assert "kept it as" in caplog.text
    assert CalibrationStore().load("A").scale == 1.0


def test_one_bad_entry_does_not_hide_the_others(caplog):
    store = CalibrationStore()
    good = default_for_unit("kgf", sensor_id="good").to_dict()
    store.path.write_text(json.dumps({"format": "pressure-calibrations", "version": 1,
                                      "sensors": {"good": good, "bad": {**good, "scale": 0}}}))
    with caplog.at_level(logging.WARNING, logger="pressure.calibration"):
        assert set(store.all()) == {"good"}
    assert "bad" in caplog.text
    with pytest.raises(CalibrationFileError, match="'bad'"):
        store.load("bad")
    assert store.load("good").scale == pytest.approx(G)
    # saving another sensor keeps the bad entry as it was (nothing recorded is lost)
    store.save(default_for_unit("N", sensor_id="new"))
    assert json.loads(store.path.read_text())["sensors"]["bad"]["scale"] == 0


def test_newer_file_version_is_refused_not_overwritten_silently():
    store = CalibrationStore()
    store.path.write_text(json.dumps({"format": "pressure-calibrations", "version": 99, "sensors": {}}))
    with pytest.raises(CalibrationFileError, match="newer"):
        store.load("A")


def test_write_is_atomic_no_temporary_files_left():
    store = CalibrationStore()
    for i in range(3):
        store.save(default_for_unit("N", sensor_id=f"s{i}"))
    names = sorted(p.name for p in store.path.parent.iterdir())
    assert names == ["calibrations.json"]
