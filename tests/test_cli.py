"""The command-line entry point: help, bad commands and the real main.py in a subprocess."""

import json
import subprocess
import sys

from conftest import REPO

from pressure import cli


def run_main(*args, timeout=60):
    return subprocess.run([sys.executable, str(REPO / "main.py"), *args], capture_output=True,
                          text=True, timeout=timeout, cwd=REPO)


def test_help_lists_the_commands():
    proc = run_main("--help")
    assert proc.returncode == 0
    for name in ("live", "sim", "stream", "bench"):
        assert name in proc.stdout


def test_unknown_option_is_one_clear_line_and_exit_2():
    proc = run_main("stream", "--no-such-option")
    assert proc.returncode == 2
    assert "error" in proc.stderr and "Traceback" not in proc.stderr


def test_version():
    proc = run_main("--version")
    assert proc.returncode == 0 and proc.stdout.startswith("pressure ")


def test_closed_stdout_pipe_ends_quietly(monkeypatch, capsys):
    # `pressure stream ... | head` closes the pipe early; that must end quietly, exit 0.
    from pressure import cli

    class ClosedPipe:
        def write(self, text):
            raise BrokenPipeError(32, "Broken pipe")

        def flush(self):
            raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    assert cli.main(["bench", "--only", "filters", "--quick", "--json"]) == 0


def test_bench_group_runs_in_its_own_process_and_reports_failures():
    from pressure.commands.bench import run_group

    figures = run_group("filters", {"quick": True})
    assert figures["filter_samples_per_s"] > 0
    broken = run_group("no_such_group", {"quick": True})
    assert list(broken) == ["no_such_group_error"] and "no_such_group" in broken["no_such_group_error"]


def test_bench_repeat_gives_each_figure_as_median_with_min_and_max():
    from pressure.commands.bench import combine_runs

    runs = [{"gui_fps": 58.0, "gui_note": "a", "gui_p99": None}, {"gui_fps": 60.0, "gui_note": "b", "gui_p99": 3.0},
            {"gui_fps": 59.0, "gui_note": "c", "gui_p99": 5.0}]
    out = combine_runs(runs)
    assert (out["gui_fps"], out["gui_fps_min"], out["gui_fps_max"]) == (59.0, 58.0, 60.0)
    assert (out["gui_p99"], out["gui_p99_min"], out["gui_p99_max"]) == (4.0, 3.0, 5.0)  # null left out
    assert out["gui_note"] == "c"


def test_bench_repeat_runs_each_group_n_times(capsys):
    assert cli.main(["bench", "--only", "filters", "--quick", "--repeat", "2", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["repeat"] == 2
    assert result["filter_samples_per_s_min"] <= result["filter_samples_per_s"] <= result["filter_samples_per_s_max"]


def test_bench_repeat_must_be_positive(capsys):
    assert cli.main(["bench", "--repeat", "0"]) == 1
    assert "--repeat must be 1 or more" in capsys.readouterr().err
