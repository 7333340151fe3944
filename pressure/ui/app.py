"""Start the windows: the Qt application, the live and replay windows, and the timed run for
screenshots.

``commands/live.py`` checks every option first (bad input never opens a window), opens the
session (:func:`pressure.session.live.open_session`, Qt-free) and calls :func:`run_live`.
"""

from __future__ import annotations

import logging
import math
import signal
import sys
from pathlib import Path

from ..errors import PressureError

log = logging.getLogger(__name__)

from ..session.live import (  # noqa: F401 - the names the window's callers import from here
    READ_INTERVAL_S, RING_CAPACITY, SIM_RATE_HZ, SessionConfig, open_session, sim_profile_for,
)


def qt_app():
    """The QApplication (one per process), with pyqtgraph set up for speed and a stable look."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        from ..system_libs import require_window

        require_window()  # no display, or missing libraries: one line, before Qt aborts the process
        import pyqtgraph as pg

        from .icon import app_icon

        pg.setConfigOptions(antialias=False, useOpenGL=False, foreground="#c8ccd2", background="#15181d")
        app = QApplication(sys.argv[:1])
        app.setApplicationName("pressure")
        app.setOrganizationName("pressure")
        app.setStyle("Fusion")
        app.setDesktopFileName("pressure")  # the desktop entry: its icon in the dock on Wayland
        app.setWindowIcon(app_icon())
    return app


def spin(seconds: float) -> None:
    """Run the Qt event loop for ``seconds`` (timers fire, frames are drawn): for benchmarks."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def run_live(first_session, config: SessionConfig, *, window_seconds: float,
             y_max: float = 0.0, seconds: float | None = None, screenshot: Path | None = None,
             fullscreen: bool = False, settings=None, sound: bool = True, error_tone: bool = False,
             wizard: str | None = None, notes=()) -> int:
    """Show the window until closed (or for ``seconds``); save a screenshot if asked. Exit code.

    ``notes``: lines the window says once it shows (settings that were ignored).

    ``wizard``: open the connection wizard once the window shows, with this message ("" for
    none); None: do not."""
    from .audio import make_audio
    from .main_window import MainWindow

    app = qt_app()
    audio = make_audio(sound)
    if settings is not None and audio.available:
        audio.set_muted(bool(settings.get("sound/muted")))

    def new_session(url: str, record: bool | None = None, labels: dict | None = None,
                    reader_options: dict | None = None):
        """File > Sensor and New session: a session like the first (the window hands the
        classroom station over to it)."""
        import dataclasses

        if labels is not None:  # the session bar's client/trainee; other --label values stay
            labels = {k: v for k, v in config.labels.items()
                      if k not in ("client", "trainee", "client_id", "site", "side", "phase")} | labels
        changed = {k: v for k, v in (("record", record), ("labels", labels)) if v is not None}
        changed.update(station=None, out=None)  # the station is handed over; --out names the first file only
        if url == "sim":  # the built-in simulator speaks the project's own protocol
            changed["make_reader"] = _reader_with({"fmt": "pressure"})
            return open_session(None, dataclasses.replace(config, **changed))
        if reader_options is not None:  # the connection wizard's kind and baud rate, kept for
            sensor_reader[0] = _reader_with(reader_options)  # later sessions on this sensor
        changed["make_reader"] = sensor_reader[0]
        return open_session(url, dataclasses.replace(config, **changed))

    sensor_reader = [config.make_reader]  # how the real sensor in use is read

    window = MainWindow(first_session, settings=settings, audio=audio, window_seconds=window_seconds,
                        y_max=y_max, session_factory=new_session, error_tone=error_tone)
    from .training import install_training

    install_training(window)  # score panel, end-of-routine summary, reference ghost, progress
    from .demo_keys import install_demo_keys

    install_demo_keys(window)  # on the built-in simulator the simulated practitioner presses keys too
    from .session_bar import install_session_bar

    install_session_bar(window)  # client/trainee, REC on/off, new session
    from .coach_notes import install_coach_notes

    install_coach_notes(window)  # a sensor too slow for the routine, a release still pressed
    from .clinical_bar import install_clinical_bar

    install_clinical_bar(window)  # site/side/phase, pain ratings, notes, PPT summary, client report
    from .first_frame import install_first_frame_note

    install_first_frame_note(window)  # PRESSURE_FIRST_FRAME=1: start-up timing (benchmarks/startup.py)
    geometry = settings.get("window/geometry") if settings is not None else b""
    if geometry and screenshot is None:
        window.restoreGeometry(geometry)
    else:
        window.resize(1280, 720)
    if fullscreen:
        window.showFullScreen()
    else:
        window.show()
    if notes:
        window.status.showMessage("window.ini: ignored " + "; ".join(notes) + "; the defaults are used", 20000)
    if wizard is not None:  # the first start, or the saved sensor would not open
        from PySide6.QtCore import QTimer

        from . import menu_actions

        QTimer.singleShot(0, lambda: menu_actions.choose_sensor(window, wizard))
    return run_window(app, window, seconds=seconds, screenshot=screenshot)


def _reader_with(options: dict):
    def make_reader(url, buffer):
        from ..acquisition import Reader

        return Reader(url, buffer, **options)
    return make_reader


def run_window(app, window, *, seconds: float | None = None, screenshot: Path | None = None) -> int:
    """Run the event loop for a shown window until it closes, or for ``seconds`` (then save the
    screenshot if asked). Ctrl+C and SIGTERM close it properly. The exit code."""
    from PySide6.QtCore import QTimer

    result = {"code": 0}

    def finish():
        if screenshot is not None:
            from .png import save_png

            try:  # whole or not at all, 0600: it shows the client's name
                save_png(window, screenshot)
            except PressureError as exc:
                print(f"pressure: error: cannot save the screenshot to {screenshot}: {exc}", file=sys.stderr)
                result["code"] = 1
        window.close()
        app.quit()

    if seconds is not None and math.isfinite(seconds):
        QTimer.singleShot(int(seconds * 1000), finish)
    previous = _quit_on_signals(window)
    # Python runs signal handlers only between bytecodes: wake it a few times a second.
    heartbeat = QTimer()
    heartbeat.start(200)
    heartbeat.timeout.connect(lambda: None)
    try:
        app.exec()
    finally:
        heartbeat.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if window.isVisible():
            window.close()
    return result["code"]


def _quit_on_signals(window) -> dict:
    """Ctrl+C / SIGTERM close the window properly (the recording is closed, not cut off)."""
    previous = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            previous[sig] = signal.signal(sig, lambda *_: window.close())
        except ValueError:  # not the main thread (tests): leave signals alone
            pass
    return previous


def run_replay(pipeline: ReplayPipeline, *, window_seconds: float = 20.0, y_max: float = 0.0,
               seconds: float | None = None, screenshot: Path | None = None, sound: bool = True,
               training: bool = True) -> int:
    """Show the replay window until closed (or for ``seconds``; then the screenshot). Exit code."""
    from .audio import make_audio
    from .replay_window import ReplayWindow

    app = qt_app()
    window = ReplayWindow(pipeline, audio=make_audio(sound), window_seconds=window_seconds, y_max=y_max)
    if training:
        from .training import install_training

        install_training(window)
    window.resize(1280, 720)
    window.show()
    return run_window(app, window, seconds=seconds, screenshot=screenshot)
