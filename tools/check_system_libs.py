"""Before ``make run``: are the system libraries Qt's window needs installed? (Linux only.)

PySide6's wheels bring Qt but not the X11/xcb, EGL and font libraries of the system; without
``libxcb-cursor0`` for example the window aborts with "could not load the Qt platform plugin
xcb". This looks each library up in the linker cache (``ldconfig -p``) and, if some are
missing, prints the one command that installs them (apt or dnf) and exits 1. macOS and Windows
need nothing. Sound (libpulse) is optional: its absence is one note, not an error.
Standard library only: it runs before the virtual environment exists.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

# soname -> (Debian/Ubuntu package, Fedora package): what Qt's xcb platform plugin links to.
REQUIRED = {
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb"),
    "libxcb-xkb.so.1": ("libxcb-xkb1", "libxcb"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11"),
    # the rest of what `ldd libqxcb.so libQt6XcbQpa.so.6` lists (PySide6 6.11): usually present
    # with X11, but each is a package of its own that a minimal image can lack
    "libxcb-randr.so.0": ("libxcb-randr0", "libxcb"),
    "libxcb-render.so.0": ("libxcb-render0", "libxcb"),
    "libxcb-shm.so.0": ("libxcb-shm0", "libxcb"),
    "libxcb-sync.so.1": ("libxcb-sync1", "libxcb"),
    "libxcb-xfixes.so.0": ("libxcb-xfixes0", "libxcb"),
    "libxcb-util.so.1": ("libxcb-util1", "xcb-util"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon"),
    "libEGL.so.1": ("libegl1", "libglvnd-egl"),
    "libGL.so.1": ("libgl1", "libglvnd-glx"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs"),
}
OPTIONAL = {"libpulse.so.0": ("libpulse0", "pulseaudio-libs")}  # sound cues


def installed_sonames(ldconfig_output: str) -> set[str]:
    """The library names in ``ldconfig -p`` output ("\tlibEGL.so.1 (libc6,x86-64) => ...")."""
    return {line.split()[0] for line in ldconfig_output.splitlines()[1:] if line.strip()}


def missing(sonames: set[str], wanted: dict) -> list[str]:
    return [name for name in wanted if name not in sonames]


def install_line(names: list[str], manager: str, wanted: dict) -> str:
    """The one command that installs the packages of ``names`` with ``manager`` (apt or dnf)."""
    column = 1 if manager == "dnf" else 0
    packages = sorted({wanted[name][column] for name in names})
    if manager == "dnf":
        return "sudo dnf install -y " + " ".join(packages)
    return "sudo apt-get install -y " + " ".join(packages)


def package_manager() -> str:
    return "dnf" if shutil.which("dnf") and not shutil.which("apt-get") else "apt"


def main() -> int:
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        return 0
    try:
        out = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        try:  # not on PATH for ordinary users on some distributions
            out = subprocess.run(["/sbin/ldconfig", "-p"], capture_output=True, text=True, timeout=20).stdout
        except (OSError, subprocess.SubprocessError):
            print("pressure: cannot run ldconfig to check the system libraries; trying anyway", file=sys.stderr)
            return 0
    have = installed_sonames(out)
    manager = package_manager()
    quiet = missing(have, OPTIONAL)
    if quiet:
        print(f"pressure: note: no sound cues without {', '.join(quiet)}: {install_line(quiet, manager, OPTIONAL)}",
              file=sys.stderr)
    lacking = missing(have, REQUIRED)
    if lacking:
        print(f"pressure: the window needs system libraries that are missing ({', '.join(lacking)}); "
              f"install them with:\n  {install_line(lacking, manager, REQUIRED)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
