"""Reports: JSON keys, the HTML page with its SVG plot and table, escaping, the SVG helpers."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from pressure import report
from pressure.errors import PressureError
from pressure.recording import RecordingWriter, open_recording
from pressure.routine import BUILTIN_ROUTINES
from pressure.samples import Block
from pressure.svgplot import SvgPlot, decimate_minmax, nice_ticks

HOLD_KEYS = ("time_to_band_s", "overshoot_pct", "time_in_band_pct", "mae_pct", "cv_pct",
             "drift_pct_per_10s")


@pytest.fixture
def sim_session(tmp_path):
    """A recorded simulator session: the 'steady' practitioner doing the 'steady' routine,
    written in blocks as the recorder would (raw counts and newtons)."""
    from firmware_sim.model import make_profile

    t = np.arange(0.0, 70.0, 1 / 250.0)
    force = make_profile("steady", seed=7, target_n=30.0).force(t)
    force = force + np.random.default_rng(1).normal(0.0, 0.03, t.size)
    raw = np.round(force * 21000.0 + 8400.0)
    meta = {"routine": BUILTIN_ROUTINES["steady"].to_dict(),
            "labels": {"client": "<script>alert(1)</script>", "student": "Ann & Bob"}}
    path = tmp_path / "session.pressure"
    with RecordingWriter(path, meta) as w:
        for i in range(0, t.size, 1000):
            w.append(Block.make(t[i:i + 1000], raw[i:i + 1000], (raw[i:i + 1000] - 8400.0) / 21000.0))
        w.add_event(10.0, "marker", "pain 3/10 <here>")
    return path


def test_report_json_has_every_documented_number(sim_session):
    data = report.build_report(open_recording(sim_session))
    json.dumps(data, allow_nan=False)  # strict JSON: no NaN
    holds = [s for s in data["steps"] if s["kind"] == "hold"]
    assert len(holds) >= 2
    for s in holds:
        for key in HOLD_KEYS:
            assert key in s
        assert s["time_in_band_pct"] > 90  # the steady practitioner
    # 70 s of a ~4 min routine: each hold counts by the part of it done, the holds never
    # reached count 0, so the score is the steady holds' quality x the share of the routine done
    assert data["holds_total"] == 5 and data["holds_completed"] == sum(h["completed"] for h in holds)
    assert all(h["score"] > 80 for h in holds if h["completed"])
    done = sum(h["score"] * h["completed_fraction"] for h in holds) / 5
    assert data["score"] == pytest.approx(done, abs=0.05) and data["score"] < 60
    assert data["metadata"]["labels"]["student"] == "Ann & Bob"
    assert data["markers"] == [{"t_s": 10.0, "text": "pain 3/10 <here>"}]
    assert data["worst"]["step"] in [s["index"] for s in holds]


def test_html_is_one_page_with_the_plot_and_the_table_and_escapes_file_text(sim_session):
    built = report.build(open_recording(sim_session))
    page = built.html()
    assert page.startswith("<!DOCTYPE html>")
    assert "<svg" in page and "<polyline" in page and 'class="band"' in page
    table = re.search(r"<table class='steps'>.*?</table>", page, re.S).group(0)
    holds = [s for s in built.data["steps"] if s["kind"] == "hold"]
    assert table.count("<tr>") == 1 + len(holds)  # heading + one row per hold
    assert f"{holds[0]['time_in_band_pct']:.1f}" in table
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "Ann &amp; Bob" in page and "&lt;here&gt;" in page
    assert not re.search(r"(src|href)=['\"]https?:", page)  # nothing external


def test_a_session_without_a_routine_needs_one(tmp_path, sim_session):
    rec = open_recording(sim_session)
    plain = tmp_path / "plain.pressure"
    with RecordingWriter(plain, {}) as w:
        w.append(rec.block())
    with pytest.raises(PressureError, match="has no routine; pass --routine"):
        report.build_report(open_recording(plain))
    from pressure.routine import single_hold

    data = report.build_report(open_recording(plain), single_hold(30.0, "5%", 20.0))
    assert data["routine"].startswith("Hold 30 N")
    assert data["steps"][1]["time_in_band_pct"] > 90


def test_decimation_keeps_every_extreme_and_the_time_order():
    t = np.arange(200_000) / 1000.0
    y = np.sin(t)
    y[123_457] = 9.0  # a 1 ms spike
    y[98_765] = -7.0
    td, yd = decimate_minmax(t, y, 1000)
    assert td.size <= 1000
    assert yd.max() == 9.0 and yd.min() == -7.0
    assert np.all(np.diff(td) > 0)


def test_nice_ticks_cover_the_range_with_round_steps():
    ticks = nice_ticks(0.0, 97.3, 10)
    assert ticks[0] == 0 and ticks[-1] <= 97.3 and len(ticks) >= 5
    steps = set(np.round(np.diff(ticks), 9))
    assert len(steps) == 1 and steps.pop() in (1, 2, 5, 10, 20, 50)


def test_svg_plot_maps_data_to_pixels_and_escapes_labels():
    p = SvgPlot((0.0, 10.0), (0.0, 100.0), width=400, height=200)
    assert float(p.px(0.0)) == p.left and float(p.px(10.0)) == 400 - p.right
    assert float(p.py(100.0)) == p.top and float(p.py(0.0)) == 200 - p.bottom
    p.vline(5.0, "<b>x</b>")
    svg = p.render()
    assert "&lt;b&gt;x&lt;/b&gt;" in svg and "<b>" not in svg


@pytest.mark.parametrize("value, fmt, text", [
    (-0.3, "{:+.0f}", "0"), (0.2, "{:+.0f}", "0"), (-0.04, "{:.1f}", "0.0"), (-0.0, "{:+.1f}", "0.0"),
    (-12.6, "{:+.0f}", "-13"), (0.6, "{:+.0f}", "+1"), (-0.05, "{:+.2f}", "-0.05"), (7, "{:.0f}", "7"),
])
def test_numbers_that_round_to_zero_have_no_sign(value, fmt, text):
    from pressure.report import number_text

    assert number_text(value, fmt) == text


def test_text_report_and_plot_ticks_print_no_negative_zero():
    """issue 12: the text report printed "-0.0 N"; no report output has a negative zero."""
    from pressure.commands.report import _text
    from pressure.svgplot import _label

    data = {"file": "s.pressure", "routine": "r", "unit": "N", "score": -0.2, "steps": [],
            "thresholds": [{"value": -0.04}, {"value": 12.0}], "threshold_mean": -0.01,
            "threshold_cv_pct": -0.0, "worst": {"value": -0.04, "t_s": -0.01, "deviation_pct": -0.3},
            "comparison": {"rms_diff_pct": -0.02, "reference_score": -0.4}}
    text = _text(data)
    assert "-0" not in text, text
    assert "thresholds (N): 0.0, 12.0; mean 0.0" in text
    assert _label(-0.0) == "0" and _label(-1e-12) == "-1e-12" and _label(-2.5) == "-2.5"


def test_html_report_names_no_folder_and_heads_every_column(sim_session):
    """issue 12: the HTML report goes to clients: file name only, local time with its zone,
    a heading over every table column."""
    page = report.build(open_recording(sim_session)).html()
    assert str(sim_session.parent) not in page and "session.pressure" in page
    started = re.search(r"<dt>started</dt><dd>(.*?)</dd>", page).group(1)
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \S+ \(UTC[+-]\d{4}\)", started), started
    for table in re.findall(r"<table.*?</table>", page, re.S):
        heads = re.findall(r"<th[^>]*>(.*?)</th>", table)
        assert heads and all(h.strip() for h in heads), heads


def test_step_labels_never_overlap_and_holds_are_shaded_visibly():
    """issue 12: step labels drawn over one another; hold shading too faint to see."""
    plot = SvgPlot((0.0, 100.0), (0.0, 40.0), width=600, height=300)
    plot.span(10.0, 40.0, title="hold")
    for k in range(40):  # many close steps: more than the rows can hold
        plot.vline(k * 0.5, f"step {k} long label")
    svg = plot.render()
    boxes = [(float(x), float(y), len(t)) for x, y, t in
             re.findall(r'<text x="([\d.]+)" y="([\d.]+)" font-size="10"[^>]*>([^<]*)</text>', svg)]
    assert len(boxes) >= 3
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if a[1] == b[1]:  # same row: the later starts after the earlier ends
                assert b[0] >= a[0] + 6.0 * a[2]
    assert len(re.findall(r"<title>step \d+ long label</title>", svg)) == 40  # none lost
    assert float(re.search(r'fill-opacity="([\d.]+)"', svg).group(1)) >= 0.12
