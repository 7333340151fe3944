"""A time column with one stray value (1e308) never becomes a recording that later commands
call damaged: the row is dropped and named, or the import refuses with one line."""

from __future__ import annotations

from pressure.cli import main
from pressure.recording import open_recording


def test_a_stray_time_is_dropped_and_said(tmp_path, capsys):
    src = tmp_path / "log.csv"
    rows = [f"{i / 1000},{i % 7}" for i in range(100)] + ["1e308,3"] + [f"{i / 1000},{i % 7}" for i in range(100, 120)]
    src.write_text("time_s,force_N\n" + "\n".join(rows) + "\n")
    out = tmp_path / "log.pressure"
    assert main(["import", str(src), "--out", str(out)]) == 0
    assert "dropped 1 row(s) with a time 1e+308 s" in capsys.readouterr().err
    rec = open_recording(out)  # not damaged
    assert len(rec) == 120 and rec.t[-1] == 0.119
    assert main(["export", str(out), "--csv", str(tmp_path / "again.csv")]) == 0


def test_a_tiny_file_with_a_stray_time_is_refused_in_one_line(tmp_path, capsys):
    src = tmp_path / "log.csv"
    src.write_text("time_s,force_N\n0,1\n0.001,2\n1e308,3\n")
    out = tmp_path / "log.pressure"
    assert main(["import", str(src), "--out", str(out)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("pressure: error:") and "1e+308" in err[-1]
    assert not out.exists()
