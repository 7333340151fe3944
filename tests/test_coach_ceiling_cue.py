"""At or over the ceiling the cue never asks for more force (seen in the demo: the PPT pacer
stood at the 1000 kPa ceiling and the cue still said PRESS HARDER)."""

from __future__ import annotations

import numpy as np

from pressure.coach import Coach
from pressure.routine import BUILTIN_ROUTINES, Routine, Step

DT = 0.01


def test_ppt_cue_stops_asking_for_more_once_the_pacer_is_at_the_ceiling():
    ppt = BUILTIN_ROUTINES["ppt"]  # 50 kPa/s, ceiling 1000 kPa: the pacer is there after 20 s
    coach = Coach(ppt)
    coach.update([0.0], [0.0])
    coach.advance(0.0)
    t = np.arange(1, 2500) * DT  # the examiner is behind the pacer, well under the ceiling
    cues = []
    for k in range(0, t.size, 50):
        state = coach.update(t[k:k + 50], 30.0 * t[k:k + 50])
        cues.append((state.t, state.pacer, state.cue))
    assert all(cue == "press" for tt, pacer, cue in cues if pacer < ppt.ceiling)
    at_cap = [cue for tt, pacer, cue in cues if pacer >= ppt.ceiling]
    assert at_cap and set(at_cap) == {"hold"}


def test_a_trial_at_the_ceiling_ahead_of_its_pacer_is_never_told_to_press():
    routine = Routine("t", (Step("threshold", rate=10.0), Step("rest", duration=5.0)), unit="N", ceiling=60.0)
    coach = Coach(routine)
    assert coach.update([0.0, 0.1], [0.0, 1.0]).cue == "press"
    state = coach.update([1.0], [60.0])  # far ahead of the 10 N/s pacer, at the ceiling
    assert state.pacer < 60.0 and state.cue == "hold"
    assert coach.update([1.1], [61.0]).cue == "release"  # over it: the alarm's cue
