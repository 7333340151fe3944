"""What one recording holds for the clinical record: PPT trials and treatment holds, each with
its place (site, side, phase), visit and pain rating.

A trial's threshold is the ``value`` of its recorded ``threshold`` event: the trial's peak up to
the P press (the coach records it so; ``at_press``, the value at the press, rides beside it in
recordings made since). A pain rating (``pain`` event, NRS 0-10) belongs to the trial or hold
that ended last before it in the same recording.
"""

from __future__ import annotations

import logging
import math
from dataclasses import asdict, dataclass

from ..errors import PressureError
from ..samples import from_unit, to_unit
from .sites import initial_place, place_at

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Trial:
    file: str
    visit: str
    t_s: float
    value: float          # in the client's report unit
    at_press: float | None
    trial: int | None
    site: str
    side: str
    phase: str
    pain: int | None = None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Hold:
    file: str
    visit: str
    start_s: float
    end_s: float
    site: str
    side: str
    phase: str
    target: float | None  # in ``unit``: the hold's own routine unit
    unit: str
    time_in_band_pct: float | None
    cv_pct: float | None
    hold_s: float | None
    completed: bool
    score: float | None
    pain: int | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def visit_of(meta: dict) -> str:
    """The visit a recording belongs to: its local start date (one visit a day)."""
    started = meta.get("started_at")
    return started[:10] if isinstance(started, str) and len(started) >= 10 else "undated"


def _num(x) -> float | None:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def converter(meta: dict, unit: str):
    """A function turning a value in the recording's unit into ``unit`` (None if it cannot)."""
    src = meta.get("unit") if isinstance(meta.get("unit"), str) else "N"
    area = _num(meta.get("area_cm2"))
    if src == unit:
        return lambda v: v
    try:
        to_unit(from_unit(1.0, src, area), unit, area)
    except (PressureError, ValueError, TypeError, ZeroDivisionError):
        return None
    return lambda v: float(to_unit(from_unit(v, src, area), unit, area))


def units_at(meta: dict, events) -> list[tuple[float, dict]]:
    """[(from t, {unit, area_cm2})]: the routine unit in effect over the session. A routine set
    mid-session (``routine`` event) brings its own unit, and the metadata then holds the last
    one, so the unit before the first change is that event's ``previous`` routine's."""
    changes = [e for e in events if e.kind == "routine" and isinstance(e.data, dict)
               and isinstance(e.data.get("routine"), dict)]
    first = meta
    if changes and isinstance(changes[0].data.get("previous"), dict):
        first = changes[0].data["previous"]
    out = [(-math.inf, {"unit": first.get("unit"), "area_cm2": first.get("area_cm2")})]
    for e in changes:
        r = e.data["routine"]
        out.append((e.t, {"unit": r.get("unit"), "area_cm2": r.get("area_cm2")}))
    return out


def _pain_for(items: list[tuple[float, object]], events) -> dict[int, int]:
    """{index of item: NRS}: each pain event goes to the last item that ended at or before it."""
    out: dict[int, int] = {}
    ends = [t for t, _ in items]
    for e in events:
        if e.kind != "pain" or not isinstance(e.data, dict):
            continue
        nrs = e.data.get("nrs")
        if not isinstance(nrs, int) or isinstance(nrs, bool) or not 0 <= nrs <= 10:
            continue
        before = [i for i, t in enumerate(ends) if t <= e.t + 1e-9]
        if before:
            out[before[-1]] = nrs  # a later rating of the same item replaces the earlier one
    return out


