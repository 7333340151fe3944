"""Crafted recordings: every field checked when a file is opened; one bad file never empties
the library; salvage never pads a copy beyond what the input could hold."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from contextlib import closing

import numpy as np
import pytest

from pressure.errors import PressureError
from pressure.library import list_sessions
from pressure.paths import sessions_dir
from pressure.recording import RecordingWriter, open_recording, read_summary
from pressure.samples import Block


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / "good.pressure"
    w = RecordingWriter(path, {"labels": {"client": "Anna"}, "started_at": "2026-11-26T10:00:00+01:00"})
    t = np.arange(300) / 100.0
    w.append(Block.make(t, t, t))
    w.add_event(1.0, "marker", "here")
    w.close()
    return path


def crafted(template, folder, name, *sql):
    path = folder / name
    shutil.copyfile(template, path)
    with closing(sqlite3.connect(path)) as db:
        for stmt in sql:
            db.execute(*stmt) if isinstance(stmt, tuple) else db.execute(stmt)
        db.commit()
    return path


HOSTILE = {
    "event_t_text": ("UPDATE events SET t = 'abc'", "event"),
    "event_t_inf": ("UPDATE events SET t = 9e999", "event"),
    "lone_surrogate": (("UPDATE meta SET value = ? WHERE key = 'labels'", ('{"client": "\\ud800"}',)), "labels"),
    "deep_labels": (("UPDATE meta SET value = ? WHERE key = 'labels'",
                     ('{"a":' * 100_000 + "1" + "}" * 100_000,)), "nested too deeply"),
    "n_negative": ("UPDATE chunks SET n = -5", "n = -5"),
    "n_text": ("UPDATE chunks SET n = 'many'", "n = 'many'"),
    "n_fraction": ("UPDATE chunks SET n = 2.5", "n = 2.5"),
    "n_huge": ("UPDATE chunks SET n = 1000000000000", "n = 1000000000000"),
    "n_wrong": ("UPDATE chunks SET n = n - 1", "wrong sizes"),
    "duration_text": ("""UPDATE meta SET value = '"long"' WHERE key = 'duration_s'""", "duration_s"),
    "sensor_text": ("""UPDATE meta SET value = '"a sensor"' WHERE key = 'sensor'""", "sensor"),
    "rate_text": ("""UPDATE meta SET value = '{"rate_hz": "fast"}' WHERE key = 'sensor'""", "rate_hz"),
    "t1_inf": ("UPDATE chunks SET t1 = 9e999", "times"),
    "t1_huge": ("UPDATE chunks SET t1 = 1e300", "times"),
}


def _times_blob(tb, value):
    t = np.frombuffer(tb, np.float64).copy()
    t[5] = value
    return t.tobytes()


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_crafted_field_is_named_when_the_file_is_opened(template, tmp_path, name):
    stmt, field = HOSTILE[name]
    path = crafted(template, tmp_path, f"{name}.pressure", stmt)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    for fn in (open_recording, read_summary):
        with pytest.raises(PressureError) as info:
            fn(path)
        if fn is open_recording or "wrong sizes" not in field:
            assert field in str(info.value)
        assert "\n" not in str(info.value)
    open_recording(path, salvage=True)  # the readable part, never an exception
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


@pytest.mark.parametrize("value", [float("inf"), float("nan"), 1e300])
def test_sample_times_that_are_not_finite_seconds_are_refused(template, tmp_path, value):
    from pressure.recording.rows import row_crc

    with closing(sqlite3.connect(template)) as db:
        rid, tb, rb, fb, nb = db.execute("SELECT id, t, raw, flags, force_n FROM chunks").fetchone()
    bad = _times_blob(tb, value)
    path = crafted(template, tmp_path, "t.pressure",
                   ("UPDATE chunks SET t = ?, crc = ? WHERE id = ?", (bad, row_crc(bad, rb, fb, nb), rid)))
    with pytest.raises(PressureError, match="not finite seconds"):
        open_recording(path)
    rec = open_recording(path, salvage=True)
    assert np.isfinite(rec.t).all()


def test_one_damaged_file_is_listed_as_damaged_and_the_rest_are_listed(template, capsys):
    from pressure.cli import main

    folder = sessions_dir()
    shutil.copyfile(template, folder / "2026-11-26_100000.pressure")
    for name, (stmt, _) in HOSTILE.items():
        crafted(template, folder, f"bad-{name}.pressure", stmt)
    sessions = list_sessions()
    assert [s.path.name for s in sessions] == ["2026-11-26_100000.pressure"]
    assert len(sessions.problems) == len(HOSTILE)
    assert main(["sessions"]) == 0
    out, err = capsys.readouterr()
    assert "2026-11-26_100000.pressure" in out
    assert "skipped bad-lone_surrogate.pressure" in err and "damaged" in err


def test_salvage_of_a_header_claiming_terabytes_pads_nothing_huge(template, tmp_path):
    from pressure.recording.salvage import padded_copy

    path = tmp_path / "huge.pressure"
    data = bytearray(template.read_bytes())
    data[28:32] = (0xFFFFFFF0).to_bytes(4, "big")  # page count: about 60 TB of 16 KB pages
    data[16:18] = (16384).to_bytes(2, "big")
    data[200:] = b"\xa5" * (len(data) - 200)  # garbage after the header
    path.write_bytes(bytes(data))
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    copy = padded_copy(path, scratch)
    assert copy.stat().st_size <= 2 * path.stat().st_size
    with pytest.raises(PressureError):
        open_recording(path, salvage=True)
