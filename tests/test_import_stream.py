"""issue 15: hour-long CSVs. Import reads a block at a time and writes each block into the
recording (no row cap, memory bounded by the block size, not the file); export works a chunk
at a time; the column options win over header detection."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pressure.errors import PressureError
from pressure.exchange import CsvRows, export_csv, import_csv, read_csv
from pressure.exchange import export as export_module
from pressure.exchange import ordering
from pressure.exchange.numtext import exact_decimals, fixed_columns, join_rows
from pressure.recording import RecordingWriter, open_recording
from pressure.routine import single_hold
from pressure.samples import Block

ROWS = 200_000


def write_long_csv(path, rows=ROWS, bad=()):
    t = np.arange(rows) / 1000.0
    force = 20.0 * (1 - np.cos(2 * np.pi * t / 40.0)) + (np.arange(rows) % 7) * 0.01
    lines = [f"{a:.3f},{b:.4f}" for a, b in zip(t.tolist(), force.tolist())]
    for i, text in bad:
        lines[i] = text
    path.write_text("time_s,force_N\n" + "\n".join(lines) + "\n")
    return t, force


def test_a_long_file_streams_in_blocks_bounded_by_the_block_size(tmp_path):
    src = tmp_path / "long.csv"
    t, force = write_long_csv(src, bad=[(123_457, "0.0,ERR"), (150_001, "nan,nan")])
    block_chars = 1 << 16  # ~4,000 rows of text per block, whatever the length of the file
    largest = 0
    with CsvRows(src, block_chars=block_chars) as rows:
        parts = []
        for bt, bv in rows.blocks():
            largest = max(largest, len(bt))
            parts.append((bt, bv))
        rows.finish()
    assert rows.blocks_read > 40  # it really went block by block
    # a block handed on holds at most one block of text plus the rows held back for sorting
    assert largest <= block_chars // len("0.000,0.0000\n") + ordering.HOLD_ROWS + 10
    got_t = np.concatenate([p[0] for p in parts])
    keep = np.ones(ROWS, bool)
    keep[[123_457, 150_001]] = False
    np.testing.assert_array_equal(got_t, t[keep])
    np.testing.assert_array_equal(np.concatenate([p[1] for p in parts]), np.round(force[keep], 4))
    assert rows.report.skipped == 2  # across block boundaries, the line numbers still right
    assert [n for n, _ in rows.report.bad_rows] == [123_457 + 2, 150_001 + 2]


def test_import_in_blocks_equals_the_whole_file_at_once(tmp_path):
    src = tmp_path / "long.csv"
    write_long_csv(src, rows=50_000)
    small = import_csv(src, tmp_path / "small.pressure", block_chars=10_007)  # cuts lines in half
    whole = import_csv(src, tmp_path / "whole.pressure", block_chars=1 << 26)
    a, b = open_recording(tmp_path / "small.pressure"), open_recording(tmp_path / "whole.pressure")
    assert small.rows == whole.rows == len(a) == len(b) == 50_000
    np.testing.assert_array_equal(a.t, b.t)
    np.testing.assert_array_equal(a.force_n, b.force_n)
    np.testing.assert_array_equal(a.flags, b.flags)
    assert a.meta["sensor"]["rate_hz"] == pytest.approx(1000.0)
    assert a.meta["import_notes"] == small.notes and not [e for e in a.events if e.kind == "meta_change"]


def test_no_row_cap(tmp_path):
    import pressure.exchange.reader as reader

    assert not hasattr(reader, "MAX_ROWS")  # memory is bounded by the block, not by a row count


def test_rows_late_by_less_than_the_hold_are_sorted_in_later_ones_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(ordering, "HOLD_ROWS", 500)
    src = tmp_path / "late.csv"
    lines = [f"{k / 100:.2f},{k}" for k in range(3000)]
    lines[1000], lines[1100] = lines[1100], lines[1000]  # 100 rows late: sorted in
    src.write_text("time,force\n" + "\n".join(lines) + "\n")
    with CsvRows(src, block_chars=4096) as rows:  # ~400 rows a block: the swap spans blocks
        t = np.concatenate([bt for bt, _ in rows.blocks()])
        rows.finish()
    assert rows.blocks_read > 5
    np.testing.assert_array_equal(t, np.arange(3000) / 100)
    assert rows.report.out_of_order == 2
    lines.append("0.50,1")  # a clock reset: 2,500 rows too late
    src.write_text("time,force\n" + "\n".join(lines) + "\n")
    out = tmp_path / "late.pressure"
    with pytest.raises(PressureError, match=r"time 0\.5 s comes after .* sort the file by time"):
        import_csv(src, out, block_chars=4096)
    assert not out.exists()  # the half-written recording is removed


@pytest.mark.parametrize("text,options,expect_header", [
    # the rows right under the header are garbage: no header is detected
    ("Zeit,Kraft\nERR,ERR\n---,---\n", {"time_column": "zeit", "force_column": "Kraft"}, 1),
    # the first data row has blanks and the names are nothing the detector knows
    ("stamp;reading_x\n;\nnan;nan\n", {"time_column": "stamp", "force_column": "reading_x"}, 1),
    # three names over two cells per row
    ("time,force,comment\n", {"time_column": "time", "force_column": "force"}, 1),
])
def test_the_column_options_win_when_no_header_is_detected(tmp_path, text, options, expect_header):
    delim = ";" if ";" in text.splitlines()[0] else ","
    body = "".join(f"{k / 100:.2f}{delim}{k}\n" for k in range(60))
    src = tmp_path / "odd.csv"
    src.write_text(text + body)
    report = import_csv(src, tmp_path / "odd.pressure", unit="N", **options)
    assert report.header_line == expect_header
    assert report.time_column.lower() == options["time_column"].lower()
    rec = open_recording(tmp_path / "odd.pressure")
    np.testing.assert_allclose(rec.force_n, np.arange(60))
    np.testing.assert_allclose(rec.t, np.arange(60) / 100)


def test_columns_by_number_in_a_file_without_header(tmp_path):
    src = tmp_path / "n.csv"
    src.write_text("".join(f"{k},{k / 1000:.3f}\n" for k in range(50)))  # force first, time second
    trace = read_csv(src, time_column="2", force_column="column 1")
    np.testing.assert_allclose(trace.t, np.arange(50) / 1000)
    np.testing.assert_allclose(trace.value, np.arange(50))
    trace = read_csv(src, time_column="column 2")  # the force is then the other column
    np.testing.assert_allclose(trace.value, np.arange(50))
    with pytest.raises(PressureError, match="no time column named 'speed'"):
        read_csv(src, time_column="speed")


def test_export_in_chunks_is_the_whole_export(tmp_path, monkeypatch):
    """Smoothing, the coach's zones and markers carry over chunk borders unchanged."""
    n = 12_000
    t = np.arange(n) / 1000.0
    force = 20.0 * np.sin(np.pi * t / t[-1]) ** 2
    routine = single_hold(target=15.0, tolerance=2.0, hold=3.0, unit="N")
    path = tmp_path / "s.pressure"
    with RecordingWriter(path, {"routine": routine.to_dict()}) as w:
        w.append(Block.make(t, force, force))
        for k, text in enumerate(["=1+1", "left, deep", 'say "ow"']):
            w.add_event(2.9995 + 3 * k, "marker", text)
    rec = open_recording(path)
    whole = export_csv(rec, tmp_path / "whole.csv").read_text()
    monkeypatch.setattr(export_module, "CHUNK_ROWS", 1000)
    chunked = export_csv(rec, tmp_path / "chunked.csv").read_text()
    assert chunked == whole
    assert ",'=1+1" in whole and ',"left, deep"' in whole and ',"say ""ow"""' in whole
    assert {"in", "below"} <= {ln.split(",")[4] for ln in whole.splitlines() if ln[:1].isdigit()}


