"""Scoring a whole session: smooth with the session's filter, replay the coach, score each step."""

from __future__ import annotations

import math

import numpy as np

from ..errors import PressureError
from ..zero import full_scale, suspect_zero
from .formula import RAMP_WEIGHT, combine, hold_subscores, ramp_score
from .metrics import (
    RELEASE_MAX_S, RELEASE_WINDOW_S, hold_metrics, ramp_metrics, release_metrics,
    threshold_stats,
)
from .metrics import cv_min_mean
from .replay import replay_coach, step_spans
from .results import SessionScores, StepScores

SCORE_CHUNK = 65536  # samples smoothed and replayed at a time: bounded Python lists for 1 h


def _smooth(t: np.ndarray, force_n: np.ndarray, filter_desc) -> tuple[np.ndarray, dict]:
    from ..filters import DEFAULT_FILTER, filter_from_description

    if filter_desc is None:
        name, params = DEFAULT_FILTER
        filter_desc = {"name": name, "params": dict(params)}
    filt = filter_from_description(filter_desc)
    out = np.empty(force_n.shape)
    for a in range(0, force_n.size, SCORE_CHUNK):  # the filter keeps its state between chunks,
        out[a:a + SCORE_CHUNK] = filt.process(t[a:a + SCORE_CHUNK], force_n[a:a + SCORE_CHUNK])
    return out, filt.describe()  # and its per-sample lists stay a chunk long (issue 15)


def score_trace(t, value, routine, *, events=(), filter_info: dict | None = None,
                recorded_at: str | None = None) -> SessionScores:
    """Score an already smoothed trace (``value`` in ``routine.unit``) against ``routine``."""
    t = np.asarray(t, dtype=float)
    value = np.asarray(value, dtype=float)
    ok = np.isfinite(t) & np.isfinite(value)
    t, value = t[ok], value[ok]
    if t.size < 2:
        raise PressureError("the session has no samples to score")
    scorable = [s for s in routine.steps if s.kind in ("hold", "threshold")
                or (s.kind == "ramp" and s.rate)]
    if not scorable:
        raise PressureError(f"routine {routine.name!r} has no hold, paced ramp or threshold step to score")
    coach = replay_coach(t, value, routine, events)
    spans = step_spans(coach, float(t[-1]))
    steps: list[StepScores] = []
    span_of = {idx: (t0, t1, done) for idx, t0, t1, done in spans}
    min_mean = cv_min_mean(routine.unit, routine.area_cm2)
    # a trace that stays below zero was recorded on a wrong zero: say so, and give no CV
    # (a mean near zero turns any wobble into CV 154 %)
    suspect = suspect_zero(t, value, full_scale(routine), routine.unit)
    ends = {e.step: e.data for e in coach.events if e.kind == "step_end"}
    for idx, t0, t1, done in spans:
        step = routine.steps[idx]
        end_data = ends.get(idx, {})
        sc = StepScores(index=idx, kind=step.kind, label=step.label, start_s=t0, end_s=t1,
                        completed=done and not end_data.get("skipped"), target=step.target,
                        skipped=bool(end_data.get("skipped")))
        band = step.band()
        if band is not None:
            sc.lower, sc.upper = band
        if step.kind == "hold":
            prev = routine.steps[idx - 1] if idx > 0 else None
            approach = span_of.get(idx - 1, (t0,))[0] if prev is not None and prev.kind == "ramp" else t0
            m = hold_metrics(t, value, target=step.target, lower=band[0], upper=band[1], start=t0,
                             end=t1, approach_start=approach, min_mean=min_mean)
            m.update(_release_after(t, value, routine, idx, span_of, t1, step.target))
            if suspect:
                m["cv_pct"] = math.nan
            sc.metrics = m
            sc.subscores = hold_subscores(m)
            sc.score = combine(sc.subscores)
        elif step.kind == "ramp" and step.rate:
            v0 = value[min(int(np.searchsorted(t, t0)), t.size - 1)]
            rate = -step.rate if step.target < v0 else step.rate
            sc.metrics = ramp_metrics(t, value, start=t0, end=t1, rate=rate, level=step.target)
            sc.score = ramp_score(sc.metrics)
            sc.subscores = {"rate": sc.score}
        elif step.kind == "threshold":
            ev = [e for e in coach.events if e.kind == "threshold" and e.step == idx]
            level = float(ev[0].data.get("value")) if ev else None
            t_thr = ev[0].t if ev else t1
            m = ramp_metrics(t, value, start=t0, end=t_thr, rate=step.rate, level=level)
            m["threshold"] = level
            m["threshold_t_s"] = t_thr if ev else None
            sc.metrics = m
            sc.score = ramp_score(m)
            sc.subscores = {"rate": sc.score}
        sc.completed_fraction = _completed_fraction(sc, step, end_data, coach, t, value)
        steps.append(sc)
    if not any(s.score is not None for s in steps):
        raise PressureError(
            f"the session never reached a hold, paced ramp or threshold step of routine "
            f"{routine.name!r}: nothing to score")
    score = session_score(routine, steps)
    holds_total = sum(1 for s in routine.steps if s.kind == "hold")
    holds_completed = sum(1 for s in steps if s.kind == "hold" and s.completed)
    # value: the trial's peak up to the P press (what an algometer holds); at_press: the value
    # when P was pressed, kept beside it (None in recordings made before the peak rule)
    thresholds = [{"t_s": e.t, "value": float(e.data.get("value")), "trial": e.data.get("trial"),
                   "at_press": _number(e.data.get("at_press")), "peak_t_s": _number(e.data.get("peak_t"))}
                  for e in coach.events if e.kind == "threshold"]
    thr_mean, thr_cv = threshold_stats([d["value"] for d in thresholds], min_mean)
    return SessionScores(
        routine_name=routine.name, routine=routine.to_dict(), unit=routine.unit,
        filter=filter_info or {}, steps=steps, score=score, duration_s=float(t[-1] - t[0]),
        finished=coach.state.finished, holds_completed=holds_completed, holds_total=holds_total,
        thresholds=thresholds,
        threshold_mean=thr_mean if thresholds else None,
        threshold_cv_pct=thr_cv if len(thresholds) > 1 and not suspect else None,
        zero_suspect=suspect,
        worst=_worst(steps), recorded_at=recorded_at, t=t, value=value)


