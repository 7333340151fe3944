"""The coach: a pure state machine that runs a routine against the smoothed value over time.

It is fed (t, value) samples in the routine's unit, chunk by chunk, and answers what the
practitioner needs to see and hear: the zone (below / in / above the band, over the ceiling),
a direction cue (press / hold / ease / release), the hold timer, the countdown, and discrete
events (band entered or left, countdown, step done, ceiling alarm) that the window turns into
tones. It has no clock, no thread and no Qt: the same samples give the same answers, live,
in replay and in tests, and however the samples are split into chunks.

Rules (see docs/routines.md for the full list):

* The hold timer counts time in the exact band, sample by sample: the interval between two
  samples counts when the earlier sample was in the band and the interval is not a data gap
  (``pressure.gaprule``: longer than ``GAP_MIN_S`` and 5 of this sensor's typical intervals). ``on_leave="reset"`` sets it to 0 on a ``leave_band`` event;
  ``"record"`` starts it at the first sample in the band and then counts all (non-gap) time.
* ``enter_band`` fires when the value comes into the exact band; ``leave_band`` only once it is
  outside by more than ``BAND_HYSTERESIS`` of the target, so noise at an edge does not make the
  tones chatter. The zone itself always uses the exact band.
* The ceiling alarm fires when the value goes above the ceiling and clears once it is back
  below the ceiling by ``CEILING_HYSTERESIS`` of it: one ``ceiling`` event per excursion.
* :meth:`Coach.advance` on a running step skips it: a ``step_skipped`` event (the step's kind,
  and for a hold the time it held), then its ``step_end`` marked ``skipped``. A skipped step is
  never a step done (the window asks for a deliberate act before it skips a running step).
* Key presses (:meth:`Coach.advance`, :meth:`Coach.mark_threshold`) at a time after the last
  sample seen are queued and take effect when the samples reach that time; their events are
  delivered in the ``events`` of the next :meth:`Coach.update`.
"""

from __future__ import annotations

import logging
import math
from collections import deque

import numpy as np

from ..routine import Routine, Step
from ..gaprule import GAP_FACTOR, IntervalTracker
from ..samples import to_unit
from . import snapshot as _snapshot
from .display import Display
from .keys import KeyPresses
from .steps import StepChanges
from .rules import (BAND_HYSTERESIS, CEILING_HYSTERESIS, COUNTDOWN_FROM, COUNTDOWN_S, EPS, GAP_S,
                    RELEASE_FLOOR_N, RELEASE_FRACTION)
from .snapshot import CoachSnapshot
from .state import CoachState, Event

log = logging.getLogger(__name__)


