"""issue 15: ``record`` says "disk full" once when it happens and once when it is over, never
on every tick; ``stream`` whose stdout fills the disk ends with one line, not a traceback."""

from __future__ import annotations

import errno
import io
import itertools
import sys

import pytest

from pressure.cli import main
from pressure.commands._status_line import StatusLine
from pressure.session import recorder as recorder_module

FULL = "disk full: s.pressure waits for space; {} samples kept in memory"


@pytest.fixture
def sensor():
    from firmware_sim.host import start_builtin_simulator

    host = start_builtin_simulator(profile="hold", rate=500, seed=3)
    yield host
    host.stop()


def test_a_status_is_printed_when_its_kind_changes_not_its_count():
    out = io.StringIO()
    line = StatusLine(out)
    for status in ["", "", FULL.format(16), FULL.format(32), FULL.format(48), FULL.format(48) + ", 5 lost",
                   FULL.format(60) + ", 9 lost", "", "", "recording: 9 samples were lost while the disk was full"]:
        line.update(status)
    assert out.getvalue().splitlines() == [
        "pressure: " + FULL.format(16),
        "pressure: " + FULL.format(48) + ", 5 lost",
        "pressure: recording: writing to disk again",
        "pressure: recording: 9 samples were lost while the disk was full",
    ]


def test_record_prints_the_disk_full_status_once_per_change(sensor, tmp_path, capsys, monkeypatch):
    ticks = itertools.count()

    def fake_status(self):  # full from the 5th look to the 15th, as a writer says it
        k = next(ticks)
        return FULL.format(k * 8) if 5 <= k < 15 else ""

    monkeypatch.setattr(recorder_module.Recorder, "status", property(fake_status))
    out = tmp_path / "s.pressure"
    assert main(["record", "--port", sensor.url, "--seconds", "1.5", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert next(ticks) > 20  # looked at on every pass of the loop ...
    lines = [ln for ln in err.splitlines() if "disk" in ln]
    assert lines == ["pressure: " + FULL.format(40), "pressure: recording: writing to disk again"]


class FullDisk(io.StringIO):
    """stdout on a disk that fills after a few writes."""

    def __init__(self, room: int):
        super().__init__()
        self.room = room

    def write(self, text):
        if self.room <= 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        self.room -= 1
        return super().write(text)


def test_stream_to_a_full_disk_ends_with_one_clear_line(sensor, capsys, monkeypatch):
    full = FullDisk(room=3)
    monkeypatch.setattr(sys, "stdout", full)
    code = main(["stream", "--port", sensor.url, "--seconds", "5"])
    err = capsys.readouterr().err
    assert code == 1
    assert "Traceback" not in err
    errors = [ln for ln in err.splitlines() if ln.startswith("pressure: error:")]
    assert len(errors) == 1 and "the disk is full" in errors[0] and "stopped after" in errors[0]
    assert full.getvalue().count("\n") > 0  # what fitted was written
