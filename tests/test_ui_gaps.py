"""Missing samples are drawn as breaks, live and in replay: a disconnect is not a smooth ramp."""

import numpy as np
import pytest

from pressure.filters import make_filter
from pressure.recording import RecordingWriter
from pressure.routine import single_hold
from pressure.samples import FLAG_GAP_BEFORE, FLAG_RECONNECT, Block
from pressure.session.replay_setup import open_replay
from pressure.session.scripted import ManualClock
from pressure.ui.audio import Silent
from pressure.ui.replay_window import ReplayWindow
from ui_scripted import drawn, scripted_window

HOLE = (5.0, 8.5)  # 3.5 s without samples, the disconnect of issue 12


def drawn_segments(path):
    """(x0, x1) of every line the path draws (a moveTo starts a new run, nothing drawn to it)."""
    segments, prev = [], None
    for i in range(path.elementCount()):
        e = path.elementAt(i)
        if e.isLineTo() and prev is not None:
            segments.append((prev[0], e.x))
        prev = (e.x, e.y)
    return segments


def crosses_hole(path, hole=HOLE, slack=0.05):
    """Does a drawn line span (most of) the hole?"""
    return any(x0 <= hole[0] + slack and x1 >= hole[1] - slack for x0, x1 in drawn_segments(path))


def draws_both_sides(path, hole=HOLE):
    xs = [x for seg in drawn_segments(path) for x in seg]
    return min(xs) < hole[0] and max(xs) > hole[1]


def assert_broken(trace):
    """The raw, smoothed and overview curves show the hole as a break (and the data either side)."""
    for curve in (trace.raw_curve, trace.smooth_curve, trace.overview_curve):
        for item in curve.items:
            path = item.path()
            assert draws_both_sides(path)
            assert not crosses_hole(path), "a line is drawn across the missing samples"


@pytest.fixture
def live(qtbot):
    # 1000 samples/s: enough samples that the trace is decimated
    return scripted_window(qtbot, single_hold(10.0, "10%", 30.0, ceiling=20.0), filt="exponential",
                           rate=1000.0, size=(1000, 650), window_seconds=30.0)


def test_live_disconnect_is_a_break_in_every_curve(live, qtbot):
    window, source, clock = live
    drawn(window, qtbot, source, 4.0, HOLE[0])
    source.t += HOLE[1] - HOLE[0]  # the sensor was away: no samples, then it streams again
    clock.now += HOLE[1] - HOLE[0]
    drawn(window, qtbot, source, 12.0, 3.0)
    window.redraw_trace()  # the overview is redrawn a few times a second: now, for the check
    trace = window.trace
    t, _, _ = trace.curve_data
    assert len(t) > 2 * trace.plot.vb.width()  # the decimated path is what is checked
    assert trace.gaps is not None and trace.gaps[0] == pytest.approx(HOLE[1] + 0.001)
    assert_broken(trace)
    # a hole shorter than the rule's limit (GAP_S) stays a line: jitter is not a disconnect
    source.t += 0.1
    drawn(window, qtbot, source, 12.0, 1.0)
    assert len(window.trace.gaps) == 1


def test_live_trace_without_gaps_has_no_breaks(live, qtbot):
    window, source, _ = live
    drawn(window, qtbot, source, 4.0, 3.0)
    drawn(window, qtbot, source, 12.0, 3.0)
    assert window.trace.gaps is None
    path = window.trace.raw_curve.items[0].path()
    moves = sum(path.elementAt(i).isMoveTo() for i in range(path.elementCount()))
    assert moves == 1


def test_replay_shows_the_recorded_disconnect_as_a_break(qtbot, tmp_path):
    rate = 1000.0
    t = np.concatenate((np.arange(0, HOLE[0], 1 / rate), np.arange(HOLE[1], 12.0, 1 / rate)))
    f = np.where(t < HOLE[0], 4.0, 12.0)
    flags = np.zeros(len(t), np.uint8)
    flags[np.searchsorted(t, HOLE[1])] = FLAG_GAP_BEFORE | FLAG_RECONNECT
    routine = single_hold(10.0, 1.0, 4.0)
    meta = {"kind": "live", "unit": "N", "routine": routine.to_dict(),
            "filter": {"name": "none", "params": {}}}
    path = tmp_path / "gap.pressure"
    with RecordingWriter(path, meta) as w:
        w.append(Block.make(t, f * 1000.0, f, flags=flags))
    pipeline = open_replay(path, filt=make_filter("none"), playing=False, clock=ManualClock())
    window = ReplayWindow(pipeline, audio=Silent("test"), window_seconds=20.0)
    qtbot.addWidget(window)
    window.resize(1100, 650)
    window.show()
    qtbot.waitExposed(window)
    window.seek(11.9)  # the window ending here holds both sides of the hole
    assert_broken(window.trace)


def test_a_gap_in_the_reference_is_a_break_in_the_ghost(qtbot):
    from types import SimpleNamespace

    from pressure.references import ReferenceTrace
    from pressure.ui.ghost import Ghost
    from pressure.ui.trace_view import TraceView

    view = TraceView()
    qtbot.addWidget(view)
    t = np.concatenate((np.arange(0, HOLE[0], 0.01), np.arange(HOLE[1], 12.0, 0.01)))
    reference = ReferenceTrace(routine="r", unit="N", t=t, value=np.where(t < HOLE[0], 4.0, 12.0),
                               step_starts={0: 0.0}, step_ends={0: 12.0}, name="ref")
    ghost = Ghost(view, reference)
    ghost.update(SimpleNamespace(events=[SimpleNamespace(kind="step_start", step=0, t=0.0)]))
    x = ghost.x
    holes = np.flatnonzero(np.isnan(x))
    assert holes.size == 2  # the break at the gap, and the one that ends the step's segment
    assert x[holes[0] - 1] < HOLE[0] and x[holes[0] + 1] == pytest.approx(HOLE[1])
