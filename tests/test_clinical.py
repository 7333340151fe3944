"""The clinical record without a window: clients, erasure, the archive, the PPT numbers."""

from __future__ import annotations

import json
import stat
import zipfile

import pytest

from clinical_data import hold_recording, ppt_recording
from pressure.cli import main
from pressure.clinical import clients
from pressure.clinical.archive import export_client, import_archive
from pressure.clinical.ppt import side_difference, trial_set
from pressure.clinical.records import erase_client, recordings_of
from pressure.clinical.report import client_report
from pressure.errors import PressureError
from pressure.paths import data_dir, sessions_dir


def _visit(day, client="Anna Berg", client_id=None, base=200.0):
    folder = sessions_dir()
    ppt_recording(folder / f"{day}_a.pressure", started_at=f"{day}T10:00:00+01:00", client=client,
                  client_id=client_id, sets=[
                      ("upper trapezius", "left", "before", [base, base + 10, base + 20], [6, None, 5]),
                      ("upper trapezius", "right", "before", [base + 50, base + 60, base + 55], [None] * 3)])
    hold_recording(folder / f"{day}_b.pressure", started_at=f"{day}T10:10:00+01:00", client=client,
                   client_id=client_id, site="upper trapezius", side="left", pain=4, hold_s=5.0)
    ppt_recording(folder / f"{day}_c.pressure", started_at=f"{day}T10:20:00+01:00", client=client,
                  client_id=client_id, sets=[("upper trapezius", "left", "after", [base + 40, base + 45, base + 50], [3, 3, 3])])


def test_clients_are_private_renamed_with_their_old_recordings_and_merged():
    anna = clients.add_client("Anna  Berg")
    assert anna.name == "Anna Berg"
    assert stat.S_IMODE((data_dir() / "clients.sqlite").stat().st_mode) == 0o600
    _visit("2026-11-01", client="anna berg")  # made before the client list: the name only
    assert len(recordings_of(anna)) == 3
    renamed = clients.rename_client("Anna Berg", "Anna Lind")
    assert len(recordings_of(renamed)) == 3, "the old name stays hers"
    with pytest.raises(PressureError, match="former name"):
        clients.add_client("ANNA BERG")
    twin = clients.add_client("A. Lind")
    _visit("2026-11-08", client="A. Lind", client_id=twin.id)
    merged = clients.merge_clients("A. Lind", "Anna Lind")
    assert len(recordings_of(merged)) == 6
    assert [c.name for c in clients.list_clients()] == ["Anna Lind"]
    with pytest.raises(PressureError, match="no client"):
        clients.get_client("Bob")
    with pytest.raises(PressureError, match="control"):
        clients.add_client("Bob\nDrop")


def test_erase_removes_every_recording_attempt_and_reference_and_says_how_many(capsys):
    from pressure import trainees
    from pressure.recording import open_recording
    from pressure.references import list_references, set_reference
    from pressure.scoring import score_recording

    clients.add_client("Anna Berg")
    clients.add_client("Bob")
    _visit("2026-11-01")
    other = sessions_dir() / "bob.pressure"
    hold_recording(other, started_at="2026-11-01T11:00:00+01:00", client="Bob", site="", side="", hold_s=5.0)
    hold = sessions_dir() / "2026-11-01_b.pressure"
    trainees.add_trainee("Student")
    trainees.record_attempt("Student", hold, score_recording(open_recording(hold)))
    set_reference(hold)
    assert len(list_references()) == 1
    assert main(["clients", "erase", "anna berg"]) == 1, "without --yes it only lists"
    assert (sessions_dir() / "2026-11-01_a.pressure").exists()
    assert main(["clients", "erase", "anna berg", "--yes", "--json"]) == 0


    left = sorted(p.name for p in sessions_dir().iterdir())
    assert left == ["bob.pressure"]
    assert trainees.progress("Student") == []
    assert list_references() == []
    assert [c.name for c in clients.list_clients()] == ["Bob"]


def test_erase_result_counts_the_files():
    clients.add_client("Anna Berg")
    _visit("2026-11-01")
    result = erase_client("Anna Berg")
    assert len(result.files_removed) == 3 and not result.failed
    assert "3 files removed" in result.text()


