"""What the window's File menu does: pick a sensor, calibrate it, edit the settings.

Kept apart from ``main_window`` (which draws frames and maps keys) so each stays small; every
function takes the window and uses only its public parts (pipeline, settings, status, trace).
"""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QMessageBox

from ..errors import PressureError

log = logging.getLogger(__name__)


def current_sensor(window) -> str:
    """The URL of the sensor the window reads now, or SIMULATOR for the built-in one."""
    from .dialogs import SIMULATOR

    from ..session.source import SIMULATOR_NAME

    source = window.pipeline.source
    if source.sensor == SIMULATOR_NAME:
        return SIMULATOR
    return str(source.url or SIMULATOR)


def choose_sensor(window, message: str = "") -> None:
    """File > Sensor (and the first start): the connection wizard, then a session on the
    chosen sensor. ``message`` says why the wizard opened by itself."""
    from .connect_wizard import SIMULATOR, ConnectWizard

    current = current_sensor(window)
    wizard = ConnectWizard(window, current, message=message)
    accepted = wizard.exec()
    if window.settings is not None:
        window.settings.set("wizard/seen", True)
    if not accepted:
        return
    choice = wizard.choice()
    url = choice.url
    if window.session_factory is None or url == current:
        return  # the sensor in use: the session goes on
    describe = "the built-in simulated sensor" if current == SIMULATOR else current
    if url != SIMULATOR:
        from .. import transport

        try:  # say why now, instead of a new session that waits forever
            transport.open_port(url, baudrate=choice.reader_options["baudrate"]).close()
        except PressureError as exc:
            QMessageBox.warning(window, "Sensor", f"{exc}\nStill reading {describe}.")
            return
    try:
        session = window.session_factory(url, record=window.session.recording_path is not None,
                                         reader_options=choice.reader_options)
    except PressureError as exc:
        QMessageBox.warning(window, "Sensor", str(exc))
        return
    window.replace_session(session)
    if window.settings is not None:
        window.settings.set("sensor/port", "" if url == SIMULATOR else url)
        window.settings.set("sensor/kind", choice.kind)
        window.settings.set("sensor/baud", int(choice.reader_options["baudrate"]) if choice.reader_options else 0)


def calibrate(window) -> None:
    from ..session.zero_watch import range_in_newtons
    from .calibration_parts import steady_measure, stored_calibration
    from .calibration_wizard import CalibrationDialog

    source = window.pipeline.source
    if not source.can_tare:
        QMessageBox.information(window, "Calibration", "Calibration needs a live sensor.")
        return
    try:
        calibration = source.current_calibration()
    except PressureError:  # not calibrated yet: start from an identity scale for this sensor
        from ..calibration import Calibration

        calibration = Calibration(sensor_id=source.sensor_id())
    dialog = CalibrationDialog(window, calibration, steady_measure(window), window.pipeline.unit,
                               window.pipeline.area_cm2, device=source.device_calibration(),
                               stored=stored_calibration(source.sensor_id()),
                               range_n=range_in_newtons(window.pipeline, window.trace.y_range[1]))
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
            window.change_routine(window.pipeline.routine.converted(unit, area))  # the step goes on
        except PressureError as exc:
            QMessageBox.warning(window, "Calibration", str(exc))
            return
        if window.settings is not None:
            window.settings.set("display/unit", unit)
            window.settings.set("display/area_cm2", area or 0.0)

def edit_settings(window) -> None:
    """File > Settings on ``window``: show what runs, apply what was changed, save the choices."""
    from ..filters import FILTERS, make_filter
    from ..routine import BUILTIN_ROUTINES
    from .settings import DEFAULTS
    from .settings_dialog import SettingsDialog

    s = window.settings
    get = s.get if s is not None else DEFAULTS.__getitem__
    p = window.pipeline
    current_filter = p.filter.name
    dialog = SettingsDialog(
        window, filters=FILTERS, filter_name=current_filter, strength=get("filter/strength"),
        routines=BUILTIN_ROUTINES, routine_name=get("routine/name"), unit=p.unit,
        target=get("routine/target") or 30.0, tolerance=get("routine/tolerance"), hold=get("routine/hold"),
        ceiling=get("routine/ceiling"), window_seconds=window.trace.window_seconds,
        y_max=window.y_max, record=get("record/enabled"), error_tone=window.error_tone,
        current=p.routine, area_cm2=p.area_cm2)
    if not dialog.exec():
        return
    v = dialog.values()
    try:
        params = {} if v["filter/strength"] < 0 else {"strength": v["filter/strength"]}
        if (v["filter/name"], v["filter/strength"]) != (current_filter, get("filter/strength")):
            p.set_filter(make_filter(v["filter/name"], **params))
        routine = dialog.chosen_routine()
    except PressureError as exc:
        QMessageBox.warning(window, "Settings", str(exc))
        return
    if routine is not p.routine:
        window.change_routine(routine)  # a new ceiling or target: the running step goes on
    window.trace.window_seconds = v["display/window_seconds"]
    window.y_max = v["display/y_max"]
    window.error_tone = v["sound/error_tone"]
    window._apply_routine_look()
    if s is None:
        return
    record_was = s.get("record/enabled")
    for key, value in v.items():
        if not key.startswith("routine/"):
            s.set(key, value)
    if dialog.routine_changed():
        _save_routine(window, dialog, routine, v)
    if v["record/enabled"] != record_was and v["record/enabled"] != bool(window._recording_path):
        window.status.showMessage("recording on/off applies from the next session", 5000)


def _save_routine(window, dialog, routine, v) -> None:
    """The next start runs what OK applied: a single hold's fields or a built-in's name; a
    routine the settings cannot name (a file's, or a built-in with another ceiling) runs in
    this session only, and the status bar says so."""
    from .settings_dialog import CURRENT, SINGLE

    s, data = window.settings, dialog.routine.currentData()
    if data == SINGLE:
        for key in ("routine/name", "routine/target", "routine/tolerance", "routine/hold", "routine/ceiling"):
            s.set(key, v[key])
    elif data != CURRENT and routine == dialog.selected_routine():
        s.set("routine/name", data)
    else:
        window.status.showMessage("this routine and ceiling apply to this session only", 6000)
