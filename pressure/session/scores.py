"""Scores of a session from the whole session, never from what the plot still holds.

Live (and ``record``): the pipeline's :attr:`~pressure.session.pipeline.Pipeline.trace` and its
runs, each run scored on its own against its routine and its coach's events. Replay: the exact
analysis of the file (to where playback is, or ``whole``: to the end), the same numbers
``report`` gives for that file.
"""

from __future__ import annotations

import math

import numpy as np

from ..scoring import score_trace
from ..scoring.runs import RunSpan
from ..scoring.session import score_runs


def session_scores(pipeline, whole: bool = False):
    """Score what the pipeline played (``whole``: a replay's whole file, analysed to the end).
    PressureError when there is nothing to score."""
    if pipeline.source.can_seek:
        return _replay_scores(pipeline, whole)
    runs = pipeline.runs
    spans = [RunSpan(run.start_t, runs[i + 1].start_t if i + 1 < len(runs) else math.inf, run.routine)
             for i, run in enumerate(runs)]
    t, value_n = pipeline.trace.between()
    return score_runs(t, value_n, spans, events=lambda i: runs[i].coach.events,
                      filter_info=pipeline.filter.describe())


def _replay_scores(pipeline, whole: bool):
    an = pipeline.analysis
    rec = pipeline.source.recording
    routine = pipeline.analysed_routine  # the file's (the runs' last), not only the run shown
    if whole:
        while not an.finished:  # quick for a session; a long file is usually analysed already
            an.step(200_000)
        from ..scoring import score_recording

        from ..scoring import routine_of_recording

        if (routine == routine_of_recording(rec)
                and pipeline.filter.describe() == rec.meta.get("filter")):
            return score_recording(rec)  # the file as it was recorded: exactly what report says, run by run
        return score_trace(rec.t, an.smooth, routine, events=an.coach.events,
                           filter_info=pipeline.filter.describe(), recorded_at=rec.meta.get("started_at"))
    upto = int(np.searchsorted(rec.t, pipeline.last_t, side="right"))
    if an.done >= upto and upto > 1:
        t, value = rec.t[:upto], an.smooth[:upto]
    else:
        t, value = pipeline.session_values(routine=routine)
    if pipeline.spans:  # every run played so far, each with its own routine
        spans = [s for s in pipeline.spans if s.start_t <= pipeline.last_t]
        played = [e for e in rec.events if e.t <= pipeline.last_t]
        return score_runs(t, np.asarray(value) / pipeline._units_per_newton, spans, events=played,
                          filter_info=pipeline.filter.describe())
    return score_trace(t, value, routine, events=pipeline.coach.events,
                       filter_info=pipeline.filter.describe())
