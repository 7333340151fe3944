"""Units and the Block type."""

import numpy as np
import pytest

from pressure.errors import PressureError
from pressure.samples import Block, from_unit, normalize_unit, to_unit


def test_force_units_against_definitions():
    # 1 kgf is the weight of 1 kg under standard gravity; 1 lbf = 0.45359237 kg * g.
    assert to_unit(9.80665, "kgf") == pytest.approx(1.0)
    assert to_unit(0.45359237 * 9.80665, "lbf") == pytest.approx(1.0)
    np.testing.assert_allclose(to_unit(np.array([0.0, 10.0]), "N"), [0.0, 10.0])


def test_pressure_needs_area_and_converts():
    # 10 N on 1 cm^2 = 10 N/cm^2 = 100 kPa
    assert to_unit(10.0, "kPa", 1.0) == pytest.approx(100.0)
    assert to_unit(10.0, "N/cm2", 2.0) == pytest.approx(5.0)
    assert from_unit(100.0, "kPa", 1.0) == pytest.approx(10.0)
    with pytest.raises(PressureError, match="area"):
        to_unit(1.0, "kPa")


def test_round_trip_every_display_unit():
    x = np.linspace(-50, 500, 7)
    for unit in ("N", "kgf", "lbf", "kPa", "N/cm2", "kgf/cm2"):
        np.testing.assert_allclose(from_unit(to_unit(x, unit, 2.5), unit, 2.5), x)


def test_unit_aliases_and_unknown_unit():
    assert normalize_unit("lbF") == "lbf"
    assert normalize_unit(" KG ") == "kgf"
    with pytest.raises(PressureError, match="unknown unit"):
        normalize_unit("furlong")


def test_block_concat_and_slices():
    a = Block.make([0, 1], [10, 11], [0.1, 0.2])
    b = Block.make([2], [12], [0.3], flags=[1])
    c = Block.concat([a, Block.empty(), b])
    assert len(c) == 3 and c.flags.dtype == np.uint8 and c.flags[2] == 1
    assert np.isnan(c.arrival).all()
    assert len(c[1:]) == 2 and len(c[c.raw > 10]) == 2


def test_force_only_places_name_the_force_units():
    from pressure.samples import normalize_force_unit

    assert normalize_force_unit("lbF") == "lbf"
    with pytest.raises(PressureError, match="pressure unit") as info:
        normalize_force_unit("kPa")
    assert "ozf" in str(info.value) and "kPa," not in str(info.value)
    with pytest.raises(PressureError, match="unknown unit"):
        normalize_force_unit("furlong")
