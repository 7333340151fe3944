"""Missing samples in scores: a disconnect counts as neither the student's time nor their hold,
the same live, in replay and in `report --json` (issue 12: "time to band 8.5 s" held a 3.5 s
disconnect)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from pressure import cli, scoring
from pressure.filters import make_filter
from pressure.recording import RecordingWriter
from pressure.routine import Routine, Step
from pressure.session.meta import session_meta
from pressure.session.pipeline import Pipeline
from pressure.session.replay_setup import open_replay
from pressure.session.scores import session_scores
from pressure.session.scripted import ManualClock, ScriptedSource

RATE = 100.0
T, TOL = 10.0, 1.0
HOLE = (3.0, 6.5)  # 3.5 s without samples on the way to the band


def _grid(t0, t1):
    return t0 + np.arange(int(round((t1 - t0) * RATE))) / RATE


def test_time_to_band_leaves_out_a_disconnect_on_the_way():
    # 2 N/s from 0: the band's floor (9 N) at 4.5 s of pressing; 3.5 s of it were not recorded
    def approach(t):
        pressed = np.where(t < HOLE[0], t, t - (HOLE[1] - HOLE[0]))  # the hand waited meanwhile
        return np.minimum(2.0 * pressed, T)

    t = np.concatenate((_grid(0.0, HOLE[0]), _grid(HOLE[1], 20.0)))
    m = scoring.hold_metrics(t, approach(t), target=T, lower=T - TOL, upper=T + TOL, start=0.0, end=20.0)
    assert m["time_to_band_s"] == pytest.approx(4.5, abs=0.02)  # not 8.0
    whole = _grid(0.0, 20.0)
    ref = scoring.hold_metrics(whole, np.minimum(2.0 * whole, T), target=T, lower=T - TOL,
                               upper=T + TOL, start=0.0, end=20.0)
    assert ref["time_to_band_s"] == pytest.approx(4.5, abs=0.02)  # the same press without the hole


def test_a_disconnect_inside_a_hold_counts_as_neither_in_nor_out_of_the_band():
    t = np.concatenate((_grid(0.0, 8.0), _grid(11.5, 20.0)))
    y = np.where(t < 8.0, T, T + 3 * TOL)  # in the band before the hole, above it after
    m = scoring.hold_metrics(t, y, target=T, lower=T - TOL, upper=T + TOL, start=0.0, end=20.0)
    assert m["hold_s"] == pytest.approx(20.0 - 3.5, abs=0.02)
    assert m["time_in_band_pct"] == pytest.approx(8.0 / 16.5 * 100, abs=0.2)
    assert scoring.counted_time(t, scoring.sample_weights(t), 7.0, 12.0) == pytest.approx(1.5, abs=0.02)


ROUTINE = Routine("gap hold", unit="N", steps=(
    Step("ramp", target=T, tolerance=TOL, label="press"),
    Step("hold", target=T, tolerance=TOL, duration=4.0, on_leave="record", label="hold"),
    Step("release", duration=1.0, label="release"),
))


def test_live_replay_and_report_agree_on_time_to_band_without_the_disconnect(tmp_path, capsys):
    path = tmp_path / "gap.pressure"
    filt = make_filter("none")
    clock = ManualClock()
    source = ScriptedSource(clock, rate=RATE)
    writer = RecordingWriter(path, session_meta(routine=ROUTINE, filt=filt, unit="N", area_cm2=None,
                                                source="simulator"))
    pipeline = Pipeline(source, ROUTINE, filt, recorder=writer, clock=clock)

    def push(values):
        for chunk in np.array_split(np.asarray(values, dtype=float), max(1, len(values) // 10)):
            source.push(chunk)
            pipeline.tick()

    push(np.linspace(0.2, 6.0, int(3.0 * RATE)))  # 3 s pressing up to 6 N, then the sensor goes
    source.t += HOLE[1] - HOLE[0]
    clock.now += HOLE[1] - HOLE[0]
    push(np.linspace(6.0, 10.0, int(1.5 * RATE)))  # back: 1.5 s more to the target
    push(np.full(int(6.0 * RATE), T))  # the hold, and the release's time runs out still pressed
    push(np.zeros(int(0.5 * RATE)))  # let go: only that ends a release (issue 21 §4)
    assert pipeline.state.finished
    live = session_scores(pipeline)
    pipeline.close()
    (hold,) = live.holds
    # the band's floor 9 N is 1.125 s after the reconnect: 3 + 1.125 s of pressing, not 7.6 s
    assert hold["time_to_band_s"] == pytest.approx(3.0 + 1.125, abs=0.03)

    capsys.readouterr()
    assert cli.main(["report", str(path), "--json", "--no-reference"]) == 0
    report = json.loads(capsys.readouterr().out)
    (reported,) = [s for s in report["steps"] if s["kind"] == "hold"]
    assert reported["time_to_band_s"] == pytest.approx(hold["time_to_band_s"], abs=1e-3)

    replay = open_replay(path, playing=False, clock=ManualClock())
    (replayed,) = session_scores(replay, whole=True).holds
    assert replayed["time_to_band_s"] == pytest.approx(hold["time_to_band_s"], abs=1e-3)
