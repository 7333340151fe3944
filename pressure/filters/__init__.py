"""Streaming causal filters with state: filtering chunk by chunk equals filtering the whole.

The reader hands the display new samples in chunks of whatever size arrived. Each filter here
keeps exactly the state it needs between calls to :meth:`Filter.process`, so the smoothed
trace never depends on how the samples happened to be split into chunks (tested with
hypothesis). Every filter runs on force in newtons, so one parameter set fits every display
unit; the display converts the smoothed newtons with ``pressure.samples.to_unit``.

Rules shared by all filters (documented in docs/smoothing.md):

* A sample whose value or timestamp is not finite (NaN, inf) is skipped: its output is NaN
  and the filter state is left as it was, so a dropout never poisons the state.
* Time-based filters (exponential, one_euro) take the interval from the timestamps. An
  interval <= 0 (a duplicate or backward timestamp) reuses the last positive interval, as the
  1€ authors' code keeps its last frequency; before any interval is known the sample passes
  through and (re)starts the state.
* ``make_filter(name, strength=s)`` maps one 0..1 knob onto the filter's main parameter
  (0 = lightest smoothing, 1 = heaviest), monotonically; see each class's ``from_strength``.
"""

from __future__ import annotations

import logging

from ..errors import PressureError
from .base import Filter, number
from .basic import Exponential, MedianSpikeRemover, MovingAverage, NoFilter
from .one_euro import OneEuro, OneEuroLead

log = logging.getLogger(__name__)

__all__ = ["DEFAULT_FILTER", "FILTERS", "Exponential", "Filter", "MedianSpikeRemover", "MovingAverage",
           "NoFilter", "OneEuro", "OneEuroLead", "default_filter", "filter_from_description",
           "make_filter"]

FILTERS: dict[str, type] = {
    cls.name: cls for cls in (NoFilter, MovingAverage, Exponential, MedianSpikeRemover, OneEuro,
                               OneEuroLead)
}

# Chosen by measurement on a synthetic hand hold and on a known force (ramp, hold, press) through a pty
# (docs/smoothing.md): the lead meets every target figure at 1000 and 80 samples/s,
# at the plain 1€ default's steadiness and a third of its ramp lag.
DEFAULT_FILTER: tuple[str, dict] = ("one_euro_lead", dict(OneEuroLead.DEFAULTS))


def make_filter(name: str, **params) -> Filter:
    """Build a filter by name; ``strength`` (0..1) may stand in for the main parameter."""
    if not isinstance(name, str) or name not in FILTERS:
        raise PressureError(f"unknown filter {name!r}; choose one of {', '.join(FILTERS)}")
    cls = FILTERS[name]
    if "strength" in params:
        strength = number(name, "strength", params.pop("strength"), 0.0, 1.0)
        main = cls.from_strength(strength)
        clash = sorted(set(main) & set(params))
        if clash:
            raise PressureError(f"give either strength or {', '.join(clash)} for filter {name}, not both")
        params = {**main, **params}
    return cls(**params)


def filter_from_description(d) -> Filter:
    """Rebuild a filter from ``describe()`` output (e.g. read back from a recording)."""
    if not isinstance(d, dict) or not isinstance(d.get("name"), str):
        raise PressureError(f"a filter description needs a 'name': got {d!r}")
    params = d.get("params", {})
    if not isinstance(params, dict):
        raise PressureError(f"filter {d['name']}: 'params' must be a mapping, got {params!r}")
    return make_filter(d["name"], **params)


def default_filter() -> Filter:
    """A fresh instance of DEFAULT_FILTER."""
    name, params = DEFAULT_FILTER
    return make_filter(name, **params)