def test_the_archive_reimports_on_a_clean_library(tmp_path, monkeypatch):
    anna = clients.add_client("Anna Berg")
    _visit("2026-11-01", client_id=anna.id)
    _visit("2026-11-08", client_id=anna.id, base=260.0)
    clients.rename_client("Anna Berg", "Anna Lind")
    before = client_report("Anna Lind")
    archive = tmp_path / "anna.zip"
    export_client("Anna Lind", archive)
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    monkeypatch.setenv("PRESSURE_HOME", str(tmp_path / "clean"))
    result = import_archive(archive)
    assert len(result["imported"]) == 6
    after = client_report("anna berg")  # the former name came along
    for key in ("sets", "sites", "sides", "holds", "visits"):
        assert after[key] == before[key], key
    assert len(import_archive(archive)["skipped"]) == 6, "a second import copies nothing"


def test_a_hostile_archive_is_refused_before_anything_is_written(tmp_path):
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("index.json", json.dumps({"format": "pressure-client-archive", "version": 1,
                                             "client": {"id": "abc", "name": "X"},
                                             "recordings": [{"file": "../../evil.pressure", "sha256": ""}]}))
    with pytest.raises(PressureError, match="plain file name"):
        import_archive(bad)
    assert clients.list_clients() == []
    (tmp_path / "notzip.zip").write_text("hello")
    assert main(["clients", "import", str(tmp_path / "notzip.zip")]) == 1


def test_trial_sets_side_difference_and_measurement_error():
    s = trial_set([300.0, 200.0, 220.0])
    assert s["mean"] == pytest.approx(240.0) and s["n"] == 3
    assert s["cv_pct"] == pytest.approx(s["sd"] / 240.0 * 100)
    d = trial_set([300.0, 200.0, 220.0], drop_first=True)
    assert d["used"] == [200.0, 220.0] and d["mean"] == pytest.approx(210.0)
    diff = side_difference({"mean": 200.0}, {"mean": 300.0})
    assert diff["diff_pct"] == pytest.approx(-40.0) and diff["lower"] == "left"


def test_report_numbers_places_pain_and_flags():
    clients.add_client("Anna Berg")
    _visit("2026-11-01")
    _visit("2026-11-08", base=205.0)  # 5 kPa higher: within the trials' own error
    r = client_report("Anna Berg")
    left = next(s for s in r["sites"] if s["side"] == "left")
    first = left["visits"][0]
    assert first["before"]["mean"] == pytest.approx(210.0)
    assert first["after"]["mean"] == pytest.approx(245.0)
    assert first["treatment"]["change"] == pytest.approx(35.0)
    assert first["treatment"]["within_error"] is False
    across = left["across_visits"][0]
    assert across["change"] == pytest.approx(5.0) and across["within_error"] is True
    sets = {(s["visit"], s["side"], s["phase"]): s for s in r["sets"]}
    assert sets[("2026-11-01", "left", "before")]["pain"] == [6, None, 5]
    assert r["holds"][0]["pain"] == 4 and r["holds"][0]["site"] == "upper trapezius"
    assert r["sides"][0]["diff_pct"] == pytest.approx((210 - 255) / 232.5 * 100)
    fixed = client_report("Anna Berg", fixed_mdc=2.0)
    assert next(s for s in fixed["sites"] if s["side"] == "left")["across_visits"][0]["within_error"] is False


