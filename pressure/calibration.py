"""Calibration per sensor: raw reading -> newtons, kept across restarts.

A reading becomes force as ``(raw - zero) * scale``. ``zero`` comes from a tare (the mean
reading with nothing on the sensor) and ``scale`` (newtons per raw unit) from a known weight,
from the device's own ``#ID`` line, or, for a gauge that already speaks N/kgf/lbf, from the
unit itself. Units and contact areas live in :mod:`pressure.samples`; this module only maps
raw to newtons.

Calibrations are stored per sensor id in ``config_dir()/calibrations.json``. Writes are
atomic (temporary file + ``os.replace``) so a crash never leaves half a file. A file that
cannot be read is never silently replaced: ``load``/``all`` raise
:class:`CalibrationFileError` naming it, and a ``save`` over it first keeps the damaged file
as ``calibrations.json.corrupt-<time>`` and logs a warning.
"""

from __future__ import annotations

import json
import logging
import math
import os
import tempfile
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime
from pathlib import Path

import numpy as np

from .errors import PressureError
from .samples import FORCE_UNITS, from_unit, normalize_unit

log = logging.getLogger(__name__)

SOURCES = ("default", "device", "tare", "known-weight", "stored")
FILE_FORMAT = "pressure-calibrations"
FILE_VERSION = 1
# The smallest raw change from zero that a known weight may produce: below this the reading is
# sensor noise, not a weight (HX711 boards wander by tens of counts; gauges print 0.01 N).
MIN_SPAN_COUNTS = 100.0
MIN_SPAN_N = 0.01


class CalibrationFileError(PressureError):
    """The calibrations file exists but cannot be used (not JSON, wrong layout, bad entry)."""


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def _finite(name: str, value) -> float:
    if isinstance(value, bool):
        raise PressureError(f"calibration {name} must be a number, not {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise PressureError(f"calibration {name} must be a number, not {value!r}") from None
    if not math.isfinite(number):
        raise PressureError(f"calibration {name} must be a finite number, not {value!r}")
    return number


def _raw_unit(name) -> str:
    if name == "counts":
        return "counts"
    if not isinstance(name, str):
        raise PressureError(f"calibration raw_unit must be 'counts' or a force unit, not {name!r}")
    unit = normalize_unit(name)
    if unit not in FORCE_UNITS:
        raise PressureError(f"calibration raw_unit must be 'counts' or a force unit, not {name!r}")
    return unit


@dataclass(frozen=True)
class Calibration:
    """How one sensor's raw readings map to newtons. Frozen: every change makes a new one."""

    sensor_id: str = ""    # from the device's #ID serial, else the port's USB serial number / name
    zero: float = 0.0      # raw value that means 0 N
    scale: float = 1.0     # newtons per raw unit
    raw_unit: str = "counts"  # "counts" or a FORCE_UNITS name
    source: str = "default"   # one of SOURCES
    created: str = ""      # ISO time of the last change

    def __post_init__(self):
        # Validate on construction so no code path can hold an unusable calibration.
        if not isinstance(self.sensor_id, str):
            raise PressureError(f"calibration sensor_id must be text, not {self.sensor_id!r}")
        object.__setattr__(self, "zero", _finite("zero", self.zero))
        scale = _finite("scale", self.scale)
        if scale == 0.0:
            raise PressureError("calibration scale must not be 0 (every reading would be 0 N)")
        object.__setattr__(self, "scale", scale)
        object.__setattr__(self, "raw_unit", _raw_unit(self.raw_unit))
        if self.source not in SOURCES:
            raise PressureError(f"calibration source must be one of {', '.join(SOURCES)}, not {self.source!r}")
        if not isinstance(self.created, str):
            raise PressureError(f"calibration created must be an ISO time text, not {self.created!r}")

    def apply(self, raw) -> np.ndarray:
        """Raw readings -> newtons. Saturation flags are the reader's job, not this one's."""
        return (np.asarray(raw, dtype=np.float64) - self.zero) * self.scale

    def tared(self, raw_mean: float) -> "Calibration":
        """The same scale with ``raw_mean`` (nothing on the sensor) as the new zero."""
        zero = _finite("tare reading", raw_mean)
        return replace(self, zero=zero, source="tare", created=_now())

    def with_known_weight(self, raw_mean: float, known_value: float, unit: str) -> "Calibration":
        """Scale from the mean reading with a known weight on the tared sensor.

        ``unit`` is any force unit ("kg" means kgf: a 1 kg weight presses with 9.80665 N).
        Tare first: the weight's force is taken relative to the current ``zero``.
        """
        reading = _finite("known-weight reading", raw_mean)
        value = _finite("known weight", known_value)
        name = normalize_unit(unit)
        if name not in FORCE_UNITS:
            raise PressureError(f"a known weight is a force (N, kgf, lbf...), not {name}")
        if not value > 0:
            raise PressureError(f"the known weight must be greater than 0, not {value:g} {name}")
        span = reading - self.zero
        least = MIN_SPAN_COUNTS if self.raw_unit == "counts" else MIN_SPAN_N / FORCE_UNITS[self.raw_unit]
        if abs(span) < least:
            raise PressureError(
                f"the reading with the weight ({reading:g}) is too close to zero ({self.zero:g}): "
                f"at least {least:g} {self.raw_unit} apart is needed. Is the weight on the sensor, "
                "and was the sensor tared without it?")
        scale = from_unit(value, name) / span
        return replace(self, scale=scale, source="known-weight", created=_now())

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d) -> "Calibration":
        """Rebuild from ``to_dict`` output; anything unusable is a PressureError, not a crash."""
        if not isinstance(d, Mapping):
            raise PressureError(f"a calibration must be a mapping, not {type(d).__name__}")
        names = {f.name for f in fields(cls)}
        unknown = set(d) - names
        if unknown:
            log.debug("calibration: ignoring unknown keys %s", sorted(unknown))
        return cls(**{k: v for k, v in d.items() if k in names})


