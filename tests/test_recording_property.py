"""Property: any crafted recording gives a result or a clear PressureError from open, report,
export and the library listing, never another exception, and the file is never modified.

Profiles: ``hostile-ci`` (2,000 examples, used when CI=1) and ``hostile-dev`` (a quick local
run), in two halves with fixed seeds, so a failure repeats. Files are a copy of one template recording,
changed with sqlite3 directly.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import os
import shutil
import sqlite3
from contextlib import closing

import numpy as np
import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from pressure.errors import PressureError
from pressure.library import list_sessions
from pressure.recording import RecordingWriter, open_recording, read_summary
from pressure.recording.rows import row_crc
from pressure.samples import Block

settings.register_profile("hostile-ci", max_examples=2000, derandomize=True, deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                 HealthCheck.too_slow])
settings.register_profile("hostile-dev", max_examples=150, derandomize=True, deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                 HealthCheck.too_slow])
PROFILE = settings.get_profile("hostile-ci" if os.environ.get("CI", "").lower() in ("1", "true") else "hostile-dev")

META_KEYS = ["started_at", "ended_at", "duration_s", "kind", "sensor", "calibration", "unit",
             "area_cm2", "filter", "routine", "labels", "source", "samples", "schema_version", "x"]
ODD_TEXT = st.sampled_from(["\ud800", "=1+1", "", "a" * 300, "\x00", "NaN", "é"])
JSON_LEAF = (st.none() | st.booleans() | st.integers(-2**70, 2**70)
             | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=8) | ODD_TEXT)
JSON_VALUE = st.recursive(JSON_LEAF, lambda c: st.lists(c, max_size=3)
                          | st.dictionaries(st.text(max_size=6) | st.sampled_from(["rate_hz", "name", "steps",
                                                                                   "zero", "scale"]), c, max_size=3),
                          max_leaves=8)
META_TEXT = (JSON_VALUE.map(lambda v: json.dumps(v, ensure_ascii=True))
             | st.text(max_size=12)
             | st.integers(1, 3000).map(lambda d: '{"a":' * d + "1" + "}" * d))
NUMBER_OR_JUNK = (st.integers(-2**63, 2**63 - 1) | st.floats(allow_nan=True, allow_infinity=True)
                  | st.text(max_size=6) | st.binary(max_size=8))
CHUNK_CHANGE = st.tuples(
    st.integers(0, 3),
    st.sampled_from(["n", "t0", "t1", "crc", "t", "raw", "flags", "force_n", "times", "drop"]),
    NUMBER_OR_JUNK | st.binary(max_size=64) | st.none(),
    st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=1, max_size=3),
    st.booleans())
EVENT_ROW = st.tuples(NUMBER_OR_JUNK, st.text(max_size=10) | st.sampled_from(["marker", "gap", "step_start"]),
                      st.text(max_size=10) | ODD_TEXT | st.none(), META_TEXT | st.none())

_counter = itertools.count()


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    from pressure.routine import single_hold

    path = tmp_path_factory.mktemp("template") / "template.pressure"
    w = RecordingWriter(path, {"labels": {"client": "Anna"}, "started_at": "2026-11-26T10:00:00+01:00",
                               "routine": single_hold(30, hold=1).to_dict()})
    t = np.arange(1500) / 1000.0
    w.append(Block.make(t, t, 30 * np.minimum(t * 2, 1.0)))
    w.add_event(0.2, "marker", "here")
    w.close()
    return path


def _apply(db, meta, chunks, events):
    for key, text in meta.items():
        db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, text))
    ids = [r[0] for r in db.execute("SELECT id FROM chunks ORDER BY id")]
    for index, field, value, times, fix_crc in chunks:
        row_id = ids[index % len(ids)]
        if field == "drop":
            db.execute("DELETE FROM chunks WHERE id = ?", (row_id,))
            continue
        if field == "times":  # sample times replaced, the CRC made to match (or not)
            tb, rb, fb, nb = db.execute("SELECT t, raw, flags, force_n FROM chunks WHERE id = ?",
                                        (row_id,)).fetchone() or (None,) * 4
            if not all(isinstance(b, bytes) for b in (tb, rb, fb)) or len(tb) % 8 \
                    or not isinstance(nb, (bytes, type(None))):
                continue
            arr = np.frombuffer(tb, np.float64).copy()
            arr[: len(times)] = times[: len(arr)]
            db.execute("UPDATE chunks SET t = ? WHERE id = ?", (arr.tobytes(), row_id))
            if fix_crc:
                db.execute("UPDATE chunks SET crc = ? WHERE id = ?", (row_crc(arr.tobytes(), rb, fb, nb), row_id))
            continue
        db.execute(f"UPDATE chunks SET {field} = ? WHERE id = ?", (value, row_id))
    for row in events:  # text that is not valid UTF-8 goes in as bytes cast to TEXT
        marks = ", ".join("CAST(? AS TEXT)" if isinstance(v, str) and _surrogates(v) else "?" for v in row)
        params = [v.encode("utf-8", "surrogatepass") if isinstance(v, str) and _surrogates(v) else v
                  for v in row]
        db.execute(f"INSERT INTO events(t, kind, text, data) VALUES ({marks})", params)


def _surrogates(text: str) -> bool:
    return any("\ud800" <= c <= "\udfff" for c in text)


def _exercise(path, out_dir):
    from pressure.commands.report import _text
    from pressure.exchange import export_csv
    from pressure.report import build

    for salvage in (False, True):
        try:
            rec = open_recording(path, salvage=salvage)
        except PressureError:
            continue
        assert all(math.isfinite(x) for x in (rec.duration,))
        try:
            report = build(rec, with_reference=False)
            json.dumps(report.data, ensure_ascii=False).encode("utf-8")
            _text(report.data).encode("utf-8")
            report.html().encode("utf-8")
        except PressureError:
            pass
    for salvage in (False, True):
        out = out_dir / f"out-{salvage}.csv"
        try:
            export_csv(path, out, force=True, salvage=salvage)
        except PressureError:
            pass
    try:
        read_summary(path)
    except PressureError:
        pass


STRATEGIES = dict(meta=st.dictionaries(st.sampled_from(META_KEYS), META_TEXT, max_size=3),
                  chunks=st.lists(CHUNK_CHANGE, max_size=3), events=st.lists(EVENT_ROW, max_size=3))
# The examples in two halves with fixed seeds, so pytest-xdist runs them side by side (one test
# of 2,000 was the suite's longest chain); each half is reproducible like a derandomised run.
HALF = settings(PROFILE, max_examples=PROFILE.max_examples // 2, derandomize=False)


@seed(20261205)
@HALF
@given(**STRATEGIES)
def test_any_crafted_recording_is_a_result_or_a_clear_error(template, tmp_path_factory, meta, chunks, events):
    _check(template, tmp_path_factory, meta, chunks, events)


@seed(1729)
@HALF
@given(**STRATEGIES)
def test_any_crafted_recording_is_a_result_or_a_clear_error_more(template, tmp_path_factory, meta, chunks,
                                                                 events):
    _check(template, tmp_path_factory, meta, chunks, events)


def _check(template, tmp_path_factory, meta, chunks, events):
    folder = tmp_path_factory.getbasetemp() / f"prop-{next(_counter)}"
    lib = folder / "library"
    lib.mkdir(parents=True)
    path = lib / "crafted.pressure"
    shutil.copyfile(template, path)
    try:
        with closing(sqlite3.connect(path)) as db:
            _apply(db, meta, chunks, events)
            db.commit()
    except (sqlite3.Error, OverflowError):  # a change SQLite itself refuses: not a crafted file
        shutil.rmtree(folder)
        return
    shutil.copyfile(template, lib / "good.pressure")
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    try:
        _exercise(path, folder)
        listed = list_sessions(lib)
        assert "good.pressure" in [s.path.name for s in listed]
        assert len(listed) + len(listed.problems) == 2
        assert hashlib.sha256(path.read_bytes()).hexdigest() == before
        assert sorted(p.name for p in lib.iterdir()) == ["crafted.pressure", "good.pressure"]
    finally:
        shutil.rmtree(folder)