def _completed_fraction(sc: StepScores, step, end_data: dict, coach, t, value) -> float:
    """How much of a step the session did, 0..1: a completed step 1; an unfinished hold the
    part of its hold timer that filled; an unfinished paced ramp the part of the way to its
    target it covered; an unfinished threshold trial 0 (no threshold was marked)."""
    if sc.completed:
        return 1.0
    if step.kind == "hold":
        if "hold_elapsed" in end_data:  # skipped by the key
            held = float(end_data["hold_elapsed"])
        elif coach.state.step_index == sc.index and not coach.state.finished:
            held = float(coach.state.hold_elapsed)
        else:
            held = 0.0
        return min(1.0, max(0.0, held / step.duration)) if step.duration else 0.0
    if step.kind == "ramp" and step.target is not None:
        i0 = min(int(np.searchsorted(t, sc.start_s)), t.size - 1)
        i1 = min(max(int(np.searchsorted(t, sc.end_s, side="right")) - 1, i0), t.size - 1)
        way = step.target - value[i0]
        if way == 0:
            return 1.0
        return float(min(1.0, max(0.0, (value[i1] - value[i0]) / way)))
    return 0.0


def session_score(routine, steps: list[StepScores]) -> float:
    """Weighted mean over every scored step OF THE ROUTINE (hold 1, paced ramp/trial 0.5):
    each step counts by its score x the fraction of it completed, and a step the session never
    reached counts 0, so a session stopped after one hold cannot look near perfect. A step
    the coach completed but that could not be measured (score None) is left out."""
    by_index = {s.index: s for s in steps}
    total = weight_sum = 0.0
    for idx, step in enumerate(routine.steps):
        if step.kind == "hold":
            w = 1.0
        elif step.kind == "threshold" or (step.kind == "ramp" and step.rate):
            w = RAMP_WEIGHT
        else:
            continue
        sc = by_index.get(idx)
        if sc is not None and sc.completed and sc.score is None:
            continue
        weight_sum += w
        if sc is not None and sc.score is not None:
            total += w * sc.score * sc.completed_fraction
    return total / weight_sum if weight_sum else 0.0


def _release_after(t, value, routine, idx, span_of, hold_end, target) -> dict:
    """Release metrics if the hold is followed by a release step or ends the routine."""
    nxt = routine.steps[idx + 1] if idx + 1 < len(routine.steps) else None
    if nxt is not None and nxt.kind != "release":
        return {"release_drop_pct": None, "abrupt_release": None}
    if nxt is not None and idx + 1 in span_of:
        end = span_of[idx + 1][1] + RELEASE_WINDOW_S
    else:
        end = hold_end + RELEASE_MAX_S
    return release_metrics(t, value, start=hold_end, end=end, target=target)


def _worst(steps: list[StepScores]) -> dict | None:
    """The hold moment farthest from its target (in % of target), for the trace marker."""
    best = None
    for s in steps:
        wt, wv = s.metrics.get("worst_t_s"), s.metrics.get("worst_value")
        if s.kind != "hold" or wt is None or wv is None or not s.target:
            continue
        dev = (wv - s.target) / s.target * 100.0
        if best is None or abs(dev) > abs(best["deviation_pct"]):
            # a steady hold's worst moment can lie inside the band (its entry at the band's edge):
            # said, so a summary never presents a sample in the band as a fault
            in_band = s.lower is not None and s.upper is not None and s.lower <= wv <= s.upper
            best = {"t_s": wt, "value": wv, "step": s.index, "deviation_pct": dev, "in_band": bool(in_band)}
    return best


