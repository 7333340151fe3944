"""Is a recording good enough to be the instructor's reference for a routine?

A reference is what every trainee is compared with and what the ghost draws, so a 0.4 s import
or a 4/100 attempt must not become one by accident: it has to reach every step of the routine,
last at least as long as the routine's timed steps, and score at least :data:`MIN_SCORE`.
``reference set --force`` overrides (a deliberate act, e.g. to show a bad example).
"""

from __future__ import annotations

from .routine import Routine
from .scoring import SessionScores

MIN_SCORE = 80.0  # of 100: "scores well"; below it the ghost would teach the wrong hand


def routine_min_duration(routine: Routine) -> float:
    """The shortest time the routine can take: its holds and rests (ramps/releases can be quick)."""
    return float(sum(s.duration or 0.0 for s in routine.steps if s.kind in ("hold", "rest")))


def reference_problems(scores: SessionScores) -> list[str]:
    """Why ``scores`` cannot be a reference (empty when it can), in words for one error line."""
    routine = Routine.from_dict(scores.routine)
    problems = []
    reached = {s.index for s in scores.steps}
    total = len(routine.steps)
    if len(reached & set(range(total))) < total:
        problems.append(f"it reaches {len(reached & set(range(total)))} of the routine's {total} steps")
    needed = routine_min_duration(routine)
    if scores.duration_s < needed:
        problems.append(f"it lasts {scores.duration_s:.1f} s, the routine at least {needed:g} s")
    if scores.score is None or scores.score < MIN_SCORE:
        got = "no score" if scores.score is None else f"a score of {scores.score:.0f}/100"
        problems.append(f"it has {got} (a reference needs {MIN_SCORE:g} or more)")
    return problems
