"""Reference traces: an instructor's demonstration that students' attempts are compared with.

Why a copy: a reference must outlive the instructor tidying their sessions folder, so
:func:`set_reference` copies the recording (SQLite online backup: consistent even for a file
still being written) into ``data_dir()/references`` and remembers it in the trainee database.
Setting a new reference for a routine never deletes the old copy.

What the window gets:

* live: :func:`reference_trace` -> :class:`ReferenceTrace`; ``segment(i)`` is step ``i`` of
  the reference with time relative to that step's start, so the ghost can be drawn from the
  moment the student's step ``i`` starts (steps take different times for different people).
* replay and reports: :func:`compare` -> :class:`Comparison`; ``ghost_t``/``ghost_value`` is
  the reference laid under the student's trace step by step (each reference step shifted to
  start where the student's same step started), in the student's unit.

Hold steps are compared on a common grid from each hold's start: the difference is in % of
each one's own target, so a reference recorded in N compares with an attempt shown in kPa.
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np

from .errors import PressureError
from .paths import data_dir
from .samples import from_unit, to_unit
from .scoring import SessionScores, clean, score_recording
from .trainees import connect, now_iso

log = logging.getLogger(__name__)

GRID_DT = 0.02  # s: the common grid of the aligned difference (50 Hz is plenty for a hand)
COMPARED = ("time_to_band_s", "overshoot_pct", "time_in_band_pct", "mae_pct", "cv_pct",
            "drift_pct_per_10s")


def references_dir() -> Path:
    path = data_dir() / "references"
    path.mkdir(parents=True, exist_ok=True)
    try:
        os.chmod(path, 0o700)
    except OSError:
        pass
    return path


def resolve_routine_name(name: str) -> str:
    """The routine's full name for a built-in key or a file in the routines folder ('steady'
    -> its name); unknown names are taken as they are (a routine stored in a recording).
    A name is never opened as a path."""
    from .routine import get_routine

    try:
        return get_routine(name, path_ok=False).name
    except PressureError:
        return str(name)


@dataclass(frozen=True)
class Reference:
    routine: str
    path: Path  # the stored copy
    source: str  # where it was copied from
    set_at: str

    def to_dict(self) -> dict:
        return {"routine": self.routine, "path": str(self.path), "source": self.source,
                "set_at": self.set_at}


def _copy_recording(src: Path, dst: Path) -> None:
    from .recording import open_recording  # validates that it is a readable recording

    open_recording(src)
    uri = "file:" + str(src.absolute()) + "?mode=ro"
    try:
        with closing(sqlite3.connect(uri, uri=True)) as s, closing(sqlite3.connect(dst)) as d:
            s.backup(d)
    except sqlite3.Error as exc:
        dst.unlink(missing_ok=True)
        raise PressureError(f"cannot copy {src} as a reference: {exc}") from None
    os.chmod(dst, 0o600)


def set_reference(recording_path, routine_name: str | None = None, force: bool = False) -> Reference:
    """Make a recording the reference for a routine (its own, or ``routine_name``); it must
    cover the routine and score well unless ``force`` (:mod:`pressure.reference_quality`)."""
    from .recording import open_recording
    from .routine import get_routine

    src = Path(recording_path)
    rec = open_recording(src)
    routine = get_routine(routine_name) if routine_name else None
    scores = score_recording(rec, routine)  # a reference must be scorable against it
    name = scores.routine_name
    if not force:
        from .reference_quality import reference_problems

        problems = reference_problems(scores)
        if problems:
            raise PressureError(f"{src} is not a good reference for {name!r}: {'; '.join(problems)} "
                                "(--force sets it anyway)")
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    slug = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-")[:40] or "routine"
    dst = references_dir() / f"{slug}-{stamp}.pressure"
    n = 2
    while dst.exists():
        dst = references_dir() / f"{slug}-{stamp}-{n}.pressure"
        n += 1
    _copy_recording(src, dst)
    when = now_iso()
    with connect() as db:
        db.execute("INSERT OR REPLACE INTO refs(routine, stored_path, source_path, set_at) "
                   "VALUES (?, ?, ?, ?)", (name, str(dst), str(src.absolute()), when))
    log.info("reference for %r: %s (copy of %s)", name, dst, src)
    return Reference(name, dst, str(src.absolute()), when)


def list_references() -> list[Reference]:
    with connect() as db:
        rows = db.execute("SELECT routine, stored_path, source_path, set_at FROM refs "
                          "ORDER BY routine").fetchall()
    return [Reference(r, Path(p), s, w) for r, p, s, w in rows]


def find_reference(routine_name: str) -> Reference | None:
    name = resolve_routine_name(routine_name)
    with connect() as db:
        row = db.execute("SELECT routine, stored_path, source_path, set_at FROM refs WHERE routine = ?",
                         (name,)).fetchone()
    return None if row is None else Reference(row[0], Path(row[1]), row[2], row[3])


def get_reference(routine_name: str) -> Path | None:
    """The stored reference recording of a routine, or None."""
    ref = find_reference(routine_name)
    return None if ref is None else ref.path


def load_reference(routine_name: str, routine=None) -> SessionScores | None:
    """The reference's scores (with its smoothed trace), scored against ``routine`` if given."""
    from .recording import open_recording

    path = get_reference(routine_name)
    if path is None:
        return None
    if not path.exists():
        raise PressureError(f"the reference for {routine_name!r} ({path}) is missing; set it again "
                            "with 'reference set FILE --routine NAME'")
    return score_recording(open_recording(path), routine)


