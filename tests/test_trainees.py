"""Trainee profiles and stored attempts in the private SQLite file."""

from __future__ import annotations

import os
import stat

import numpy as np
import pytest

from pressure import scoring, trainees
from pressure.errors import PressureError
from pressure.routine import Routine, Step

ROUTINE = Routine(name="hold", steps=(Step("ramp", target=30.0, tolerance=1.5),
                                      Step("hold", target=30.0, tolerance=1.5, duration=10.0,
                                           on_leave="record"),
                                      Step("release")))


def _scores(amp):
    t = np.arange(0.0, 20.0, 0.005)
    y = np.where(t < 3.0, 10.0 * t, 30.0 + amp * np.sin(2 * np.pi * t / 2.0))
    return scoring.score_trace(t, y, ROUTINE)


def test_add_list_and_duplicate_names(pressure_home):
    trainees.add_trainee("  Ann   Smith ", notes="year 2")
    trainees.add_trainee("Bob")
    with pytest.raises(PressureError, match="exists already"):
        trainees.add_trainee("ann smith")
    names = [t.name for t in trainees.list_trainees()]
    assert names == ["Ann Smith", "Bob"]
    mode = stat.S_IMODE(os.stat(trainees.db_path()).st_mode)
    assert mode == 0o600


def test_names_keep_their_joiners_and_outer_space_is_trimmed(pressure_home):
    assert trainees.add_trainee("\u0645\u06cc\u200c\u0631\u0627\n").name == "\u0645\u06cc\u200c\u0631\u0627"


@pytest.mark.parametrize("bad", ["", "   ", "a\x00b", "x" * 200, 5, "Al\tex", "Al\nex", "A\x1bB", "Ann\u202e"])
def test_bad_names_are_refused_clearly(bad):
    with pytest.raises(PressureError, match="trainee name"):
        trainees.add_trainee(bad)


def test_attempts_are_stored_in_order_and_never_overwritten(tmp_path):
    trainees.add_trainee("Ann")
    first = trainees.record_attempt("Ann", tmp_path / "a.pressure", _scores(2.0),
                                    recorded_at="2026-01-01T10:00:00+00:00")
    trainees.record_attempt("ann", tmp_path / "b.pressure", _scores(0.5),
                            recorded_at="2026-01-08T10:00:00+00:00")
    with pytest.raises(PressureError, match="already stored"):
        trainees.record_attempt("Ann", tmp_path / "a.pressure", _scores(0.1))
    got = trainees.progress("Ann")
    assert [a.session_path for a in got] == [str(tmp_path / "a.pressure"), str(tmp_path / "b.pressure")]
    assert got[0].score == pytest.approx(first.score)
    assert got[1].summary()["cv_pct"] < got[0].summary()["cv_pct"]  # steadier second attempt
    assert got[1].score > got[0].score
    assert trainees.progress("Ann", routine="other") == []
    assert trainees.get_trainee("Ann").attempts == 2


def test_unknown_trainee_names_the_known_ones():
    with pytest.raises(PressureError, match="no trainees yet"):
        trainees.progress("Zoe")
    trainees.add_trainee("Ann")
    with pytest.raises(PressureError, match="known trainees: Ann"):
        trainees.record_attempt("Zoe", "x.pressure", _scores(1.0))


def test_a_damaged_database_is_a_clear_error():
    trainees.db_path().write_bytes(b"this is not a database" * 100)
    with pytest.raises(PressureError, match="damaged or not a database"):
        trainees.list_trainees()
