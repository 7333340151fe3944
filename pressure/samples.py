"""Sample blocks and units. No dependencies beyond numpy.

Force is carried internally in newtons. A display unit is either a force unit (N, kgf, lbf)
or a pressure unit (kPa, N/cm2, kgf/cm2), which needs the contact area in cm^2.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import PressureError

G = 9.80665  # standard gravity, m/s^2

# Per-sample flags (uint8 bit mask).
FLAG_SATURATED = 1  # the ADC sat at its limit: the true force is unknown (at least this)
FLAG_GAP_BEFORE = 2  # samples were lost just before this one (sequence gap, stall, reconnect)
FLAG_RECONNECT = 4  # first sample after the port came back
FLAG_RESTART = 8  # first sample after the device restarted (sequence began again)

# newtons per one unit of each force unit
FORCE_UNITS: dict[str, float] = {
    "N": 1.0,
    "kN": 1000.0,
    "mN": 0.001,
    "kgf": G,
    "gf": G / 1000.0,
    "lbf": 4.4482216152605,
    "ozf": 0.27801385095378125,
}
# unit -> (newtons per cm^2 in one unit)
PRESSURE_UNITS: dict[str, float] = {
    "kPa": 0.1,  # 1 kPa = 1000 N/m^2 = 0.1 N/cm^2
    "N/cm2": 1.0,
    "kgf/cm2": G,
}
DISPLAY_UNITS = ("N", "kgf", "lbf", "kPa", "N/cm2", "kgf/cm2")

# Common contact areas (cm^2): a name a practitioner recognises -> area.
CONTACT_AREAS: dict[str, float] = {
    "algometer tip (1 cm2)": 1.0,
    "thumb pad (~2.5 cm2)": 2.5,
    "elbow / olecranon (~6 cm2)": 6.0,
    "tool tip (~0.8 cm2)": 0.8,
}

_UNIT_ALIASES = {
    "n": "N", "kn": "kN", "mn": "mN", "kgf": "kgf", "kg": "kgf", "gf": "gf", "g": "gf",
    "lbf": "lbf", "lb": "lbf", "lbs": "lbf", "ozf": "ozf", "oz": "ozf",
    "kpa": "kPa", "n/cm2": "N/cm2", "n/cm^2": "N/cm2", "kgf/cm2": "kgf/cm2", "kgf/cm^2": "kgf/cm2",
}


def normalize_unit(name: str) -> str:
    """Canonical spelling of a unit name ('lbF' -> 'lbf', 'kg' -> 'kgf'); PressureError if unknown."""
    key = name.strip().lower().replace(" ", "")
    if key in _UNIT_ALIASES:
        return _UNIT_ALIASES[key]
    raise PressureError(
        f"unknown unit {name!r}; choose one of {', '.join(DISPLAY_UNITS)}"
    )


def normalize_force_unit(name: str) -> str:
    """Like :func:`normalize_unit`, for places that take a force only (what a sensor sends)."""
    key = name.strip().lower().replace(" ", "") if isinstance(name, str) else ""
    unit = _UNIT_ALIASES.get(key)
    if unit in FORCE_UNITS:
        return unit
    what = "is a pressure unit, not a force unit" if unit else "is an unknown unit, not a force unit"
    raise PressureError(f"{name!r} {what}; choose one of {', '.join(FORCE_UNITS)}")


def is_pressure_unit(unit: str) -> bool:
    return normalize_unit(unit) in PRESSURE_UNITS


def _newtons_per_unit(unit: str, area_cm2: float | None) -> float:
    unit = normalize_unit(unit)
    if unit in FORCE_UNITS:
        return FORCE_UNITS[unit]
    if area_cm2 is None or not area_cm2 > 0:
        raise PressureError(f"unit {unit} is a pressure: it needs a contact area in cm2 (> 0)")
    return PRESSURE_UNITS[unit] * area_cm2


def to_unit(force_n, unit: str, area_cm2: float | None = None):
    """Newtons -> display unit (array or scalar)."""
    return np.asarray(force_n, dtype=float) / _newtons_per_unit(unit, area_cm2) if np.ndim(force_n) else float(force_n) / _newtons_per_unit(unit, area_cm2)


def from_unit(value, unit: str, area_cm2: float | None = None):
    """Display unit -> newtons (array or scalar)."""
    return np.asarray(value, dtype=float) * _newtons_per_unit(unit, area_cm2) if np.ndim(value) else float(value) * _newtons_per_unit(unit, area_cm2)


@dataclass(frozen=True)
class Block:
    """A run of consecutive samples. All arrays have the same length.

    t        float64  seconds on the session's time base (monotonic within a session)
    raw      float64  the reading as the sensor sent it (ADC counts, or a value in its unit)
    force_n  float64  calibrated force in newtons
    flags    uint8    FLAG_* bits
    arrival  float64  time.monotonic() when the chunk reached the reader (NaN if not live)
    """

    t: np.ndarray
    raw: np.ndarray
    force_n: np.ndarray
    flags: np.ndarray
    arrival: np.ndarray

    FIELDS = ("t", "raw", "force_n", "flags", "arrival")
    DTYPES = {"t": np.float64, "raw": np.float64, "force_n": np.float64, "flags": np.uint8, "arrival": np.float64}

    def __len__(self) -> int:
        return int(self.t.shape[0])

    @classmethod
    def empty(cls) -> "Block":
        return cls(**{f: np.empty(0, dtype=d) for f, d in cls.DTYPES.items()})

    @classmethod
    def make(cls, t, raw, force_n, flags=None, arrival=None) -> "Block":
        """Build a block, coercing dtypes and filling optional columns."""
        t = np.asarray(t, dtype=np.float64)
        n = t.shape[0]
        return cls(
            t=t,
            raw=np.asarray(raw, dtype=np.float64),
            force_n=np.asarray(force_n, dtype=np.float64),
            flags=np.zeros(n, np.uint8) if flags is None else np.asarray(flags, dtype=np.uint8),
            arrival=np.full(n, np.nan) if arrival is None else np.asarray(arrival, dtype=np.float64),
        )

    @classmethod
    def concat(cls, blocks) -> "Block":
        blocks = [b for b in blocks if len(b)]
        if not blocks:
            return cls.empty()
        if len(blocks) == 1:
            return blocks[0]
        return cls(**{f: np.concatenate([getattr(b, f) for b in blocks]) for f in cls.FIELDS})

    def __getitem__(self, index) -> "Block":
        if not isinstance(index, slice) and not (isinstance(index, np.ndarray) and index.dtype == bool):
            raise TypeError("Block supports slices and boolean masks")
        return Block(**{f: getattr(self, f)[index] for f in self.FIELDS})
