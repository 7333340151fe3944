"""``live`` (the default command): the live feedback window on a sensor or the built-in simulator.

Every option is checked before anything starts: a bad routine file, a bad tolerance or an
unwritable screenshot path is one clear ``pressure: error: ...`` line and a non-zero exit,
never a half-open window. Options given on the command line win over the saved settings;
what is not given comes from the settings of the last run.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from ..errors import PressureError
from ..samples import DISPLAY_UNITS
from . import _arg_types as arg_types
from ._classroom_options import add_classroom_options, station_from_args
from ._label_options import add_label_option, parse_labels

log = logging.getLogger(__name__)

DEFAULT_ROUTINE = "ischemic"
MIN_WINDOW_S, MAX_WINDOW_S = 2.0, 120.0  # the trace history keeps 2 min at 2000 S/s


def register(sub) -> None:
    from ._routine_options import add_routine_options
    from ._sensor_options import add_sensor_options

    p = sub.add_parser(
        "live", help="the live feedback window (default; without --port: the built-in simulator)",
        description="Open the live feedback window. Without --port it runs on the built-in "
                    "simulated sensor, so it can be tried with no hardware.",
        epilog="keys: Space next step (foot pedal) · T tare · M, 1-4 markers · P pain threshold · "
               "S mute · F11 fullscreen · Esc leave fullscreen · +/- trace length",
    )
    add_sensor_options(p)
    p.add_argument("--sim-profile", default=None, metavar="NAME",
                   help="built-in simulator: what the simulated practitioner presses "
                        "(default: fits the routine; see `sim --help`)")
    p.add_argument("--sim-faults", default="", metavar="SPEC", help="built-in simulator: faults (see `sim --help`)")
    add_routine_options(p)
    p.set_defaults(unit=None)  # no --unit: the saved display unit, else the routine's own unit
    for action in p._actions:  # the shared option's help does not know about the saved unit
        if action.dest == "unit":
            action.help = ("display unit: %s (default: the unit saved from the window's settings, "
                           "else the routine's own, else N)" % ", ".join(DISPLAY_UNITS))
    p.add_argument("--filter", default=None, metavar="NAME", help="smoothing filter (default: the saved one, else one_euro_lead: the 1€ filter with a bounded lead)")
    p.add_argument("--strength", type=float, default=None, metavar="0..1",
                   help="filter strength, 0 light .. 1 heavy (default: the filter's own settings)")
    p.add_argument("--window", type=arg_types.seconds, default=None, metavar="SECONDS",
                   help="length of the scrolling trace (default: saved, else 20)")
    p.add_argument("--y-max", type=arg_types.display_value, default=None, metavar="VALUE",
                   help="top of the fixed vertical range in the display unit (default: from the routine)")
    p.add_argument("--no-record", action="store_true", help="do not record this session")
    add_label_option(p)
    add_classroom_options(p)
    p.add_argument("--no-sound", action="store_true", help="no sound cues")
    p.add_argument("--screenshot", type=Path, default=None, metavar="FILE.png",
                   help="save a PNG of the window when --seconds have passed, then exit")
    p.add_argument("--seconds", type=arg_types.seconds, default=None, metavar="N",
                   help="quit after N seconds (with --screenshot: take it then)")
    p.add_argument("--fullscreen", action="store_true", help="start fullscreen (F11 toggles)")
    p.set_defaults(func=run)


def _check_screenshot(path: Path | None, seconds: float | None) -> None:
    if path is None:
        return
    if path.suffix.lower() != ".png":
        raise PressureError(f"--screenshot {path}: the file name must end in .png")
    if not path.parent.exists() or not path.parent.is_dir():
        raise PressureError(f"--screenshot {path}: folder {path.parent} does not exist")
    if seconds is None:
        raise PressureError("--screenshot needs --seconds N (when to take it)")


def routine_and_filter(args, settings):
    """The routine and filter the options (else the settings, else the defaults) ask for."""
    from ..filters import DEFAULT_FILTER, FILTERS
    from ..routine import get_routine, single_hold
    from ._routine_options import display_unit_from_args, routine_from_args

    given_unit, given_area = args.unit, args.area
    saved_unit = settings.get("display/unit") if settings and args.unit is None else ""
    saved_area = settings.get("display/area_cm2") if settings else 0.0

    def choose_unit(use_saved: bool) -> None:
        args.unit, args.area = given_unit, given_area
        if args.unit is not None:
            return
        if use_saved:
            args.unit = saved_unit
            if args.area is None and saved_area > 0:
                args.area = str(saved_area)
        elif args.routine is not None:  # a PPT routine written in kPa stays in kPa
            own = get_routine(args.routine)
            args.unit = own.unit
            if args.area is None and own.area_cm2:
                args.area = str(own.area_cm2)
        else:
            args.unit = "N"

    choose_unit(bool(saved_unit))
    try:
        routine = routine_from_args(args)
        if saved_unit and routine is None:
            display_unit_from_args(args)
    except PressureError as exc:
        if not saved_unit:
            raise
        # The saved unit (e.g. kPa with display/area_cm2 = 0) is what failed, not an option
        # anybody typed: say which setting is ignored and go on with the routine's unit.
        _ignored(args, "display/unit", saved_unit, _unit_problem(saved_unit, exc))
        saved_unit = ""
        choose_unit(False)
        routine = routine_from_args(args)
    if routine is None:
        unit, area = display_unit_from_args(args)
        saved = settings.get("routine/name") if settings else ""
        target = settings.get("routine/target") if settings else 0.0
        try:
            if saved:  # a name; a path only as the window's file dialog saves one (absolute .toml)
                routine = get_routine(saved, path_ok=saved.startswith("/") and saved.lower().endswith(".toml"))
            elif target > 0:
                routine = single_hold(target, settings.get("routine/tolerance") or "10%",
                                      settings.get("routine/hold") or 60.0,
                                      ceiling=settings.get("routine/ceiling") or None, unit=unit, area_cm2=area)
            else:
                routine = get_routine(DEFAULT_ROUTINE)
        except PressureError as exc:  # a saved routine file that is gone or broken: say so, go on
            log.warning("saved routine unusable (%s); using %s", exc, DEFAULT_ROUTINE)
            routine = get_routine(DEFAULT_ROUTINE)
        if (unit, area) != (routine.unit, routine.area_cm2) and (unit != "N" or area is not None):
            routine = routine.converted(unit, area)
    from ..filters import make_filter

    saved_filter = (settings.get("filter/name") if settings else "") if args.filter is None else ""
    if saved_filter and saved_filter not in FILTERS:
        _ignored(args, "filter/name", saved_filter, "no such filter")
        saved_filter = ""
    name = args.filter or saved_filter or DEFAULT_FILTER[0]
    if name not in FILTERS:
        raise PressureError(f"unknown filter {name!r}; choose one of {', '.join(FILTERS)}")

    def default_params() -> dict:
        return dict(DEFAULT_FILTER[1]) if name == DEFAULT_FILTER[0] else {}

    if args.strength is not None:
        params = {"strength": args.strength}
    elif args.filter is None and settings and settings.get("filter/strength") >= 0:
        params = {"strength": settings.get("filter/strength")}
        try:
            make_filter(name, **params)
        except PressureError as exc:
            _ignored(args, "filter/strength", params["strength"], exc)
            params = default_params()
    else:
        params = default_params()
    make_filter(name, **params)  # check now, before anything starts
    return routine, name, params


def _unit_problem(unit: str, exc: Exception) -> str:
    from ..samples import is_pressure_unit, normalize_unit

    try:
        pressure = is_pressure_unit(normalize_unit(unit))
    except PressureError:
        return f"not a unit; one of {', '.join(DISPLAY_UNITS)}"
    return "a pressure needs display/area_cm2 greater than 0" if pressure else str(exc)


def _ignored(args, key: str, value, why) -> None:
    """A value in window.ini that cannot be used: one line naming it (on stderr, and in the
    window's status bar: ``args.ignored_settings``), then the default."""
    log.warning("setting %s=%s in window.ini ignored (%s); using the default", key, value, why)
    args.__dict__.setdefault("ignored_settings", []).append(f"{key}={value} ({why})")


def run(args) -> int:
    from ..session.live import SessionConfig, open_session
    from ..ui.app import run_live
    from ..ui.settings import Settings
    from ._sensor_options import check_sensor_args, reader_from_args

    if args.port:
        check_sensor_args(args)
        if args.sim_profile or args.sim_faults:
            raise PressureError("--sim-profile and --sim-faults apply to the built-in simulator (no --port)")
    elif args.sim_profile is not None:
        from firmware_sim.model import PROFILES

        if args.sim_profile not in PROFILES:
            raise PressureError(f"unknown --sim-profile {args.sim_profile!r}; choose one of {', '.join(PROFILES)}")
    _check_screenshot(args.screenshot, args.seconds)
    from ..system_libs import require_window

    require_window()  # before a sensor is opened or a recording begun
    labels = parse_labels(args.label)
    station = station_from_args(args, labels)  # --classroom: this station publishes to the class
    # Settings are read without a QApplication (QSettings on an INI file needs none).
    # A screenshot run (offscreen, fixed size) must not become the next real run's window.
    settings = Settings(persist=args.screenshot is None)
    routine, filter_name, filter_params = routine_and_filter(args, settings)
    window = args.window or settings.get("display/window_seconds")
    if args.window is None and not MIN_WINDOW_S <= window <= MAX_WINDOW_S:
        _ignored(args, "display/window_seconds", window, f"not between {MIN_WINDOW_S:g} and {MAX_WINDOW_S:g} s")
        window = 20.0  # ui.settings DEFAULTS["display/window_seconds"]
    if not MIN_WINDOW_S <= window <= MAX_WINDOW_S:
        raise PressureError(f"--window must be between {MIN_WINDOW_S:g} and {MAX_WINDOW_S:g} seconds, not {window:g}")
    record = not args.no_record and bool(settings.get("record/enabled"))

    # Without --port a window someone works in opens on the sensor chosen last time (File >
    # Sensor), with its kind and baud rate; the first start opens the connection wizard.
    interactive = args.seconds is None and args.screenshot is None
    saved_port = settings.get("sensor/port") if args.port is None and interactive else ""
    wizard = "" if interactive and args.port is None and not settings.get("wizard/seen") else None

    def make_reader(url, buffer):
        if saved_port and url == saved_port:
            from ..acquisition import Reader
            from ..sensor_kinds import saved_reader_options

            options = saved_reader_options(settings.get("sensor/kind"), settings.get("sensor/baud"))
            return Reader(url, buffer, **options)
        if args.port is None:  # the built-in simulator speaks the project's own protocol
            args_for_sim = argparse.Namespace(**{**vars(args), "port": url, "format": "pressure"})
            return reader_from_args(args_for_sim, buffer)
        return reader_from_args(argparse.Namespace(**{**vars(args), "port": url}), buffer)

    config = SessionConfig(routine=routine, filter_name=filter_name, filter_params=filter_params,
                           record=record, labels=labels, sim_profile=args.sim_profile,
                           make_reader=make_reader, sim_faults=args.sim_faults, station=station, fmt=args.format)
    try:
        try:
            session = open_session(args.port or saved_port or None, config)
        except PressureError as exc:
            if not saved_port:
                raise
            # the sensor of the last session is not plugged in: say so in the wizard, meanwhile
            # the simulator (the window says "simulated") rather than no window at all
            wizard = f"The sensor used last time did not open ({exc}). Plug it in and choose it, or choose another."
            session = open_session(None, config)
    except BaseException:
        if station is not None:
            station.close()
        raise
    if session.recording_path:
        log.info("recording to %s", session.recording_path)
    try:
        return run_live(session, config, window_seconds=window,
                        y_max=args.y_max or settings.get("display/y_max"), seconds=args.seconds,
                        screenshot=args.screenshot, fullscreen=args.fullscreen, settings=settings,
                        sound=not args.no_sound, error_tone=bool(settings.get("sound/error_tone")),
                        wizard=wizard, notes=getattr(args, "ignored_settings", []))
    finally:  # whatever happened in the window: the session is closed (the window's may differ)
        session.close()