# ------------------------------------------------------------------ the trace for the window


@dataclass
class ReferenceTrace:
    """A reference's smoothed trace, t = 0 at the start of the routine's first step."""

    routine: str
    unit: str
    t: np.ndarray
    value: np.ndarray
    step_starts: dict[int, float]  # step index -> start, same time axis as ``t``
    step_ends: dict[int, float]
    name: str = ""  # the demonstration's file name, for the ghost's label

    def segment(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        """Step ``index`` of the reference, time relative to its start (empty if never run)."""
        if index not in self.step_starts:
            return np.empty(0), np.empty(0)
        a, b = self.step_starts[index], self.step_ends[index]
        i0, i1 = np.searchsorted(self.t, [a, b])
        return self.t[i0:i1] - a, self.value[i0:i1]


def reference_trace(routine_name: str, routine=None) -> ReferenceTrace | None:
    """What the live window draws as a ghost (see the module docstring), or None."""
    scores = load_reference(routine_name, routine)
    if scores is None:
        return None
    t0 = scores.steps[0].start_s if scores.steps else float(scores.t[0])
    return ReferenceTrace(
        routine=scores.routine_name, unit=scores.unit, t=scores.t - t0, value=scores.value,
        step_starts={s.index: s.start_s - t0 for s in scores.steps},
        step_ends={s.index: s.end_s - t0 for s in scores.steps}, name=_reference_name(routine_name))


def _reference_name(routine_name: str) -> str:
    ref = find_reference(routine_name)
    return Path(ref.source).stem if ref is not None else routine_name


# ------------------------------------------------------------------ comparison


@dataclass
class StepComparison:
    student_step: int
    reference_step: int
    label: str
    duration_s: float  # of the aligned overlap
    rms_diff_pct: float
    mean_diff_pct: float  # > 0: the student pressed harder than the reference
    student: dict
    reference: dict

    def to_dict(self) -> dict:
        return clean({"student_step": self.student_step, "reference_step": self.reference_step,
                      "label": self.label, "duration_s": self.duration_s,
                      "rms_diff_pct": self.rms_diff_pct, "mean_diff_pct": self.mean_diff_pct,
                      "student": self.student, "reference": self.reference})


@dataclass
class Comparison:
    """Student against reference: per hold the aligned difference and the scores side by side."""

    student_score: float | None
    reference_score: float | None
    steps: list[StepComparison]
    rms_diff_pct: float | None
    reference_path: str = ""
    diff_t: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)
    diff_pct: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)
    ghost_t: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)
    ghost_value: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)

    def to_dict(self) -> dict:
        return clean({"reference": self.reference_path, "student_score": self.student_score,
                      "reference_score": self.reference_score, "rms_diff_pct": self.rms_diff_pct,
                      "steps": [s.to_dict() for s in self.steps]})


