"""tools/check_system_libs.py: the one line that installs what Qt's window needs on Linux."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("check_system_libs", ROOT / "tools" / "check_system_libs.py")
check = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check)

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
    assert "libpulse0" in readme and "make run" in (ROOT / "Makefile").read_text()
    assert "check_system_libs.py" in (ROOT / "Makefile").read_text()


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