def default_for_unit(unit: str, sensor_id: str = "") -> Calibration:
    """For readings already in a force unit (gauges, text devices): zero 0, scale = N per unit."""
    name = normalize_unit(unit)
    if name not in FORCE_UNITS:
        raise PressureError(f"a sensor reading in {name} is not a force; give a force unit (N, kgf, lbf)")
    return Calibration(sensor_id=sensor_id, zero=0.0, scale=FORCE_UNITS[name], raw_unit=name,
                       source="default", created=_now())


def from_device(counts_per_n, offset=None, sensor_id: str = "") -> Calibration:
    """The device's own calibration from its ``#ID`` line: zero = offset, scale = 1 / counts_per_n.

    ``counts_per_n`` may also be the parsed ``#ID`` mapping (text values, as the reader keeps
    it); its ``counts_per_n`` and ``offset`` (0 if absent) are used.
    """
    if isinstance(counts_per_n, Mapping):
        info = counts_per_n
        if "counts_per_n" not in info:
            raise PressureError("the device did not report counts_per_n in its #ID line")
        counts_per_n = info["counts_per_n"]
        offset = info.get("offset", 0) if offset is None else offset
    cpn = _finite("counts_per_n from the device", counts_per_n)
    if cpn == 0.0:
        raise PressureError("the device reports counts_per_n=0: it is not calibrated")
    zero = _finite("offset from the device", 0 if offset is None else offset)
    return Calibration(sensor_id=str(sensor_id), zero=zero, scale=1.0 / cpn, raw_unit="counts",
                       source="device", created=_now())


class CalibrationStore:
    """Calibrations per sensor id in one small JSON file."""

    def __init__(self, path: Path | None = None):
        if path is None:
            from .paths import config_dir
            path = config_dir() / "calibrations.json"
        self.path = Path(path)

    def _read_raw(self) -> dict:
        """sensor id -> stored dict; {} when there is no file yet."""
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise CalibrationFileError(f"cannot read calibrations file {self.path}: {exc.strerror or exc}") from None
        try:
            doc = json.loads(data.decode("utf-8"))
        except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
            raise CalibrationFileError(
                f"calibrations file {self.path} is damaged ({exc}); move it away or calibrate again "
                "(saving keeps a copy of the damaged file)") from None
        if (not isinstance(doc, dict) or doc.get("format") != FILE_FORMAT
                or not isinstance(doc.get("sensors"), dict)):
            raise CalibrationFileError(
                f"{self.path} is not a pressure calibrations file; move it away or calibrate again")
        version = doc.get("version")
        if not isinstance(version, int) or version > FILE_VERSION:
            raise CalibrationFileError(
                f"{self.path} has calibrations version {version!r}; this program reads up to "
                f"{FILE_VERSION} (a newer pressure wrote it)")
        return doc["sensors"]

    def load(self, sensor_id: str) -> Calibration | None:
        """The stored calibration of this sensor, or None if it has none."""
        entry = self._read_raw().get(sensor_id)
        if entry is None:
            return None
        try:
            cal = Calibration.from_dict(entry)
        except PressureError as exc:
            raise CalibrationFileError(f"{self.path}: calibration of sensor {sensor_id!r} is unusable: {exc}") from None
        return replace(cal, sensor_id=sensor_id, source="stored")

    def all(self) -> dict[str, Calibration]:
        """Every usable stored calibration; an unusable entry is logged and left out."""
        result = {}
        for sensor_id, entry in self._read_raw().items():
            try:
                result[sensor_id] = replace(Calibration.from_dict(entry), sensor_id=sensor_id, source="stored")
            except PressureError as exc:
                log.warning("%s: skipping calibration of %r: %s", self.path, sensor_id, exc)
        return result

    def save(self, cal: Calibration) -> None:
        """Store ``cal`` under its sensor id, keeping every other sensor's entry as it was."""
        if not isinstance(cal, Calibration):
            raise TypeError(f"expected a Calibration, got {type(cal).__name__}")
        if not cal.sensor_id:
            raise PressureError("this calibration has no sensor id, so it cannot be kept for the sensor")
        try:
            sensors = dict(self._read_raw())
        except CalibrationFileError as exc:
            backup = self.path.with_name(f"{self.path.name}.corrupt-{datetime.now():%Y%m%d-%H%M%S-%f}")
            os.replace(self.path, backup)
            log.warning("%s; kept it as %s and starting a new file", exc, backup)
            sensors = {}
        entry = cal.to_dict()
        previous = sensors.get(cal.sensor_id)
        if entry["source"] == "stored" and isinstance(previous, dict) and previous.get("source") in SOURCES:
            entry["source"] = previous["source"]  # keep how it was made, not that it was loaded
        sensors[cal.sensor_id] = entry
        doc = {"format": FILE_FORMAT, "version": FILE_VERSION, "sensors": sensors}
        self._write_atomic(json.dumps(doc, indent=2, sort_keys=True) + "\n")

    def _write_atomic(self, text: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".calibrations-", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