finite_floats = st.floats(allow_nan=False, allow_infinity=False, width=64)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(values=st.lists(st.one_of(finite_floats, st.just(float("nan")), st.just(float("inf")),
                                 st.integers(-10**9, 10**9).map(lambda k: k / 1000)), min_size=1, max_size=40))
def test_number_cells_read_back_as_the_very_same_floats(values):
    """numpy's fixed-point text is used only where it reads back exactly; else Python's repr."""
    v = np.array(values, dtype=float)
    cells = join_rows([export_module.number_column(v, None)]).split("\n")[:-1]
    assert len(cells) == len(values)
    for cell, x in zip(cells, values):
        if np.isfinite(x):
            assert float(cell) == x, (cell, x)
        else:
            assert cell == ""


@settings(max_examples=300, deadline=None, derandomize=True)
@given(values=st.lists(st.floats(-1e7, 1e7, allow_nan=False), min_size=1, max_size=40))
def test_fixed_time_cells_are_printf_six_decimals(values):
    v = np.array(values, dtype=float)
    cells = join_rows([fixed_columns(v, 6)]).split("\n")[:-1]
    for cell, x in zip(cells, values):
        assert abs(float(cell) - x) <= 5e-7 + abs(x) * 1e-15
        assert len(cell.split(".")[1]) == 6
        if abs(x * 1e6 - round(x * 1e6)) < 0.49:  # not a near tie: the very text printf gives
            assert cell == ("%.6f" % x).replace("-0.000000", "0.000000")


def test_decimal_columns_use_their_decimals_and_others_repr():
    assert exact_decimals(np.array([0.5, 12.3456, -7.0])) == 4
    assert exact_decimals(np.array([8400.0, 8401.0])) == 0
    assert exact_decimals(np.array([0.1 * 3])) is None  # 0.30000000000000004: repr keeps it
    assert join_rows([export_module.number_column(np.array([0.1 * 3, 1.0]), None)]) == \
        "0.30000000000000004\n1.0\n"
