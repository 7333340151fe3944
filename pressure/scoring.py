"""Training scores over a recorded (or live) trace and a routine. Pure numpy, no Qt.

Why this module exists: hand-applied pressure is far less steady than practitioners believe
(15-19 % trial-to-trial variation in published manual algometry; a steady downward drift over
an 80 s release). These numbers show a student exactly how steady they were.

Every number is computed from the raw recorded force with the session's own filter, so a
replay, a report and the live run agree. The exact definitions (and the session score
formula) are in docs/scoring.md; keep the two in step.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field, fields

import numpy as np

from .coach import GAP_S, Coach
from .errors import PressureError

log = logging.getLogger(__name__)

# Definitions shared with docs/scoring.md.
OVERSHOOT_GRACE_S = 2.0  # overshoot is looked for during the approach and this long into the hold
RELEASE_WINDOW_S = 0.2  # the release rate is the largest drop over this interval...
ABRUPT_RELEASE_PCT = 50.0  # ...and a drop of more than this % of target within it is "abrupt"
RELEASE_MAX_S = 5.0  # after a final hold, look this long for the release
RAMP_ONSET = 0.10  # a ramp's rate is fitted from 10 % of the way to its level
GAP_FACTOR = 5.0  # an interval longer than this many median intervals (and GAP_S) is missing data

# Sub-score anchors: value at which the sub-score reaches 0 (it is 100 at 0), linear between.
ANCHORS = {
    "cv_pct": 20.0,  # within-hold CV of 20 % scores 0 (trial-to-trial studies: 15-19 %)
    "mae_pct": 25.0,  # mean absolute error of 25 % of target scores 0
    "drift_pct_per_10s": 10.0,  # |drift| of 10 % of target per 10 s scores 0
    "overshoot_pct": 30.0,  # overshoot above the band of 30 % of target scores 0
    "rate_error_pct": 50.0,  # a ramp 50 % too fast or too slow scores 0
}
# Weights of the hold sub-scores (sum 1). "release" is left out (weights renormalised) when
# the hold is not followed by a release.
HOLD_WEIGHTS = {
    "time_in_band": 0.35,
    "steadiness": 0.20,
    "accuracy": 0.15,
    "drift": 0.10,
    "overshoot": 0.10,
    "release": 0.10,
}
RAMP_WEIGHT = 0.5  # a ramp counts half as much as a hold in the session mean


# ---------------------------------------------------------------- plain-array helpers


def sample_weights(t: np.ndarray) -> np.ndarray:
    """Seconds each sample stands for: the interval to the next sample; gaps count 0.

    Time-weighting keeps uneven sample spacing (gauges that report in bursts) from biasing
    the percentages. An interval longer than both the coach's ``GAP_S`` and ``GAP_FACTOR``
    median intervals is lost data: it counts as neither in nor out of the band (the coach's
    hold timer follows the same rule).
    """
    t = np.asarray(t, dtype=float)
    n = t.shape[0]
    if n == 0:
        return np.empty(0)
    if n == 1:
        return np.ones(1)
    dt = np.diff(t)
    positive = dt[dt > 0]
    med = float(np.median(positive)) if positive.size else 1.0
    w = np.empty(n)
    gap = max(GAP_S, GAP_FACTOR * med)
    w[:-1] = np.where((dt > 0) & (dt <= gap), dt, 0.0)
    w[-1] = med
    return w


def window(t: np.ndarray, start: float, end: float) -> slice:
    """Index slice of the samples with start <= t < end (t sorted)."""
    i0 = int(np.searchsorted(t, start, side="left"))
    i1 = int(np.searchsorted(t, end, side="left"))
    return slice(i0, max(i0, i1))


def _wmean(x: np.ndarray, w: np.ndarray) -> float:
    s = float(w.sum())
    return float(np.dot(x, w) / s) if s > 0 else math.nan


def _wstd(x: np.ndarray, w: np.ndarray) -> float:
    m = _wmean(x, w)
    s = float(w.sum())
    return float(math.sqrt(max(0.0, np.dot((x - m) ** 2, w) / s))) if s > 0 else math.nan


def _pct(x: float, of: float) -> float:
    return x / of * 100.0 if of and math.isfinite(x) else math.nan


def first_entry(t: np.ndarray, y: np.ndarray, lower: float, upper: float, start: float,
                end: float) -> float | None:
    """Time of the first sample in [start, end) whose value lies in the band, or None."""
    sl = window(t, start, end)
    inside = np.flatnonzero((y[sl] >= lower) & (y[sl] <= upper))
    return float(t[sl][inside[0]]) if inside.size else None


def hold_metrics(t, y, *, target: float, lower: float, upper: float, start: float, end: float,
                 approach_start: float | None = None) -> dict:
    """Metrics of one hold: see docs/scoring.md for each definition.

    ``start``/``end`` bound the hold step (as the coach ran it); ``approach_start`` is where
    the approach began (the start of a ramp just before the hold), default ``start``.
    """
    t = np.asarray(t, dtype=float)
    y = np.asarray(y, dtype=float)
    a = start if approach_start is None else min(approach_start, start)
    entered = first_entry(t, y, lower, upper, a, end)
    out: dict = {"time_to_band_s": None if entered is None else entered - a}
    hold_start = start if entered is None else max(entered, a)
    sl = window(t, hold_start, end)
    th, yh = t[sl], y[sl]
    if th.size < 2:
        out.update(hold_start_s=hold_start, hold_s=0.0, time_in_band_pct=0.0 if entered is None
                   else math.nan, mae=math.nan, mae_pct=math.nan, mean=math.nan, cv_pct=math.nan,
                   drift_pct_per_10s=math.nan, overshoot_pct=math.nan, worst_t_s=None,
                   worst_value=None)
        return out
    w = sample_weights(t)[sl]
    # the last sample of the window stands only for the time left to the window's end
    w[-1] = min(w[-1], max(0.0, end - th[-1]))
    inband = (yh >= lower) & (yh <= upper)
    total = float(w.sum())
    mean = _wmean(yh, w)
    err = np.abs(yh - target)
    slope = float(np.polyfit(th - th[0], yh, 1)[0]) if np.ptp(th) > 0 else 0.0
    g0 = int(np.searchsorted(t, a, side="left"))
    g1 = int(np.searchsorted(t, min(end, hold_start + OVERSHOOT_GRACE_S), side="right"))
    peak = float(np.max(y[g0:max(g1, g0 + 1)])) if g1 > g0 else float(yh[0])
    iw = int(np.argmax(err))
    out.update(
        hold_start_s=hold_start,
        hold_s=total,
        time_in_band_pct=_pct(float(w[inband].sum()), total),
        mean=mean,
        mae=_wmean(err, w),
        mae_pct=_pct(_wmean(err, w), target),
        cv_pct=_pct(_wstd(yh, w), mean),
        drift_pct_per_10s=_pct(slope * 10.0, target),
        overshoot_pct=_pct(max(0.0, peak - upper), target),
        worst_t_s=float(th[iw]),
        worst_value=float(yh[iw]),
    )
    return out


def release_metrics(t, y, *, start: float, end: float, target: float) -> dict:
    """The steepest drop during a release: % of target lost within RELEASE_WINDOW_S."""
    t = np.asarray(t, dtype=float)
    y = np.asarray(y, dtype=float)
    sl = window(t, start, end)
    if t[sl].size < 2 or not target:
        return {"release_drop_pct": None, "abrupt_release": None}
    ts = t[sl]
    later = np.interp(np.minimum(ts + RELEASE_WINDOW_S, ts[-1]), ts, y[sl])
    drop = float(np.max(y[sl] - later))
    drop_pct = max(0.0, drop) / target * 100.0
    return {"release_drop_pct": drop_pct, "abrupt_release": bool(drop_pct > ABRUPT_RELEASE_PCT)}


def ramp_metrics(t, y, *, start: float, end: float, rate: float | None,
                 level: float | None = None) -> dict:
    """Achieved rate against the prescribed rate (signed: negative for a ramp down).

    The achieved rate is the least-squares slope from the moment the value has covered
    ``RAMP_ONSET`` of the way from its start value to ``level`` (the ramp's target, or the
    threshold reached) until ``end``: the reaction time before the hand starts moving is not
    held against the rate.
    """
    t = np.asarray(t, dtype=float)
    y = np.asarray(y, dtype=float)
    sl = window(t, start, end)
    ts, ys = t[sl], y[sl]
    if ts.size >= 2 and level is not None and level != ys[0]:
        progress = (ys - ys[0]) / (level - ys[0])
        onset = np.flatnonzero(progress >= RAMP_ONSET)
        if onset.size and ts.size - onset[0] >= 2:
            ts, ys = ts[onset[0]:], ys[onset[0]:]
    if ts.size < 2 or np.ptp(ts) <= 0:
        return {"rate_prescribed": rate, "rate_achieved": None, "rate_error_pct": None}
    achieved = float(np.polyfit(ts - ts[0], ys, 1)[0])
    err = _pct(achieved - rate, abs(rate)) if rate else math.nan
    return {"rate_prescribed": rate, "rate_achieved": achieved, "rate_error_pct": err}


def threshold_stats(values) -> tuple[float, float]:
    """Mean and coefficient of variation (%, sample std, ddof=1) of pain thresholds."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return math.nan, math.nan
    mean = float(v.mean())
    if v.size < 2 or mean == 0:
        return mean, math.nan
    return mean, float(v.std(ddof=1) / mean * 100.0)


