"""End to end: bad input everywhere gets one clear line and a non-zero exit, never a traceback,
and nothing already recorded is lost or overwritten. Known bugs are strict xfails."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.test_e2e_helpers import ok, refused, rows_of, run, sha, summary_of


@pytest.fixture
def recording(pressure_home, tmp_path) -> Path:
    """A small real recording (imported: fast and deterministic): ramp to 30 N and hold."""
    rows = ["time,force"] + [f"{i / 100:.2f},{30 * min(i / 100, 1.0):.3f}" for i in range(400)]
    src = tmp_path / "src.csv"
    src.write_text("\n".join(rows) + "\n")
    out = tmp_path / "rec.pressure"
    ok(pressure_home, "import", src, "--out", out)
    return out


def bad_files(tmp_path: Path, recording: Path) -> dict[str, Path]:
    cut = tmp_path / "cut.pressure"
    cut.write_bytes(recording.read_bytes()[:5000])
    text = tmp_path / "text.pressure"
    text.write_text("hello, this is not a recording\n")
    empty = tmp_path / "empty.pressure"
    empty.write_bytes(b"")
    folder = tmp_path / "folder.pressure"
    folder.mkdir()
    return {"truncated": cut, "text": text, "empty": empty, "folder": folder,
            "missing": tmp_path / "missing.pressure"}


@pytest.mark.parametrize("kind", ["truncated", "text", "empty", "folder", "missing"])
def test_bad_recording_files_are_refused_everywhere(pressure_home, tmp_path, recording, kind):
    path = bad_files(tmp_path, recording)[kind]
    before = sha(path) if path.is_file() else None
    for args in (["report", path], ["export", path, "--csv", tmp_path / "x.csv"],
                 ["reference", "set", path], ["import", path, "--out", tmp_path / "y.pressure"],
                 ["replay", path, "--screenshot", tmp_path / "x.png", "--seconds", "1"]):
        line = refused(pressure_home, *args)
        assert path.name in line or "no such" in line.lower(), line
    assert not (tmp_path / "x.csv").exists() and not (tmp_path / "y.pressure").exists()
    if before:
        assert sha(path) == before


def test_salvage_of_a_truncated_recording(pressure_home, tmp_path, recording):
    cut = bad_files(tmp_path, recording)["truncated"]
    done = run(pressure_home, "export", cut, "--csv", tmp_path / "s.csv", "--salvage")
    assert done.returncode == 0 and (tmp_path / "s.csv").is_file()


def test_salvage_message_names_the_damaged_parts(pressure_home, tmp_path, recording):
    cut = bad_files(tmp_path, recording)["truncated"]
    done = ok(pressure_home, "export", cut, "--csv", tmp_path / "s.csv", "--salvage")
    assert "None, None" not in done.stderr


def test_existing_outputs_are_never_replaced(pressure_home, tmp_path, recording):
    other = tmp_path / "other.pressure"
    other.write_bytes(recording.read_bytes())
    src = tmp_path / "src.csv"
    sums = {p: sha(p) for p in (recording, other, src)}
    assert "exists" in refused(pressure_home, "import", src, "--out", recording)
    assert "exists" in refused(pressure_home, "export", recording, "--csv", src)
    assert "exists" in refused(pressure_home, "export", recording, "--csv", other)
    line = refused(pressure_home, "report", recording, "--target", "30", "--hold", "1",
                   "--html", other)
    assert "exists" in line or "recording" in line
    assert "recording" in refused(pressure_home, "report", recording, "--target", "30",
                                  "--hold", "1", "--html", other, "--force")
    assert {p: sha(p) for p in sums} == sums


def test_record_refuses_an_existing_out(sim, pressure_home, tmp_path, recording):
    before = sha(recording)
    url = sim("--rate", "100")
    assert "exists" in refused(pressure_home, "record", "--port", url, "--seconds", "0.5",
                               "--out", recording)
    assert sha(recording) == before


@pytest.mark.parametrize("target", ["itself", "another"])
def test_export_force_never_overwrites_a_recording(pressure_home, tmp_path, recording, target):
    victim = recording if target == "itself" else tmp_path / "other.pressure"
    if target == "another":
        victim.write_bytes(recording.read_bytes())
    before = sha(victim)
    out = f"./{victim.name}"  # the same file under another spelling
    done = run(pressure_home, "export", recording, "--csv", out, "--force", cwd=tmp_path)
    assert sha(victim) == before and done.returncode != 0


def unwritable_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    if os.access(folder, os.W_OK):  # root ignores the mode: use a read-only file system
        folder = Path("/sys")
    return folder


def test_export_into_an_unwritable_folder(pressure_home, tmp_path, recording):
    line = refused(pressure_home, "export", recording, "--csv", unwritable_folder(tmp_path) / "x.csv")
    assert "x.csv" in line


def test_other_outputs_into_an_unwritable_folder(pressure_home, tmp_path, recording):
    ro = unwritable_folder(tmp_path)
    assert "x.html" in refused(pressure_home, "report", recording, "--target", "30", "--hold",
                               "1", "--html", ro / "x.html")
    assert "x.pressure" in refused(pressure_home, "import", tmp_path / "src.csv", "--out",
                                   ro / "x.pressure")


def test_csv_with_garbage_rows_skips_and_names_them(pressure_home, tmp_path):
    rows = ["time,force"] + [f"{i / 100:.2f},{30 + (i % 7) / 10:.2f}" for i in range(200)]
    rows[50:50] = ["abc,xyz", "0.495,", "0.497,nan", "0.498,3\ufffd0"]
    src = tmp_path / "g.csv"
    src.write_text("\n".join(rows) + "\n", encoding="utf-8")
    done = ok(pressure_home, "import", src, "--out", tmp_path / "g.pressure")
    assert "200 kept, 4 skipped" in done.stderr
    assert "line 51" in done.stderr and "line 54" in done.stderr
    mostly = tmp_path / "m.csv"
    good = [f"{i / 100:.2f},1" for i in range(10)]
    mostly.write_text("\n".join(["time,force", *good, "abc,xyz", "0.2,", "0.3,nan", "x,1",
                                  "0.5,?"]) + "\n")
    assert "rows cannot be read" in refused(pressure_home, "import", mostly, "--out",
                                            tmp_path / "m.pressure")
    assert not (tmp_path / "m.pressure").exists()


def test_csv_with_one_binary_row_is_imported(pressure_home, tmp_path):
    rows = [b"time,force"] + [f"{i / 100:.2f},{30 + (i % 7) / 10:.2f}".encode() for i in range(200)]
    rows.insert(100, b"\x00\x13\xfe\x80,\x01")
    src = tmp_path / "b.csv"
    src.write_bytes(b"\n".join(rows) + b"\n")
    done = ok(pressure_home, "import", src, "--out", tmp_path / "b.pressure")
    assert "200 kept, 1 skipped" in done.stderr


@pytest.mark.parametrize("args, expect", [
    (["stream", "--seconds", "-1"], "--seconds"),
    (["stream", "--unit", "furlong"], "furlong"),
    (["stream", "--unit", "kPa", "--area", "0"], "--area"),
    (["stream", "--unit", "kPa", "--area", "nose"], "nose"),
    (["stream", "--format", "xml"], "xml"),
    (["stream", "--filter", "kalman"], "kalman"),
    (["stream", "--poll", "?", "--poll-rate", "0"], "--poll-rate"),
    (["record", "--routine", "nope", "--out", "{tmp}/r.pressure"], "nope"),
    (["record", "--label", "foo=bar", "--out", "{tmp}/r.pressure"], "foo"),
])
def test_wrong_sensor_options(pressure_home, tmp_path, args, expect):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    line = refused(pressure_home, args[0], "--port", "socket://127.0.0.1:1", *args[1:])
    assert expect in line
    assert not (tmp_path / "r.pressure").exists()


def test_nonexistent_ports(pressure_home, tmp_path):
    for port in ("/dev/ttyNOPE", "socket://127.0.0.1:1", "COM3"):
        assert "cannot open" in refused(pressure_home, "stream", "--port", port, "--seconds", "1")
    assert "cannot open" in refused(pressure_home, "record", "--port", "/dev/ttyNOPE",
                                    "--seconds", "1", "--out", tmp_path / "r.pressure")
    assert not (tmp_path / "r.pressure").exists()


def test_wrong_replay_and_window_options(pressure_home, tmp_path, recording):
    png = tmp_path / "x.png"
    assert "--speed" in refused(pressure_home, "replay", recording, "--speed", "100",
                                "--screenshot", png, "--seconds", "1")
    assert "--speed" in refused(pressure_home, "replay", recording, "--speed", "-1")
    assert "--seconds" in refused(pressure_home, "replay", recording, "--seconds", "-1",
                                  "--screenshot", png)
    assert "long" in refused(pressure_home, "replay", recording, "--start", "1000",
                             "--screenshot", png, "--seconds", "1")
    for args, expect in ((["--unit", "furlong"], "furlong"), (["--filter", "kalman"], "kalman"),
                         (["--routine", "nope"], "nope"), (["--target", "-30"], "--target"),
                         (["--target", "30", "--ceiling", "20"], "--ceiling"),
                         (["--sim-profile", "nope"], "nope"), (["--sim-faults", "bogus=1"], "bogus")):
        assert expect in refused(pressure_home, "live", *args, "--screenshot", png,
                                 "--seconds", "1")
    assert not png.exists()


BAD_TOML = """name = "Bad"
unit = "N"
ceiling = 60

