"""The session factory: one sensor (the built-in simulator or a real port), its reader thread,
its ring buffer, the pipeline and the recorder, made into a :class:`~pressure.session.session.Session`
the same way for the window, ``record`` and ``stream``. Qt-free; choosing another sensor in the
window, or New session, makes a new one.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

SIM_RATE_HZ = 1000  # the built-in simulator runs at the rate of a fast ADC, like the real thing
# The display (or record/stream's loop) and the recorder each read the ring with a cursor of
# their own (the recorder on its own thread), so the ring only has to bridge a stalled reader of
# it: one size for every shell, over two minutes at 2 kS/s.
RING_CAPACITY = 1 << 18
# The window shows 60 frames a second. The reader does not wake for every line: woken by a
# chunk's first bytes it gathers what comes until just before the window's next frame (the
# window tells it when: Source.pace), at most this long. Paced to the frames the reader costs a
# fraction of reading line by line or on a fixed gather; the samples' latency counts the whole
# wait (``arrival`` is the moment a chunk's first bytes were read).
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
    station: object = None      # a classroom Station the session publishes to (None: none)
    can_record: bool = True     # False: REC never applies (stream)
    record_steps: bool = True   # False: a session without a routine (record, stream): no step events
    out: object = None          # the first recording's Path (record --out); default a new file
    fmt: str | None = None      # the wire format asked for (the recording's sensor metadata)
    sensor_name: str = ""       # what the sensor is called (default its URL)
    first_samples_wait_s: float = 0.0  # wait this long for the first samples before the file
    read_interval: float | None = READ_INTERVAL_S  # the reader's gathering (None: the reader's own)
    meta: dict = field(default_factory=dict)  # metadata every file of the session starts with (screens: a fixed start)


def sim_profile_for(routine) -> str:
    """The simulated practitioner that fits a routine (so the demo looks like real work)."""
    if any(s.kind == "threshold" for s in routine.steps):
        return "ppt"
    name = routine.name.lower()
    for key, profile in (("ischemic", "ischemic"), ("pressure-pain", "ppt"), ("ppt", "ppt"),
                         ("steady", "steady"), ("trapezoid", "trapezoid")):
        if key in name:
            return profile
    return "hold"


# The simulated PPT practitioner presses this long after the routine's rest ends: the key that
# starts a trial comes a frame or two after the release step ends, and a person takes a moment.
PRESS_AFTER_REST_S = 1.0


@dataclass(frozen=True)
class SimPractitioner:
    """What the simulator's practitioner does for a routine: the profile, the force it aims at,
    and (PPT) the least rest between trials, so it rests while the routine rests."""

    profile: str
    target_n: float = 30.0
    rest_s: float | None = None


def sim_practitioner_for(routine, profile: str | None = None) -> SimPractitioner:
    """The simulated practitioner for ``routine`` (``profile`` overrides the fitting one)."""
    from ..samples import from_unit

    profile = profile or sim_profile_for(routine)
    targets = [s.target for s in routine.steps if s.target]
    target_n = float(from_unit(max(targets), routine.unit, routine.area_cm2)) if targets else 30.0
    rest = _rest_between_trials(routine) if profile == "ppt" else None
    return SimPractitioner(profile, target_n, None if rest is None else rest + PRESS_AFTER_REST_S)


def _rest_between_trials(routine) -> float | None:
    """The longest rest between two threshold trials (the sum of the timed steps between them;
    a release is over as soon as the hand lets go, so it counts nothing). None without trials."""
    rests, gap, seen = [], 0.0, False
    for step in routine.steps:
        if step.kind == "threshold":
            if seen:
                rests.append(gap)
            gap, seen = 0.0, True
        elif seen and step.kind != "release" and step.duration is not None:
            gap += float(step.duration)
    if seen:
        rests.append(gap)  # after the last trial: the routine ends, or repeats the same way
    return max(rests) if rests else None


class SimFollower:
    """A demo session's routine changes reach the simulated practitioner: after Routine > PPT
    mid-session it runs PPT trials, not the ischemic holds it started with; after Restart it
    starts its profile over with the routine (a pipeline listener)."""

    def __init__(self, pipeline, host, profile: str | None = None):
        self.pipeline, self.host, self.profile = pipeline, host, profile
        self._runs = len(pipeline.runs)

    def on_frame(self, frame) -> None:
        # every new run (another routine, or Routine > Restart) starts the practitioner afresh
        if len(self.pipeline.runs) == self._runs:
            return
        self._runs = len(self.pipeline.runs)
        spec = sim_practitioner_for(self.pipeline.routine, self.profile)
        self.host.switch_profile(spec.profile, spec.target_n, spec.rest_s)


def open_session(url: str | None, config: SessionConfig):
    """Open the sensor (the simulator when ``url`` is None), start reading and, if asked,
    recording: the one factory of every shell (the window, ``record``, ``stream``).

    Returns a :class:`~pressure.session.session.Session`. Raises PressureError (port cannot be
    opened, file cannot be created) with nothing left running.
    """
    from ..buffer import RingBuffer
    from ..session.source import SIMULATOR_NAME, LiveSource

    routine = config.routine
    host = None
    if url is None:
        from ..session.sim_process import SimProcess

        spec = sim_practitioner_for(routine, config.sim_profile)
        host = SimProcess(profile=spec.profile, rate=SIM_RATE_HZ, target_n=spec.target_n, rest_s=spec.rest_s,
                          faults=config.sim_faults)
        url = host.url
    stops = [host.stop] if host is not None else []
    try:
        buffer = RingBuffer(RING_CAPACITY)
        reader = config.make_reader(url, buffer)  # bad sensor options fail here, before any file
        if config.read_interval is not None:
            reader.read_interval = config.read_interval
        reader.start()  # an unreachable port fails here, before any file
        started = time.monotonic()  # the sensor is open: the session's wall clock starts
        stops.insert(0, reader.stop)
        if config.first_samples_wait_s > 0:
            # The reader hands over its first samples once the device said who it is (or did
            # not in time): the file then starts with the sensor's identity and calibration.
            buffer.wait(0, config.first_samples_wait_s)
        name = SIMULATOR_NAME if host is not None else (config.sensor_name or url)
        source = LiveSource(reader, buffer, sensor=name, on_stop=stops[1:])
        session = session_on(source, config, url=url, reader=reader, simulated=host is not None)
        session.started = started
        if host is not None:
            session.pipeline.subscribe(SimFollower(session.pipeline, host, config.sim_profile).on_frame)
    except BaseException:
        for stop in stops:
            stop()
        raise
    return session


def session_on(source, config: SessionConfig, *, url: str = "", reader=None, simulated: bool = False,
               clock=None):
    """The session around a source that is already running: filter, pipeline, recorder (if
    ``config.record``), station. :func:`open_session` calls it on a sensor; ``make screens``
    on its scripted simulator, so every shell's session is put together here."""
    from ..filters import make_filter
    from ..session.pipeline import Pipeline
    from ..session.recorder import Recorder
    from ..session.session import Session

    routine = config.routine
    filt = make_filter(config.filter_name, **config.filter_params)
    open_writer = _writer_opener(url, routine, filt, config, reader, simulated=simulated) \
        if config.can_record else None
    recorder, path = None, None
    if config.record and open_writer is not None:
        writer, path = open_writer({})
        recorder = Recorder(writer, source)
    pipeline = Pipeline(source, routine, filt, recorder=recorder, **({"clock": clock} if clock else {}))
    pipeline.record_steps = config.record_steps
    return Session(pipeline, open_writer=open_writer, recording_path=path, station=config.station)


def _writer_opener(url: str, routine, filt, config: SessionConfig, reader, simulated: bool):
    """``open_writer(meta_changes) -> (writer, path)``: the session's files, all with the same
    metadata (the first one at ``config.out`` when given, never replacing a file)."""
    from ..errors import PressureError
    from ..recording import RecordingWriter, new_session_path
    from ..session.meta import session_meta

    first = [config.out]

    def open_writer(changes: dict):
        out = first.pop() if first else None  # --out names the first file only
        path = Path(out) if out is not None else new_session_path()
        if path.exists():
            raise PressureError(f"{path} already exists; not overwriting it")
        meta = session_meta(routine=routine if config.record_steps else None, filt=filt, unit=routine.unit,
                            area_cm2=routine.area_cm2, labels=config.labels,
                            source="simulator" if simulated else "sensor", url=url, reader=reader, fmt=config.fmt)
        if not config.record_steps:
            changes = {k: v for k, v in changes.items() if k != "routine"}
        meta.update(config.meta)
        meta.update(changes)
        return RecordingWriter(path, meta), str(path)

    return open_writer
