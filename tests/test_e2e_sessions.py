"""End to end: record -> sessions -> export -> import -> report -> trainees/progress/reference."""

from __future__ import annotations

import csv
import json
import re
import subprocess

import pytest

from tests.conftest import REFERENCE, REPO
from tests.test_e2e_helpers import PY, env_for, ok, refused

LABEL = "Zoë Müller-Łukasz"


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    """(home, folder, file): one 6 s recording of the sim's 'steady' profile (2 s idle, a 3 s
    press, then the hold) on the 'steady' routine, with unicode labels; shared by the module."""
    root = tmp_path_factory.mktemp("e2e-sessions")
    home, folder = root / "home", root / "recs"
    folder.mkdir()
    proc = subprocess.Popen([PY, str(REPO / "main.py"), "sim", "--rate", "200", "--profile",
                             "steady"], cwd=REPO, env=env_for(home), text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        url = proc.stdout.readline().strip()
        out = folder / "attempt.pressure"
        done = ok(home, "record", "--port", url, "--seconds", "6", "--out", out,
                  "--routine", "steady", "--label", f"client={LABEL}", "--label", "trainee=Alex",
                  "--label", "muscle=trapezius")
    finally:
        proc.terminate()
        proc.communicate(timeout=10)
    assert out.is_file() and "recorded" in done.stderr
    return home, folder, out


def test_record_sessions_export_import_report(session):
    home, tmp_path, recorded = session
    # sessions: the default folder, and --folder with a search on a unicode label
    listing = ok(home, "sessions", "--folder", tmp_path, "--search", "zoë").stdout
    assert recorded.name in listing and LABEL in listing
    assert "no sessions" in ok(home, "sessions", "--folder", tmp_path, "--search", "nobody").stdout
    found = json.loads(ok(home, "sessions", "--folder", tmp_path, "--json").stdout)
    assert found[0]["labels"]["client"] == LABEL and found[0]["samples"] > 500

    # export: the header in row 1, one table with the documented columns, metadata beside it
    out_csv = tmp_path / "attempt.csv"
    printed = ok(home, "export", recorded, "--csv", out_csv).stdout.split()
    assert printed == [str(out_csv), str(tmp_path / "attempt.meta.json")]
    with open(out_csv, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["time_s", "raw", "force_N", "smoothed_N", "zone", "marker"]
    assert len(rows) > 500 and {len(r) for r in rows} == {6}
    assert {r[4] for r in rows[1:]} <= {"below", "in", "above", "over", ""}
    assert LABEL in (tmp_path / "attempt.meta.json").read_text(encoding="utf-8")
    assert refused(home, "export", recorded, "--csv", out_csv)  # exists: needs --force

    # import it back: same samples, labels and routine
    back = tmp_path / "back.pressure"
    ok(home, "import", out_csv, "--out", back)
    again = json.loads(ok(home, "sessions", "--folder", tmp_path, "--json").stdout)
    by_name = {s["path"].rsplit("/", 1)[-1]: s for s in again}
    assert by_name["back.pressure"]["samples"] == by_name["attempt.pressure"]["samples"]
    assert by_name["back.pressure"]["labels"]["client"] == LABEL
    assert by_name["back.pressure"]["kind"] == "imported"

    # report: text, JSON, HTML (one self-contained file with an <svg>)
    text = ok(home, "report", recorded).stdout
    assert re.search(r"score: \d+ / 100", text)
    data = json.loads(ok(home, "report", recorded, "--json").stdout)
    assert 0 <= data["score"] <= 100 and data["steps"]
    html = tmp_path / "attempt.html"
    ok(home, "report", recorded, "--html", html)
    page = html.read_text(encoding="utf-8")
    assert "<svg" in page and LABEL in page
    assert not re.search(r"<(script|link|img|iframe)\b[^>]*(src|href)=", page, re.I)
    assert "exists" in refused(home, "report", recorded, "--html", html)


def test_import_the_reference_static_fire_log(pressure_home, tmp_path):
    out = tmp_path / "fire.pressure"
    done = ok(pressure_home, "import", REFERENCE / "loadcell_static_fire_100hz.csv", "--out", out)
    assert "436 kept, 0 skipped" in done.stderr
    assert "no routine" in refused(pressure_home, "report", out)
    data = json.loads(ok(pressure_home, "report", out, "--target", "200", "--hold", "2",
                         "--json").stdout)
    assert data["worst"]  # the 2222 N peak
    assert "2221" in ok(pressure_home, "report", out, "--target", "200", "--hold", "2").stdout


def test_trainees_store_progress_reference(session):
    home, _, recorded = session
    ok(home, "trainees", "add", "Alex")
    assert "exists" in refused(home, "trainees", "add", "Alex")
    assert "empty" in refused(home, "trainees", "add", "")
    assert "--trainee" in refused(home, "report", recorded, "--store")
    assert "Nobody" in refused(home, "report", recorded, "--trainee", "Nobody", "--store")
    ok(home, "report", recorded, "--trainee", "Alex", "--store")
    assert "already stored" in refused(home, "report", recorded, "--trainee", "Alex", "--store")
    assert re.search(r"Alex\s+1 attempt", ok(home, "trainees", "list").stdout)
    progress = json.loads(ok(home, "progress", "--trainee", "Alex", "--routine", "steady",
                             "--json").stdout)
    assert len(progress["attempts"]) == 1 and progress["attempts"][0]["score"] is not None
    assert "Steady" in ok(home, "progress", "--trainee", "Alex").stdout

    assert "no references" in ok(home, "reference", "show").stdout.lower()
    assert "--force" in refused(home, "reference", "set", recorded)  # a short demo is no reference
    ok(home, "reference", "set", recorded, "--force")
    assert recorded.name in ok(home, "reference", "show", "--routine", "steady").stdout
    compared = json.loads(ok(home, "report", recorded, "--json").stdout)
    assert compared["comparison"]
    plain = json.loads(ok(home, "report", recorded, "--json", "--no-reference").stdout)
    assert not plain.get("comparison")