def measures_of(rec, unit: str, *, holds: bool = True) -> tuple[list[Trial], list[Hold], str | None]:
    """(trials, holds, problem) of one open recording, values in ``unit``."""
    meta = rec.meta
    name = rec.path.name
    visit = visit_of(meta)
    start = initial_place(meta.get("labels"))
    events = list(rec.events)
    spans = units_at(meta, events)
    converters = [converter(u, unit) for _, u in spans]
    thresholds, problem = [], None
    for e in events:
        if e.kind != "threshold" or not isinstance(e.data, dict) or _num(e.data.get("value")) is None:
            continue
        k = max(i for i, (t0, _) in enumerate(spans) if t0 <= e.t)
        if converters[k] is None:  # cannot join the others (its holds can)
            problem = f"{name}: a unit ({spans[k][1].get('unit')}) cannot be shown in {unit} (no probe area)"
            continue
        thresholds.append((e, converters[k]))
    hold_scores = _hold_scores(rec) if holds else []
    items = [(e.t, ("trial", (e, c))) for e, c in thresholds] + [(h.end_s, ("hold", h)) for h in hold_scores]
    items.sort(key=lambda x: x[0])
    pains = _pain_for(items, events)
    trials, hold_list = [], []
    for i, (_, (kind, obj)) in enumerate(items):
        if kind == "trial":
            e, convert = obj
            at = _num(e.data.get("peak_t")) or e.t
            where = place_at(at, start, events)
            press = _num(e.data.get("at_press"))
            trials.append(Trial(name, visit, float(e.t), convert(float(e.data["value"])),
                                None if press is None else convert(press),
                                e.data.get("trial") if isinstance(e.data.get("trial"), int) else None,
                                where.site, where.side, where.phase, pains.get(i)))
        else:
            hold_list.append(_replace_pain(obj, pains.get(i)))
    return trials, hold_list, problem


def _replace_pain(h: Hold, pain) -> Hold:
    return Hold(**{**asdict(h), "pain": pain})


def _hold_scores(rec) -> list[Hold]:
    """The recording's treatment holds scored by the project's one scorer (docs/scoring.md)."""
    from ..scoring import score_recording

    routines = [rec.meta.get("routine")] + [e.data.get("routine") for e in rec.events
                                            if e.kind == "routine" and isinstance(e.data, dict)]
    if not any(isinstance(s, dict) and s.get("kind") == "hold"
               for r in routines if isinstance(r, dict) for s in (r.get("steps") or [])):
        return []  # nothing to score: no need to replay the session
    try:
        scores = score_recording(rec)
    except PressureError as exc:  # nothing to score: no holds from this file
        log.info("%s: no holds scored: %s", rec.path.name, exc)
        return []
    runs = [r for r in (scores.runs or [scores]) if r is not None]
    start = initial_place(rec.meta.get("labels"))
    events = list(rec.events)
    out = []
    for run in runs:
        for s in run.steps:
            if s.kind != "hold" or s.end_s is None or s.start_s is None:
                continue
            m = s.metrics or {}
            where = place_at(s.start_s, start, events)
            out.append(Hold(rec.path.name, visit_of(rec.meta), float(s.start_s), float(s.end_s),
                            where.site, where.side, where.phase, s.target, str(run.unit), _num(m.get("time_in_band_pct")),
                            _num(m.get("cv_pct")), _num(m.get("hold_s")), bool(s.completed), _num(s.score)))
    return out


@dataclass(frozen=True)
class EventsOnly:
    """A recording's metadata and events without its samples (what the PPT numbers need)."""

    path: object
    meta: dict
    events: tuple


def read_events(path) -> EventsOnly:
    """Metadata and events of a recording, no samples: quick enough for the live window to read
    a client's earlier visits (a whole recording can be tens of MB)."""
    import sqlite3
    from pathlib import Path

    from ..recording.reader import connect_ro, read_meta, schema_version
    from ..recording.rows import decode_event
    from ..recording.schema import RecordingError
    from ..recording.validate import event_index_problem

    path = Path(path)
    db = connect_ro(path)
    try:
        meta = read_meta(db, path)
        schema_version(db, meta, path)
        problem = event_index_problem(db)
        if problem:
            raise RecordingError(f"{path}: damaged recording ({problem})")
        rows = db.execute("SELECT t, kind, text, data FROM events WHERE kind IN "
                          "('threshold', 'site', 'pain', 'routine') ORDER BY t, id").fetchall()
        return EventsOnly(path, meta, tuple(decode_event(r) for r in rows))
    except sqlite3.Error as exc:
        raise RecordingError(f"{path}: damaged recording ({exc})") from None
    finally:
        db.close()
