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
  (longer than ``GAP_S``). ``on_leave="reset"`` sets it to 0 on a ``leave_band`` event;
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
from dataclasses import dataclass, field

import numpy as np

from .routine import Routine, Step
from .samples import to_unit

log = logging.getLogger(__name__)

ZONES = ("none", "below", "in", "above", "over")
CUES = ("press", "hold", "ease", "release", "rest", "stop", "done")
EVENT_KINDS = ("step_start", "step_end", "enter_band", "leave_band", "countdown", "ceiling",
               "ceiling_clear", "threshold", "routine_done", "key_wait", "step_skipped")

GAP_S = 0.25  # a longer interval between samples is missing data: it never counts as held
BAND_HYSTERESIS = 0.01  # fraction of the target beyond the band edge before leave_band fires
CEILING_HYSTERESIS = 0.01  # fraction of the ceiling below it before the alarm clears
COUNTDOWN_S = (3, 2, 1)  # countdown events at these seconds left of a hold
RELEASE_FRACTION = 0.10  # a release is done below 10 % of the last target ...
RELEASE_FLOOR_N = 0.5  # ... but never below this force (sensor noise), in newtons
HISTORY_S = 2.0  # samples kept to look up the value at a threshold key press
_EPS = 1e-9
# the loop over COUNTDOWN_S runs once per sample of a hold only within this many seconds of its
# end (the same events as looping always: none of them can fire further out)
_COUNTDOWN_FROM = max(COUNTDOWN_S) + _EPS


@dataclass(frozen=True)
class Event:
    """Something that happened at time ``t`` in step ``step`` (kind in EVENT_KINDS)."""

    t: float
    kind: str
    step: int
    data: dict = field(default_factory=dict)


@dataclass(frozen=True)
class CoachState:
    """What the display shows after an update. Values are in the routine's unit."""

    t: float
    step_index: int
    step: Step | None
    zone: str
    cue: str
    value: float
    target: float | None
    band: tuple[float, float] | None
    pacer: float | None
    hold_elapsed: float
    hold_remaining: float | None
    step_elapsed: float
    step_remaining: float | None
    waiting_for_key: bool
    finished: bool
    thresholds: tuple[float, ...]
    events: tuple[Event, ...]


# The coach's containers; everything else it holds is an immutable value (numbers, tuples, the
# frozen routine and state), which a snapshot shares instead of copying.
_CONTAINERS = ("_countdown_done", "_thresholds", "_all_events", "_new_events", "_actions", "_history")


@dataclass(frozen=True)
class CoachSnapshot:
    """A coach at one moment (:meth:`Coach.snapshot`), to go on from with :meth:`Coach.restore`.

    Small by sharing: the immutable values, the routine, the state, the events (the coach only
    ever appends to its list, so ``events[:n_events]`` is the list as it was) and the sample
    arrays of ``history`` (never changed in place) are referenced, not copied.
    """

    routine: Routine
    values: tuple                     # (attribute, value) pairs of the immutable attributes
    countdown_done: frozenset
    thresholds: tuple
    events: list                      # shared with the coach; only the first n_events count
    n_events: int
    new_events: tuple
    actions: tuple
    history: tuple                    # ((t, value), ...) the samples kept for threshold look-ups

    def with_history(self, pairs) -> "CoachSnapshot":
        """The same snapshot remembering other (t, value) arrays for threshold look-ups, e.g.
        views of a whole file's arrays instead of the coach's own copies (replay checkpoints)."""
        import dataclasses

        return dataclasses.replace(self, history=tuple((np.asarray(t), np.asarray(v)) for t, v in pairs))


