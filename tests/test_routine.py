"""Routines as data: validation, built-ins, unit conversion, TOML files and their error lines."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pressure.errors import PressureError
from pressure.routine import (
    BUILTIN_ROUTINES,
    STEP_KINDS,
    Routine,
    RoutineError,
    Step,
    get_routine,
    load_routine_file,
    parse_tolerance,
    single_hold,
)

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "routines"


def write(tmp_path, text: str, name="r.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# -- tolerance ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text,target,expected", [
    ("10%", 30.0, 3.0), (" 5 % ", 40.0, 2.0), ("2", 30.0, 2.0), (2, 30.0, 2.0), ("0.5", 1.0, 0.5), ("0%", 9, 0.0),
])
def test_parse_tolerance(text, target, expected):
    assert parse_tolerance(text, target) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["abc", "-1", "-5%", "150%", "", "%", "nan", "inf", None, True])
def test_parse_tolerance_rejects_bad_text_with_a_message(text):
    with pytest.raises(PressureError, match="tolerance"):
        parse_tolerance(text, 30.0)


# -- built-ins ---------------------------------------------------------------------------------

def test_ischemic_is_three_60s_holds_at_30N_with_30s_rests():
    r = BUILTIN_ROUTINES["ischemic"]
    holds = [r.steps[i] for i in r.holds()]
    assert len(holds) == 3
    assert all(h.target == 30 and h.duration == 60 and h.band() == pytest.approx((27, 33)) for h in holds)
    rests = [s for s in r.steps if s.kind == "rest"]
    assert len(rests) >= 2 and all(s.duration == 30 for s in rests)
    assert r.unit == "N" and r.ceiling is not None and r.ceiling > 33


def test_ppt_is_three_threshold_trials_at_50kPa_per_s_on_1cm2():
    r = BUILTIN_ROUTINES["ppt"]
    trials = [s for s in r.steps if s.kind == "threshold"]
    assert r.unit == "kPa" and r.area_cm2 == 1.0
    assert len(trials) == 3 and all(s.rate == 50 for s in trials)
    assert r.holds() == []


def test_trapezoid_ramps_up_and_down_at_the_rate_around_a_plateau():
    r = BUILTIN_ROUTINES["trapezoid"]
    kinds = [s.kind for s in r.steps]
    assert kinds[:3] == ["ramp", "hold", "ramp"]
    up, plateau, down = r.steps[:3]
    assert up.rate == 10 and up.target == 40 and plateau.target == 40 and plateau.duration == 20
    assert down.rate == 10 and down.target < up.target


def test_steady_practice_holds_are_strict():
    r = BUILTIN_ROUTINES["steady"]
    holds = [r.steps[i] for i in r.holds()]
    assert len(holds) >= 3
    assert all(h.on_leave in ("reset", "pause") and h.effective_tolerance() <= 0.05 * h.target + 1e-9
               for h in holds)


@pytest.mark.parametrize("name", sorted(BUILTIN_ROUTINES))
def test_builtins_round_trip_through_json_and_toml(name):
    r = BUILTIN_ROUTINES[name]
    assert Routine.from_dict(json.loads(r.to_json())) == r
    assert Routine.from_dict(tomllib.loads(r.to_toml())) == r
    assert r.holds() == [i for i, s in enumerate(r.steps) if s.kind == "hold"]


def test_get_routine_by_name_path_and_unknown(tmp_path):
    assert get_routine("Ischemic") is BUILTIN_ROUTINES["ischemic"]
    path = write(tmp_path, BUILTIN_ROUTINES["steady"].to_toml(), "mine.toml")
    assert get_routine(str(path)) == BUILTIN_ROUTINES["steady"]
    with pytest.raises(PressureError) as info:
        get_routine("isometric")
    assert all(n in str(info.value) for n in BUILTIN_ROUTINES)
    with pytest.raises(PressureError, match="no such routine file"):
        get_routine(str(tmp_path / "missing.toml"))


# -- single hold, conversion -------------------------------------------------------------------

def test_single_hold_is_ramp_hold_release():
    r = single_hold(20, "5%", 45, ceiling=40)
    assert [s.kind for s in r.steps] == ["ramp", "hold", "release"]
    hold = r.steps[r.holds()[0]]
    assert hold.band() == pytest.approx((19, 21)) and hold.duration == 45 and r.ceiling == 40
    assert single_hold(20, "2").steps[1].tolerance == 2.0


@pytest.mark.parametrize("kwargs", [dict(target=0), dict(target=-3), dict(target=10, hold=0),
                                    dict(target=10, tolerance="x"), dict(target=30, ceiling=20),
                                    dict(target=30, unit="kPa"), dict(target=30, unit="furlongs")])
def test_single_hold_rejects_bad_values(kwargs):
    with pytest.raises(PressureError):
        single_hold(**kwargs)


def test_converted_newtons_to_kpa_divides_by_the_area():
    r = single_hold(30, "10%", 60, ceiling=50)
    k = r.converted("kPa", area_cm2=2.0)
    # 30 N on 2 cm2 = 30 N / 2e-4 m2 = 150 000 Pa
    assert k.unit == "kPa" and k.area_cm2 == 2.0
    assert k.steps[1].target == pytest.approx(150.0) and k.steps[1].tolerance == pytest.approx(15.0)
    assert k.ceiling == pytest.approx(250.0)
    back = k.converted("N")
    assert back.steps[1].target == pytest.approx(30.0) and back.steps[1].duration == 60


def test_converted_pressure_routine_keeps_pressures_whatever_the_area():
    ppt = BUILTIN_ROUTINES["ppt"]
    assert ppt.converted("kPa", area_cm2=2.5).steps[0].rate == pytest.approx(50.0)
    # 50 kPa/s on the routine's own 1 cm2 tip = 5 N/s (50 000 Pa * 1e-4 m2)
    assert ppt.converted("N").steps[0].rate == pytest.approx(5.0)
    assert ppt.converted("lbf").steps[0].rate == pytest.approx(5.0 / 4.4482216152605)


def test_pressure_unit_needs_an_area():
    with pytest.raises(RoutineError, match="area"):
        Routine("x", (Step("rest", duration=1),), unit="kPa")
    with pytest.raises(PressureError, match="area"):
        single_hold(30).converted("kPa")


@pytest.mark.parametrize("kwargs", [
    dict(kind="jump"), dict(kind="hold", target=3), dict(kind="hold", duration=3),
    dict(kind="hold", target=3, duration=-1), dict(kind="rest"), dict(kind="rest", duration=0),
    dict(kind="rest", duration=5, target=3), dict(kind="ramp", target=3, duration=2),
    dict(kind="ramp", target=3, rate=-1), dict(kind="ramp", target=0), dict(kind="threshold"),
    dict(kind="hold", target=3, duration=5, on_leave="ignore"), dict(kind="rest", duration=5, advance="now"),
    dict(kind="ramp", target=float("nan")), dict(kind="hold", target=30, duration=5, tolerance=-1),
])
def test_invalid_steps_are_refused(kwargs):
    with pytest.raises(RoutineError):
        Step(**kwargs)


# -- files -------------------------------------------------------------------------------------

GOOD = """\
name = "Upper trapezius, 3 x 60 s"
unit = "N"
ceiling = 60
description = "test"

