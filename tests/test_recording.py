"""Session files: round trip, privacy, refusal to overwrite, and every kind of bad file."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import stat

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pressure import __version__
from pressure.paths import sessions_dir
from pressure.recording import (
    SCHEMA_VERSION, RecordingError, RecordingWriter, is_recording_file, new_session_path,
    open_recording, read_summary,
)
from pressure.samples import FLAG_GAP_BEFORE, FLAG_RECONNECT, FLAG_SATURATED, Block


def make_blocks(n_blocks=40, per=16, rate=1000.0, seed=3):
    rng = np.random.default_rng(seed)
    blocks = []
    for k in range(n_blocks):
        t = (k * per + np.arange(per)) / rate
        raw = rng.integers(-8388608, 8388607, per).astype(float)
        flags = rng.choice([0, 0, 0, FLAG_SATURATED], per).astype(np.uint8)
        blocks.append(Block.make(t, raw, raw * 4.7e-5 + 0.1, flags=flags))
    return blocks


META = {
    "sensor": {"id": "SIM00042", "url": "socket://localhost:1234", "format": "pressure",
               "rate_hz": 1000, "device_info": {"model": "pressure-sim", "fw": "1.0"}},
    "calibration": {"sensor_id": "SIM00042", "zero": 8400.0, "scale": 4.7e-5, "raw_unit": "counts"},
    "unit": "kgf",
    "area_cm2": 2.5,
    "filter": {"name": "one_euro", "params": {"min_cutoff": 1.0, "beta": 0.01}},
    "routine": {"name": "single hold", "steps": [{"kind": "hold", "target": 3.0}]},
    "labels": {"client": "Zoë Ängström", "practitioner": "P", "muscle": "trapezius",
               "notes": "left side, 3 reps"},
}


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write(path, blocks, meta=META, **kw):
    with RecordingWriter(path, meta, **kw) as w:
        for b in blocks:
            w.append(b)
    return w


def test_round_trip_keeps_samples_meta_and_events(tmp_path):
    path = tmp_path / "s.pressure"
    blocks = make_blocks()
    with RecordingWriter(path, META) as w:
        for i, b in enumerate(blocks):
            w.append(b)
            if i == 10:
                w.add_event(float(b.t[0]), "marker", "tender spot", {"by": "keyboard"})
                w.flush()
        w.add_event(0.2, "step_start", "hold 1")
        w.update_meta(labels={**META["labels"], "notes": "changed"})
        assert w.samples_written == sum(len(b) for b in blocks)
    whole = Block.concat(blocks)
    rec = open_recording(path)
    for name in ("t", "raw", "force_n", "flags"):
        np.testing.assert_array_equal(getattr(rec, name), getattr(whole, name))
        assert getattr(rec, name).dtype == getattr(whole, name).dtype
    for key in ("sensor", "calibration", "unit", "area_cm2", "filter", "routine"):
        assert rec.meta[key] == META[key]
    assert rec.meta["labels"]["notes"] == "changed"
    assert rec.meta["labels"]["client"] == "Zoë Ängström"
    assert rec.meta["program_version"] == __version__
    assert rec.meta["schema_version"] == rec.schema_version == SCHEMA_VERSION
    assert rec.meta["samples"] == len(whole) == len(rec)
    assert rec.meta["ended_at"] and not rec.interrupted
    assert rec.meta["duration_s"] == pytest.approx(whole.t[-1])
    assert [m.text for m in rec.markers] == ["tender spot"]
    assert rec.markers[0].data == {"by": "keyboard"}
    kinds = [e.kind for e in rec.events]
    assert "step_start" in kinds
    change = next(e for e in rec.events if e.kind == "meta_change")
    assert change.data["previous"]["labels"]["notes"] == "left side, 3 reps"
    assert rec.rate_hz == 1000


def test_file_is_private_single_and_in_private_folder(tmp_path):
    path = new_session_path()
    assert path.parent == sessions_dir()
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    write(path, make_blocks(3))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not os.path.exists(f"{path}-wal"), "a closed recording should be one file"
    assert new_session_path() != path  # the next session never takes an existing name
    assert is_recording_file(path)


def test_private_even_with_a_permissive_umask(tmp_path):
    old = os.umask(0)
    try:
        path = tmp_path / "u.pressure"
        with RecordingWriter(path, {}) as w:
            w.append(make_blocks(1)[0])
            w.flush()
            for name in (path, f"{path}-wal"):
                assert stat.S_IMODE(os.stat(name).st_mode) == 0o600
    finally:
        os.umask(old)


def test_refuses_to_overwrite_anything_not_asked(tmp_path):
    other = tmp_path / "notes.pressure"
    other.write_text("my notes")
    with pytest.raises(RecordingError, match="already exists"):
        RecordingWriter(other, {})
    with pytest.raises(RecordingError, match="not a pressure recording"):
        RecordingWriter(other, {}, overwrite=True)
    assert other.read_text() == "my notes"

    ours = tmp_path / "ours.pressure"
    write(ours, make_blocks(2))
    before = digest(ours)
    with pytest.raises(RecordingError, match="already exists"):
        RecordingWriter(ours, {})
    assert digest(ours) == before
    write(ours, make_blocks(1), overwrite=True)
    assert len(open_recording(ours)) == 16


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(RecordingError, match="does not exist"):
        RecordingWriter(tmp_path / "nope" / "x.pressure", {})


def test_bad_metadata_and_event_kind_are_refused(tmp_path):
    with pytest.raises(ValueError, match="JSON"):
        RecordingWriter(tmp_path / "a.pressure", {"labels": {"client": object()}})
    assert not (tmp_path / "a.pressure").exists()
    with RecordingWriter(tmp_path / "b.pressure", {}) as w:
        with pytest.raises(ValueError, match="unknown event kind"):
            w.add_event(1.0, "explosion")
        with pytest.raises(ValueError):
            w.add_event(float("nan"), "marker")


def test_flags_become_gap_and_reconnect_events(tmp_path):
    path = tmp_path / "g.pressure"
    blocks = make_blocks(5)
    flags = np.zeros(16, np.uint8)
    flags[3] = FLAG_GAP_BEFORE
    flags[9] = FLAG_GAP_BEFORE | FLAG_RECONNECT
    b = blocks[2]
    blocks[2] = Block.make(b.t, b.raw, b.force_n, flags=flags)
    write(path, blocks)
    rec = open_recording(path)
    gaps = [e.t for e in rec.events if e.kind == "gap"]
    assert gaps == [b.t[3], b.t[9]]
    assert [e.t for e in rec.events if e.kind == "reconnect"] == [b.t[9]]
    assert rec.meta["gaps"] == 2 and rec.meta["reconnects"] == 1


def test_reading_while_writing_and_reading_never_modifies(tmp_path):
    path = tmp_path / "live.pressure"
    blocks = make_blocks(10)
    w = RecordingWriter(path, META)
    for b in blocks[:5]:
        w.append(b)
    w.flush()
    files = {p: digest(p) for p in (path, tmp_path / "live.pressure-wal")}
    rec = open_recording(path)
    assert len(rec) == 80 and rec.interrupted
    assert {p: digest(p) for p in files} == files
    for b in blocks[5:]:
        w.append(b)
    w.close()
    before = digest(path)
    os.chmod(path, 0o400)  # a read-only copy (a backup, a CD) still opens
    assert len(open_recording(path)) == 160
    assert digest(path) == before


def test_window_and_index_at_agree_with_a_linear_scan(tmp_path):
    path = tmp_path / "w.pressure"
    rng = np.random.default_rng(7)
    t = np.cumsum(rng.uniform(0.0005, 0.003, 3000))
    t[100:105] = t[100]  # duplicate timestamps are legal
    write(path, [Block.make(t, t, t)])
    rec = open_recording(path)
    for q in rng.uniform(-1, t[-1] + 1, 200):
        expect = max(0, int(np.count_nonzero(t <= q)) - 1)
        assert rec.index_at(q) == expect
    for a, b in rng.uniform(0, t[-1], (50, 2)):
        t0, t1 = min(a, b), max(a, b)
        np.testing.assert_array_equal(rec.window(t0, t1).t, t[(t >= t0) & (t <= t1)])
    assert len(rec.window(t[-1] + 1, t[-1] + 2)) == 0


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sizes=st.lists(st.integers(0, 3000), max_size=6), nan_at=st.integers(0, 10000))
def test_any_split_into_blocks_reads_back_as_one_trace(tmp_path_factory, sizes, nan_at):
    path = tmp_path_factory.mktemp("h") / "h.pressure"
    total = sum(sizes)
    t = np.arange(total) / 500.0
    raw = np.sin(t) * 1000
    if total:
        raw[nan_at % total] = np.nan  # an unreadable sample stays unreadable, not lost
    blocks, start = [], 0
    for n in sizes:
        blocks.append(Block.make(t[start:start + n], raw[start:start + n], raw[start:start + n] * 2))
        start += n
    write(path, blocks, meta={})
    if not total:  # a session without samples leaves no file
        assert not path.exists()
        return
    rec = open_recording(path)
    np.testing.assert_array_equal(rec.t, t)
    np.testing.assert_array_equal(rec.raw, raw)
    assert rec.duration == (t[-1] if total else 0.0)


# ----------------------------------------------------------------------------- bad files


@pytest.fixture
def good(tmp_path):
    path = tmp_path / "good.pressure"
    write(path, make_blocks(400))  # 6400 samples: several pages of blobs
    return path


def test_missing_empty_and_foreign_files(tmp_path):
    with pytest.raises(RecordingError, match="no such file"):
        open_recording(tmp_path / "missing.pressure")
    empty = tmp_path / "empty.pressure"
    empty.touch()
    with pytest.raises(RecordingError, match="empty"):
        open_recording(empty)
    text = tmp_path / "text.pressure"
    text.write_text("time,force\n0,1\n")
    with pytest.raises(RecordingError, match="not an SQLite file"):
        open_recording(text)
    foreign = tmp_path / "foreign.db"
    db = sqlite3.connect(foreign)
    db.execute("CREATE TABLE x(a)")
    db.commit()
    db.close()
    with pytest.raises(RecordingError, match="not a pressure recording"):
        open_recording(foreign)
    with pytest.raises(RecordingError, match="not a file"):
        open_recording(tmp_path)


def test_future_version_names_both_versions(good):
    db = sqlite3.connect(good)
    db.execute("UPDATE meta SET value = '7' WHERE key = 'schema_version'")
    db.commit()
    db.close()
    with pytest.raises(RecordingError, match=r"newer pressure \(schema 7\); this version reads up to 1"):
        open_recording(good)
    with pytest.raises(RecordingError, match="schema 7"):
        read_summary(good)


@pytest.mark.parametrize("fraction", [0.9, 0.5, 0.05])
def test_truncated_file(good, fraction):
    os.truncate(good, int(good.stat().st_size * fraction))
    with pytest.raises(RecordingError, match="good.pressure.*(damaged|truncated)"):
        open_recording(good)


def test_truncated_header(good):
    os.truncate(good, 40)
    with pytest.raises(RecordingError, match="truncated"):
        open_recording(good)


def test_flipped_bytes_in_samples_are_found(good):
    rec = open_recording(good)
    needle = rec.raw[3000:3004].astype("<f8").tobytes()
    data = bytearray(good.read_bytes())
    at = data.find(needle)
    assert at > 0
    data[at + 3] ^= 0xFF
    good.write_bytes(bytes(data))
    with pytest.raises(RecordingError, match=r"damaged recording \(sample row \d+, near t = "):
        open_recording(good)


def test_garbage_metadata(good):
    db = sqlite3.connect(good)
    db.execute("UPDATE meta SET value = '{not json' WHERE key = 'labels'")
    db.commit()
    db.close()
    with pytest.raises(RecordingError, match="'labels' is not JSON"):
        open_recording(good)


def test_summary_reads_figures_without_samples(good):
    meta, figures = read_summary(good)
    rec = open_recording(good)
    assert figures["samples"] == len(rec) == meta["samples"]
    assert figures["duration_s"] == pytest.approx(rec.duration)
    assert json.dumps(meta)  # plain JSON data


def test_salvage_keeps_every_readable_row_of_a_damaged_file(good):
    sound = open_recording(good)
    data = bytearray(good.read_bytes())
    at = data.find(sound.raw[3000:3004].astype("<f8").tobytes())
    data[at + 3] ^= 0xFF
    good.write_bytes(bytes(data))
    with pytest.raises(RecordingError, match="--salvage"):
        open_recording(good)
    rec = open_recording(good, salvage=True)
    assert len(rec.damage) == 1 and "checksum" in rec.damage[0]
    assert 0 < len(sound) - len(rec) <= 600  # one row (<= 0.5 s at 1 kHz) lost
    keep = np.isin(sound.t, rec.t)
    np.testing.assert_array_equal(sound.raw[keep], rec.raw)
    first_after = int(np.flatnonzero(~keep)[-1]) + 1
    assert rec.flags[rec.index_at(sound.t[first_after])] & FLAG_GAP_BEFORE
    assert rec.meta["labels"] == sound.meta["labels"]


def test_salvage_of_a_truncated_file_returns_a_true_subset(good):
    sound = open_recording(good)
    os.truncate(good, int(good.stat().st_size * 0.6))
    rec = open_recording(good, salvage=True)
    assert rec.damage  # it says what it could not read ...
    assert len(rec) < len(sound)
    keep = np.isin(sound.t, rec.t)
    np.testing.assert_array_equal(sound.raw[keep], rec.raw)  # ... and invents nothing
    assert rec.meta["labels"] == sound.meta["labels"]  # the metadata pages survived the cut


def test_unreadable_metadata_is_counted_not_named_none():
    from pressure.recording.reader import unreadable_meta_note

    assert unreadable_meta_note([None] * 21) == "21 metadata entries unreadable"
    assert unreadable_meta_note([None, "labels"]) == "2 metadata entries unreadable (labels)"
    assert unreadable_meta_note(["x\x00y"]) == "1 metadata entry unreadable"


def test_export_salvage_command(good, tmp_path, capsys):
    from pressure.cli import main

    os.truncate(good, int(good.stat().st_size * 0.6))
    out = tmp_path / "rescued.csv"
    assert main(["export", str(good), "--csv", str(out)]) == 1
    assert "--salvage" in capsys.readouterr().err and not out.exists()
    assert main(["export", str(good), "--csv", str(out), "--salvage"]) == 0
    assert "damaged, not exported" in capsys.readouterr().err
    side = json.loads((tmp_path / "rescued.meta.json").read_text())
    assert side["damage"]  # what was lost is listed beside the exported table


def test_a_failing_disk_never_drops_samples(tmp_path):
    path = tmp_path / "disk.pressure"
    blocks = make_blocks(6)
    w = RecordingWriter(path, {})
    real_commit = w._commit
    failures = []

    def flaky(*args):
        if not failures:
            failures.append(1)
            raise sqlite3.OperationalError("database or disk is full")
        return real_commit(*args)

    w._commit = flaky
    for b in blocks[:3]:
        w.append(b)
    with pytest.raises(RecordingError, match="disk is full"):
        w.flush()
    assert "disk is full" in str(w.error)
    for b in blocks[3:]:
        w.append(b)  # still accepted while the disk is in trouble
    w.flush()  # the disk is back: everything queued is written
    assert w.error is None
    w.close()
    np.testing.assert_array_equal(open_recording(path).raw, Block.concat(blocks).raw)


def test_open_writers_are_closed_at_exit(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "exit.pressure"
    code = ("import numpy as np\n"
            "from pressure.recording import RecordingWriter\n"
            "from pressure.samples import Block\n"
            f"w = RecordingWriter({str(path)!r}, {{}}, commit_interval=3600)\n"
            "w.append(Block.make(np.arange(5.0), np.ones(5), np.ones(5)))\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
    rec = open_recording(path)
    assert len(rec) == 5 and not rec.interrupted
