"""``make screens``: a state rendered headless is a real picture of the window, at the fixed
size, and rendering leaves the user's files and settings alone."""

import os

import pytest
from PySide6.QtGui import QImage

from pressure.errors import PressureError
from pressure.ui import screens


def test_a_state_renders_a_non_blank_png_of_the_fixed_size(tmp_path, pressure_home, qapp):
    written = screens.render(tmp_path / "out", ["stale"])
    assert written == [tmp_path / "out" / "stale.png"]
    image = QImage(str(written[0]))
    assert (image.width(), image.height()) == screens.SIZE
    # a drawn window has many colours (trace, readout, text); a blank grab has one or two
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
    assert len(colours) > 50
    # the temporary home is gone and the test's own home was never written
    assert os.environ["PRESSURE_HOME"] == str(pressure_home)
    assert not pressure_home.exists() or not any(pressure_home.rglob("*"))


def test_an_unknown_state_is_one_clear_error(tmp_path, qapp):
    with pytest.raises(PressureError, match="no screen state hovering; choose from hold"):
        screens.render(tmp_path, ["hovering"])
    assert not any(tmp_path.iterdir())
