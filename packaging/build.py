"""``make dist``: the one-folder bundle, a .tar.gz of it with install.sh, and a Debian package.

    python packaging/build.py [--skip-bundle] [--no-deb]

Writes into dist/: ``pressure/`` (PyInstaller's bundle, from packaging/pressure.spec),
``pressure-VERSION-linux-MACHINE.tar.gz`` (the bundle, the desktop entry, the icons and
install.sh) and ``pressure_VERSION_ARCH.deb`` (the bundle under /opt/pressure, /usr/bin/pressure,
the desktop entry and the icons; Depends: the system libraries Qt's window needs, the same list
the program checks itself against, pressure/system_libs.py). Prints the sizes as JSON at the end.
The .deb is made with dpkg-deb only (no debhelper): every file is the bundle's or one of ours.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pressure import __version__  # noqa: E402 - pressure/__init__.py imports nothing
from pressure.system_libs import OPTIONAL, REQUIRED  # noqa: E402 - standard library only

HERE = ROOT / "packaging"
DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller"
ICONS = ROOT / "pressure" / "ui" / "icons"
AVR_PACKAGES = "gcc-avr, avr-libc, arduino-core-avr, simavr, libsimavr-dev, libelf-dev, gcc"
DESCRIPTION = """live force guidance for manual therapy from a serial force sensor
 pressure turns a serial force sensor (a load cell with an HX711 on an Arduino, or a
 commercial force gauge) into live guidance for holding a steady pressure for a set time:
 a target band, a hold timer, cues; it records, replays and scores sessions.
 This package holds a self-contained build (Python, Qt and numpy included) in /opt/pressure."""


def run(cmd: list, **kw) -> None:
    print("+", " ".join(map(str, cmd)), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, **kw)


def bundle() -> Path:
    run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN", "--distpath", DIST,
         "--workpath", WORK, HERE / "pressure.spec"], cwd=ROOT)
    app = DIST / "pressure"
    for path in list(app.rglob("*")):  # links PyInstaller made to the libraries the spec dropped
        if path.is_symlink() and not path.exists():
            path.unlink()
    return app


def link_tree(src: Path, dst: Path) -> None:
    """A copy of ``src`` made of hard links where the filesystem allows (the bundle is 270 MB)."""
    def link(a, b):
        try:
            os.link(a, b)
        except OSError:
            shutil.copy2(a, b)
    shutil.copytree(src, dst, symlinks=True, copy_function=link)


def add_desktop_files(share: Path, exec_line: str = "pressure") -> None:
    apps = share / "applications"
    apps.mkdir(parents=True, exist_ok=True)
    text = (HERE / "pressure.desktop").read_text()
    (apps / "pressure.desktop").write_text(text.replace("Exec=pressure", f"Exec={exec_line}"))
    for sub, name in (("scalable/apps", "pressure.svg"), ("256x256/apps", "pressure.png")):
        folder = share / "icons" / "hicolor" / sub
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ICONS / name, folder / name)


def du_bytes(path: Path) -> int:
    """Bytes of the files below ``path`` (each hard-linked file once, symlinks not followed)."""
    seen, total = set(), 0
    for p in path.rglob("*"):
        st = p.lstat()
        if p.is_file() and not p.is_symlink() and (st.st_dev, st.st_ino) not in seen:
            seen.add((st.st_dev, st.st_ino))
            total += st.st_size
    return total


def machine() -> str:
    return platform.machine().lower() or "unknown"


def deb_arch() -> str:
    try:
        return subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return {"x86_64": "amd64", "aarch64": "arm64"}.get(machine(), machine())


def tarball(app: Path) -> Path:
    name = f"pressure-{__version__}-linux-{machine()}"
    out = DIST / f"{name}.tar.gz"
    with tempfile.TemporaryDirectory(dir=ROOT / "build") as tmp:
        top = Path(tmp) / name
        top.mkdir()
        link_tree(app, top / "pressure")
        add_desktop_files(top / "share")
        shutil.copy2(HERE / "install.sh", top / "install.sh")
        shutil.copy2(ROOT / "LICENSE", top / "LICENSE")
        run(["tar", "-czf", out, "--owner=0", "--group=0", "--numeric-owner", "-C", tmp, name])
    return out


def control(installed_kib: int) -> str:
    depends = ", ".join(sorted({deb for deb, _rpm in REQUIRED.values()}))
    recommends = ", ".join(sorted({deb for deb, _rpm in OPTIONAL.values()}))
    return (f"Package: pressure\nVersion: {__version__}\nArchitecture: {deb_arch()}\n"
            "Maintainer: The pressure project <pressure@example.org>\n"
            f"Installed-Size: {installed_kib}\nSection: science\nPriority: optional\n"
            f"Depends: {depends}\nRecommends: {recommends}\n"
            f"Suggests: {AVR_PACKAGES}\nDescription: {DESCRIPTION}\n")


def debian_package(app: Path) -> Path:
    if not shutil.which("dpkg-deb"):
        raise SystemExit("make dist: dpkg-deb is needed for the .deb (Debian/Ubuntu: it comes with dpkg)")
    out = DIST / f"pressure_{__version__}_{deb_arch()}.deb"
    with tempfile.TemporaryDirectory(dir=ROOT / "build") as tmp:
        root = Path(tmp) / "root"
        link_tree(app, root / "opt" / "pressure")
        (root / "usr" / "bin").mkdir(parents=True)
        (root / "usr" / "bin" / "pressure").symlink_to("/opt/pressure/pressure")
        add_desktop_files(root / "usr" / "share")
        doc = root / "usr" / "share" / "doc" / "pressure"
        doc.mkdir(parents=True)
        shutil.copy2(ROOT / "LICENSE", doc / "copyright")
        (root / "DEBIAN").mkdir()
        (root / "DEBIAN" / "control").write_text(control((du_bytes(root) + 1023) // 1024))
        for folder in [root, *root.rglob("*")]:  # dpkg wants 0755 folders whatever the umask was
            if folder.is_dir() and not folder.is_symlink():
                folder.chmod(0o755)
        run(["dpkg-deb", "--root-owner-group", "-Zxz", "--build", root, out])
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-bundle", action="store_true", help="reuse dist/pressure (no PyInstaller run)")
    parser.add_argument("--no-deb", action="store_true", help="only the bundle and the .tar.gz")
    args = parser.parse_args(argv)
    (ROOT / "build").mkdir(exist_ok=True)
    app = DIST / "pressure" if args.skip_bundle else bundle()
    if not (app / "pressure").is_file():
        raise SystemExit(f"make dist: no bundle at {app}")
    sizes = {"bundle_mb": round(du_bytes(app) / 1e6, 1)}
    tar = tarball(app)
    sizes["tar_gz_mb"] = round(tar.stat().st_size / 1e6, 1)
    if not args.no_deb:
        deb = debian_package(app)
        sizes["deb_mb"] = round(deb.stat().st_size / 1e6, 1)
    print(json.dumps({"version": __version__, **sizes}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
