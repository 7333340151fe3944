"""The recorder: its own thread, its own cursor over the source's samples, one write path.

The window's display tick, ``record`` and ``stream`` never write samples: the recorder reads
the ring buffer through a :class:`~pressure.session.source.Tap` of its own, so a slow or frozen
window neither delays nor loses a recorded sample. Whatever the session adds (markers, step
events, a tare, a routine change) is handed over through a thread-safe queue; what the recorder
sees itself (samples lost before it read them, the port going away, the sensor's identity and
calibration changing) it writes itself, the same way for every front end.

The file is a :class:`~pressure.recording.RecordingWriter` (which commits on a thread of its
own); a failing write stops the recording, keeps the error for the window, and never stops the
session.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import queue
import threading

from ..errors import PressureError

log = logging.getLogger(__name__)

WAIT_S = 0.05         # one wait for new samples: bounds how late a queued event or a stop is seen
FOLLOW_SENSOR_S = 0.5  # how often the sensor's identity and calibration are compared with the file's


class Recorder:
    """Record ``source`` (its :meth:`~Source.tap`) into ``writer`` until :meth:`close`."""

    def __init__(self, writer, source, *, clock=None, start: bool = True, from_now: bool = False,
                 t_offset: float = 0.0):
        import time

        self.writer = writer
        self.source = source
        # t_offset: session time of the file's zero (a file REC on started mid-session has its
        # own time axis from 0; its metadata says the offset). Everything written is shifted.
        self.t_offset = float(t_offset)
        # from_now: REC on mid-session records what comes next, not what the ring still holds
        self._tap = source.tap(from_now=True) if from_now else source.tap()
        if self._tap is None:
            raise PressureError("this source has nothing to record")
        self._clock = clock or time.monotonic
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._stop = threading.Event()
        self._idle = threading.Condition()
        self._serial = 0  # requests queued
        self._done = 0    # requests handled
        self.error: str = ""
        self.samples = 0
        self.lost = 0
        self.last_t: float | None = None
        self._sensor_meta = None
        self._next_follow = 0.0
        self._was_disconnected = False
        self._thread = threading.Thread(target=self._run, name="session recorder", daemon=True)
        if start:
            self._thread.start()

    @property
    def path(self):
        return self.writer.path

    @property
    def meta(self) -> dict:
        return self.writer.meta

    @property
    def status(self) -> str:
        """The writer's one-line state for the window ("" when all is well; e.g. a full disk)."""
        return getattr(self.writer, "status", "") or ""

    # --- what the session hands over (any thread) ------------------------------------------------
    def add_event(self, t: float, kind: str, text: str = "", data: dict | None = None) -> None:
        """An event at session time ``t``."""
        # a NaN in an event's data is refused by the file and would stop the recording: a
        # number that is not there is stored as null
        self._put(("event", (float(t) - self.t_offset, kind, text, _finite_data(data))))

    def update_meta(self, **changes) -> None:
        self._put(("meta", changes))

    def note_disconnected(self, t: float, message: str = "sensor disconnected") -> None:
        """The session ends without its sensor: the ``disconnected`` event is in the file even if
        the port went away after the recorder last looked (once per loss)."""
        self._put(("lost", (float(t) - self.t_offset, message)))

    def _put(self, item) -> None:
        with self._idle:
            self._serial += 1
        self._queue.put(item)

    def sync(self, timeout: float = 5.0) -> bool:
        """Wait until every sample written so far and every request queued so far is handed to
        the writer (True), or ``timeout`` passes (False)."""
        if not self._thread.is_alive():
            self._drain()
            return True
        target = self._serial
        self._put(("sync", None))
        with self._idle:
            return self._idle.wait_for(lambda: self._done > target or not self._thread.is_alive(), timeout)

    # --- the thread ---------------------------------------------------------------------------
    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                self._drain(WAIT_S)
            self._final_drain()
        except Exception as exc:  # noqa: BLE001 - never a silent stop: the session shows it
            self.error = f"{type(exc).__name__}: {exc}" if not str(exc) else str(exc)
            log.exception("the recorder's thread failed")
            while not self._stop.is_set():  # keep answering sync() and moving the cursor
                self._tap.read(WAIT_S)
                self._skip_queue()
            self._skip_queue()

    def _final_drain(self) -> None:
        self._next_follow = float("-inf")  # the sensor's last state goes in, however recent the check
        self._drain()

    def _drain(self, wait: float = 0.0) -> None:
        block, lost = self._tap.read(wait)
        if self.error:  # stopped recording: keep the cursor moving, write nothing
            self._skip_queue()
            return
        try:
            self._write(block, lost)
            self._follow_source()
            self._handle_queue()
        except (PressureError, OSError, ValueError) as exc:  # disk full, file removed
            self.error = str(exc)
            log.error("recording stopped: %s", exc)
            self._skip_queue()

    def _write(self, block, lost: int) -> None:
        if lost:  # fell behind the ring buffer: say so in the file, at the first sample read
            self.lost += lost
            t = float(block.t[0]) - self.t_offset if len(block) else (self.last_t or 0.0)
            self.writer.add_event(t, "gap", "samples lost by the recorder", {"lost": int(lost)})
        if len(block):
            if self.t_offset:
                block = dataclasses.replace(block, t=block.t - self.t_offset)
            self.writer.append(block)
            self.samples += len(block)
            self.last_t = float(block.t[-1])

    def _handle_queue(self) -> None:
        while True:
            try:
                kind, item = self._queue.get_nowait()
            except queue.Empty:
                return
            try:
                if kind == "event":
                    self.writer.add_event(*item)
                elif kind == "meta":
                    self.writer.update_meta(**item)
                elif kind == "sync":  # every sample written before the request is in, too
                    self._write(*self._tap.read())
                elif kind == "lost" and not self._was_disconnected:
                    self._was_disconnected = True
                    self.writer.add_event(item[0], "disconnected", item[1], {"state": "disconnected"})
            finally:
                self._handled()

    def _skip_queue(self) -> None:
        while True:
            try:
                self._queue.get_nowait()
            except queue.Empty:
                return
            self._handled()

    def _handled(self) -> None:
        with self._idle:
            self._done += 1
            self._idle.notify_all()

    def _follow_source(self) -> None:
        """The sensor's identity and calibration as the device tells them, and a ``disconnected``
        event at the moment the port went away (once per loss)."""
        now = self._clock()
        if now < self._next_follow:
            return
        self._next_follow = now + FOLLOW_SENSOR_S
        stats = self.source.stats()
        # A loss the last look missed (a window closed within FOLLOW_SENSOR_S of it) still
        # goes in: a stopped source keeps the time of a loss it never recovered from.
        gone = stats.state == "disconnected" or (stats.state == "stopped" and stats.disconnected_at is not None)
        if gone and not self._was_disconnected:
            at = stats.disconnected_at - self.t_offset if stats.disconnected_at is not None else self.last_t
            self.writer.add_event(float(at or 0.0), "disconnected", stats.message or "sensor disconnected",
                                  {"state": stats.state})
        self._was_disconnected = gone or (self._was_disconnected and stats.state == "stopped")
        meta = self.source.sensor_meta()
        if meta is not None and meta != self._sensor_meta:
            self._sensor_meta = meta
            current = self.writer.meta
            changes = {k: v for k, v in meta.items() if current.get(k) != v}
            if changes:
                self.writer.update_meta(**changes)

    def close(self) -> None:
        """Write what is left, stop the thread and close the file (safe to call twice)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
        elif not self._thread.ident:  # never started (tests drive it by hand)
            self._final_drain()
        try:
            self.writer.close()
        except PressureError as exc:
            self.error = self.error or str(exc)
            raise


def _finite_data(data):
    """``data`` with non-finite floats (at any depth) as None."""
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {k: _finite_data(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [_finite_data(v) for v in data]
    return data