class Coach:
    """Runs one routine. Feed it with :meth:`update`; read :attr:`state` and :attr:`events`."""

    def __init__(self, routine: Routine, start_t: float | None = None):
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
            process = self._process
            for ti, vi in zip(t.tolist(), value.tolist()):
                if self._actions:
                    self._apply_actions_before(ti)
                process(ti, vi)
        events = tuple(self._new_events)
        self._new_events.clear()
        self._state = self._make_state(events)
        return self._state

    def snapshot(self) -> CoachSnapshot:
        """This coach now, cheaply (see :class:`CoachSnapshot`); :meth:`restore` goes on from it."""
        values = tuple((k, v) for k, v in vars(self).items() if k not in _CONTAINERS and k != "routine")
        return CoachSnapshot(self.routine, values, frozenset(self._countdown_done), tuple(self._thresholds),
                             self._all_events, len(self._all_events), tuple(self._new_events),
                             tuple(self._actions), tuple(self._history))

    def restore(self, snapshot: CoachSnapshot) -> None:
        """Become the coach of ``snapshot`` (same routine): the same answers from the same samples."""
        if snapshot.routine != self.routine:
            raise ValueError("a coach snapshot restores only a coach of the same routine")
        for name, value in snapshot.values:
            setattr(self, name, value)
        self._countdown_done = set(snapshot.countdown_done)
        self._thresholds = list(snapshot.thresholds)
        self._all_events = list(snapshot.events[:snapshot.n_events])
        self._new_events = list(snapshot.new_events)
        self._actions = list(snapshot.actions)
        self._history = deque(snapshot.history)

    def advance(self, t: float) -> None:
        """The advance key: start the step that waits for it, or skip the current step."""
        self._key(float(t), "advance")

    def mark_threshold(self, t: float) -> None:
        """The PPT key: the value at ``t`` is the threshold of the current trial; go on."""
        self._key(float(t), "threshold")

    # -- key presses -----------------------------------------------------------------------
    def _key(self, t: float, action: str) -> None:
        if self._finished:
            return
        if not self._started or t > self._last_t:
            self._actions.append((t, action))
            self._actions.sort(key=lambda a: a[0])
            return
        value = self._value_at(t) if action == "threshold" else self._last_v
        self._apply(action, t, value, self._last_t)
        self._state = self._make_state(())

    def _apply_actions_before(self, ti: float) -> None:
        while self._actions and self._actions[0][0] < ti and self._started:
            ta, action = self._actions.pop(0)
            self._last_t = max(self._last_t, ta)  # time has reached the key press
            self._apply(action, ta, self._last_v, self._last_t)

    def _apply(self, action: str, t_key: float, value: float, t_step: float) -> None:
        """Apply a key press: events of the step change happen at ``t_step``."""
        if self._finished:
            return
        if action == "advance":
            if self._waiting:
                self._begin(self._index, t_step, self._last_v, by_key=True)
            else:
                step = self._steps[self._index]
                data = {"kind": step.kind, "label": step.label}
                if step.kind == "hold":
                    data.update(hold_elapsed=self._hold_elapsed, duration=step.duration)
                self._emit(t_step, "step_skipped", data)
                self._end(t_step, self._last_v, skipped=True)
            return
        step = self._steps[self._index]
        if self._waiting or step.kind != "threshold":
            log.debug("threshold key at %.3f s ignored: no threshold trial running", t_key)
            return
        self._thresholds.append(value)
        self._ref_level = value
        self._emit(t_key, "threshold", {"value": value, "trial": len(self._thresholds)})
        self._end(t_step, self._last_v)

    def _remember(self, t: np.ndarray, v: np.ndarray) -> None:
        self._history.append((t.copy(), v.copy()))
        newest = t[-1]
        while len(self._history) > 1 and self._history[1][0][0] < newest - HISTORY_S:
            self._history.popleft()

    def _value_at(self, t: float) -> float:
        """The last value seen at or before ``t`` (the oldest kept if ``t`` is older)."""
        ts = np.concatenate([h[0] for h in self._history]) if self._history else np.empty(0)
        vs = np.concatenate([h[1] for h in self._history]) if self._history else np.empty(0)
        if not ts.size:
            return self._last_v
        i = int(np.searchsorted(ts, t, side="right")) - 1
        return float(vs[max(i, 0)])

    # -- per sample ------------------------------------------------------------------------
    def _emit(self, t: float, kind: str, data: dict | None = None) -> None:
        event = Event(t, kind, self._index, data or {})
        self._all_events.append(event)
        self._new_events.append(event)

    def _process(self, t: float, v: float) -> None:
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
            self._hold_sample(step, t, v, prev_v, dt)
        elif kind == "ramp":
            if self._ramp_reached(step, t, v):
                self._end(t, v)
        elif kind == "release":
            if v < self._release_level() or (step.duration is not None and t - self._step_t0 >= step.duration - _EPS):
                self._end(t, v)
        elif kind == "rest":
            if t - self._step_t0 >= step.duration - _EPS:
                self._end(t, v)
        elif kind == "threshold":
            if step.duration is not None and t - self._step_t0 >= step.duration - _EPS:
                self._end(t, v, timeout=True)

    def _hold_sample(self, step: Step, t: float, v: float, prev_v: float, dt: float) -> None:
        lo, hi = self._event_band
        in_now = lo <= v <= hi
        counts = dt <= GAP_S
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
        if remaining > _COUNTDOWN_FROM:  # most samples of a hold: no countdown second is near
            return
        for k in COUNTDOWN_S:
            if k < step.duration and remaining <= k + _EPS and k not in self._countdown_done:
                self._countdown_done.add(k)
                self._emit(t, "countdown", {"seconds_left": k})
        if remaining <= _EPS:
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

    # -- step changes ----------------------------------------------------------------------
    def _end(self, t: float, v: float, **data) -> None:
        step = self._steps[self._index]
        if step.kind in ("ramp", "hold") and not data.get("skipped"):
            self._ref_level = step.target
        data = {"kind": step.kind, **data}
        if step.kind == "hold":
            data["hold_elapsed"] = self._hold_elapsed
        self._emit(t, "step_end", data)
        self._begin(self._index + 1, t, v)

    def _begin(self, index: int, t: float, v: float, by_key: bool = False) -> None:
        """Start step ``index`` at ``t`` (or wait for the key); steps whose end condition already
        holds (a ramp already in its band, a release already let go) end at once, in a loop."""
        while True:
            self._index = index
            if index >= len(self._steps):
                self._finished = True
                self._waiting = False
                self._in_band, self._event_band = False, None
                self._emit(t, "routine_done", {"thresholds": list(self._thresholds)})
                return
            step = self._steps[index]
            if step.advance == "key" and not by_key:
                self._waiting = True
                self._in_band, self._event_band = False, None
                self._emit(t, "key_wait", {"next": index})
                return
            by_key = False
            self._start(step, t, v)
            if step.kind == "ramp" and self._ramp_reached(step, t, v):
                self._ref_level = step.target
                self._emit(t, "step_end", {"kind": "ramp"})
            elif step.kind == "release" and v < self._release_level():
                self._emit(t, "step_end", {"kind": "release"})
            else:
                return
            index += 1

    def _start(self, step: Step, t: float, v: float) -> None:
        self._waiting = False
        self._step_t0, self._step_v0 = t, v
        self._hold_elapsed = 0.0
        self._countdown_done = set()
        band = step.band()
        if band != self._event_band:
            self._in_band = False
        self._event_band = band
        self._ramp_down = band is not None and v > band[1]
        self._emit(t, "step_start", {"kind": step.kind, "label": step.label})
        if step.kind == "hold":
            inside = band[0] <= v <= band[1]
            self._hold_started = inside
            if inside and not self._in_band:
                self._in_band = True
                self._emit(t, "enter_band", {"value": v})

    # -- state -----------------------------------------------------------------------------
    def _make_state(self, events: tuple[Event, ...]) -> CoachState:
        finished, waiting, started = self._finished, self._waiting, self._started
        step = None if finished else self._steps[self._index]
        t, v = self._last_t, self._last_v
        band = step.band() if step is not None else None
        running = started and not finished and not waiting
        if self._over:
            zone = "over"
        elif not running or band is None or math.isnan(v):
            zone = "none"
        elif v < band[0]:
            zone = "below"
        elif v > band[1]:
            zone = "above"
        else:
            zone = "in"
        step_elapsed = t - self._step_t0 if running else 0.0
        pacer = self._pacer(step, step_elapsed) if running else None
        hold_elapsed, hold_remaining = 0.0, None
        step_remaining = None
        if running and step.kind == "hold":
            hold_elapsed = self._hold_elapsed
            hold_remaining = max(step.duration - hold_elapsed, 0.0)
            step_remaining = hold_remaining
        elif running and step.duration is not None:
            step_remaining = max(step.duration - step_elapsed, 0.0)
        elif running and step.kind == "ramp" and step.rate:
            step_remaining = max(abs(step.target - self._step_v0) / step.rate - step_elapsed, 0.0)
        return CoachState(
            t=t, step_index=self._index, step=step, zone=zone, cue=self._cue(step, zone, running),
            value=v, target=None if step is None else step.target, band=band, pacer=pacer,
            hold_elapsed=hold_elapsed, hold_remaining=hold_remaining, step_elapsed=step_elapsed,
            step_remaining=step_remaining, waiting_for_key=waiting, finished=finished,
            thresholds=tuple(self._thresholds), events=events,
        )

    def _pacer(self, step: Step, elapsed: float) -> float | None:
        if step.rate is None:
            return None
        if step.kind == "threshold":
            cap = step.target if step.target is not None else self._ceiling
            p = step.rate * elapsed
            return p if cap is None else min(p, cap)
        v0 = self._step_v0
        if math.isnan(v0):
            v0 = 0.0
        if self._ramp_down:
            return max(v0 - step.rate * elapsed, step.target)
        return min(v0 + step.rate * elapsed, step.target)

    def _cue(self, step: Step | None, zone: str, running: bool) -> str:
        if zone == "over":
            return "release"
        if self._finished:
            return "done"
        if not running:
            return "stop"
        kind = step.kind
        if kind in ("rest", "release"):
            return kind
        if kind == "threshold":
            cue = "hold" if self._at_cap(step) else "press"
        else:
            cue = {"below": "press", "in": "hold", "above": "ease"}.get(zone, "stop")
        if cue == "press" and self._ceiling is not None and self._last_v >= self._ceiling:
            cue = "hold"  # at the ceiling a cue never asks for more force
        return cue

    def _at_cap(self, step: Step) -> bool:
        """A threshold trial whose pacer has reached its cap (the step's target or the ceiling):
        pressing harder is past what the routine allows, so the cue says hold, not press."""
        cap = step.target if step.target is not None else self._ceiling
        if cap is None or step.rate is None:
            return False
        return step.rate * (self._last_t - self._step_t0) >= cap - _EPS
