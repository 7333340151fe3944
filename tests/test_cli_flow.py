"""Small command-line fixes from issue 12: help texts, one default hold, --area words, CSV hint."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from pressure import cli
from pressure.commands._routine_options import area_words, parse_area
from pressure.errors import PressureError


def _subparsers(parser: argparse.ArgumentParser, prefix=()):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield (*prefix, name), sub
                yield from _subparsers(sub, (*prefix, name))


def test_every_subcommand_help_has_a_description():
    found = list(_subparsers(cli.build_parser()))
    assert {("sessions",), ("report",), ("progress",), ("bench",)} <= {p for p, _ in found}
    missing = [" ".join(path) for path, sub in found if not (sub.description or "").strip()]
    assert missing == []


@pytest.mark.parametrize("command", ["sessions", "report", "progress", "bench"])
def test_help_prints_the_description(command, capsys):
    with pytest.raises(SystemExit):
        cli.main([command, "--help"])
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if line.strip()]
    # usage, then the description before the first options heading
    heading = next(i for i, line in enumerate(lines) if line.endswith(":") and "options" in line)
    assert heading > 1


def test_one_default_hold_for_command_line_and_settings(qtbot):
    from pressure.commands._routine_options import add_routine_options, routine_from_args
    from pressure.filters import FILTERS
    from pressure.routine import BUILTIN_ROUTINES, DEFAULT_HOLD_S
    from pressure.ui.dialogs import SettingsDialog

    parser = argparse.ArgumentParser()
    add_routine_options(parser)
    routine = routine_from_args(parser.parse_args(["--target", "20"]))
    cli_hold = routine.steps[routine.holds()[0]].duration
    dialog = SettingsDialog(None, filters=FILTERS, filter_name="one_euro", strength=-1.0,
                            routines=BUILTIN_ROUTINES, routine_name="", unit="N", target=20.0,
                            tolerance="10%", hold=0.0, ceiling=0.0, window_seconds=20.0, y_max=0.0,
                            record=True, error_tone=False)
    qtbot.addWidget(dialog)
    assert cli_hold == dialog.hold.value() == DEFAULT_HOLD_S


def test_area_error_lists_the_words_one_types():
    with pytest.raises(PressureError) as err:
        parse_area("foot")
    message = str(err.value)
    for word in area_words():
        assert word in message
        assert parse_area(word) > 0  # every word listed is accepted
    assert "(" not in message.split("one of:")[1]  # no display names like "thumb pad (~2.5 cm2)"


def test_replay_of_a_csv_suggests_import(tmp_path, capsys):
    csv = tmp_path / "student.csv"
    csv.write_text("time_s,force_N\n0,1\n0.01,2\n")
    assert cli.main(["replay", str(csv)]) == 1
    err = capsys.readouterr().err
    assert "CSV" in err and f"import {csv}" in err and "--out" in err


def test_key_list_names_f1_and_f9():
    from pressure.ui.main_window import KEY_HELP

    keys = [k for k, _ in KEY_HELP]
    assert "F1" in keys and "F9" in keys
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    for key in ("F1", "F9", "Space", "T", "P", "S", "F11"):
        assert f"| {key}" in readme
