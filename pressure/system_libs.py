"""Can a window open here? Asked before Qt loads, so the answer is one line, not a Qt abort.

Without a display Qt's xcb plugin aborts the process (SIGABRT, exit 134) with a message about
``libxcb-cursor0`` that sends people installing the wrong thing; without the X11/xcb libraries
of the system (PySide6's wheels bring Qt, not these) it aborts the same way. This module says
which of the two it is, and the one command that installs what is missing (apt or dnf).
Linux only: macOS and Windows bring what Qt needs. Standard library only (tools/ runs it too).
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

log = logging.getLogger(__name__)

# soname -> (Debian/Ubuntu package, Fedora package): what Qt's xcb platform plugin links to.
# packaging/build.py makes the .deb's Depends of the Debian names.
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

# Qt platforms that draw without a window system (QT_QPA_PLATFORM): no display, no xcb libraries.
OWN_DISPLAY = {"offscreen", "minimal", "minimalegl", "vnc", "eglfs", "linuxfb", "vkkhrdisplay"}


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


def _platforms(environ) -> list[str]:
    """The Qt platform names QT_QPA_PLATFORM asks for ("wayland;xcb", "vnc:size=800x600")."""
    value = environ.get("QT_QPA_PLATFORM", "")
    return [part.split(":")[0].strip().lower() for part in value.split(";") if part.strip()]


def display_problem(environ=None, platform: str | None = None) -> str:
    """Why no window can open for lack of a display ("" when one can, or Qt needs none)."""
    environ = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if not platform.startswith("linux"):
        return ""
    wanted = _platforms(environ)
    if wanted and wanted[0] in OWN_DISPLAY:
        return ""
    if environ.get("DISPLAY") or (environ.get("WAYLAND_DISPLAY") and wanted[:1] != ["xcb"]):
        return ""
    return ("there is no display to open the window on (DISPLAY is not set): start it from a desktop "
            "session, or headless with QT_QPA_PLATFORM=offscreen (e.g. with --seconds N --screenshot FILE.png)")


def uses_xcb(environ) -> bool:
    wanted = _platforms(environ)
    if wanted:
        return wanted[0] == "xcb"
    return not environ.get("WAYLAND_DISPLAY")  # Qt prefers Wayland where a Wayland session runs


def _ldconfig() -> str | None:
    for exe in ("ldconfig", "/sbin/ldconfig"):  # not on PATH for ordinary users on some systems
        try:
            return subprocess.run([exe, "-p"], capture_output=True, text=True, timeout=20).stdout
        except (OSError, subprocess.SubprocessError):
            continue
    return None


def bundled_sonames() -> set[str]:
    """Libraries a PyInstaller bundle carries itself (they need not be installed)."""
    base = getattr(sys, "_MEIPASS", None)
    if not base:
        return set()
    names: set[str] = set()
    for folder in (Path(base), Path(base) / "PySide6" / "Qt" / "lib"):
        try:
            names.update(p.name for p in folder.iterdir())
        except OSError:
            pass
    return names


def library_problem(environ=None) -> str:
    """The missing system libraries of Qt's xcb plugin and the line that installs them ("" if none)."""
    environ = os.environ if environ is None else environ
    if not sys.platform.startswith("linux") or not uses_xcb(environ):
        return ""
    out = _ldconfig()
    if out is None:
        log.info("cannot run ldconfig to check the system libraries; trying anyway")
        return ""
    lacking = missing(installed_sonames(out) | bundled_sonames(), REQUIRED)
    if not lacking:
        return ""
    return (f"the window needs system libraries that are missing ({', '.join(lacking)}); install them with: "
            f"{install_line(lacking, package_manager(), REQUIRED)}")


def window_problem(environ=None) -> str:
    """Why no window can open here, in one line ("" when it can): display first, then libraries."""
    return display_problem(environ) or library_problem(environ)


def require_window() -> None:
    """Raise the one-line PressureError that says why no window can open (before Qt loads)."""
    problem = window_problem()
    if problem:
        from .errors import PressureError

        raise PressureError(problem)


def sound_note() -> str:
    """One note when the sound cues' library is missing ("" when present or not Linux)."""
    if not sys.platform.startswith("linux"):
        return ""
    out = _ldconfig()
    lacking = missing(installed_sonames(out), OPTIONAL) if out is not None else []
    if not lacking:
        return ""
    return f"no sound cues without {', '.join(lacking)}: {install_line(lacking, package_manager(), OPTIONAL)}"
