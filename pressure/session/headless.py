"""What ``record`` and ``stream`` share: the engine without a window.

They build the same :class:`~pressure.session.pipeline.Pipeline` on a
:class:`~pressure.session.source.LiveSource` (and ``record`` the same
:class:`~pressure.session.recorder.Recorder`) as the window, and tick it when samples arrive
instead of on a frame timer: one write path, the same events.
"""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager

from ..errors import PressureError

WAIT_S = 0.1  # one wait for new samples: bounds the reaction to a stop or the time limit


def sessionless_routine(unit: str, area_cm2=None):
    """The routine of a session recorded without one: no targets, only the display unit."""
    from .replay_setup import no_routine

    return no_routine(unit, area_cm2)


@contextmanager
def stop_on_signals():
    """An Event set by Ctrl-C or SIGTERM while the block runs (main thread only)."""
    stop = threading.Event()
    previous = {}
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, lambda *_: stop.set())
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def lost_at(source, pipeline) -> float | None:
    """Session time the sensor went away for good (still gone at the end), or None."""
    stats = source.stats()
    if stats.state != "disconnected" and stats.disconnected_at is None:
        return None
    if stats.disconnected_at is not None:
        return float(stats.disconnected_at)
    return pipeline.last_t if pipeline.samples else 0.0


def sensor_lost_error(t: float) -> PressureError:
    return PressureError(f"sensor lost at t={t:.1f} s")


def print_coach_notes(pipeline, stream=None) -> None:
    """``record`` tells what the window's status bar tells: a sensor too slow for the routine,
    a release whose time ran out with the force still on (once each, on stderr)."""
    import sys

    from ..coach.notes import note_text

    def on_frame(frame) -> None:
        for event in frame.events:
            text = note_text(event)
            if text:
                print(f"pressure: note: {text}", file=stream or sys.stderr, flush=True)

    pipeline.subscribe(on_frame)