def test_clients_command_round_trip(tmp_path, capsys):
    assert main(["clients", "add", "Anna Berg"]) == 0
    assert main(["clients", "add", "anna berg"]) == 1
    assert main(["clients", "rename", "Anna Berg", "Anna Lind"]) == 0
    assert main(["clients", "list", "--json"]) == 0
    capsys.readouterr()
    assert main(["clients", "export", "Anna Lind", str(tmp_path / "a.zip")]) == 0
    assert main(["clients", "export", "Anna Lind", str(tmp_path / "a.zip")]) == 1, "never over a file"
    capsys.readouterr()
    assert main(["report", "--client", "Anna Lind", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["client"]["name"] == "Anna Lind" and data["sets"] == []
    assert main(["report", "--client", "nobody"]) == 1
    assert main(["report"]) == 1


def test_one_sessions_report_lists_its_sites_and_pain_ratings(tmp_path):
    from pressure.recording import open_recording
    from pressure.report import build

    path = ppt_recording(tmp_path / "s.pressure", started_at="2026-11-01T10:00:00+01:00", client="A",
                         sets=[("infraspinatus", "right", "before", [300.0, 310.0, 320.0], [7, None, 2])],
                         steps=True)
    report = build(open_recording(path), None, with_reference=False)
    assert [(s["site"], s["side"], s["phase"]) for s in report.data["sites"]] == [("infraspinatus", "right", "before")]
    assert [p["nrs"] for p in report.data["pain"]] == [7, 2]
    assert "pain 7/10" in report.html()


def test_a_classroom_station_is_given_the_trainee_never_the_client_or_site(monkeypatch):
    import argparse

    from pressure.classroom import station as station_module
    from pressure.commands._classroom_options import station_from_args

    given = []

    class Recorded:
        def __init__(self, *args, **kwargs):
            given.append(repr((args, kwargs)))

        def start(self):
            return self

    monkeypatch.setattr(station_module, "Station", Recorded)
    args = argparse.Namespace(classroom="mqtt://localhost:1883/room", station="bench 3", room_secret=None, cafile=None)
    labels = {"client": "Anna Berg", "client_id": "c0ffee", "site": "upper trapezius", "side": "left",
              "notes": "referred pain", "trainee": "Ann"}
    station_from_args(args, labels)
    assert given and "Ann" in given[0]
    assert not any(word in given[0] for word in ("Anna Berg", "c0ffee", "trapezius", "referred"))


def test_population_values_are_shown_beside_the_clients_own_with_their_source():
    from pressure.clinical.html import render
    from pressure.clinical.norms import population_value

    clients.add_client("Anna Berg")
    _visit("2026-11-01")
    r = client_report("Anna Berg")
    pop = r["population_values"]["upper trapezius"]
    assert pop["mean"] == pytest.approx(4.31 * 98.0665, rel=1e-4) and pop["unit"] == "kPa"
    assert "10.1016/j.ft.2019.07.002" in pop["source"]
    page = render(r)
    from pressure.clinical.report import fmt

    assert f"{fmt(pop['mean'])} ± {fmt(pop['sd'])} kPa" in page and "not a diagnosis" in page
    assert population_value("gluteus medius", "kPa") is None, "no verified value: none shown"
    assert population_value("upper trapezius", "N") is None, "a force is not a pressure"


def test_replay_shows_pain_ratings_and_sites_on_its_trace(tmp_path):
    from pressure.session.replay_setup import open_replay

    path = ppt_recording(tmp_path / "s.pressure", started_at="2026-11-01T10:00:00+01:00", client="A",
                         sets=[("infraspinatus", "right", "before", [300.0, 310.0, 320.0], [7, None, 2])])
    replay = open_replay(path)
    texts = [m.text for m in replay.markers]
    assert "pain 7/10" in texts and "pain 2/10" in texts and "infraspinatus" in texts


def test_an_archive_whose_recording_was_changed_or_is_not_one_is_refused(tmp_path):
    anna = clients.add_client("Anna Berg")
    _visit("2026-11-01", client_id=anna.id)
    archive = tmp_path / "a.zip"
    export_client("Anna Berg", archive)
    with zipfile.ZipFile(archive) as z:
        index = json.loads(z.read("index.json"))
        members = {n: z.read(n) for n in z.namelist()}
    first = index["recordings"][0]["file"]
    for name, body, message in ((first, members[f"recordings/{first}"] + b"x", "SHA-256"),
                                (first, b"SQLite format 3\x00" + b"\x00" * 200, "SHA-256|not a recording")):
        bad = tmp_path / "bad.zip"
        with zipfile.ZipFile(bad, "w") as z:
            for n, data in members.items():
                z.writestr(n, body if n == f"recordings/{name}" else data)
        erase_client("Anna Berg")
        with pytest.raises(PressureError, match=message):
            import_archive(bad)
        assert not [p for p in sessions_dir().iterdir() if p.name == first]
        assert not list(sessions_dir().glob(".import.*")), "no temporary file is left behind"
        assert clients.list_clients() == [], "nothing of a refused archive is kept"
        clients.add_client("Anna Berg", client_id=anna.id)


def test_an_unphased_set_is_the_before_of_an_after_set():
    clients.add_client("Anna Berg")
    ppt_recording(sessions_dir() / "x.pressure", started_at="2026-11-01T10:00:00+01:00", client="Anna Berg",
                  sets=[("infraspinatus", "left", "", [300.0, 310.0, 320.0], [None] * 3),
                        ("infraspinatus", "left", "after", [350.0, 360.0, 370.0], [None] * 3)])
    visit = client_report("Anna Berg")["sites"][0]["visits"][0]
    assert visit["treatment"]["change"] == pytest.approx(50.0)
