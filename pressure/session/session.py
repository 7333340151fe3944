"""The Session: one treatment, from the first sample to the close, whatever changes in between.

A session owns the source (the sensor and its reader), the
:class:`~pressure.session.pipeline.Pipeline` (filter, unit, the coach and every run of a routine),
the recorder of the moment, its live scorer (:attr:`Session.score`) and the classroom station
that publishes it. Every shell -- the window, ``record``, ``stream``, the screens -- gets one from
:func:`pressure.session.live.open_session` (the screens: ``session_on``; a replay or a test wraps
a pipeline it made itself with :meth:`Session.of`) and ends it with :meth:`Session.close`, so
all close the same way.

What a practitioner changes during a treatment stays inside the session:

* Settings (a new ceiling, target, tolerance, hold or unit) go on with the running step
  (:meth:`change_routine` amends the run); only another routine, or Restart, starts a new run.
* REC off closes the file and the routine runs on; REC on continues the same session into a new
  file whose metadata (``continues``) says where in the routine it begins; its times start at 0
  there (``continues.session_t_s`` is the session time of its zero).
* The station is a listener of the session: it keeps publishing across REC off/on, and a new
  session (New session, another sensor) takes it over with :meth:`hand_station_to`.

Qt-free: the window only observes a session (its ``pipeline``) and calls these methods.
"""

from __future__ import annotations

import logging
import math
import time

from ..errors import PressureError

log = logging.getLogger(__name__)


