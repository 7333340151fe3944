"""The scores of a session and of its steps, and their JSON form."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np


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
    completed_fraction: float = 1.0  # how much of the step was done (see session_score)
    skipped: bool = False  # the advance key skipped it while it ran (never a step done)

    def __getitem__(self, key):
        return self.metrics[key]

    def to_dict(self) -> dict:
        out = {"index": self.index, "kind": self.kind, "label": self.label,
               "start_s": self.start_s, "end_s": self.end_s, "completed": self.completed,
               "skipped": self.skipped, "completed_fraction": self.completed_fraction}
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
    holds_completed: int = 0  # holds of the routine the coach completed ...
    holds_total: int = 0  # ... of all the holds in the routine
    thresholds: list[dict] = field(default_factory=list)
    threshold_mean: float | None = None
    threshold_cv_pct: float | None = None
    worst: dict | None = None
    recorded_at: str | None = None
    t: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)
    value: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)
    run_start_s: float | None = None  # where this run of the routine started (sessions of several runs)
    runs: list = field(default_factory=list, repr=False)  # every run's scores (None: nothing to score) if several
    zero_suspect: str | None = None  # why the zero looks wrong (pressure.zero.suspect_zero); CVs are then withheld

    @property
    def holds(self) -> list[StepScores]:
        return [s for s in self.steps if s.kind == "hold"]

    def summary(self) -> dict:
        """Means over the hold steps of each hold metric, plus the session score."""
        out: dict = {"score": self.score, "holds": len(self.holds),
                     "holds_completed": self.holds_completed, "holds_total": self.holds_total}
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
        data = self._run_dict()
        if self.runs:  # several runs of the routine: each on its own, the last one above
            data["run_start_s"] = self.run_start_s
            data["runs"] = [None if r is None else {"run_start_s": r.run_start_s, **r._run_dict()}
                            for r in self.runs]
        return clean(data)

    def _run_dict(self) -> dict:
        return clean({
            "routine": self.routine_name, "routine_steps": self.routine.get("steps"),
            "unit": self.unit, "filter": self.filter, "recorded_at": self.recorded_at,
            "duration_s": self.duration_s, "finished": self.finished, "score": self.score,
            "holds_completed": self.holds_completed, "holds_total": self.holds_total,
            "summary": self.summary(), "worst": self.worst,
            "thresholds": self.thresholds, "threshold_mean": self.threshold_mean,
            "threshold_cv_pct": self.threshold_cv_pct, "zero_suspect": self.zero_suspect,
            "steps": [s.to_dict() for s in self.steps],
        })
