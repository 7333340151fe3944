"""``python main.py [live]``: the real entry point in a subprocess, and clear errors for bad input."""

import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
QT_WARNING_MARKERS = ("Traceback", "QPainter", "Warning:", "WARNING", "QObject", "QWidget", "qt.", "This plugin")


def run_main(args, home, timeout=60):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PRESSURE_HOME": str(home)}
    return subprocess.run([sys.executable, str(REPO / "main.py"), *args], capture_output=True, text=True,
                          timeout=timeout, env=env, cwd=REPO)


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def main_in_process(args, capsys):
    """The CLI entry point main.py calls, in-process: a refusal before any window needs no
    interpreter of its own."""
    from pressure.cli import main

    capsys.readouterr()
    try:
        code = main(args)
    except SystemExit as exc:  # argparse's usage errors
        code = exc.code
    out, err = capsys.readouterr()
    return subprocess.CompletedProcess(args, code, out, err)


def test_default_command_runs_the_window_and_saves_a_screenshot(tmp_path, pressure_home):
    out = tmp_path / "shot.png"
    proc = run_main(["--screenshot", str(out), "--seconds", "3"], pressure_home)
    assert proc.returncode == 0, proc.stderr
    for marker in QT_WARNING_MARKERS:
        assert marker not in proc.stderr, proc.stderr
    width, height = png_size(out)
    assert width >= 800 and height >= 500
    assert out.stat().st_size > 20_000  # a drawn window, not a blank image
    sessions = list((pressure_home / "data" / "sessions").glob("*.pressure"))
    assert len(sessions) == 1  # recording is on by default
    # An offscreen screenshot run must not become the next real window (it shrank it to 590x362).
    assert not (pressure_home / "config" / "window.ini").exists()


def test_no_record_and_seconds_without_screenshot(tmp_path, pressure_home):
    proc = run_main(["live", "--no-record", "--seconds", "1.5", "--target", "20", "--hold", "5"], pressure_home)
    assert proc.returncode == 0, proc.stderr
    assert not list((pressure_home / "data" / "sessions").glob("*.pressure"))


@pytest.mark.parametrize("args, words", [
    (["--routine", "no-such-routine"], "no-such-routine"),
    (["--target", "10", "--tolerance", "ten"], "tolerance"),
    (["--target", "10", "--ceiling", "5"], "ceiling"),
    (["--filter", "magic"], "unknown filter"),
    (["--label", "colour=red"], "--label"),
    (["--screenshot", "x.png"], "--seconds"),
    (["--screenshot", "/no/such/dir/x.png", "--seconds", "1"], "does not exist"),
    (["--port", "/dev/does-not-exist-pressure"], "does-not-exist"),
    (["--sim-profile", "dancing"], "sim-profile"),
    (["--window", "900"], "--window"),
])
def test_bad_options_are_one_clear_line_before_any_window(tmp_path, pressure_home, args, words, capsys):
    proc = main_in_process(["live", *args], capsys)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("pressure: error:") and words in proc.stderr


def test_bad_routine_file_names_the_line(tmp_path, pressure_home, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\nunit = "N"\n[[steps]]\nkind = "hold"\ntarget = 10\n')  # no duration
    proc = main_in_process(["live", "--routine", str(bad)], capsys)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert str(bad) in proc.stderr and "duration" in proc.stderr


def test_argparse_mistakes_exit_2(pressure_home, capsys):
    proc = main_in_process(["live", "--seconds", "-3"], capsys)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def parse_live(argv):
    from pressure.cli import build_parser

    return build_parser().parse_args(["live", *argv])


def test_routine_keeps_its_own_unit_unless_asked(pressure_home):
    from pressure.commands.live import routine_and_filter
    from pressure.ui.settings import Settings

    routine, name, params = routine_and_filter(parse_live(["--routine", "ppt"]), Settings())
    assert routine.unit == "kPa" and routine.area_cm2 == 1.0
    routine, _, _ = routine_and_filter(parse_live(["--routine", "ppt", "--unit", "N"]), Settings())
    assert routine.unit == "N"
    routine, _, _ = routine_and_filter(parse_live(["--target", "3", "--unit", "kgf", "--hold", "9"]), Settings())
    assert routine.unit == "kgf" and routine.steps[1].duration == 9.0


def test_saved_settings_fill_what_the_command_line_leaves_out(pressure_home):
    from pressure.commands.live import routine_and_filter
    from pressure.ui.settings import Settings

    s = Settings()
    s.set("routine/name", "steady")
    s.set("filter/name", "moving_average")
    s.set("filter/strength", 0.5)
    s.set("display/unit", "kgf")
    routine, name, params = routine_and_filter(parse_live([]), s)
    assert routine.unit == "kgf" and "Steady" in routine.name
    assert name == "moving_average" and params == {"strength": 0.5}
    routine, name, params = routine_and_filter(parse_live(["--filter", "none", "--target", "20"]), s)
    assert name == "none" and params == {} and routine.steps[0].target == 20.0


def test_unit_help_says_what_happens_without_it():
    from pressure.cli import build_parser

    parser = build_parser()
    live = next(a for a in parser._subparsers._group_actions[0].choices.values() if a.prog.endswith(" live"))
    text = " ".join(live.format_help().split())
    assert "saved from the window's settings, else the routine's own, else N" in text
    assert "(default N)" not in text
