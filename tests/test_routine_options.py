"""--routine / --target options shared by live, replay and report."""

from __future__ import annotations

import argparse

import pytest

from pressure.commands._routine_options import (
    add_routine_options,
    display_unit_from_args,
    parse_area,
    routine_from_args,
)
from pressure.errors import PressureError
from pressure.routine import BUILTIN_ROUTINES
from pressure.samples import CONTACT_AREAS


def parse(*argv):
    parser = argparse.ArgumentParser(exit_on_error=False)
    add_routine_options(parser)
    return parser.parse_args(list(argv))


def test_nothing_asked_gives_no_routine():
    assert routine_from_args(parse()) is None


def test_single_hold_from_target():
    r = routine_from_args(parse("--target", "25", "--tolerance", "2", "--hold", "30", "--ceiling", "40"))
    hold = r.steps[r.holds()[0]]
    assert (hold.target, hold.band(), hold.duration, r.ceiling) == (25, (23, 27), 30, 40)


def test_defaults_are_ten_percent_and_sixty_seconds():
    r = routine_from_args(parse("--target", "30"))
    hold = r.steps[r.holds()[0]]
    assert hold.band() == pytest.approx((27, 33)) and hold.duration == 60


def test_target_in_a_pressure_unit_uses_the_area():
    r = routine_from_args(parse("--target", "300", "--unit", "kpa", "--area", "thumb"))
    assert r.unit == "kPa" and r.area_cm2 == CONTACT_AREAS["thumb pad (~2.5 cm2)"]
    assert r.steps[1].target == 300


def test_builtin_routine_is_converted_to_the_display_unit():
    r = routine_from_args(parse("--routine", "ischemic", "--unit", "kgf"))
    # 30 N / 9.80665 N per kgf
    assert r.unit == "kgf" and r.steps[1].target == pytest.approx(30 / 9.80665)
    ppt = routine_from_args(parse("--routine", "ppt", "--unit", "N"))
    assert ppt.unit == "N" and ppt.steps[0].rate == pytest.approx(5.0)  # 50 kPa/s on 1 cm2


def test_a_routine_keeps_its_own_unit_without_unit_option():
    assert routine_from_args(parse("--routine", "ppt")) == BUILTIN_ROUTINES["ppt"]
    assert display_unit_from_args(parse(), None) == ("N", None)
    # an explicit area for the routine's own pressure unit keeps the pressures
    tip = routine_from_args(parse("--routine", "ppt", "--area", "2"))
    assert tip.unit == "kPa" and tip.area_cm2 == 2 and tip.steps[0].rate == pytest.approx(50.0)


def test_ceiling_overrides_the_routine_and_is_checked():
    assert routine_from_args(parse("--routine", "ischemic", "--ceiling", "45")).ceiling == 45
    with pytest.raises(PressureError, match="ceiling"):
        routine_from_args(parse("--routine", "ischemic", "--ceiling", "20"))


def test_routine_from_a_file(tmp_path):
    path = tmp_path / "r.toml"
    path.write_text(BUILTIN_ROUTINES["trapezoid"].to_toml(), encoding="utf-8")
    assert routine_from_args(parse("--routine", str(path))) == BUILTIN_ROUTINES["trapezoid"]


@pytest.mark.parametrize("argv,words", [
    (("--routine", "ischemic", "--target", "30"), "not both"),
    (("--routine", "ischemic", "--hold", "30"), "--hold"),
    (("--tolerance", "5%"), "--target"),
    (("--target", "30", "--tolerance", "ten"), "tolerance"),
    (("--target", "-1"), "greater than 0"),
    (("--target", "30", "--ceiling", "20"), "below"),
    (("--target", "30", "--unit", "kPa"), "--area"),
    (("--target", "30", "--unit", "stone"), "unknown unit"),
    (("--target", "30", "--unit", "kPa", "--area", "nose"), "--area"),
    (("--target", "30", "--unit", "kPa", "--area", "0"), "greater than 0"),
    (("--routine", "nonesuch"), "unknown routine"),
])
def test_bad_options_give_a_clear_message(argv, words):
    with pytest.raises(PressureError, match=words):
        routine_from_args(parse(*argv))


def test_non_numbers_are_argparse_errors():
    with pytest.raises(argparse.ArgumentError):
        parse("--target", "lots")


def test_parse_area_names_and_numbers():
    assert parse_area("1.5") == 1.5
    assert parse_area("Algometer") == CONTACT_AREAS["algometer tip (1 cm2)"]
    with pytest.raises(PressureError):
        parse_area("")


def test_display_unit_takes_the_routines_area():
    args = parse("--unit", "kPa")
    assert display_unit_from_args(args, BUILTIN_ROUTINES["ppt"]) == ("kPa", 1.0)
    with pytest.raises(PressureError, match="--area"):
        display_unit_from_args(args)