class Session:
    """One treatment around ``pipeline``.

    ``open_writer(meta_changes) -> (writer, path)``: how this session opens a recording file
    (REC on); None when it cannot record (a replay, a test's hand-made pipeline).
    ``recording_path``: the file the pipeline's recorder writes now, if any."""

    def __init__(self, pipeline, *, open_writer=None, recording_path=None, station=None):
        self.pipeline = pipeline
        self._open_writer = open_writer
        self.recording_path = str(recording_path) if recording_path else None
        self.files: list[str] = [self.recording_path] if self.recording_path else []
        self.station = None
        self._station_link = None
        self.closed = False
        self.started = time.monotonic()  # wall clock of the start (open_session: when the sensor opened)
        self.lost_at: float | None = None  # session time the sensor was gone for good at the close
        from .live_score import LiveScore

        # the session's running hold numbers (the window's score panel feeds and shows them;
        # they go with the session, not with a panel)
        self.score = LiveScore()
        if station is not None:
            self.attach_station(station)

    @classmethod
    def of(cls, pipeline, recording_path=None) -> "Session":
        """A session around a pipeline a shell built by hand (a replay, tests)."""
        if recording_path is None and pipeline.recorder is not None:
            recording_path = pipeline.recorder.path
        return cls(pipeline, recording_path=recording_path)

    # --- what it is made of --------------------------------------------------------------
    @property
    def source(self):
        return self.pipeline.source

    @property
    def recorder(self):
        return self.pipeline.recorder

    @property
    def routine(self):
        return self.pipeline.routine

    @property
    def can_record(self) -> bool:
        return self._open_writer is not None

    def tick(self):
        return self.pipeline.tick()

    # --- routines ------------------------------------------------------------------------
    def routine_named(self, name_or_routine, *, path_ok: bool = True):
        """``name_or_routine`` as this session runs it: a built-in's name, a file (``path_ok``)
        or a Routine, converted to the session's unit and contact area. PressureError if it
        cannot be (an unknown name, a pressure unit without an area)."""
        from ..routine import get_routine

        routine = name_or_routine
        if isinstance(routine, str):
            routine = get_routine(routine, path_ok=path_ok)
        return routine.converted(self.pipeline.unit, self.pipeline.area_cm2)

    def load_routine(self, name_or_routine, *, path_ok: bool = True):
        """Start a routine from the Routine menu, a file, or the instructor's start: the one
        path all of them take (unit conversion here; the window's look follows the routine)."""
        routine = self.routine_named(name_or_routine, path_ok=path_ok)
        self.pipeline.set_routine(routine)
        return routine

    def set_routine(self, routine) -> None:
        """Start ``routine`` from its first step: a new run (Restart, another routine)."""
        self.pipeline.set_routine(routine)

    def change_routine(self, routine) -> str:
        """Settings OK: "amended" when ``routine`` has the running routine's steps (a new ceiling,
        target, tolerance, hold or unit: the running step and its time left stay), "new run"
        when it is another routine, "" when nothing changed."""
        if routine == self.pipeline.routine:
            return ""
        if self.pipeline.can_amend(routine):
            self.pipeline.amend_routine(routine)
            return "amended"
        self.pipeline.set_routine(routine)
        return "new run"

    # --- recording -----------------------------------------------------------------------
    def stop_recording(self) -> None:
        """REC off: close the file (every sample and event committed); the session runs on."""
        self.pipeline.close()
        self.recording_path = None

    def start_recording(self) -> str:
        """REC on: continue this session into a new file. Its metadata says where it begins
        (``continues``: the file before, the run, the step, the session time). The path."""
        if self._open_writer is None:
            raise PressureError("this session cannot record")
        if self.pipeline.recorder is not None:
            return self.recording_path
        from .recorder import Recorder

        where = self._where_now()
        writer, path = self._open_writer(where)
        # the file's own time axis starts at 0 where it continues the session
        offset = where.get("continues", {}).get("session_t_s", 0.0)
        self.pipeline.attach_recorder(Recorder(writer, self.source, from_now=True, t_offset=offset))
        self.recording_path = str(path)
        self.files.append(self.recording_path)
        return self.recording_path

    def _where_now(self) -> dict:
        """Metadata for a file that starts now: the routine as it runs, and where in it."""
        p = self.pipeline
        changes = {"routine": p.routine.to_dict() if p.record_steps else None, "unit": p.unit,
                   "area_cm2": p.area_cm2, "filter": p.filter.describe()}
        if not math.isnan(p.last_t):
            where = {"previous_file": self.files[-1].rsplit("/", 1)[-1] if self.files else None,
                     "session_t_s": float(p.last_t)}
            if p.record_steps:
                state, run = p.state, p.runs[-1]
                where.update({
                    "run": len(p.runs) - 1,
                    "run_started_s": float(run.start_t) if math.isfinite(run.start_t) else None,
                    "step": None if state is None or state.finished else int(state.step_index),
                    "step_label": "" if state is None or state.step is None else (state.step.label or state.step.kind),
                    "finished": bool(state is not None and state.finished),
                    "waiting_for_key": bool(state is not None and state.waiting_for_key),
                    # a hold's time left (its timer), else a timed step's, at the file's start
                    "step_remaining_s": None if state is None or state.step_remaining is None
                    else round(float(state.step_remaining), 3),
                })
            changes["continues"] = where
        return changes

    # --- the classroom station -----------------------------------------------------------
    def attach_station(self, station) -> None:
        """Publish every tick to ``station`` and take the instructor's start through
        :meth:`load_routine` (a listener of this session; None: nothing)."""
        from ..classroom.feed import attach

        if station is None:
            return
        self.detach_station()
        self.station = station
        station.__dict__.pop("_tally", None)  # a new session's time in band starts at zero
        self._station_link = attach(self.pipeline, station, load_routine=self._instructor_start)

    def _instructor_start(self, routine) -> None:
        """The instructor's start: the Routine menu's path; a routine this session cannot run
        (a pressure routine on a sensor without an area) is logged, never a stopped tick."""
        try:
            self.load_routine(routine, path_ok=False)
        except PressureError as exc:
            log.warning("the instructor's routine %s cannot run here: %s", routine.name, exc)

    def detach_station(self):
        """Stop publishing (the station stays connected); the station, or None."""
        station, link = self.station, self._station_link
        self.station, self._station_link = None, None
        if link is not None:
            on_frame, before_tick = link
            self.pipeline.unsubscribe(on_frame, before_tick=before_tick)
        return station

    def hand_station_to(self, other: "Session") -> None:
        """A new session (New session, another sensor) takes over this one's station."""
        other.attach_station(self.detach_station())

    # --- the end -------------------------------------------------------------------------
    def close(self) -> float | None:
        """End the session, always in this order: stop publishing, note a sensor that is gone,
        stop the source (the recorder then writes every sample the sensor sent), close the
        recording, say goodbye to the class. Safe to call twice. The session time the sensor
        was lost at (None: it was there to the end)."""
        if self.closed:
            return self.lost_at
        self.closed = True
        station = self.detach_station()
        source, p = self.source, self.pipeline
        try:
            if source.is_live:
                from .headless import lost_at

                self.lost_at = lost_at(source, p)
                if self.lost_at is not None and p.recorder is not None:
                    p.recorder.note_disconnected(self.lost_at)
            source.stop()
        finally:
            p.close()
            if station is not None:
                station.close()
        return self.lost_at
