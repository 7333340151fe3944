"""Where the reference sketch and the emulator's host source are, and where their builds go.

Three ways the program is installed, one rule each:

* a checkout: the sketch is ``hardware/arduino/pressure_hx711/`` (the folder a user opens in the
  Arduino IDE) and builds go to git-ignored ``build/`` folders beside the sources, as always;
* a wheel or the PyInstaller bundle: the sketch is shipped inside this package (``sketch/``, put
  there by setup.py and by packaging/pressure.spec) and the install folder may belong to root,
  so builds go to the user's cache folder (``PRESSURE_HOME/cache/avr`` when that is set).
"""

from __future__ import annotations

import os
from pathlib import Path

from pressure.errors import PressureError

HERE = Path(__file__).resolve().parent
SKETCH_NAME = "pressure_hx711"
CHECKOUT_SKETCH = HERE.parents[1] / "hardware" / "arduino" / SKETCH_NAME / f"{SKETCH_NAME}.ino"
SHIPPED_SKETCH = HERE / "sketch" / SKETCH_NAME / f"{SKETCH_NAME}.ino"
HOST_SOURCE = HERE / "hx711_host.c"


def in_checkout() -> bool:
    return CHECKOUT_SKETCH.is_file()


def sketch_source() -> Path:
    """The sketch's .ino: the checkout's, else the copy shipped in the package."""
    for path in (CHECKOUT_SKETCH, SHIPPED_SKETCH):
        if path.is_file():
            return path
    raise PressureError(f"the reference sketch is not installed with this copy of the program "
                        f"(looked for {CHECKOUT_SKETCH} and {SHIPPED_SKETCH}); reinstall it")


def host_source() -> Path:
    if HOST_SOURCE.is_file():
        return HOST_SOURCE
    raise PressureError(f"the emulator's host source {HOST_SOURCE} is not installed with this copy of "
                        "the program; reinstall it")


def cache_dir() -> Path:
    """The user's own folder for the builds of an installed program (created on first use)."""
    home = os.environ.get("PRESSURE_HOME")
    if home:
        return Path(home) / "cache" / "avr"
    import platformdirs

    return Path(platformdirs.user_cache_dir("pressure")) / "avr"


def sketch_build_dir() -> Path:
    return CHECKOUT_SKETCH.parent / "build" if in_checkout() else cache_dir() / "sketch"


def host_build_dir() -> Path:
    return HERE / "build" if in_checkout() else cache_dir() / "host"