[[steps]]
kind = "ramp"
target = 30
rate = 10

[[steps]]
kind = "hold"
target = 30
tolerance = "10%"
duration = 60
on_leave = "pause"

[[steps]]
kind = "rest"
duration = 30
advance = "key"
label = "breathe"
"""


def test_good_file_loads(tmp_path):
    r = load_routine_file(write(tmp_path, GOOD))
    assert r.name == "Upper trapezius, 3 x 60 s" and r.ceiling == 60
    assert r.steps[0] == Step("ramp", target=30, rate=10)
    assert r.steps[1].band() == pytest.approx((27, 33)) and r.steps[1].duration == 60
    assert r.steps[2].advance == "key" and r.steps[2].label == "breathe"


def _line_of(text: str, needle: str, occurrence: int = 1) -> int:
    lines = text.splitlines()
    hits = [i + 1 for i, l in enumerate(lines) if l.strip().startswith(needle)]
    return hits[occurrence - 1]


@pytest.mark.parametrize("old,new,needle,occurrence,words", [
    ("rate = 10", "rate = 10\nspeed = 3", "speed", 1, "unknown key"),
    ("duration = 60", 'duration = "sixty"', "duration", 1, "number"),
    ("duration = 30", "duration = -30", "duration", 2, "greater than 0"),
    ('unit = "N"', 'unit = "furlong"', "unit", 1, "unknown unit"),
    ('unit = "N"', 'unit = "kPa"', "unit", 1, "area"),
    ("ceiling = 60", "ceiling = 20", "target", 1, "ceiling"),
    ('on_leave = "pause"', 'on_leave = "panic"', "on_leave", 1, "on_leave"),
    ('kind = "rest"', 'kind = "sleep"', "kind", 3, "step kind"),
    ('tolerance = "10%"', 'tolerance = "lots"', "tolerance", 1, "tolerance"),
    ('name = "Upper trapezius, 3 x 60 s"', 'name = "x"\ncolour = "red"', "colour", 1, "unknown key"),
])
def test_semantic_errors_name_the_file_and_line(tmp_path, old, new, needle, occurrence, words):
    text = GOOD.replace(old, new, 1)
    path = write(tmp_path, text)
    with pytest.raises(RoutineError) as info:
        load_routine_file(path)
    msg = str(info.value)
    assert str(path) in msg and words in msg
    assert f"line {_line_of(text, needle, occurrence)}:" in msg


def test_hold_without_target_names_its_steps_table(tmp_path):
    text = GOOD.replace("target = 30\ntolerance", "tolerance", 1).replace('tolerance = "10%"', "tolerance = 3")
    with pytest.raises(RoutineError) as info:
        load_routine_file(write(tmp_path, text))
    assert f"line {_line_of(text, '[[steps]]', 2)}:" in str(info.value) and "target" in str(info.value)


def test_syntax_error_names_the_line(tmp_path):
    text = GOOD.replace("rate = 10", "rate = 10 N/s")
    with pytest.raises(RoutineError) as info:
        load_routine_file(write(tmp_path, text))
    assert f"line {_line_of(text, 'rate')}" in str(info.value)


def test_unreadable_files_give_clear_messages(tmp_path):
    with pytest.raises(RoutineError, match="no such routine file"):
        load_routine_file(tmp_path / "nope.toml")
    with pytest.raises(RoutineError, match="folder"):
        load_routine_file(tmp_path)
    bad = tmp_path / "bin.toml"
    bad.write_bytes(b'name = "a"\n\xff\xfe\n')
    with pytest.raises(RoutineError, match="line 2: not UTF-8"):
        load_routine_file(bad)
    big = tmp_path / "big.toml"
    big.write_bytes(b"#" * (2 << 20))
    with pytest.raises(RoutineError, match="too large"):
        load_routine_file(big)
    with pytest.raises(RoutineError, match="at least one"):
        load_routine_file(write(tmp_path, 'name = "empty"\n'))


def test_shipped_examples_load():
    files = sorted(EXAMPLES.glob("*.toml"))
    assert len(files) >= 2
    kinds = set()
    for f in files:
        r = load_routine_file(f)
        assert r.steps and r.name
        kinds.update(s.kind for s in r.steps)
    assert {"ramp", "hold", "rest", "threshold"} <= kinds


# -- property: any valid routine round-trips ----------------------------------------------------

_pos = st.floats(min_value=0.01, max_value=500, allow_nan=False)


@st.composite
def steps(draw):
    kind = draw(st.sampled_from(STEP_KINDS))
    kw = {"advance": draw(st.sampled_from(["auto", "key"])), "label": draw(st.text(max_size=8))}
    if kind in ("ramp", "hold"):
        kw["target"] = draw(_pos)
        kw["tolerance"] = draw(st.none() | st.floats(min_value=0, max_value=50))
    if kind == "ramp":
        kw["rate"] = draw(st.none() | _pos)
    if kind == "hold":
        kw["duration"] = draw(_pos)
        kw["on_leave"] = draw(st.sampled_from(["pause", "reset", "record"]))
    if kind == "rest":
        kw["duration"] = draw(_pos)
    if kind == "release":
        kw["duration"] = draw(st.none() | _pos)
    if kind == "threshold":
        kw["rate"] = draw(_pos)
    return Step(kind, **kw)


@settings(max_examples=60, deadline=None)
@given(st.lists(steps(), min_size=1, max_size=6), st.sampled_from(["N", "kgf", "lbf", "kPa"]),
       st.text(min_size=1, max_size=12).filter(str.strip))
def test_any_valid_routine_round_trips(step_list, unit, name):
    r = Routine(name, tuple(step_list), unit=unit, area_cm2=1.5 if unit == "kPa" else None, ceiling=None)
    assert Routine.from_dict(json.loads(r.to_json())) == r
    assert Routine.from_dict(tomllib.loads(r.to_toml())) == r


def test_json_nulls_count_as_absent():
    d = {"name": "n", "ceiling": None, "steps": [{"kind": "rest", "duration": 3, "target": None, "rate": None}]}
    assert Routine.from_dict(d) == Routine("n", (Step("rest", duration=3),))


def test_the_documented_example_loads(tmp_path):
    doc = (EXAMPLES.parent.parent / "docs" / "routines.md").read_text(encoding="utf-8")
    block = doc.split("```toml\n", 1)[1].split("```", 1)[0]
    r = load_routine_file(write(tmp_path, block))
    assert [s.kind for s in r.steps] == ["ramp", "hold", "release", "rest", "ramp", "hold", "release"]
    assert r.steps[4].advance == "key" and r.steps[5].band() == pytest.approx((27, 33))
    bad = write(tmp_path, block.replace("duration = 60                            # seconds", "duration = -60 #"),
                "bad.toml")
    with pytest.raises(RoutineError, match=r"line \d+: step 2 \(hold\): duration must be greater than 0"):
        load_routine_file(bad)