[[steps]]
kind = "hold"
{line7}
tolerance = "10%"
duration = 60
"""


@pytest.mark.parametrize("line7", ["target = thirty", "target = -30",
                                   'on_leave = "explode"'])
def test_routine_file_error_names_file_and_line(pressure_home, tmp_path, recording, line7):
    toml = tmp_path / "bad.toml"
    toml.write_text(BAD_TOML.format(line7=line7 if "on_leave" not in line7
                                    else line7 + "\ntarget = 30"))
    for args in (["report", recording], ["live", "--screenshot", tmp_path / "x.png",
                                         "--seconds", "1"]):
        line = refused(pressure_home, *args, "--routine", toml)
        assert "bad.toml" in line and "line 7" in line, line


def test_y_max_error_names_the_right_unit(pressure_home, tmp_path):
    line = refused(pressure_home, "live", "--y-max", "-3", "--screenshot", tmp_path / "x.png",
                   "--seconds", "1")
    assert "seconds" not in line and "display unit" in line, line


def test_unknown_input_unit_lists_force_units(pressure_home, tmp_path):
    for args in (["stream", "--port", "socket://127.0.0.1:1", "--input-unit", "furlong"],
                 ["import", tmp_path / "x.csv", "--unit", "furlong"]):
        (tmp_path / "x.csv").write_text("time,force\n0,1\n0.1,2\n")
        line = refused(pressure_home, *args)
        assert "kPa" not in line and "ozf" in line, line


def test_stream_with_the_wrong_format_says_so(sim, pressure_home):
    url = sim("--rate", "200")
    done = run(pressure_home, "stream", "--port", url, "--seconds", "0.5", "--format", "number")
    assert summary_of(done.stderr)["bad_lines"] > 50 and not done.stdout
    assert done.returncode != 0


def test_first_samples_of_a_slow_sensor_keep_their_spacing(sim, pressure_home):
    url = sim("--format", "gauge", "--poll")
    done = ok(pressure_home, "stream", "--port", url, "--seconds", "1", "--poll", "?\\r",
              "--poll-rate", "10")
    t = [r["t"] for r in rows_of(done.stdout)]
    assert len(t) >= 8
    assert min(b - a for a, b in zip(t, t[1:])) > 0.05, t[:8]


def test_option_mistakes_are_one_line(pressure_home, recording):
    # argparse mistakes exit 2, checks made by the command exit 1: both one line, no usage block
    done = run(pressure_home, "replay", recording, "--speed", "0")
    assert done.returncode != 0 and len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_unicode_labels_and_trainees(pressure_home, tmp_path, recording):
    src = tmp_path / "src.csv"
    out = tmp_path / "ü.pressure"
    ok(pressure_home, "import", src, "--out", out, "--label", "client=Zoë 李",
       "--label", "notes=naïve ✓")
    found = json.loads(ok(pressure_home, "sessions", "--folder", tmp_path, "--search", "李",
                          "--json").stdout)
    assert [s["labels"]["client"] for s in found] == ["Zoë 李"]
    ok(pressure_home, "trainees", "add", "Zoë")
    ok(pressure_home, "report", out, "--target", "30", "--hold", "1", "--trainee", "Zoë",
       "--store")
    assert "Zoë" in ok(pressure_home, "progress", "--trainee", "Zoë").stdout
    assert "80" in refused(pressure_home, "trainees", "add", "x" * 500)
