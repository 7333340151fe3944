"""setuptools glue that pyproject.toml cannot say: ship the reference sketch inside the wheel.

The sketch lives in hardware/arduino/pressure_hx711/ (the folder a user opens in the Arduino IDE),
outside any package; firmware_sim/avr/files.py looks for a copy at firmware_sim/avr/sketch/ in an
installed program. Everything else is declared in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
SKETCH = HERE / "hardware" / "arduino" / "pressure_hx711"


class BuildWithSketch(build_py):
    def run(self):
        super().run()
        if self.editable_mode:  # an editable install reads the checkout's own hardware/ folder
            return
        target = Path(self.build_lib) / "firmware_sim" / "avr" / "sketch" / SKETCH.name
        target.mkdir(parents=True, exist_ok=True)
        for source in sorted(SKETCH.glob("*.ino")):
            shutil.copy2(source, target / source.name)


setup(cmdclass={"build_py": BuildWithSketch})