class Coach(StepChanges, KeyPresses, Display):
    """Runs one routine. Feed it with :meth:`update`; read :attr:`state` and :attr:`events`."""

    def __init__(self, routine: Routine, start_t: float | None = None, sample_interval: float | None = None):
        self.routine = routine
        self._steps = routine.steps
        self._ceiling = routine.ceiling
        self._ceiling_clear = None if routine.ceiling is None else routine.ceiling * (1 - CEILING_HYSTERESIS)
        self._release_floor = float(to_unit(RELEASE_FLOOR_N, routine.unit, routine.area_cm2))
        self._start_t = start_t
        self._started = False
        self._last_t = math.nan if start_t is None else float(start_t)
        self._last_v = math.nan
        self._index = 0
        self._waiting = False
        self._finished = False
        self._step_t0 = math.nan
        self._step_v0 = math.nan
        self._ramp_down = False
        self._hold_elapsed = 0.0
        self._hold_started = False
        self._overdue = False  # a release whose time ran out with the force still on
        self._countdown_done: set[int] = set()
        self._in_band = False
        self._event_band: tuple[float, float] | None = None
        self._over = False
        self._ref_level: float | None = None  # last target reached (or threshold), for release
        self._thresholds: list[float] = []
        self._all_events: list[Event] = []
        self._new_events: list[Event] = []
        self._actions: list[tuple[float, str]] = []  # queued key presses (t, "advance"|"threshold")
        self._history: deque[tuple[np.ndarray, np.ndarray]] = deque()
        # A threshold trial's running peak: a digital algometer holds the peak, so the threshold
        # is the peak up to the P press (the press itself lands after the patient's word, often
        # on the falling edge). Each rise of the peak, (t, value), to look a past press up.
        self._peak_t: list[float] = []
        self._peak_v: list[float] = []
        self._gaps = IntervalTracker(sample_interval)  # the one gap rule, from this sensor's interval
        # A sensor whose gap limit is longer than the shortest timed step could lose that whole
        # step in one interval: it is too slow for this routine, said once (a slow_sensor event).
        timed = [s.duration for s in routine.steps if s.duration and s.kind in ("hold", "rest", "release")]
        self._slow_limit = min(timed) if timed else math.inf
        self._slow_said = False
        self._intervals_seen = 0
        self._state = self._make_state(())

    # -- public API ------------------------------------------------------------------------
    @property
    def state(self) -> CoachState:
        return self._state

    @property
    def events(self) -> tuple[Event, ...]:
        """Every event so far, in the order raised."""
        return tuple(self._all_events)

    def update(self, t, value) -> CoachState:
        """Process new samples in order (t in s, value in the routine's unit, smoothed)."""
        t = np.asarray(t, dtype=float).ravel()
        value = np.asarray(value, dtype=float).ravel()
        if t.shape != value.shape:
            raise ValueError(f"t and value differ in length ({t.size} != {value.size})")
        if t.size:
            self._remember(t, value)
            limits = np.full(t.size, GAP_S)
            finite = np.isfinite(t)
            limits[finite] = self._gaps.limits(t[finite])
            process = self._process
            for ti, vi, li in zip(t.tolist(), value.tolist(), limits.tolist()):
                if self._actions:
                    self._apply_actions_before(ti)
                process(ti, vi, li)
        events = tuple(self._new_events)
        self._new_events.clear()
        self._state = self._make_state(events)
        return self._state

    def snapshot(self) -> CoachSnapshot:
        """This coach now, cheaply (see :class:`CoachSnapshot`); :meth:`restore` goes on from it."""
        return _snapshot.take(self)

    def restore(self, snapshot: CoachSnapshot) -> None:
        """Become the coach of ``snapshot`` (same routine): the same answers from the same samples."""
        _snapshot.restore(self, snapshot)

    # -- per sample ------------------------------------------------------------------------
    def _emit(self, t: float, kind: str, data: dict | None = None) -> None:
        event = Event(t, kind, self._index, data or {})
        self._all_events.append(event)
        self._new_events.append(event)

    def _process(self, t: float, v: float, gap_limit: float = GAP_S) -> None:
        if not math.isfinite(t):
            return  # a sample without a time cannot be placed: skip it
        if not self._started:
            if self._start_t is not None and t < self._start_t:
                return
            self._started = True
            t0 = t if self._start_t is None else float(self._start_t)
            self._last_t, self._last_v = t0, v
            self._begin(0, t0, v)
        elif t < self._last_t:
            log.debug("sample at %.6f s is older than the last one (%.6f s): ignored", t, self._last_t)
            return
        prev_v, dt = self._last_v, t - self._last_t
        self._last_t, self._last_v = t, v
        if dt > 0:
            self._intervals_seen += 1
            # the limit is measured from the third interval on (before: the first-interval guess)
            if gap_limit > self._slow_limit and not self._slow_said and self._intervals_seen > 2:
                self._slow_said = True
                self._emit(t, "slow_sensor", {"interval_s": gap_limit / GAP_FACTOR, "step_s": self._slow_limit})
        if self._ceiling is not None:
            if not self._over and v > self._ceiling:
                self._over = True
                self._emit(t, "ceiling", {"value": v, "ceiling": self._ceiling})
            elif self._over and v <= self._ceiling_clear:
                self._over = False
                self._emit(t, "ceiling_clear", {"value": v})
        if self._waiting or self._finished:
            return
        step = self._steps[self._index]
        kind = step.kind
        if kind == "hold":
            self._hold_sample(step, t, v, prev_v, dt, gap_limit)
        elif kind == "ramp":
            if self._ramp_reached(step, t, v):
                self._end(t, v)
        elif kind == "release":
            # Only letting go ends a release: when its time is up with the force still on, the
            # cue escalates (release_overdue, once) and the rest after it has not begun.
            if v < self._release_level():
                self._end(t, v)
            elif (not self._overdue and step.duration is not None
                  and t - self._step_t0 >= step.duration - EPS):
                self._overdue = True
                self._emit(t, "release_overdue", {"value": v, "level": self._release_level()})
        elif kind == "rest":
            if t - self._step_t0 >= step.duration - EPS:
                self._end(t, v)
        elif kind == "threshold":
            if not self._peak_v or v > self._peak_v[-1]:
                self._peak_t.append(t)
                self._peak_v.append(v)
            if step.duration is not None and t - self._step_t0 >= step.duration - EPS:
                self._end(t, v, timeout=True)

    def _hold_sample(self, step: Step, t: float, v: float, prev_v: float, dt: float, gap_limit: float) -> None:
        lo, hi = self._event_band
        in_now = lo <= v <= hi
        counts = dt <= gap_limit
        if step.on_leave == "record":
            if counts and self._hold_started:
                self._hold_elapsed += dt
            if in_now:
                self._hold_started = True
        elif counts and lo <= prev_v <= hi:
            self._hold_elapsed += dt
        if self._in_band:
            h = self._hysteresis(step)
            if v < lo - h or v > hi + h:
                self._in_band = False
                self._emit(t, "leave_band", {"value": v})
                if step.on_leave == "reset":
                    self._hold_elapsed = 0.0
                    self._countdown_done.clear()
        elif in_now:
            self._in_band = True
            self._emit(t, "enter_band", {"value": v})
        remaining = step.duration - self._hold_elapsed
        if remaining > COUNTDOWN_FROM:  # most samples of a hold: no countdown second is near
            return
        for k in COUNTDOWN_S:
            if k < step.duration and remaining <= k + EPS and k not in self._countdown_done:
                self._countdown_done.add(k)
                self._emit(t, "countdown", {"seconds_left": k})
        if remaining <= EPS:
            self._end(t, v)

    @staticmethod
    def _hysteresis(step: Step) -> float:
        if step.target:
            return BAND_HYSTERESIS * step.target
        return 5 * BAND_HYSTERESIS * (step.effective_tolerance() or 0.0)

    def _ramp_reached(self, step: Step, t: float, v: float) -> bool:
        lo, hi = self._event_band
        reached = v <= hi if self._ramp_down else v >= lo
        if reached and lo <= v <= hi and not self._in_band:
            self._in_band = True
            self._emit(t, "enter_band", {"value": v})
        return reached

    def _release_level(self) -> float:
        ref = self._ref_level
        return max(RELEASE_FRACTION * ref, self._release_floor) if ref else self._release_floor
