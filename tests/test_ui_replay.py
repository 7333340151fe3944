"""The replay window offscreen, on a fake clock: speed, seek, overview click, re-analysis, muting."""

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest

from pressure.filters import make_filter
from pressure.routine import single_hold
from pressure.ui import theme
from pressure.routine import retarget
from pressure.session.replay_setup import open_replay
from pressure.ui.replay_window import ReplayWindow
from pressure.session.scripted import ManualClock
from test_session_replay import make_recording, ramp_hold_force


class FakeAudio:
    """An audio backend that is 'available' (Silent never unmutes), recording what it is told."""

    available = True
    reason = ""

    def __init__(self):
        self.muted = False
        self.played = []

    def play(self, cue):
        self.played.append(cue)

    def set_alarm(self, on):
        pass

    def set_error_tone(self, fraction):
        pass

    def set_muted(self, muted):
        self.muted = muted

    def close(self):
        pass


@pytest.fixture
def replay(qtbot, tmp_path):
    def make(speed=1.0, playing=True, routine=None, audio=None):
        path = tmp_path / "s.pressure"
        if not path.exists():
            make_recording(path, seconds=12.0, events=[(3.0, "marker", "pain reported", None)])
        clock = ManualClock()
        pipeline = open_replay(path, routine=routine, filt=make_filter("none"), speed=speed,
                               playing=playing, clock=clock)
        window = ReplayWindow(pipeline, audio=audio or FakeAudio(), window_seconds=10.0)
        qtbot.addWidget(window)
        window.resize(1100, 650)
        window.show()
        qtbot.waitExposed(window)
        return window, clock
    return make


def value_at(t):
    return float(ramp_hold_force(np.array([t]))[0])


def test_at_4x_half_a_fake_second_shows_the_value_at_2s(replay, qtbot):
    window, clock = replay(speed=4.0)
    clock.now += 0.5
    qtbot.waitUntil(lambda: window._frame is not None and window._frame.t == pytest.approx(2.0), timeout=3000)
    r = window.readout  # the digits refresh a few times a second: wait for them
    qtbot.waitUntil(lambda: r.value_label.text() == f"{value_at(2.0):.{r.decimals}f}", timeout=3000)
    assert window.controls.position_label.text().startswith("0:02")
    x, _, _ = window.trace.curve_data
    assert x[-1] == pytest.approx(2.0)


def test_pause_holds_the_picture(replay, qtbot):
    window, clock = replay(speed=1.0)
    clock.now += 1.0
    qtbot.waitUntil(lambda: window._frame is not None and window._frame.t == pytest.approx(1.0), timeout=3000)
    window.play_pause()
    frames = window.frames
    clock.now += 3.0
    qtbot.waitUntil(lambda: window.frames > frames + 3, timeout=3000)
    assert window._frame.t == pytest.approx(1.0)
    assert "play" in window.controls.buttons["play"].text()


def test_seek_from_the_slider_shows_the_value_at_once(replay, qtbot):
    window, clock = replay(playing=False)
    window.controls.slider.setValue(7250)  # ms
    r = window.readout
    assert window.pipeline.last_t == pytest.approx(7.25)
    qtbot.waitUntil(lambda: r.value_label.text() == f"{value_at(7.25):.{r.decimals}f}", timeout=3000)
    x, _, _ = window.trace.curve_data
    assert x[-1] == pytest.approx(7.25) and x[0] == 0.0  # the whole window at once, not one frame
    assert len(x) == 726


def test_click_on_the_overview_jumps_there(replay, qtbot):
    window, clock = replay(playing=False)
    qtbot.waitUntil(lambda: window.trace.overview.vb.sceneBoundingRect().width() > 50, timeout=3000)
    vb = window.trace.overview.vb
    scene_point = vb.mapViewToScene(QPointF(6.0, 5.0))
    widget_point = window.trace.mapFromScene(scene_point)
    QTest.mouseClick(window.trace.viewport(), Qt.MouseButton.LeftButton, pos=widget_point)
    qtbot.waitUntil(lambda: abs(window.pipeline.last_t - 6.0) < 0.2, timeout=3000)


def test_reanalysis_changes_band_and_zone(replay, qtbot):
    window, clock = replay(playing=False)
    window.seek(4.0)
    assert window.readout.zone == theme.IN_BAND
    assert window.trace.band.getRegion() == pytest.approx((9.0, 11.0))
    assert window.reanalyse(target=20.0, tolerance=2.0)
    qtbot.waitUntil(lambda: window.readout.zone == theme.BELOW, timeout=3000)
    assert window.trace.band.getRegion() == pytest.approx((18.0, 22.0))
    assert window.pipeline.last_t == pytest.approx(4.0)


def test_filter_reanalysis_from_the_panel_changes_the_trace(replay, qtbot):
    window, clock = replay(playing=False)
    window.seek(8.0)
    before = window.trace.curve_data[2].copy()
    panel = window.reanalysis
    panel.filter.setCurrentText("moving_average")
    panel.strength.setValue(1.0)
    panel.apply_button.click()
    after = window.trace.curve_data[2]
    assert window.pipeline.filter.name == "moving_average" and panel.message.text() == ""
    assert np.max(np.abs(after - before)) > 0.05


def test_cues_muted_by_default_and_s_unmutes(replay, qtbot):
    audio = FakeAudio()
    window, clock = replay(audio=audio)
    assert audio.muted
    window.actions["mute"].trigger()
    assert not audio.muted


def test_next_marker_key_and_space(replay, qtbot):
    window, clock = replay(playing=False)
    window.actions["marker_next"].trigger()
    assert window.pipeline.last_t == pytest.approx(3.0)
    assert window.actions["play"].shortcut().toString() == "Space"
    window.actions["play"].trigger()
    assert window.pipeline.source.playing


def test_retarget_scales_every_target():
    r = retarget(single_hold(10.0, 1.0, 5.0, ceiling=12.0), target=20.0)
    assert r.steps[0].target == pytest.approx(20.0) and r.ceiling >= 20.0
    r2 = retarget(r, tolerance=3.0)
    assert r2.steps[0].band() == pytest.approx((17.0, 23.0))
