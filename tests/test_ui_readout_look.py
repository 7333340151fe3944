"""The readout says its zone without colour (a shape and words) and no-signal looks like no
other state (issue 12, colours)."""

import math

import pytest
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QWidget

from pressure.ui import theme
from pressure.ui.cues import ASCII_SHAPES, CUE_SHAPES, STALE_SHAPE, with_shape
from pressure.ui.readout import Readout

CUES = {theme.BELOW: "PRESS HARDER", theme.IN_BAND: "HOLD", theme.ABOVE: "EASE OFF",
        theme.CEILING: "RELEASE!"}


@pytest.fixture
def readout(qtbot):
    holder = QWidget()  # a plain top-level without a layout: its size hints never change
    qtbot.addWidget(holder)
    holder.resize(480, 300)
    r = Readout(holder)
    r.setGeometry(0, 0, 480, 300)
    holder.show()
    qtbot.waitExposed(holder)
    yield r
    holder.close()


def test_each_zone_cue_has_its_own_shape_and_the_font_draws_it(readout):
    shapes = set()
    for zone, words in CUES.items():
        readout.show_value(10.0, "N", zone, words, now=0.0)
        text = readout.cue_label.text()
        shape, _, shown_words = text.partition(" ")
        assert shown_words == words and readout.cue == words
        assert shape and shape not in shapes, text
        shapes.add(shape)
        metrics = QFontMetrics(readout.cue_label.font())
        assert all(metrics.inFontUcs4(ord(ch)) for ch in text), text  # never an empty box
    # the real glyph wherever the font has it (DejaVu Sans does), the fallback only where not
    has_glyph = QFontMetrics(readout.cue_label.font()).inFontUcs4(ord(CUE_SHAPES["PRESS HARDER"]))
    assert readout.cue_label.text().startswith(CUE_SHAPES["RELEASE!"] if has_glyph else "vv")


def test_a_font_without_the_glyphs_gets_plain_shapes(readout, monkeypatch):
    from pressure.ui import cues as module

    monkeypatch.setattr(module.QFontMetrics, "inFontUcs4", lambda self, code: code < 128)
    assert with_shape("PRESS HARDER") == "^ PRESS HARDER"
    assert with_shape("EASE OFF") == "v EASE OFF"
    assert all(ch.isascii() for ch in ASCII_SHAPES.values())
    assert with_shape("some other cue") == "some other cue"


def look(r: Readout) -> tuple:
    value_font = r.value_label.font()
    return (r.styleSheet(), value_font.strikeOut(), r.value_label.text() if r.stale else "")


def test_no_signal_looks_like_no_other_state(readout):
    looks = {}
    for zone, words in [*CUES.items(), (theme.IDLE, "REST"), (theme.IN_BAND, "SPACE: NEXT STEP")]:
        readout.show_value(10.0, "N", zone, words, now=0.0)
        looks[(zone, words)] = look(readout)
    readout.show_stale("NO SIGNAL", "no sample for 1.2 s")
    stale = look(readout)
    sheet, struck, value = stale
    assert struck and value == "10.0"  # the last value, struck out
    assert readout.cue_label.text() == f"{STALE_SHAPE} NO SIGNAL"
    assert theme.STALE_HATCH in sheet and "dashed" in sheet  # hatch and frame
    for key, other in looks.items():
        other_sheet, other_struck, _ = other
        assert not other_struck, key
        assert theme.STALE_HATCH not in other_sheet and "dashed" not in other_sheet, key
        assert theme.ZONES[theme.STALE].background not in other_sheet, key
    # never a value before: a dash, not struck (nothing to strike)
    fresh = Readout(readout.parentWidget())
    fresh.show_stale("DISCONNECTED")
    assert fresh.value_label.text() == "—" and not fresh.value_label.font().strikeOut()
    assert math.isnan(fresh._last_value)
    fresh.deleteLater()


def test_the_stale_panel_is_drawn_hatched(readout, qtbot):
    readout.show_stale("NO SIGNAL")
    image = readout.grab().toImage()
    # sample a diagonal strip in the panel's empty bottom-left area: both stripe colours occur
    seen = {image.pixelColor(20 + i, image.height() - 40 + (i % 7)).name() for i in range(0, 120)}
    assert theme.ZONES[theme.STALE].background in seen and theme.STALE_HATCH in seen, seen
