"""Start the live window: the Qt application, a sensor session, and the timed run for screenshots.

``commands/live.py`` checks every option first (bad input never opens a window), then calls
:func:`run_live`. A *session* is one sensor (the built-in simulator or a real port), its reader
thread, its ring buffer, the display pipeline and the recording; choosing another sensor in
the window starts a new session.
"""

from __future__ import annotations

import logging
import math
import signal
import sys
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

SIM_RATE_HZ = 1000  # the built-in simulator runs at the rate of a fast ADC, like the real thing
# The window drains the ring every frame and the recorder is fed from the window's pipeline,
# so the ring only has to bridge a stalled GUI thread: 65 s at 1 kS/s is far more than enough.
RING_CAPACITY = 1 << 16
# The window shows 60 frames a second. The reader does not wake for every line: woken by a
# chunk's first bytes it gathers what comes until just before the window's next frame (the
# window tells it when: LiveSource.time_to_next_poll, RingBuffer.expect_read), at most this long.
# Measured with the simulator at 1000 S/s: line by line the reader took 22 % of a core, with a
# fixed 3 ms gather 10 %, paced to the frames ~5 %; the samples' latency counts the whole wait
# (``arrival`` is the moment a chunk's first bytes were read).
READ_INTERVAL_S = 0.02


@dataclass
class SessionConfig:
    """Everything needed to start a session, already checked by the command."""

    routine: object
    filter_name: str
    filter_params: dict
    record: bool = True
    labels: dict = field(default_factory=dict)
    sim_profile: str | None = None
    make_reader: object = None  # callable(url, buffer) -> Reader (not started)
    sim_faults: str = ""


def sim_profile_for(routine) -> str:
    """The simulated practitioner that fits a routine (so the demo looks like real work)."""
    name = routine.name.lower()
    for key, profile in (("ischemic", "ischemic"), ("pressure-pain", "ppt"), ("ppt", "ppt"),
                         ("steady", "steady"), ("trapezoid", "trapezoid")):
        if key in name:
            return profile
    return "hold"


def start_session(url: str | None, config: SessionConfig):
    """Open the sensor (the simulator when ``url`` is None), start reading and recording.

    Returns ``(pipeline, recording_path)``. Raises PressureError (port cannot be opened, file
    cannot be created) with nothing left running.
    """
    from ..buffer import RingBuffer
    from ..filters import make_filter
    from ..samples import from_unit
    from .pipeline import LiveSource, Pipeline

    routine = config.routine
    host = None
    if url is None:
        from .sim_process import SimProcess

        targets = [s.target for s in routine.steps if s.target]
        target_n = float(from_unit(max(targets), routine.unit, routine.area_cm2)) if targets else 30.0
        host = SimProcess(profile=config.sim_profile or sim_profile_for(routine), rate=SIM_RATE_HZ,
                          target_n=target_n, faults=config.sim_faults)
        url = host.url
    stops = [host.stop] if host is not None else []
    try:
        buffer = RingBuffer(RING_CAPACITY)
        reader = config.make_reader(url, buffer)
        reader.read_interval = READ_INTERVAL_S
        reader.start()
        stops.insert(0, reader.stop)
        name = "built-in simulator" if host is not None else url
        source = LiveSource(reader, buffer, sensor=name, on_stop=stops[1:])
        filt = make_filter(config.filter_name, **config.filter_params)
        recorder, path = None, None
        if config.record:
            recorder, path = _open_recorder(url, routine, filt, config, simulated=host is not None)
        pipeline = Pipeline(source, routine, filt, recorder=recorder)
    except BaseException:
        for stop in stops:
            stop()
        raise
    return pipeline, path


def _open_recorder(url: str, routine, filt, config: SessionConfig, simulated: bool):
    from ..recording import RecordingWriter, new_session_path

    path = new_session_path()
    meta = {
        "kind": "live",
        "sensor": {"id": None, "url": url, "format": None, "rate_hz": None, "device_info": {}},
        "unit": routine.unit,
        "area_cm2": routine.area_cm2,
        "routine": routine.to_dict(),
        "filter": filt.describe(),
        "labels": dict(config.labels),
        "source": "simulator" if simulated else "sensor",
    }
    return RecordingWriter(path, meta), str(path)


def qt_app():
    """The QApplication (one per process), with pyqtgraph set up for speed and a stable look."""
    import pyqtgraph as pg
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        pg.setConfigOptions(antialias=False, useOpenGL=False, foreground="#c8ccd2", background="#15181d")
        app = QApplication(sys.argv[:1])
        app.setApplicationName("pressure")
        app.setOrganizationName("pressure")
        app.setStyle("Fusion")
    return app


def spin(seconds: float) -> None:
    """Run the Qt event loop for ``seconds`` (timers fire, frames are drawn): for benchmarks."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def run_live(first_pipeline, recording_path, config: SessionConfig, *, window_seconds: float,
             y_max: float = 0.0, seconds: float | None = None, screenshot: Path | None = None,
             fullscreen: bool = False, settings=None, sound: bool = True, error_tone: bool = False) -> int:
    """Show the window until closed (or for ``seconds``); save a screenshot if asked. Exit code."""
    from .audio import make_audio
    from .main_window import MainWindow

    app = qt_app()
    audio = make_audio(sound)
    if settings is not None and audio.available:
        audio.set_muted(bool(settings.get("sound/muted")))

    def new_session(url: str, record: bool | None = None, labels: dict | None = None):
        import dataclasses

        if labels is not None:  # the session bar's client/trainee; other --label values stay
            labels = {k: v for k, v in config.labels.items() if k not in ("client", "trainee")} | labels
        changed = {k: v for k, v in (("record", record), ("labels", labels)) if v is not None}
        return start_session(None if url == "sim" else url, dataclasses.replace(config, **changed))

    window = MainWindow(first_pipeline, settings=settings, audio=audio, window_seconds=window_seconds,
                        y_max=y_max, session_factory=new_session, recording_path=recording_path,
                        error_tone=error_tone)
    from .training import install_training

    install_training(window)  # score panel, end-of-routine summary, reference ghost, progress
    from .demo_keys import install_demo_keys

    install_demo_keys(window)  # on the built-in simulator the simulated practitioner presses keys too
    from .session_bar import install_session_bar

    install_session_bar(window)  # client/trainee, REC on/off, new session
    geometry = settings.get("window/geometry") if settings is not None else b""
    if geometry and screenshot is None:
        window.restoreGeometry(geometry)
    else:
        window.resize(1280, 720)
    if fullscreen:
        window.showFullScreen()
    else:
        window.show()
    return run_window(app, window, seconds=seconds, screenshot=screenshot)


def run_window(app, window, *, seconds: float | None = None, screenshot: Path | None = None) -> int:
    """Run the event loop for a shown window until it closes, or for ``seconds`` (then save the
    screenshot if asked). Ctrl+C and SIGTERM close it properly. The exit code."""
    from PySide6.QtCore import QTimer

    result = {"code": 0}

    def finish():
        if screenshot is not None and not window.grab().save(str(screenshot)):
            print(f"pressure: error: cannot save the screenshot to {screenshot}", file=sys.stderr)
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