# ---------------------------------------------------------------- sub-scores


def _linear(value, zero_at: float) -> float | None:
    """100 at 0, 0 at ``zero_at`` and beyond (absolute value)."""
    if value is None or not math.isfinite(value):
        return None
    return 100.0 * min(1.0, max(0.0, 1.0 - abs(value) / zero_at))


def hold_subscores(m: dict) -> dict:
    """Sub-scores 0..100 of one hold from its metrics (None where not measurable)."""
    tib = m.get("time_in_band_pct")
    release = m.get("abrupt_release")
    return {
        "time_in_band": None if tib is None or not math.isfinite(tib) else float(tib),
        "steadiness": _linear(m.get("cv_pct"), ANCHORS["cv_pct"]),
        "accuracy": _linear(m.get("mae_pct"), ANCHORS["mae_pct"]),
        "drift": _linear(m.get("drift_pct_per_10s"), ANCHORS["drift_pct_per_10s"]),
        "overshoot": _linear(m.get("overshoot_pct"), ANCHORS["overshoot_pct"]),
        "release": None if release is None else (0.0 if release else 100.0),
    }


def combine(subscores: dict, weights: dict = HOLD_WEIGHTS) -> float | None:
    """Weighted mean of the sub-scores that exist (weights renormalised over them)."""
    pairs = [(weights[k], v) for k, v in subscores.items() if v is not None and k in weights]
    total = sum(w for w, _ in pairs)
    if not pairs or total <= 0:
        return None
    return sum(w * v for w, v in pairs) / total


