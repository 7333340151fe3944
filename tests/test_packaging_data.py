"""The sdist and the wheel are complete: built here from a copy of the project, the sdist holds
what its tests, the sketch build and `make dist` need, and the wheel the files the program reads
at run time (the sketch, the emulator's host source, the icons), found where an installed
program looks for them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SKIP = shutil.ignore_patterns(".git", ".venv", "dist", "build", "out", "__pycache__", "*.egg-info", ".pytest_cache",
                              ".hypothesis", "*.pyc")

_BUILD = """
import os, sys, tarfile
from setuptools import build_meta
src, out = sys.argv[1], sys.argv[2]
os.chdir(src)
sdist = build_meta.build_sdist(out)
with tarfile.open(os.path.join(out, sdist)) as tar:
    tar.extractall(os.path.join(out, "unpacked"), filter="data")
os.chdir(os.path.join(out, "unpacked", sdist[:-len(".tar.gz")]))
wheel = build_meta.build_wheel(out)
print(sdist)
print(wheel)
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    pytest.importorskip("setuptools", minversion="77")  # pyproject's license string needs it
    tmp = tmp_path_factory.mktemp("packaging")
    src = tmp / "src"
    shutil.copytree(ROOT, src, ignore=SKIP)
    out = tmp / "out"
    out.mkdir()
    proc = subprocess.run([sys.executable, "-c", _BUILD, str(src), str(out)], capture_output=True, text=True,
                          timeout=240)
    assert proc.returncode == 0, proc.stderr[-2000:]
    sdist, wheel = proc.stdout.strip().splitlines()[-2:]
    return tmp, out / sdist, out / wheel


def test_the_sdist_can_run_its_tests_and_build_everything(built):
    _tmp, sdist, _wheel = built
    with tarfile.open(sdist) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    for needed in ("tests/conftest.py", "tests/test_layers.py", "hardware/arduino/pressure_hx711/pressure_hx711.ino",
                   "docs/architecture.md", "Makefile", "main.py", "setup.py", "packaging/pressure.spec",
                   "packaging/pressure.desktop", "firmware_sim/avr/hx711_host.c", "pressure/ui/icons/pressure.svg"):
        assert needed in names, needed
    assert any(n.startswith("tests/data/") for n in names)
    assert not any("/build/" in n or n.endswith((".pyc", ".o")) for n in names)


def test_the_wheel_carries_the_run_time_files(built):
    _tmp, _sdist, wheel = built
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("firmware_sim/avr/hx711_host.c", "firmware_sim/avr/sketch/pressure_hx711/pressure_hx711.ino",
                   "pressure/ui/icons/pressure.svg", "pressure/ui/icons/pressure.png"):
        assert needed in names, needed
    assert not any(n.startswith(("tests/", "hardware/", "packaging/")) for n in names)


def test_an_installed_wheel_finds_its_sketch_and_builds_outside_the_install(built):
    tmp, _sdist, wheel = built
    site = tmp / "site"
    zipfile.ZipFile(wheel).extractall(site)
    env = {**os.environ, "PYTHONPATH": str(site), "PRESSURE_HOME": str(tmp / "home")}
    code = ("from firmware_sim.avr import files; print(files.sketch_source()); print(files.host_source()); "
            "print(files.in_checkout()); print(files.sketch_build_dir())")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    sketch, host, checkout, build_dir = proc.stdout.strip().splitlines()
    assert Path(sketch).is_file() and Path(sketch).is_relative_to(site)
    assert Path(host).is_file() and Path(host).is_relative_to(site)
    assert checkout == "False" and Path(build_dir).is_relative_to(tmp / "home")


def test_the_desktop_entry_is_valid():
    validate = shutil.which("desktop-file-validate")
    if validate is None:
        pytest.skip("desktop-file-validate is not installed (Debian: desktop-file-utils)")
    proc = subprocess.run([validate, str(ROOT / "packaging" / "pressure.desktop")], capture_output=True, text=True,
                          timeout=30)
    assert proc.returncode == 0 and not proc.stdout.strip(), proc.stdout + proc.stderr


def test_building_the_sketch_without_the_avr_tools_is_one_line(tmp_path):
    """`python -m firmware_sim.avr.build` (what an installed program's user runs to get the .hex)."""
    env = {**os.environ, "PATH": str(tmp_path), "PRESSURE_HOME": str(tmp_path / "home"), "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-m", "firmware_sim.avr.build"], capture_output=True, text=True,
                          cwd=tmp_path, env=env, timeout=60)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("pressure: error: the AVR emulator needs"), proc.stderr
