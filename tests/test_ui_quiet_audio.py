"""No QtMultimedia/PulseAudio noise on stderr when sound is simply unavailable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QLoggingCategory, qWarning

from pressure.ui.quiet_audio import quiet_sound_server_probe, silence_multimedia_categories

ROOT = Path(__file__).resolve().parents[1]


def test_multimedia_categories_are_off_after_silencing(qapp):
    silence_multimedia_categories()
    for name in ("qt.multimedia.symbolsresolver", "qt.multimedia.ffmpeg", "qt.multimedia"):
        category = QLoggingCategory(name)
        assert not category.isWarningEnabled() and not category.isInfoEnabled()
    assert QLoggingCategory("qt.qpa.xcb").isWarningEnabled()  # only multimedia is silenced


@pytest.mark.qt_log_level_fail("CRITICAL")
def test_the_probe_drops_the_sound_server_line_and_passes_the_rest(qtlog):
    with quiet_sound_server_probe():
        qWarning("PulseAudioService: pa_context_connect() failed")
        qWarning("something else went wrong")
    messages = [r.message for r in qtlog.records]
    assert "something else went wrong" in messages
    assert not any("PulseAudio" in m for m in messages)
    qWarning("after the probe")  # the previous handler is back
    assert qtlog.records[-1].message == "after the probe"


def test_a_window_run_prints_nothing_on_stderr(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT),
               PRESSURE_HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path))
    shot = tmp_path / "x.png"
    run = subprocess.run([sys.executable, str(ROOT / "main.py"), "--screenshot", str(shot),
                          "--seconds", "1"], env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert shot.exists()
    assert run.stderr == ""


@pytest.mark.qt_log_level_fail("CRITICAL")
def test_the_probe_drops_the_null_connect_line_of_libpulse_without_a_server(qtlog):
    line = "QObject::connect(QObject, Unknown): invalid nullptr parameter"
    with quiet_sound_server_probe():
        qWarning(line)
    assert not [r for r in qtlog.records if r.message == line]
    qWarning(line)  # outside the probe it is a real warning again
    assert qtlog.records[-1].message == line