def ramp_score(m: dict) -> float | None:
    return _linear(m.get("rate_error_pct"), ANCHORS["rate_error_pct"])


# ---------------------------------------------------------------- JSON helpers


def clean(value, digits: int = 3):
    """JSON-able copy: floats rounded to ``digits`` significant decimals, NaN/inf -> None."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        v = float(value)
        return round(v, digits) if math.isfinite(v) else None
    if isinstance(value, dict):
        return {str(k): clean(v, digits) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v, digits) for v in value]
    return value


# ---------------------------------------------------------------- a whole session


@dataclass
class StepScores:
    """The scores of one routine step as the coach ran it over the trace.

    ``metrics`` holds the step's numbers (keys per kind, see docs/scoring.md), ``subscores``
    the 0..100 parts of its score, ``score`` the step's score (None for unscored kinds).
    """

    index: int
    kind: str
    label: str
    start_s: float
    end_s: float
    completed: bool
    target: float | None = None
    lower: float | None = None
    upper: float | None = None
    metrics: dict = field(default_factory=dict)
    subscores: dict = field(default_factory=dict)
    score: float | None = None

    def __getitem__(self, key):
        return self.metrics[key]

    def to_dict(self) -> dict:
        out = {"index": self.index, "kind": self.kind, "label": self.label,
               "start_s": self.start_s, "end_s": self.end_s, "completed": self.completed}
        if self.target is not None:
            out.update(target=self.target, lower=self.lower, upper=self.upper)
        out.update(self.metrics)
        if self.subscores:
            out["subscores"] = dict(self.subscores)
        out["score"] = self.score
        return clean(out)


@dataclass
class SessionScores:
    """Everything scored in one session; ``t``/``value`` keep the smoothed trace (routine unit)."""

    routine_name: str
    routine: dict
    unit: str
    filter: dict
    steps: list[StepScores]
    score: float | None
    duration_s: float
    finished: bool
    thresholds: list[dict] = field(default_factory=list)
    threshold_mean: float | None = None
    threshold_cv_pct: float | None = None
    worst: dict | None = None
    recorded_at: str | None = None
    t: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)
    value: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)

    @property
    def holds(self) -> list[StepScores]:
        return [s for s in self.steps if s.kind == "hold"]

    def summary(self) -> dict:
        """Means over the hold steps of each hold metric, plus the session score."""
        out: dict = {"score": self.score, "holds": len(self.holds)}
        for key in ("time_to_band_s", "overshoot_pct", "time_in_band_pct", "mae_pct", "cv_pct",
                    "drift_pct_per_10s"):
            vals = [s.metrics.get(key) for s in self.holds]
            vals = [v for v in vals if v is not None and math.isfinite(v)]
            out[key] = float(np.mean(vals)) if vals else None
        if self.thresholds:
            out["threshold_mean"] = self.threshold_mean
            out["threshold_cv_pct"] = self.threshold_cv_pct
        return out

    def to_dict(self) -> dict:
        return clean({
            "routine": self.routine_name, "routine_steps": self.routine.get("steps"),
            "unit": self.unit, "filter": self.filter, "recorded_at": self.recorded_at,
            "duration_s": self.duration_s, "finished": self.finished, "score": self.score,
            "summary": self.summary(), "worst": self.worst,
            "thresholds": self.thresholds, "threshold_mean": self.threshold_mean,
            "threshold_cv_pct": self.threshold_cv_pct,
            "steps": [s.to_dict() for s in self.steps],
        })


def _smooth(t: np.ndarray, force_n: np.ndarray, filter_desc) -> tuple[np.ndarray, dict]:
    from .filters import DEFAULT_FILTER, filter_from_description

    if filter_desc is None:
        name, params = DEFAULT_FILTER
        filter_desc = {"name": name, "params": dict(params)}
    filt = filter_from_description(filter_desc)
    return filt.process(t, force_n), filt.describe()


def _event_fields(e) -> tuple[float, str, dict]:
    """(t, kind, data) of a recorded event (RecordedEvent, coach Event or a dict)."""
    if isinstance(e, dict):
        return float(e.get("t", math.nan)), str(e.get("kind", "")), dict(e.get("data") or {})
    return float(getattr(e, "t")), str(getattr(e, "kind")), dict(getattr(e, "data", None) or {})


def replay_coach(t: np.ndarray, value: np.ndarray, routine, events=()) -> Coach:
    """Run the coach over a smoothed trace, re-applying the recorded key presses.

    Key presses are not stored as such; they are read back from the events the live run
    recorded: a ``threshold`` event is the threshold key; a ``step_start`` event while the
    replayed coach waits for the key is the advance key; a ``step_end`` marked ``skipped`` is
    the advance key skipping a step. The coach starts at the first recorded ``step_start``
    (the routine may have been started after the recording), else at the first sample.
    """
    keys = []
    start_t = None
    for e in events or ():
        et, kind, data = _event_fields(e)
        if not math.isfinite(et):
            continue
        if kind == "step_start" and start_t is None:
            start_t = et
        if kind == "threshold":
            keys.append((et, "threshold"))
        elif kind == "step_start":
            keys.append((et, "start"))
        elif kind == "step_end" and data.get("skipped"):
            keys.append((et, "skip"))
    keys.sort(key=lambda k: k[0])
    coach = Coach(routine, start_t=start_t)
    done = 0
    for tk, action in keys:
        upto = int(np.searchsorted(t, tk, side="right"))
        if upto > done:
            coach.update(t[done:upto], value[done:upto])
            done = upto
        state = coach.state
        if state.finished:
            break
        if action == "threshold" and state.step is not None and state.step.kind == "threshold" \
                and not state.waiting_for_key:
            coach.mark_threshold(tk)
        elif action == "start" and state.waiting_for_key:
            coach.advance(tk)
        elif action == "skip" and not state.waiting_for_key:
            coach.advance(tk)
    coach.update(t[done:], value[done:])
    return coach


def _step_spans(coach: Coach, t_end: float) -> list[tuple[int, float, float, bool]]:
    """(step index, start, end, completed) for every step the coach started, in order."""
    spans = []
    open_: dict[int, float] = {}
    for e in coach.events:
        if e.kind == "step_start":
            open_[e.step] = e.t
        elif e.kind == "step_end" and e.step in open_:
            spans.append((e.step, open_.pop(e.step), e.t, True))
    for idx, t0 in open_.items():
        spans.append((idx, t0, t_end, False))
    spans.sort(key=lambda s: (s[1], s[0]))
    return spans


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
    spans = _step_spans(coach, float(t[-1]))
    steps: list[StepScores] = []
    span_of = {idx: (t0, t1, done) for idx, t0, t1, done in spans}
    for idx, t0, t1, done in spans:
        step = routine.steps[idx]
        sc = StepScores(index=idx, kind=step.kind, label=step.label, start_s=t0, end_s=t1,
                        completed=done, target=step.target)
        band = step.band()
        if band is not None:
            sc.lower, sc.upper = band
        if step.kind == "hold":
            prev = routine.steps[idx - 1] if idx > 0 else None
            approach = span_of.get(idx - 1, (t0,))[0] if prev is not None and prev.kind == "ramp" else t0
            m = hold_metrics(t, value, target=step.target, lower=band[0], upper=band[1], start=t0,
                             end=t1, approach_start=approach)
            m.update(_release_after(t, value, routine, idx, span_of, t1, step.target))
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
        steps.append(sc)
    weighted = [(1.0 if s.kind == "hold" else RAMP_WEIGHT, s.score) for s in steps
                if s.score is not None]
    if not weighted:
        raise PressureError(
            f"the session never reached a hold, paced ramp or threshold step of routine "
            f"{routine.name!r}: nothing to score")
    score = sum(w * v for w, v in weighted) / sum(w for w, _ in weighted)
    thresholds = [{"t_s": e.t, "value": float(e.data.get("value")), "trial": e.data.get("trial")}
                  for e in coach.events if e.kind == "threshold"]
    thr_mean, thr_cv = threshold_stats([d["value"] for d in thresholds])
    return SessionScores(
        routine_name=routine.name, routine=routine.to_dict(), unit=routine.unit,
        filter=filter_info or {}, steps=steps, score=score, duration_s=float(t[-1] - t[0]),
        finished=coach.state.finished, thresholds=thresholds,
        threshold_mean=thr_mean if thresholds else None,
        threshold_cv_pct=thr_cv if len(thresholds) > 1 else None,
        worst=_worst(steps), recorded_at=recorded_at, t=t, value=value)


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
            best = {"t_s": wt, "value": wv, "step": s.index, "deviation_pct": dev}
    return best


def score_session(t, force_n, routine, *, filter_desc=None, events=(), unit: str | None = None,
                  area_cm2: float | None = None, recorded_at: str | None = None) -> SessionScores:
    """Score raw recorded force (newtons) against ``routine``, as the live run saw it.

    The force is smoothed with the session's filter (``filter_desc`` as stored by
    ``Filter.describe()``; None: the default filter), converted to the routine's unit (or
    ``unit``/``area_cm2``, the routine converted to match) and scored by :func:`score_trace`.
    """
    from .samples import to_unit

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
    """The routine stored in a recording's metadata, or None."""
    from .routine import Routine

    data = rec.meta.get("routine")
    if not data:
        return None
    try:
        return Routine.from_dict(data)
    except PressureError as exc:
        raise PressureError(f"{rec.path}: the routine stored in the file is not valid ({exc})") from None


