"""A recording's metadata, built in one place for the window, ``record`` and ``stream``.

The file starts with what is known when it is created (routine, unit, filter, labels, where the
samples come from) and learns the sensor's identity and calibration once the device has told
them (:func:`sensor_meta`, compared again a few times a second by the recorder).
"""

from __future__ import annotations

from ..recording import LABEL_KEYS


def _calibration_dict(cal):
    return cal.to_dict() if cal is not None else None  # a reader may have no calibration yet


def sensor_block(reader, fmt: str | None = None) -> dict:
    """The ``sensor`` entry: identity, address, wire format and the rate the device announced."""
    stats = reader.stats()
    info = dict(stats.device_info or {})
    try:
        rate = float(info["rate"]) if "rate" in info else None
    except (TypeError, ValueError):
        rate = None
    stated = stats.format
    return {"id": stats.sensor_id, "url": str(reader.url or ""),
            "format": stated if stated and stated != "auto" else (fmt or stated),
            "rate_hz": rate, "device_info": info}


def sensor_meta(reader, fmt: str | None = None) -> dict:
    """What the recording says about the sensor: its identity and the calibration in use
    (a tare changes it, and the recording notes that)."""
    return {"sensor": sensor_block(reader, fmt), "calibration": _calibration_dict(reader.calibration)}


def session_meta(*, routine=None, filt, unit: str, area_cm2=None, labels=None, source: str = "sensor",
                 url: str = "", reader=None, fmt: str | None = None) -> dict:
    """The metadata a new live recording starts with (``source``: sensor or simulator)."""
    meta = {
        "kind": "live",
        "sensor": {"id": None, "url": url, "format": fmt, "rate_hz": None, "device_info": {}},
        "calibration": None,
        "unit": unit,
        "area_cm2": area_cm2,
        "routine": routine.to_dict() if routine is not None else None,
        "filter": filt.describe(),
        "labels": {**{k: "" for k in LABEL_KEYS}, **dict(labels or {})},
        "source": source,
    }
    if reader is not None:
        meta.update(sensor_meta(reader, fmt))
        meta["sensor"]["url"] = url or meta["sensor"]["url"]
    return meta
