"""Release means released (issue 21 §4): a release step ends when the force is below the release
level; its time running out with the force still on escalates the cue and the rest waits (REST
0:26 ran with 28 N still applied). Through the session pipeline, without a window."""

import pytest

from pressure.filters import make_filter
from pressure.routine import BUILTIN_ROUTINES
from pressure.session.pipeline import Pipeline
from pressure.session.scripted import ManualClock, ScriptedSource


def test_a_release_still_pressed_holds_the_rest_back_until_let_go():
    clock = ManualClock()
    source = ScriptedSource(clock, rate=50.0)
    p = Pipeline(source, BUILTIN_ROUTINES["ischemic"], make_filter("none"), clock=clock)
    source.push([30.0], seconds=62.0)  # ramp, then the 60 s hold in the band
    p.tick()
    assert p.state.step.kind == "release"
    source.push([28.0], seconds=15.0)  # 10 s release time runs out, 28 N still on
    frame = p.tick()
    assert frame.state.step.kind == "release" and frame.state.cue == "let_go"
    assert sum(e.kind == "release_overdue" for e in frame.events) == 1
    source.push([28.0], seconds=15.0)
    assert not [e for e in p.tick().events if e.kind == "release_overdue"]  # said once
    source.push([0.0], seconds=2.0)  # let go
    frame = p.tick()
    assert frame.state.step.kind == "rest"
    assert frame.state.step_elapsed == pytest.approx(2.0, abs=0.05)  # the rest began at letting go
    assert frame.state.step_remaining == pytest.approx(28.0, abs=0.05)
