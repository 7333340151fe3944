"""Opening a recording for replay: its routine, its filter, the pipeline over it."""

from __future__ import annotations

import logging
import os

from ..errors import PressureError
from .replay_pipeline import ReplayPipeline
from .replay_source import ReplaySource

log = logging.getLogger(__name__)


def no_routine(unit: str = "N", area_cm2=None):
    """A routine without targets, for recordings made without one (imported files)."""
    from ..routine import Routine, Step

    return Routine("no routine", steps=(Step("rest", duration=1e9, label="no routine"),),
                   unit=unit, area_cm2=area_cm2)


def routine_for(recording, routine=None):
    """``routine`` if given, else the file's own, else a routine without targets."""
    from ..scoring import routine_of_recording

    if routine is not None:
        return routine
    own = routine_of_recording(recording)
    if own is not None:
        return own
    from ..samples import normalize_unit

    try:
        unit = normalize_unit(recording.meta.get("unit") or "N")
        return no_routine(unit, recording.meta.get("area_cm2"))
    except PressureError:
        return no_routine()


def filter_for(recording, filt=None):
    """``filt`` if given, else the filter the session was recorded with, else the default."""
    from ..filters import default_filter, filter_from_description

    if filt is not None:
        return filt
    desc = recording.meta.get("filter")
    if desc:
        try:
            return filter_from_description(desc)
        except PressureError as exc:
            log.warning("%s: recorded filter unusable (%s); using the default", recording.path, exc)
    return default_filter()


def open_replay(path, *, routine=None, filt=None, speed: float = 1.0, start: float = 0.0,
                playing: bool = True, clock=None) -> ReplayPipeline:
    """Read ``path`` (or take an open Recording) and make its replay pipeline (PressureError
    with the file's problem)."""
    import time

    from ..recording import RecordingError, open_recording

    recording = open_recording(path) if isinstance(path, (str, os.PathLike)) else path
    if len(recording) == 0:
        raise RecordingError(f"{path}: the recording has no samples to replay")
    routine = routine_for(recording, routine)
    clock = clock or time.monotonic
    source = ReplaySource(recording, clock=clock, speed=speed, start=start, playing=playing)
    return ReplayPipeline(source, routine, filter_for(recording, filt), clock=clock)
