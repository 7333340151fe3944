"""Exports people open: pandas with its defaults, LibreOffice with its defaults, Excel workbooks;
and the date-time columns loggers and spreadsheets write."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess

import numpy as np
import pytest

from pressure.errors import PressureError
from pressure.exchange import export_csv, import_csv, read_csv
from pressure.recording import RecordingWriter, open_recording
from pressure.samples import Block

HOSTILE_MARKER = "=1+1"
COMMA_MARKER = 'pain 7/10, "sharp"'


def make_recording(path, n=2000):
    t = np.arange(n) / 1000.0
    force = -2.0 + 30.0 * np.sin(np.pi * t / t[-1]) ** 2  # starts below zero: negatives stay numbers
    meta = {"unit": "N", "labels": {"client": "Ann, #1", "muscle": "upper trapezius, left"}}
    with RecordingWriter(path, meta) as w:
        w.append(Block.make(t, np.round(force * 1000), force))
        w.add_event(0.5, "marker", HOSTILE_MARKER)
        w.add_event(1.0, "marker", COMMA_MARKER)
    return open_recording(path)


def test_pandas_reads_the_csv_with_its_defaults(tmp_path):
    pd = pytest.importorskip("pandas")
    rec = make_recording(tmp_path / "s.pressure")
    out = export_csv(rec, tmp_path / "s.csv")
    df = pd.read_csv(out)  # no comment=, no skiprows=: row 1 is the header
    assert list(df.columns) == ["time_s", "raw", "force_N", "smoothed_N", "zone", "marker"]
    assert len(df) == len(rec)
    for col in ("time_s", "raw", "force_N", "smoothed_N"):
        assert df[col].dtype.kind in "fi", col  # numbers, not text
    np.testing.assert_allclose(df["force_N"], rec.force_n, atol=5e-7)
    assert (df["force_N"] < 0).any()
    marks = df["marker"].dropna().tolist()
    assert marks == ["'" + HOSTILE_MARKER, COMMA_MARKER]  # a formula is neutralised, commas kept


def test_the_metadata_file_brings_labels_and_events_back_on_import(tmp_path):
    rec = make_recording(tmp_path / "s.pressure")
    out = export_csv(rec, tmp_path / "s.csv")
    report = import_csv(out, tmp_path / "back.pressure")
    back = open_recording(tmp_path / "back.pressure")
    assert back.meta["labels"] == rec.meta["labels"]
    assert [m.text for m in back.markers] == [HOSTILE_MARKER, COMMA_MARKER]
    assert any("s.meta.json" in note for note in report.notes)


def test_a_metadata_file_of_another_csv_is_not_taken(tmp_path):
    rec = make_recording(tmp_path / "s.pressure")
    out = export_csv(rec, tmp_path / "s.csv")
    moved = tmp_path / "renamed.csv"
    shutil.copy(out, moved)
    shutil.copy(tmp_path / "s.meta.json", tmp_path / "renamed.meta.json")  # still says "s.csv"
    import_csv(moved, tmp_path / "back.pressure")
    back = open_recording(tmp_path / "back.pressure")
    assert (back.meta.get("labels") or {}).get("client", "") == ""
    # the CSV's own marker column still brings the markers
    assert {m.text for m in back.markers} == {HOSTILE_MARKER, COMMA_MARKER}


def test_xlsx_export_has_data_metadata_and_events_sheets(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    from pressure.exchange.xlsx import export_xlsx

    rec = make_recording(tmp_path / "s.pressure")
    out = export_xlsx(rec, tmp_path / "s.xlsx", unit="kgf")
    assert (out.stat().st_mode & 0o777) == 0o600
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["data", "metadata", "events"]
    data = list(wb["data"].iter_rows(values_only=True))
    assert data[0] == ("time_s", "raw", "force_kgf", "smoothed_kgf", "zone", "marker")
    assert len(data) == len(rec) + 1
    np.testing.assert_allclose([r[2] for r in data[1:]], rec.force_n / 9.80665, atol=5e-7)
    marked = [c for c in wb["data"]["F"] if c.value not in (None, "marker")]
    assert [(c.value, c.data_type) for c in marked] == [(HOSTILE_MARKER, "s"), (COMMA_MARKER, "s")]
    meta = dict(wb["metadata"].iter_rows(min_row=2, values_only=True))
    assert json.loads(meta["labels"])["client"] == "Ann, #1" and meta["export_unit"] == "kgf"
    events = list(wb["events"].iter_rows(min_row=2, values_only=True))
    assert [(e[0], e[1], e[2]) for e in events] == [(0.5, "marker", HOSTILE_MARKER), (1, "marker", COMMA_MARKER)]


def test_xlsx_splits_at_the_sheet_row_limit(tmp_path, monkeypatch):
    openpyxl = pytest.importorskip("openpyxl")
    from pressure.exchange import xlsx

    monkeypatch.setattr(xlsx, "SHEET_ROWS", 800)  # the real limit is 1,048,576 rows
    rec = make_recording(tmp_path / "s.pressure")
    out = xlsx.export_xlsx(rec, tmp_path / "s.xlsx")
    wb = openpyxl.load_workbook(out, read_only=True)
    assert wb.sheetnames[:3] == ["data", "data 2", "data 3"]
    rows = [r for name in ("data", "data 2", "data 3") for r in wb[name].iter_rows(values_only=True)]
    assert sum(r[0] == "time_s" for r in rows) == 3
    times = [r[0] for r in rows if r[0] != "time_s"]
    np.testing.assert_allclose(times, rec.t, atol=5e-7)  # nothing lost or repeated at the splits


def test_export_command_without_openpyxl_says_how_to_install(tmp_path, monkeypatch, capsys):
    import builtins

    from pressure.cli import main

    make_recording(tmp_path / "s.pressure")
    real_import = builtins.__import__

    def no_openpyxl(name, *args, **kwargs):
        if name == "openpyxl" or name.startswith("openpyxl."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_openpyxl)
    assert main(["export", str(tmp_path / "s.pressure"), "--xlsx", str(tmp_path / "s.xlsx")]) == 1
    assert "pip install" in capsys.readouterr().err
    assert not (tmp_path / "s.xlsx").exists()


def test_export_command_needs_an_output(tmp_path, capsys):
    from pressure.cli import main

    make_recording(tmp_path / "s.pressure")
    assert main(["export", str(tmp_path / "s.pressure")]) == 1
    assert "--csv" in capsys.readouterr().err


def _soffice():
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice is not installed: .ci/run installs libreoffice-calc-nogui")
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-calc-nogui)")
    return exe


def _convert(exe, src, to, outdir, profile):
    subprocess.run([exe, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                    "--convert-to", to, "--outdir", str(outdir), str(src)],
                   check=True, capture_output=True, timeout=120)


def test_libreoffice_opens_the_csv_as_a_table_and_keeps_text_as_text(tmp_path):
    """LibreOffice's default CSV import (what a double click does): header in row 1, numbers as
    numbers, the neutralised formula shown as text; and our .xlsx read back the same way."""
    exe = _soffice()
    openpyxl = pytest.importorskip("openpyxl")
    from pressure.exchange.xlsx import export_xlsx

    rec = make_recording(tmp_path / "s.pressure", n=1500)
    src = export_csv(rec, tmp_path / "s.csv")
    back = tmp_path / "lo"
    _convert(exe, src, "xlsx", back, tmp_path / "profile")
    sheet = openpyxl.load_workbook(back / "s.xlsx").active
    rows = list(sheet.iter_rows())
    assert [c.value for c in rows[0]] == ["time_s", "raw", "force_N", "smoothed_N", "zone", "marker"]
    assert all(c.data_type == "n" for r in rows[1:] for c in r[:4])
    assert len(rows) == len(rec) + 1
    np.testing.assert_allclose([r[2].value for r in rows[1:]], rec.force_n, atol=5e-7)
    texts = [r[5].value for r in rows[1:] if r[5].value]
    assert not any(r[5].data_type == "f" for r in rows[1:])
    assert HOSTILE_MARKER in " ".join(texts) and COMMA_MARKER in texts

    book = export_xlsx(rec, tmp_path / "w.xlsx")
    _convert(exe, book, "csv", back, tmp_path / "profile")
    with open(back / "w.csv", newline="", encoding="utf-8", errors="replace") as f:
        cells = list(csv.reader(f))
    assert cells[0] == ["time_s", "raw", "force_N", "smoothed_N", "zone", "marker"]
    assert HOSTILE_MARKER in [r[5] for r in cells[1:]]  # shown as the text, never computed to 2


def test_import_of_year_first_date_times_with_and_without_naming_the_column(tmp_path):
    src = tmp_path / "logger.csv"
    src.write_text("time,force\n2026/12/05 10:00:00.000,1.0\n2026/12/05 10:00:00.010,2.0\n"
                   "2026/12/05 10:00:00.020,3.0\n2026/12/05 10:00:01.020,4.0\n")
    for kwargs in ({}, {"time_column": "time"}):
        trace = read_csv(src, **kwargs)
        np.testing.assert_allclose(trace.t, [0, 0.01, 0.02, 1.02], atol=1e-6)
        np.testing.assert_array_equal(trace.value, [1, 2, 3, 4])
    dotted = tmp_path / "dotted.csv"
    dotted.write_text("time;force\n2026.12.05 10:00:00;1,5\n2026.12.05 10:00:01;2,5\n")
    np.testing.assert_allclose(read_csv(dotted).t, [0, 1], atol=1e-6)


def test_day_or_month_first_dates_are_refused_with_the_reason(tmp_path):
    src = tmp_path / "ambiguous.csv"
    src.write_text("time,force\n05/12/2026 10:00:00,1.0\n05/12/2026 10:00:01,2.0\n")
    with pytest.raises(PressureError, match="ambiguous"):
        read_csv(src)
