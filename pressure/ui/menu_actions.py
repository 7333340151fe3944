"""What the window's File menu does: pick a sensor, calibrate it, edit the settings.

Kept apart from ``main_window`` (which draws frames and maps keys) so each stays small; every
function takes the window and uses only its public parts (pipeline, settings, status, trace).
"""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QMessageBox

from ..errors import PressureError
from .settings import DEFAULTS

log = logging.getLogger(__name__)


def current_sensor(window) -> str:
    """The URL of the sensor the window reads now, or SIMULATOR for the built-in one."""
    from .dialogs import SIMULATOR

    from ..session.source import SIMULATOR_NAME

    source = window.pipeline.source
    if source.sensor == SIMULATOR_NAME:
        return SIMULATOR
    return str(source.url or SIMULATOR)


def choose_sensor(window) -> None:
    from .dialogs import SIMULATOR, PortDialog

    current = current_sensor(window)
    dialog = PortDialog(window, current)
    if not dialog.exec():
        return
    url = dialog.url()
    if window.session_factory is None or url == current:
        return  # OK on the sensor in use: the session goes on
    if url != SIMULATOR:
        from .. import transport

        try:  # say why now, instead of a new session that waits forever
            transport.open_port(url).close()
        except PressureError as exc:
            QMessageBox.warning(window, "Sensor", f"{exc}\nStill reading {dialog.describe(current)}.")
            return
    try:
        pipeline, recording_path = window.session_factory(url)
    except PressureError as exc:
        QMessageBox.warning(window, "Sensor", str(exc))
        return
    window.replace_pipeline(pipeline, recording_path)
    if window.settings is not None:
        window.settings.set("sensor/port", "" if url == "sim" else url)



def calibrate(window) -> None:
    from .dialogs import CalibrationDialog

    source = window.pipeline.source
    if not source.can_tare:
        QMessageBox.information(window, "Calibration", "Calibration needs a live sensor.")
        return
    try:
        calibration = source.current_calibration()
    except PressureError:  # not calibrated yet: start from an identity scale for this sensor
        from ..calibration import Calibration

        calibration = Calibration(sensor_id=source.sensor_id())
    dialog = CalibrationDialog(window, calibration, window.pipeline.raw_mean, window.pipeline.unit,
                               window.pipeline.area_cm2)
    if not dialog.exec():
        return
    if dialog.result_calibration is not None:
        try:
            source.set_calibration(dialog.result_calibration)
        except PressureError as exc:
            QMessageBox.warning(window, "Calibration", str(exc))
            return
    unit, area = dialog.unit.currentText(), dialog.area_cm2()
    if (unit, area) != (window.pipeline.unit, window.pipeline.area_cm2):
        try:
            window.set_routine(window.pipeline.routine.converted(unit, area))
        except PressureError as exc:
            QMessageBox.warning(window, "Calibration", str(exc))
            return
        if window.settings is not None:
            window.settings.set("display/unit", unit)
            window.settings.set("display/area_cm2", area or 0.0)

def edit_settings(window) -> None:
    from ..filters import FILTERS, make_filter
    from ..routine import BUILTIN_ROUTINES
    from .dialogs import SettingsDialog

    s = window.settings
    get = s.get if s is not None else DEFAULTS.__getitem__
    current_filter = window.pipeline.filter.name
    dialog = SettingsDialog(
        window, filters=FILTERS, filter_name=current_filter, strength=get("filter/strength"),
        routines=BUILTIN_ROUTINES, routine_name=get("routine/name"), unit=window.pipeline.unit,
        target=get("routine/target") or 30.0, tolerance=get("routine/tolerance"), hold=get("routine/hold"),
        ceiling=get("routine/ceiling"), window_seconds=window.trace.window_seconds,
        y_max=window.y_max, record=get("record/enabled"), error_tone=window.error_tone)
    if not dialog.exec():
        return
    v = dialog.values()
    try:
        params = {} if v["filter/strength"] < 0 else {"strength": v["filter/strength"]}
        if (v["filter/name"], v["filter/strength"]) != (current_filter, get("filter/strength")):
            window.pipeline.set_filter(make_filter(v["filter/name"], **params))
        if v["routine/name"]:
            if v["routine/name"] != get("routine/name"):
                window.load_routine(v["routine/name"])
        else:
            from ..routine import single_hold

            ceiling = v["routine/ceiling"] or None
            window.set_routine(single_hold(v["routine/target"], v["routine/tolerance"], v["routine/hold"],
                                         ceiling=ceiling, unit=window.pipeline.unit,
                                         area_cm2=window.pipeline.area_cm2))
    except PressureError as exc:
        QMessageBox.warning(window, "Settings", str(exc))
        return
    window.trace.window_seconds = v["display/window_seconds"]
    window.y_max = v["display/y_max"]
    window.error_tone = v["sound/error_tone"]
    window._apply_routine_look()
    if s is not None:
        for key, value in v.items():
            s.set(key, value)
        if v["record/enabled"] != bool(window._recording_path):
            window.status.showMessage("recording on/off applies from the next session", 5000)
