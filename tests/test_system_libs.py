"""pressure/system_libs.py: before Qt loads, one line says why no window can open (no display,
or the system libraries Qt's xcb plugin needs, with the line that installs them)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pressure import system_libs as check

ROOT = Path(__file__).resolve().parents[1]

LDCONFIG = "3 libs found in cache `/etc/ld.so.cache'\n" + "".join(
    f"\t{name} (libc6,x86-64) => /lib/x86_64-linux-gnu/{name}\n"
    for name in check.REQUIRED if name not in ("libxcb-cursor.so.0", "libEGL.so.1"))


def test_missing_libraries_give_one_apt_line_and_one_dnf_line():
    have = check.installed_sonames(LDCONFIG)
    lacking = check.missing(have, check.REQUIRED)
    assert lacking == ["libxcb-cursor.so.0", "libEGL.so.1"]
    assert check.install_line(lacking, "apt", check.REQUIRED) == "sudo apt-get install -y libegl1 libxcb-cursor0"
    assert check.install_line(lacking, "dnf", check.REQUIRED) == "sudo dnf install -y libglvnd-egl xcb-util-cursor"


def test_everything_present_is_nothing_missing():
    have = check.installed_sonames(LDCONFIG) | {"libxcb-cursor.so.0", "libEGL.so.1"}
    assert check.missing(have, check.REQUIRED) == []


def test_readme_apt_line_installs_every_required_package():
    readme = (ROOT / "README.md").read_text()
    apt = next(line for line in readme.splitlines() if line.startswith("sudo apt-get install"))
    dnf = next(line for line in readme.splitlines() if line.startswith("sudo dnf install"))
    for deb, rpm in check.REQUIRED.values():
        assert deb in apt.split() and rpm in dnf.split()
    assert "libpulse0" in readme


def test_the_list_covers_what_the_installed_qt_window_plugin_links_to():
    """`ldd` of PySide6's xcb platform plugin: every X11/xcb/EGL/font/D-Bus library it needs is
    one the check looks for (a new PySide6 that links one more fails here, not on a user's desk)."""
    import shutil
    import subprocess
    import sys

    import pytest

    if not sys.platform.startswith("linux") or shutil.which("ldd") is None:
        pytest.skip("ldd and the xcb plugin are Linux things")
    import PySide6

    qt = Path(PySide6.__file__).parent / "Qt"
    files = [qt / "plugins" / "platforms" / "libqxcb.so", qt / "lib" / "libQt6XcbQpa.so.6"]
    if not all(f.exists() for f in files):
        pytest.skip("this PySide6 has no xcb plugin")
    out = subprocess.run(["ldd", *map(str, files)], capture_output=True, text=True, timeout=60).stdout
    linked = {line.split()[0] for line in out.splitlines() if "=>" in line}
    system = {n for n in linked if n.startswith(("libxcb", "libX11", "libxkbcommon", "libEGL", "libGL.",
                                                 "libfontconfig", "libdbus"))}
    assert "libxcb-cursor.so.0" in system  # the one whose absence aborted the window
    assert system - {"libxcb.so.1", "libX11.so.6"} <= set(check.REQUIRED), sorted(system - set(check.REQUIRED))


def test_no_display_is_said_as_such_and_headless_platforms_need_none():
    assert "no display" in check.display_problem({}, "linux")
    assert "QT_QPA_PLATFORM=offscreen" in check.display_problem({"QT_QPA_PLATFORM": "xcb"}, "linux")
    assert check.display_problem({"DISPLAY": ":0"}, "linux") == ""
    assert check.display_problem({"WAYLAND_DISPLAY": "wayland-0"}, "linux") == ""
    assert check.display_problem({"WAYLAND_DISPLAY": "wayland-0", "QT_QPA_PLATFORM": "xcb"}, "linux") != ""
    for platform in ("offscreen", "minimal", "vnc:size=800x600", "eglfs"):
        assert check.display_problem({"QT_QPA_PLATFORM": platform}, "linux") == ""
    assert check.display_problem({}, "darwin") == "" and check.display_problem({}, "win32") == ""


def test_the_xcb_libraries_matter_only_where_xcb_is_used():
    assert check.uses_xcb({"DISPLAY": ":0"}) and check.uses_xcb({"QT_QPA_PLATFORM": "xcb;wayland"})
    assert not check.uses_xcb({"WAYLAND_DISPLAY": "wayland-0"}) and not check.uses_xcb({"QT_QPA_PLATFORM": "offscreen"})


def _without_display(tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    return {**env, "PRESSURE_HOME": str(tmp_path / "home")}


def test_main_without_a_display_is_one_line_and_exit_1_before_anything_starts(tmp_path):
    """Qt's own answer was an abort (exit 134) about xcb-cursor0: the wrong thing to install."""
    if not sys.platform.startswith("linux"):
        import pytest

        pytest.skip("a display is a Linux (X11/Wayland) matter")
    proc = subprocess.run([sys.executable, str(ROOT / "main.py")], capture_output=True, text=True, timeout=60,
                          env=_without_display(tmp_path), cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("pressure: error: there is no display"), proc.stderr
    assert not list((tmp_path / "home").rglob("*.pressure"))  # no recording was begun


def test_the_tool_is_the_same_check(tmp_path):
    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "check_system_libs.py")], capture_output=True,
                          text=True, timeout=60, env=_without_display(tmp_path))
    assert proc.returncode == (1 if sys.platform.startswith("linux") else 0)
    assert "no display" in proc.stderr or not sys.platform.startswith("linux")
