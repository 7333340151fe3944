"""Window settings persist in an INI file under PRESSURE_HOME; damaged values fall back safely."""

from pressure.ui.settings import DEFAULTS, Settings, settings_path


def test_settings_live_under_pressure_home(pressure_home):
    assert str(settings_path()).startswith(str(pressure_home))
    s = Settings()
    s.set("display/window_seconds", 45.0)
    s.set("record/enabled", False)
    s.set("routine/name", "steady")
    s.sync()
    again = Settings()
    assert again.get("display/window_seconds") == 45.0
    assert again.get("record/enabled") is False
    assert again.get("routine/name") == "steady"
    assert settings_path().is_file()


def test_defaults_when_nothing_is_saved():
    s = Settings()
    for key, default in DEFAULTS.items():
        assert s.get(key) == default


def test_hand_edited_nonsense_falls_back_to_defaults(pressure_home):
    path = settings_path()
    path.write_text("[display]\nwindow_seconds=lots\ny_max=-5\n[record]\nenabled=perhaps\n"
                    "[filter]\nstrength=7\n")
    s = Settings()
    assert s.get("display/window_seconds") == DEFAULTS["display/window_seconds"]
    assert s.get("display/y_max") == DEFAULTS["display/y_max"]
    assert s.get("record/enabled") == DEFAULTS["record/enabled"]
    assert s.get("filter/strength") == DEFAULTS["filter/strength"]


def test_window_remembers_the_trace_length(qtbot):
    from pressure.filters import make_filter
    from pressure.routine import single_hold
    from pressure.ui.main_window import MainWindow
    from pressure.session.pipeline import Pipeline
    from pressure.session.scripted import ManualClock, ScriptedSource

    clock = ManualClock()
    settings = Settings()
    window = MainWindow(Pipeline(ScriptedSource(clock), single_hold(10.0), make_filter("none"), clock=clock),
                        settings=settings, window_seconds=20.0)
    qtbot.addWidget(window)
    window.step_window(+1)
    window.close()
    assert Settings().get("display/window_seconds") == window.trace.window_seconds > 20.0
