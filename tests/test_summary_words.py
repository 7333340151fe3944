"""The end-of-routine summary's words: a worst moment inside the band says so, and a PPT
routine (no holds) prints no hold averages of nothing."""

from dataclasses import replace

import numpy as np

from pressure.routine.presets import find_routine as get_builtin
from pressure.scoring.results import StepScores
from pressure.scoring.session import _worst, score_trace
from pressure.ui.summary import summary_html


def _hold(worst_value, lower=36.0, upper=44.0):
    return StepScores(index=1, kind="hold", label="plateau", start_s=0.0, end_s=20.0, completed=True,
                      target=40.0, lower=lower, upper=upper,
                      metrics={"worst_t_s": 5.6, "worst_value": worst_value})


def test_a_worst_moment_at_the_band_edge_is_said_to_be_inside_the_band():
    assert _worst([_hold(36.0)])["in_band"] is True
    assert _worst([_hold(30.0)])["in_band"] is False


def test_a_ppt_summary_has_no_overall_hold_line_and_a_hold_summary_has_one():
    t = np.arange(0, 120, 0.01)
    ramp = np.clip(t * 20.0, 0, 400.0)
    routine = get_builtin("ppt")  # its first trial waits for the key: here every step starts by itself
    routine = replace(routine, steps=tuple(replace(s, advance="auto") for s in routine.steps))
    ppt = score_trace(t, ramp, routine)
    assert ppt.summary()["holds"] == 0
    assert "Overall: time in band" not in summary_html(ppt)
    steady = score_trace(t, np.full_like(t, 30.0), get_builtin("steady"))
    assert "Overall: time in band" in summary_html(steady)
