"""The PPT protocol as clinics run it, on a client's recordings (numbers only, no judgement).

Per visit, site, side and phase: the trials (3 by default), their mean (optionally without the
first trial, which often reads high while the client learns the stimulus), SD and CV; the
left/right difference; the change from before to after treatment; and the change of the
pre-treatment value across visits. A change is flagged *within measurement error* when it is
not larger than the minimal detectable change (MDC): a fixed MDC the practitioner gives (in the
report's unit), else the MDC95 of the two sets' own trials, 1.96 x sqrt(SD1^2/n1 + SD2^2/n2)
(docs/clinical.md). Values are the client's own; no population value is used to judge them.
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np

from ..errors import PressureError
from ..scoring.metrics import cv_min_mean, cv_pct

Z95 = 1.96
DEFAULT_TRIALS = 3


def _finite(x) -> float | None:
    return None if x is None or not math.isfinite(x) else float(x)


def trial_set(values, *, drop_first: bool = False, min_mean: float = 0.0) -> dict:
    """Mean, SD (ddof 1), CV (%) of one set of trials; ``used`` are the trials averaged."""
    values = [float(v) for v in values]
    used = values[1:] if drop_first and len(values) > 1 else list(values)
    v = np.asarray(used, dtype=float)
    mean = float(v.mean()) if v.size else math.nan
    sd = float(v.std(ddof=1)) if v.size >= 2 else math.nan
    cv = cv_pct(sd, mean, min_mean) if v.size >= 2 else math.nan
    return {"trials": values, "used": used, "n": len(used), "mean": _finite(mean), "sd": _finite(sd),
            "cv_pct": _finite(cv)}


def mdc_between(a: dict, b: dict, fixed: float | None = None) -> float | None:
    """The smallest change between two sets' means that is beyond measurement error."""
    if fixed is not None:
        return float(fixed)
    if a.get("sd") is None or b.get("sd") is None:
        return None
    return Z95 * math.sqrt(a["sd"] ** 2 / a["n"] + b["sd"] ** 2 / b["n"])


def change(a: dict | None, b: dict | None, fixed_mdc: float | None = None) -> dict | None:
    """From set ``a`` to set ``b``: absolute and percent change, the MDC, and the flag."""
    if not a or not b or a.get("mean") is None or b.get("mean") is None:
        return None
    diff = b["mean"] - a["mean"]
    mdc = mdc_between(a, b, fixed_mdc)
    return {"from": a["mean"], "to": b["mean"], "change": diff,
            "change_pct": diff / a["mean"] * 100.0 if a["mean"] else None,
            "mdc": mdc, "within_error": None if mdc is None else abs(diff) <= mdc}


def side_difference(left: dict | None, right: dict | None) -> dict | None:
    """Left vs right: (L - R) / mean(L, R) x 100, and which side is lower."""
    if not left or not right or left.get("mean") is None or right.get("mean") is None:
        return None
    mid = (left["mean"] + right["mean"]) / 2.0
    if not mid > 0:
        return None
    diff = (left["mean"] - right["mean"]) / mid * 100.0
    lower = "left" if left["mean"] < right["mean"] else "right" if right["mean"] < left["mean"] else "neither"
    return {"left": left["mean"], "right": right["mean"], "diff_pct": diff, "lower": lower}


def outcomes(trials, *, unit: str = "kPa", area_cm2: float | None = None, drop_first: bool = False,
             fixed_mdc: float | None = None) -> dict:
    """Every number of the protocol from a list of measures.Trial (values in ``unit``)."""
    try:
        min_mean = cv_min_mean(unit, area_cm2)
    except (PressureError, ValueError, TypeError, ZeroDivisionError):
        min_mean = 0.0
    groups: dict[tuple, list] = defaultdict(list)
    pains: dict[tuple, list] = defaultdict(list)
    for tr in sorted(trials, key=lambda x: (x.visit, x.file, x.t_s)):
        key = (tr.visit, tr.site, tr.side, tr.phase)
        groups[key].append(tr.value)
        pains[key].append(tr.pain)
    sets = []
    by_key = {}
    for key, values in groups.items():
        s = {"visit": key[0], "site": key[1], "side": key[2], "phase": key[3],
             **trial_set(values, drop_first=drop_first, min_mean=min_mean), "pain": pains[key]}
        sets.append(s)
        by_key[key] = s
    visits = sorted({k[0] for k in groups})
    places = sorted({(k[1], k[2]) for k in groups})
    sites = []
    for site, side in places:
        per_visit = []
        for visit in visits:
            before, after = by_key.get((visit, site, side, "before")), by_key.get((visit, site, side, "after"))
            plain = by_key.get((visit, site, side, ""))
            if not (before or after or plain):
                continue
            per_visit.append({"visit": visit, "before": _brief(before), "after": _brief(after),
                              # no set marked "before": the unphased one is what came before "after"
                              "unphased": _brief(plain), "treatment": change(before or plain, after, fixed_mdc)})
        base_sets = [(v, _baseline(by_key, v, site, side)) for v in visits]
        base_sets = [(v, s) for v, s in base_sets if s is not None]
        across = []
        if base_sets:
            first_visit, first = base_sets[0]
            for visit, s in base_sets[1:]:
                c = change(first, s, fixed_mdc)
                if c is not None:
                    across.append({"visit": visit, "since": first_visit, "phase": s["phase"], **c})
        sites.append({"site": site, "side": side, "visits": per_visit, "across_visits": across})
    sides = []
    for visit in visits:
        for site in sorted({k[1] for k in groups if k[0] == visit}):
            for phase in ("before", "after", ""):
                d = side_difference(by_key.get((visit, site, "left", phase)), by_key.get((visit, site, "right", phase)))
                if d is not None:
                    sides.append({"visit": visit, "site": site, "phase": phase, **d})
    return {"unit": unit, "drop_first": drop_first, "fixed_mdc": fixed_mdc, "visits": visits,
            "sets": sorted(sets, key=lambda s: (s["visit"], s["site"], s["side"], _phase_order(s["phase"]))),
            "sites": sites, "sides": sides}


def _phase_order(phase: str) -> int:
    return {"before": 0, "": 1, "after": 2}.get(phase, 3)


def _baseline(by_key, visit, site, side):
    """The set a visit is compared across visits by: before treatment, else unphased."""
    return by_key.get((visit, site, side, "before")) or by_key.get((visit, site, side, ""))


def _brief(s: dict | None) -> dict | None:
    return None if s is None else {k: s[k] for k in ("n", "mean", "sd", "cv_pct")}