def score_recording(rec, routine=None) -> SessionScores:
    """Score a recording with its own filter, unit and key events; ``routine`` overrides the
    file's (needed for sessions recorded without one, e.g. an imported CSV)."""
    routine = routine or routine_of_recording(rec)
    if routine is None:
        raise PressureError(f"{rec.path} has no routine; pass --routine NAME|FILE or "
                            "--target/--tolerance/--hold to score it")
    if len(rec) < 2:
        raise PressureError(f"{rec.path} has no samples to score")
    events = rec.events if routine_of_recording_matches(rec, routine) else ()
    return score_session(rec.t, rec.force_n, routine, filter_desc=rec.meta.get("filter"),
                         events=events, recorded_at=rec.meta.get("started_at"))


def routine_of_recording_matches(rec, routine) -> bool:
    """True when the file's step events belong to ``routine`` (same steps), so its key presses
    can be re-applied; a different routine is replayed on the samples alone."""
    data = rec.meta.get("routine")
    if not data:
        return False
    try:
        return [s.get("kind") for s in data.get("steps", [])] == [s.kind for s in routine.steps]
    except AttributeError:
        return False


# ---------------------------------------------------------------- live numbers


@dataclass(frozen=True)
class LiveNumbers:
    """The running numbers of the score panel (current hold so far, and all holds so far)."""

    step_index: int
    in_hold: bool  # a hold step is running and its hold window has begun
    hold_s: float  # seconds in the current (or last) hold window
    time_in_band_pct: float | None
    cv_pct: float | None
    mae_pct: float | None
    session_time_in_band_pct: float | None  # over every hold window so far
    holds_done: int


