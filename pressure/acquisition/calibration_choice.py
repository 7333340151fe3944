"""Which calibration turns a sensor's readings into newtons, and why that one.

In order: the one the caller gave; the one stored for the sensor's serial number; the device's
own ``counts_per_n`` from its ``#ID`` reply; a plain unit conversion for sensors that send
force units; else none (raw counts pass as they are, and the stats say so).
"""

from __future__ import annotations

import logging
import threading

import numpy as np

from ..errors import PressureError
from ..samples import FORCE_UNITS

log = logging.getLogger(__name__)


class CalibrationChoice:
    """The calibration in use and where it came from ("given", "store", "device", "unit", "")."""

    def __init__(self, url: str, given=None, store=None) -> None:
        self.url = url
        self.store = store
        self._lock = threading.Lock()
        self._cal = given
        self._source = "given" if given is not None else ""
        self._device_serial: str | None = None  # the serial the device gave in its '#ID'

    @property
    def calibration(self):
        with self._lock:
            return self._cal

    @property
    def source(self) -> str:
        with self._lock:
            return self._source

    def give(self, cal) -> None:
        """The caller's calibration (None: choose one again at the next ``#ID``)."""
        with self._lock:
            self._cal, self._source = cal, ("given" if cal is not None else "")

    def resolve(self, info: dict | None, unit: str | None, usb_serial: str | None) -> str:
        """Pick the calibration when none was given; returns the sensor's id."""
        from .. import calibration as calmod

        info = info or {}
        sensor_id = info.get("serial") or usb_serial or self.url
        given = self.source == "given"
        serial = info.get("serial")
        if serial and self._device_serial and serial != self._device_serial:
            log.warning("%s: another sensor answers now (%s, was %s)%s", self.url, serial,
                        self._device_serial, "; keeping the calibration in use" if given else "")
        if serial:
            self._device_serial = serial
        if given:
            return sensor_id
        cal, source = None, ""
        store = self.store if self.store is not None else calmod.CalibrationStore()
        try:
            cal = store.load(sensor_id)
        except PressureError as exc:
            log.warning("stored calibration for %s unusable: %s", sensor_id, exc)
            cal = None
        if cal is not None:
            source = "store"
        elif "counts_per_n" in info:
            try:
                cal, source = calmod.from_device(info, sensor_id=sensor_id), "device"
            except PressureError as exc:
                log.warning("device calibration of %s unusable: %s", sensor_id, exc)
        if cal is None and unit is not None and unit != "counts":
            cal, source = calmod.default_for_unit(unit, sensor_id=sensor_id), "unit"
        with self._lock:
            if self._source != "given":  # the caller may have given one meanwhile
                self._cal, self._source = cal, source
        return sensor_id

    def force_n(self, value: np.ndarray, unit: str) -> tuple[np.ndarray, bool]:
        """Readings in ``unit`` -> newtons, and whether they are calibrated."""
        cal = self.calibration
        if cal is None:
            if unit == "counts":
                return value.copy(), False  # uncalibrated: stats say so; counts pass as they are
            return value * FORCE_UNITS[unit], True
        raw_unit = getattr(cal, "raw_unit", unit)
        if unit != raw_unit and unit in FORCE_UNITS and raw_unit in FORCE_UNITS:
            value = value * (FORCE_UNITS[unit] / FORCE_UNITS[raw_unit])
        return np.asarray(cal.apply(value), dtype=np.float64), True
