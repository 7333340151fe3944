"""Build the reference sketch (ELF + the .hex a user flashes) and the emulator's host program.

Only Debian's packages are needed, no Arduino IDE: avr-gcc compiles the Arduino core from
``arduino-core-avr`` with the flags of its ``platform.txt``, and the host program links against
libsimavr/libsimavrparts. Each product is rebuilt only when a hash of its inputs (sources, flags,
the core's files) changed; the hash is kept beside it. Products go to git-ignored ``build/``
folders in a checkout and to the user's cache folder in an installed program (:mod:`.files`);
they are written under a temporary name and renamed, so two builds at once cannot leave a
half-written file for a third to run.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from pressure.errors import PressureError

from . import files

CORE = Path("/usr/share/arduino/hardware/arduino/avr")

PACKAGES = "gcc-avr avr-libc arduino-core-avr simavr libsimavr-dev libelf-dev"
INSTALL = f"sudo apt-get install -y {PACKAGES}"

# What each package brings that the build uses (the first missing one names the package).
_NEEDS = (
    ("gcc-avr", lambda: shutil.which("avr-g++") and shutil.which("avr-objcopy")),
    ("avr-libc", lambda: Path("/usr/lib/avr/include/avr/io.h").exists()),
    ("arduino-core-avr", lambda: (CORE / "cores" / "arduino" / "Arduino.h").exists()),
    ("libsimavr-dev", lambda: Path("/usr/include/simavr/sim_avr.h").exists()
     and Path("/usr/include/simavr/parts/uart_pty.h").exists()),
    ("libelf-dev", lambda: Path("/usr/include/libelf.h").exists()),
    ("gcc", lambda: shutil.which("cc")),
)

# platform.txt of arduino-core-avr, for an Uno. DECIMAL_DIG: Debian's WString.cpp uses it and
# gcc-avr 5.4 defines it only for C99, not for C++.
_COMMON = ["-c", "-g", "-Os", "-w", "-ffunction-sections", "-fdata-sections", "-MMD", "-flto",
           "-mmcu=atmega328p", "-DF_CPU=16000000L", "-DARDUINO=10807", "-DARDUINO_AVR_UNO",
           "-DARDUINO_ARCH_AVR"]
_C = ["-std=gnu11", "-fno-fat-lto-objects"]
_CPP = ["-std=gnu++11", "-fpermissive", "-fno-exceptions", "-fno-threadsafe-statics",
        "-Wno-error=narrowing", "-DDECIMAL_DIG=9"]
_LINK = ["-w", "-Os", "-g", "-flto", "-fuse-linker-plugin", "-Wl,--gc-sections", "-mmcu=atmega328p"]
RATES = (10, 80)


def missing_packages() -> list[str]:
    """The Debian packages the emulator needs that are not installed (empty when all are)."""
    return [name for name, present in _NEEDS if not present()]


def require_packages() -> None:
    missing = missing_packages()
    if missing:
        line = INSTALL + (" gcc" if "gcc" in missing else "")  # a C compiler for the host program
        raise PressureError(f"the AVR emulator needs {', '.join(missing)}; install with: {line}")


def _run(cmd: list, cwd: Path | None = None) -> None:
    proc = subprocess.run([str(c) for c in cmd], cwd=cwd, capture_output=True, text=True)
    if proc.returncode:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        raise PressureError(f"{Path(str(cmd[0])).name} failed: {' / '.join(tail)}")


def _digest(*parts) -> str:
    h = hashlib.sha256()
    for part in parts:
        if isinstance(part, Path):
            h.update(str(part).encode() + b"\0" + part.read_bytes())
        else:
            h.update(repr(part).encode())
        h.update(b"\0")
    return h.hexdigest()


def _fresh(product: Path, digest: str) -> bool:
    stamp = product.with_name(product.name + ".sha256")
    return product.exists() and stamp.exists() and stamp.read_text().strip() == digest


def _install(tmp: Path, product: Path, digest: str) -> None:
    product.parent.mkdir(parents=True, exist_ok=True)
    os.replace(tmp, product)
    stamp = product.with_name(product.name + ".sha256")
    part = stamp.with_name(f".{stamp.name}.{os.getpid()}")
    part.write_text(digest + "\n")
    os.replace(part, stamp)


def _make_dir(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PressureError(f"cannot create {folder} for the AVR build ({exc.strerror or exc}); "
                            "choose another folder with PRESSURE_HOME=/path/to/folder") from None


def _core_sources() -> list[Path]:
    folders = (CORE / "cores" / "arduino",)
    return sorted(p for d in folders for p in d.iterdir() if p.suffix in (".c", ".cpp", ".S"))


def sketch_hex(rate: int = 80) -> tuple[Path, Path]:
    """Build (when out of date) the sketch for an HX711 whose RATE pin gives ``rate``; (elf, hex)."""
    require_packages()
    if rate not in RATES:
        raise PressureError(f"an HX711's RATE pin gives 10 or 80 samples/s, not {rate}")
    sketch, sketch_build = files.sketch_source(), files.sketch_build_dir()
    sources = _core_sources()
    rate_flag = [] if rate == 80 else [f"-DPRESSURE_RATE_HZ={rate}"]
    digest = _digest(sketch, *sources, _COMMON, _C, _CPP, _LINK, rate_flag)
    name = "pressure_hx711" if rate == 80 else f"pressure_hx711-{rate}hz"
    elf, hexfile = sketch_build / f"{name}.elf", sketch_build / f"{name}.hex"
    if _fresh(elf, digest) and _fresh(hexfile, digest):
        return elf, hexfile
    includes = [f"-I{CORE / 'cores' / 'arduino'}", f"-I{CORE / 'variants' / 'standard'}"]
    _make_dir(sketch_build)
    with tempfile.TemporaryDirectory(dir=sketch_build) as tmp:
        t = Path(tmp)
        objects = []
        for i, src in enumerate([*sources, sketch]):
            obj = t / f"{i}-{src.stem}.o"
            if src.suffix == ".c":
                cmd = ["avr-gcc", *_COMMON, *_C]
            elif src.suffix == ".S":
                cmd = ["avr-gcc", *_COMMON, "-x", "assembler-with-cpp"]
            else:  # .cpp and the sketch (an .ino is C++ that includes Arduino.h itself)
                cmd = ["avr-g++", *_COMMON, *_CPP, *rate_flag, "-x", "c++"]
            _run([*cmd, *includes, src, "-o", obj])
            objects.append(obj)
        _run(["avr-gcc", *_LINK, "-o", t / "out.elf", *objects, "-lm"])
        _run(["avr-objcopy", "-O", "ihex", "-R", ".eeprom", t / "out.elf", t / "out.hex"])
        _install(t / "out.elf", elf, digest)
        _install(t / "out.hex", hexfile, digest)
    return elf, hexfile


def host_program() -> Path:
    """Build (when out of date) the simavr host program with the emulated HX711."""
    require_packages()
    cflags = ["-O2", "-Wall", "-I/usr/include/simavr", "-I/usr/include/simavr/parts"]
    libs = ["-lsimavrparts", "-lsimavr", "-lelf", "-lpthread", "-lutil"]
    source, host_build = files.host_source(), files.host_build_dir()
    product = host_build / "hx711_host"
    digest = _digest(source, cflags, libs)
    if _fresh(product, digest):
        return product
    _make_dir(host_build)
    with tempfile.TemporaryDirectory(dir=host_build) as tmp:
        out = Path(tmp) / "hx711_host"
        _run(["cc", *cflags, "-o", out, source, *libs])
        _install(out, product, digest)
    return product


def main() -> int:  # python -m firmware_sim.avr.build: what a user flashes
    try:
        for rate in RATES:
            elf, hexfile = sketch_hex(rate)
            print(hexfile)
        print(host_program())
    except PressureError as exc:  # a missing package or a failed build: one line, no traceback
        print(f"pressure: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
