"""Training scores over a recorded (or live) trace and a routine. Pure numpy, no Qt.

Why this package exists: hand-applied pressure is far less steady than practitioners believe
(15-19 % trial-to-trial variation in published manual algometry; a steady downward drift over
an 80 s release). These numbers show a student exactly how steady they were.

Every number is computed from the raw recorded force with the session's own filter, so a
replay, a report and the live run agree. The exact definitions (and the session score
formula) are in docs/scoring.md; keep the two in step.

    metrics.py  per-step metrics on plain arrays (hold, release, ramp, thresholds)
    formula.py  sub-scores 0..100 and their weighted combination
    results.py  StepScores, SessionScores, clean (JSON)
    replay.py   the coach run over a recorded trace with its key presses
    session.py  score_trace / score_session / score_recording
    live.py     LiveScorer for the live score panel
"""

from .formula import ANCHORS, HOLD_WEIGHTS, RAMP_WEIGHT, combine, hold_subscores, ramp_score
from .live import LiveNumbers, LiveScorer
from .metrics import (
    ABRUPT_RELEASE_PCT, GAP_FACTOR, OVERSHOOT_GRACE_S, RAMP_ONSET, RELEASE_MAX_S,
    RELEASE_WINDOW_S, counted_time, first_entry, hold_metrics, ramp_metrics, release_metrics, sample_weights,
    threshold_stats, window,
)
from .replay import replay_coach
from .results import SessionScores, StepScores, clean
from .session import (
    routine_of_recording, routine_of_recording_matches, score_recording, score_session,
    score_trace,
)

__all__ = [
    "ABRUPT_RELEASE_PCT", "ANCHORS", "GAP_FACTOR", "HOLD_WEIGHTS", "OVERSHOOT_GRACE_S",
    "RAMP_ONSET", "RAMP_WEIGHT", "RELEASE_MAX_S", "RELEASE_WINDOW_S", "LiveNumbers", "LiveScorer",
    "SessionScores", "StepScores", "clean", "combine", "first_entry", "hold_metrics",
    "hold_subscores", "ramp_metrics", "ramp_score", "release_metrics", "replay_coach",
    "counted_time", "routine_of_recording", "routine_of_recording_matches", "sample_weights", "score_recording",
    "score_session", "score_trace", "threshold_stats", "window",
]
