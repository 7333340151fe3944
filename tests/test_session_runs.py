"""A routine change keeps the earlier runs in the same session: the live scores (F9), ``report``
(text, JSON, HTML) and replay cover every run, each with its own routine, band and scores (issue
21: F9 and the HTML report showed only the last routine; replay labelled the whole file with
the last routine's band and stayed on "step 1" before the switch)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from pressure.recording import open_recording
from pressure.routine import single_hold
from pressure.session.scores import session_scores
from test_session_changes import make_session, play

FIRST = single_hold(10.0, "10%", 3.0)
SECOND = single_hold(20.0, "10%", 3.0)


@pytest.fixture
def two_runs(tmp_path):
    """A recorded session: a hold at 10 N done, then Routine > another hold at 20 N, done."""
    session, source = make_session(tmp_path, FIRST)
    play(session, source, 10.0, 5.0)
    play(session, source, 0.0, 1.0)
    switch_t = session.pipeline.last_t
    session.load_routine(SECOND)
    play(session, source, 20.0, 5.0)
    play(session, source, 0.0, 1.0)
    return session, switch_t


def test_the_live_scores_cover_every_run(two_runs):
    from pressure.ui.summary import summary_html

    session, _ = two_runs
    scores = session_scores(session.pipeline)
    assert [r.routine_name for r in scores.runs] == [FIRST.name, SECOND.name]
    text = summary_html(scores)  # what F9 shows
    assert "Run 1 of 2" in text and "Run 2 of 2" in text
    assert FIRST.name in text and SECOND.name in text
    assert "9.0 – 11.0" in text and "18.0 – 22.0" in text  # each run's own band
    session.close()


def test_report_json_text_and_html_cover_every_run(two_runs, tmp_path, capsys):
    from pressure.cli import main

    session, switch_t = two_runs
    session.close()
    path = session.files[0]
    assert main(["report", path, "--json", "--no-reference"]) == 0
    data = json.loads(capsys.readouterr().out)
    runs = data["runs"]
    assert [r["routine"] for r in runs] == [FIRST.name, SECOND.name]
    assert runs[1]["run_start_s"] == pytest.approx(switch_t, abs=0.02)
    holds = [[s for s in r["steps"] if s["kind"] == "hold"][0] for r in runs]
    assert [h["target"] for h in holds] == [10.0, 20.0] and all(h["completed"] for h in holds)
    assert main(["report", path, "--no-reference"]) == 0
    text = capsys.readouterr().out
    assert "2 runs" in text and FIRST.name in text and SECOND.name in text
    html_path = tmp_path / "r.html"
    assert main(["report", path, "--html", str(html_path), "--no-reference"]) == 0
    page = html_path.read_text()
    assert "Run 1 of 2" in page and "Run 2 of 2" in page
    assert FIRST.name in page and SECOND.name in page
    assert "target band 9-11" in page and "target band 18-22" in page  # both bands on the plot


def test_replay_shows_each_run_with_its_own_routine(two_runs):
    from pressure.session.replay_setup import open_replay

    session, switch_t = two_runs
    session.close()
    replay = open_replay(session.files[0], playing=False)
    replay.analysis.run()
    replay.seek(2.0)  # in the first run's hold
    assert replay.routine == FIRST and replay.state.step.kind == "hold"
    assert replay.state.band == pytest.approx((9.0, 11.0)) and replay.state.zone == "in"
    replay.seek(switch_t + 2.0)  # in the second run's hold
    assert replay.routine == SECOND and replay.state.step.kind == "hold"
    assert replay.state.band == pytest.approx((18.0, 22.0)) and replay.state.zone == "in"
    replay.seek(1.0)  # and back
    assert replay.routine == FIRST and replay.state.step_index > 0
    scores = session_scores(replay, whole=True)
    assert [r.routine_name for r in scores.runs] == [FIRST.name, SECOND.name]


def test_replay_played_through_switches_routine_at_the_run(two_runs):
    from pressure.session.replay_setup import open_replay
    from pressure.session.scripted import ManualClock

    session, switch_t = two_runs
    session.close()
    clock = ManualClock()
    replay = open_replay(session.files[0], clock=clock)
    seen = []
    while replay.last_t != replay.last_t or replay.last_t < open_recording(session.files[0]).t[-1]:
        clock.now += 0.1
        frame = replay.tick()
        if frame.state is not None:
            seen.append((frame.t, replay.routine.name, frame.state.step.kind if frame.state.step else "done"))
    before = [s for s in seen if s[0] < switch_t]
    after = [s for s in seen if s[0] > switch_t + 0.2]
    assert {s[1] for s in before} == {FIRST.name} and {s[1] for s in after} == {SECOND.name}
    assert "hold" in {s[2] for s in before} and "hold" in {s[2] for s in after}
    assert np.isfinite(replay.last_value)
