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


class _Planted:
    """Pickled by PySide6 into QSettings; unpickling it creates the folder ``self.marker``."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        import os
        return (os.mkdir, (self.marker,))


def _plant_pickle(tmp_path, marker):
    """A window.ini with a geometry value the way PySide6's QSettings pickles Python objects."""
    from PySide6.QtCore import QSettings

    q = QSettings(str(settings_path()), QSettings.Format.IniFormat)
    q.setValue("window/geometry", _Planted(marker))
    q.setValue("display/window_seconds", 33.0)
    q.sync()
    del q
    assert "PyObjectWrapper" in settings_path().read_text()


def test_a_pickled_value_in_the_settings_file_never_runs(tmp_path):
    marker = tmp_path / "pwned"
    _plant_pickle(tmp_path, marker)
    s = Settings()
    assert s.get("window/geometry") == b""  # refused: the default
    assert s.get("display/window_seconds") == 33.0  # the rest is still read
    s.set("display/window_seconds", 40.0)
    s.sync()
    assert not marker.exists()
    assert "Variant" not in settings_path().read_text()
    # The planted file through Qt's own reader (a fresh process: Qt caches files) runs it.
    _plant_pickle(tmp_path, marker)
    import subprocess
    import sys
    subprocess.run([sys.executable, "-c", "import sys; from PySide6.QtCore import QSettings; "
                    "QSettings(sys.argv[1], QSettings.Format.IniFormat).value('window/geometry')",
                    str(settings_path())], check=False, capture_output=True, timeout=60)
    assert marker.exists()


def test_escaped_or_quoted_variants_are_refused_too(pressure_home):
    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('[window]\ngeometry="@Variant(\\0\\0)"\n[display]\nunit=@Variant(\\0)\n'
                    'y_max=@ByteArray(abc)\n')
    s = Settings()
    assert s.get("window/geometry") == b""
    assert s.get("display/unit") == ""
    assert s.get("display/y_max") == 0.0


def test_geometry_is_stored_as_plain_bytes_in_a_private_file(pressure_home):
    import stat

    geometry = bytes(range(256)) * 2
    s = Settings()
    s.set("window/geometry", geometry)
    s.sync()
    text = settings_path().read_text()
    assert "Variant" not in text and "Pickle" not in text
    assert Settings().get("window/geometry") == geometry
    assert stat.S_IMODE(settings_path().stat().st_mode) == 0o600


def test_a_screenshot_run_writes_no_settings(pressure_home):
    s = Settings(persist=False)
    s.set("window/geometry", b"small")
    s.set("display/window_seconds", 45.0)
    s.sync()
    assert not settings_path().exists()
    assert s.get("display/window_seconds") == 45.0


def test_hostile_ini_text_falls_back_to_defaults(pressure_home):
    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\xff\xfe[display\nwindow_seconds\n= = =\n[display]\n[display]\n")
    assert Settings().get("display/window_seconds") == DEFAULTS["display/window_seconds"]
    path.write_bytes(b"[window]\ngeometry=not base64!!\n")
    assert Settings().get("window/geometry") == b""
