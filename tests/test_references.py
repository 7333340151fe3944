"""Reference traces: storing a demonstration, the ghost for the window, the comparison."""

from __future__ import annotations

import numpy as np
import pytest

from pressure import references, scoring
from pressure.errors import PressureError
from pressure.recording import RecordingWriter, open_recording
from pressure.routine import Routine, Step
from pressure.samples import Block

ROUTINE = Routine(name="two holds", steps=(
    Step("ramp", target=30.0, tolerance=1.5), Step("hold", target=30.0, tolerance=1.5, duration=10.0,
                                                    on_leave="record"),
    Step("release", duration=5.0), Step("rest", duration=3.0),
    Step("ramp", target=30.0, tolerance=1.5), Step("hold", target=30.0, tolerance=1.5, duration=10.0,
                                                    on_leave="record"),
    Step("release", duration=5.0)))
NONE = {"name": "none", "params": {}}


def trace(offset=0.0, delay=0.0, rate=200.0):
    """Two press-hold-release cycles; ``offset`` N added during the holds, ``delay`` s later start."""
    t = np.arange(0.0, 45.0, 1 / rate)
    y = np.zeros_like(t)
    for start in (1.0 + delay, 21.0 + delay):
        up = (t >= start) & (t < start + 3.0)
        y[up] = 10.0 * (t[up] - start)
        hold = (t >= start + 3.0) & (t < start + 15.0)
        y[hold] = 30.0 + offset + 0.3 * np.sin(2 * np.pi * t[hold])
        down = (t >= start + 15.0) & (t < start + 17.0)
        y[down] = (30.0 + offset) * (1 - (t[down] - start - 15.0) / 2.0)
    return t, y


def write(path, t, y, routine=ROUTINE):
    meta = {"routine": routine.to_dict(), "filter": NONE}
    with RecordingWriter(path, meta) as w:
        w.append(Block.make(t, y, y))
    return path


def test_identical_traces_differ_by_nothing_and_an_offset_shows():
    t, y = trace()
    ref = scoring.score_trace(t, y, ROUTINE)
    same = references.compare(scoring.score_trace(t, y, ROUTINE), ref)
    assert same.rms_diff_pct == pytest.approx(0.0, abs=1e-9)
    assert len(same.steps) == 2
    # pressing 0.9 N (3 % of 30 N) harder, and 2 s later: aligned per step, so only the offset shows
    t2, y2 = trace(offset=0.9, delay=2.0)
    cmp = references.compare(scoring.score_trace(t2, y2, ROUTINE), ref)
    assert cmp.steps[0].mean_diff_pct == pytest.approx(3.0, abs=0.3)
    assert cmp.rms_diff_pct == pytest.approx(3.0, abs=0.3)
    assert cmp.steps[0].student["time_in_band_pct"] is not None
    d = cmp.to_dict()
    assert d["steps"][0]["reference"]["cv_pct"] == pytest.approx(ref.holds[0]["cv_pct"], abs=1e-3)
    # the ghost is laid under the student's steps: it starts where the student's ramp started
    first_ramp = [s for s in scoring.score_trace(t2, y2, ROUTINE).steps if s.index == 0][0]
    assert cmp.ghost_t.min() == pytest.approx(first_ramp.start_s, abs=0.01)


def test_set_reference_keeps_a_copy_and_gives_the_trace_for_the_window(tmp_path):
    src = write(tmp_path / "demo.pressure", *trace())
    ref = references.set_reference(src)
    assert ref.routine == ROUTINE.name and ref.path != src
    src.unlink()  # the instructor tidies up: the reference survives
    assert references.get_reference(ROUTINE.name) == ref.path
    assert open_recording(ref.path).meta["routine"]["name"] == ROUTINE.name
    rt = references.reference_trace(ROUTINE.name)
    tau, v = rt.segment(1)  # the first hold, from its own start
    assert tau[0] == pytest.approx(0.0, abs=0.01)
    assert np.mean(v) == pytest.approx(30.0, abs=0.2)
    assert rt.t[0] <= 0.0 <= rt.t[-1]
    assert references.get_reference("no such routine") is None


def test_a_recording_without_a_routine_needs_one_to_become_a_reference(tmp_path):
    t, y = trace()
    path = tmp_path / "imported.pressure"
    with RecordingWriter(path, {"filter": NONE}) as w:
        w.append(Block.make(t, y, y))
    with pytest.raises(PressureError, match="has no routine"):
        references.set_reference(path)
    ref = references.set_reference(path, "steady", force=True)  # a built-in by its short name
    assert references.get_reference("steady") == ref.path


def test_a_report_compares_with_the_stored_reference(tmp_path):
    from pressure.report import build

    references.set_reference(write(tmp_path / "demo.pressure", *trace()))
    student = write(tmp_path / "student.pressure", *trace(offset=1.5, delay=1.0))
    report = build(open_recording(student))
    assert report.data["comparison"]["rms_diff_pct"] == pytest.approx(5.0, abs=0.5)
    assert len(report.comparison.ghost_t) > 0
    assert 'class="ghost"' in report.html()


def test_a_reference_must_cover_the_routine_and_score_well_unless_forced(tmp_path):
    from pressure.reference_quality import MIN_SCORE

    t, y = trace()
    good = references.set_reference(write(tmp_path / "demo.pressure", t, y))
    assert references.get_reference(ROUTINE.name) == good.path
    # a short import that stops early in the first hold: most steps never reached, too short
    early = t < 5.0
    short = write(tmp_path / "short.pressure", t[early], y[early])
    with pytest.raises(PressureError, match=r"2 of the routine's 7 steps.*lasts 5\.0 s.*--force") as err:
        references.set_reference(short)
    assert "not a good reference" in str(err.value)
    # a whole attempt at the wrong force: every step reached, long enough, but scores badly
    wobbly = y.copy()
    wobbly[y > 20] = 30.0 + 8.0 * np.sign(np.sin(2 * np.pi * 0.7 * t[y > 20]))
    bad = write(tmp_path / "bad.pressure", t, wobbly)
    assert scoring.score_recording(open_recording(bad)).score < MIN_SCORE
    with pytest.raises(PressureError, match="a reference needs 80"):
        references.set_reference(bad)
    assert references.get_reference(ROUTINE.name) == good.path  # the good one stays
    forced = references.set_reference(short, force=True)
    assert references.get_reference(ROUTINE.name) == forced.path