def score_session(t, force_n, routine, *, filter_desc=None, events=(), unit: str | None = None,
                  area_cm2: float | None = None, recorded_at: str | None = None) -> SessionScores:
    """Score raw recorded force (newtons) against ``routine``, as the live run saw it.

    The force is smoothed with the session's filter (``filter_desc`` as stored by
    ``Filter.describe()``; None: the default filter), converted to the routine's unit (or
    ``unit``/``area_cm2``, the routine converted to match) and scored by :func:`score_trace`.
    """
    from ..samples import to_unit

    t = np.asarray(t, dtype=float)
    force_n = np.asarray(force_n, dtype=float)
    if t.shape != force_n.shape:
        raise PressureError(f"time and force differ in length ({t.size} != {force_n.size})")
    if unit is not None or area_cm2 is not None:
        routine = routine.converted(unit or routine.unit, area_cm2)
    smoothed, described = _smooth(t, force_n, filter_desc)
    value = to_unit(smoothed, routine.unit, routine.area_cm2) if smoothed.size else smoothed
    return score_trace(t, np.asarray(value, dtype=float), routine, events=events,
                       filter_info=described, recorded_at=recorded_at)


def routine_of_recording(rec):
    """The routine stored in a recording's metadata, or None. A file that continues a session
    (REC on mid-routine) and holds one run: the routine from the step it begins at."""
    from ..routine import Routine
    from .continued import continued_routine

    data = rec.meta.get("routine")
    if not data:
        return None
    try:
        routine = Routine.from_dict(data)
    except PressureError as exc:
        raise PressureError(f"{rec.path}: the routine stored in the file is not valid ({exc})") from None
    if any(e.kind == "routine" for e in rec.events):
        return routine  # the last run's (recording_runs cuts the first run where the file begins)
    return continued_routine(routine, rec.meta.get("continues"))


def score_recording(rec, routine=None) -> SessionScores:
    """Score a recording with its own filter, unit and key events; ``routine`` overrides the
    file's (needed for sessions recorded without one, e.g. an imported CSV). A session in which
    the routine was changed or restarted is scored run by run (:mod:`pressure.scoring.runs`)."""
    from .runs import recording_runs

    own = routine_of_recording(rec)
    routine = routine or own
    if routine is None:
        raise PressureError(f"{rec.path} has no routine; pass --routine NAME|FILE or "
                            "--target/--tolerance/--hold to score it")
    if len(rec) < 2:
        raise PressureError(f"{rec.path} has no samples to score")
    matches = routine_of_recording_matches(rec, routine)
    if not matches or not any(e.kind == "routine" for e in rec.events):
        events = rec.events if matches else ()
        return score_session(rec.t, rec.force_n, routine, filter_desc=rec.meta.get("filter"),
                             events=events, recorded_at=rec.meta.get("started_at"))
    smoothed, described = _smooth(np.asarray(rec.t, dtype=float), np.asarray(rec.force_n, dtype=float),
                                  rec.meta.get("filter"))
    return score_runs(rec.t, smoothed, recording_runs(rec, routine), events=rec.events,
                      filter_info=described, recorded_at=rec.meta.get("started_at"))


def routine_of_recording_matches(rec, routine) -> bool:
    """True when the file's step events belong to ``routine`` (same steps), so its key presses
    can be re-applied; a different routine is replayed on the samples alone."""
    data = rec.meta.get("routine")
    if not data:
        return False
    try:
        kinds = [s.get("kind") for s in data.get("steps", [])]
        continues = rec.meta.get("continues")
        step = continues.get("step") if isinstance(continues, dict) else None
        mine = [s.kind for s in routine.steps]
        # a continued file's own routine starts at the step the file begins at
        return mine == kinds or (isinstance(step, int) and not isinstance(step, bool) and mine == kinds[step:])
    except AttributeError:
        return False


def score_runs(t, value_n, runs, *, events=(), filter_info=None, recorded_at=None, units=None):
    """Score every run of a smoothed trace (``value_n`` in newtons); the result is the last
    run that has anything to score, with ``runs`` holding every run's scores (None for a run
    with nothing to score) when there is more than one."""
    from ..samples import to_unit

    t = np.asarray(t, dtype=float)
    value_n = np.asarray(value_n, dtype=float)
    results, problem = [], None
    for i, run in enumerate(runs):
        a = int(np.searchsorted(t, run.start_t, side="left"))
        b = int(np.searchsorted(t, run.end_t, side="left"))
        r = run.routine
        run_events = [e for e in events if run.start_t <= float(e.t) < run.end_t] \
            if not callable(events) else events(i)
        try:
            scores = score_trace(t[a:b], to_unit(value_n[a:b], r.unit, r.area_cm2), r, events=run_events,
                                 filter_info=filter_info, recorded_at=recorded_at)
            scores.run_start_s = float(t[a]) if b > a else None
            results.append(scores)
        except PressureError as exc:
            results.append(None)
            problem = exc
    scored = [s for s in results if s is not None]
    if not scored:
        raise problem or PressureError("the session has no samples to score")
    last = scored[-1]
    if len(runs) > 1:
        last.runs = results
    return last


def _number(x) -> float | None:
    return None if x is None else float(x)