class _Sums:
    """Time-weighted running sums over one hold window."""

    __slots__ = ("w", "w_in", "s1", "s2", "err")

    def __init__(self):
        self.w = self.w_in = self.s1 = self.s2 = self.err = 0.0

    def add(self, w: np.ndarray, v: np.ndarray, inband: np.ndarray, target: float) -> None:
        self.w += float(w.sum())
        self.w_in += float(w[inband].sum())
        self.s1 += float(np.dot(w, v))
        self.s2 += float(np.dot(w, v * v))
        self.err += float(np.dot(w, np.abs(v - target)))


class LiveScorer:
    """Incremental hold numbers for the live score panel.

    Feed it every chunk of (t, smoothed value in the routine's unit) together with the
    :class:`~pressure.coach.CoachState` that ``coach.update`` returned for that same chunk.
    The numbers follow the definitions of docs/scoring.md, with each interval counted when its
    second sample arrives; the summary at the end comes from :func:`score_trace` (over the
    same smoothed trace and ``coach.events``), which is what reports and replays show.
    """

    def __init__(self, routine):
        self.routine = routine
        self.reset()

    def reset(self) -> None:
        self._step = -1
        self._kind = None
        self._target = None
        self._band = None
        self._window_open = False
        self._current = _Sums()
        self._session = _Sums()
        self._prev: tuple[float, float] | None = None
        self._holds_done = 0
        self._numbers = LiveNumbers(-1, False, 0.0, None, None, None, None, 0)

    @property
    def numbers(self) -> LiveNumbers:
        return self._numbers

    def update(self, t, value, state) -> LiveNumbers:
        t = np.asarray(t, dtype=float).ravel()
        value = np.asarray(value, dtype=float).ravel()
        ok = np.isfinite(t) & np.isfinite(value)
        t, value = t[ok], value[ok]
        cuts = [(e.t, e) for e in state.events if e.kind in ("step_start", "step_end")]
        i = 0
        for et, e in cuts:
            j = int(np.searchsorted(t, et, side="left"))
            self._feed(t[i:j], value[i:j])
            i = max(i, j)
            if e.kind == "step_start":
                self._start_step(e.step)
            elif e.kind == "step_end" and e.step == self._step and self._kind == "hold":
                self._holds_done += 1
                self._kind = None  # the hold is over; its numbers stay on the panel
        self._feed(t[i:], value[i:])
        self._numbers = self._make(state.step_index)
        return self._numbers

    def _start_step(self, index: int) -> None:
        step = self.routine.steps[index]
        self._step, self._kind = index, step.kind
        if step.kind == "hold":
            self._target, self._band = step.target, step.band()
            self._window_open = False
            self._current = _Sums()

    def _feed(self, t: np.ndarray, v: np.ndarray) -> None:
        if t.size == 0:
            return
        prev = self._prev
        self._prev = (float(t[-1]), float(v[-1]))
        if self._kind != "hold":
            return
        lo, hi = self._band
        if not self._window_open:
            inside = np.flatnonzero((v >= lo) & (v <= hi))
            if not inside.size:
                return
            self._window_open = True
            t, v = t[inside[0]:], v[inside[0]:]
            prev = None
        if prev is not None:
            t = np.concatenate(([prev[0]], t))
            v = np.concatenate(([prev[1]], v))
        if t.size < 2:
            return
        dt = np.diff(t)
        w = np.where((dt > 0) & (dt <= GAP_S), dt, 0.0)
        vv = v[:-1]
        inband = (vv >= lo) & (vv <= hi)
        self._current.add(w, vv, inband, self._target)
        self._session.add(w, vv, inband, self._target)

    def _make(self, step_index: int) -> LiveNumbers:
        c = self._current
        tib = cv = mae = None
        if c.w > 0:
            mean = c.s1 / c.w
            tib = c.w_in / c.w * 100.0
            var = max(0.0, c.s2 / c.w - mean * mean)
            cv = math.sqrt(var) / mean * 100.0 if mean else None
            mae = c.err / c.w / self._target * 100.0 if self._target else None
        s = self._session
        return LiveNumbers(
            step_index=step_index, in_hold=self._kind == "hold" and self._window_open,
            hold_s=c.w, time_in_band_pct=tib, cv_pct=cv, mae_pct=mae,
            session_time_in_band_pct=s.w_in / s.w * 100.0 if s.w > 0 else None,
            holds_done=self._holds_done)