def _unit_factor(src: SessionScores, dst: SessionScores) -> float:
    """Multiply a value in src's unit by this to get dst's unit."""
    try:
        newtons = from_unit(1.0, src.unit, src.routine.get("area_cm2"))
        return float(to_unit(newtons, dst.unit, dst.routine.get("area_cm2")))
    except PressureError:
        return 1.0


def _pairs(student: SessionScores, reference: SessionScores):
    """Matching steps: by index when both ran the same step kinds, else the k-th hold with the
    k-th hold."""
    s_kinds = [s.get("kind") for s in student.routine.get("steps", [])]
    r_kinds = [s.get("kind") for s in reference.routine.get("steps", [])]
    if s_kinds == r_kinds:
        ref = {s.index: s for s in reference.steps}
        return [(s, ref[s.index]) for s in student.steps if s.index in ref]
    return list(zip(student.holds, reference.holds))


def compare(student: SessionScores, reference: SessionScores, reference_path: str = "") -> Comparison:
    """Align the reference on each step's start and compare (see the module docstring)."""
    pairs = _pairs(student, reference)
    if not any(s.kind == "hold" for s, _ in pairs):
        raise PressureError("the attempt and the reference have no hold step in common to compare")
    factor = _unit_factor(reference, student)
    steps, diff_t, diff_v, ghost_t, ghost_v = [], [], [], [], []
    for s, r in pairs:
        i0, i1 = np.searchsorted(reference.t, [r.start_s, r.end_s])
        ghost_t.append(reference.t[i0:i1] - r.start_s + s.start_s)
        ghost_v.append(reference.value[i0:i1] * factor)
        if s.kind != "hold" or not s.target or not r.target:
            continue
        d = min(s.end_s - s.start_s, r.end_s - r.start_s)
        tau = np.arange(0.0, d, GRID_DT)
        if tau.size < 2:
            continue
        sv = np.interp(s.start_s + tau, student.t, student.value) / s.target * 100.0
        rv = np.interp(r.start_s + tau, reference.t, reference.value) / r.target * 100.0
        diff = sv - rv
        diff_t.append(s.start_s + tau)
        diff_v.append(diff)
        steps.append(StepComparison(
            student_step=s.index, reference_step=r.index, label=s.label, duration_s=float(d),
            rms_diff_pct=float(np.sqrt(np.mean(diff ** 2))), mean_diff_pct=float(np.mean(diff)),
            student={k: s.metrics.get(k) for k in COMPARED} | {"score": s.score},
            reference={k: r.metrics.get(k) for k in COMPARED} | {"score": r.score}))
    all_diff = np.concatenate(diff_v) if diff_v else np.empty(0)
    return Comparison(
        student_score=student.score, reference_score=reference.score, steps=steps,
        rms_diff_pct=float(np.sqrt(np.mean(all_diff ** 2))) if all_diff.size else None,
        reference_path=str(reference_path),
        diff_t=np.concatenate(diff_t) if diff_t else np.empty(0), diff_pct=all_diff,
        ghost_t=np.concatenate(ghost_t) if ghost_t else np.empty(0),
        ghost_value=np.concatenate(ghost_v) if ghost_v else np.empty(0))


def compare_with_reference(student: SessionScores, routine=None) -> Comparison | None:
    """The comparison with the stored reference of the student's routine, or None if none is
    set (or it is the very same recording)."""
    ref = find_reference(student.routine_name)
    if ref is None:
        return None
    reference = load_reference(student.routine_name, routine)
    if reference is None:
        return None
    return compare(student, reference, str(ref.path))


__all__ = ["set_reference", "get_reference", "find_reference", "list_references", "load_reference",
           "reference_trace", "ReferenceTrace", "compare", "compare_with_reference", "Comparison",
           "StepComparison", "Reference"]
