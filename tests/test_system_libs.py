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
