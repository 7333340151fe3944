"""A bad value in window.ini never stops the window with a message about command-line options
nobody typed: the setting is named as ignored and its default used. A bad option that *was*
typed is still an error."""

from __future__ import annotations

import logging

import pytest

from pressure.errors import PressureError
from pressure.paths import config_dir


def parse_live(argv):
    from pressure.cli import build_parser

    return build_parser().parse_args(["live", *argv])


def settings_with(text):
    from pressure.ui.settings import Settings

    (config_dir() / "window.ini").write_text(text)
    return Settings(persist=False)


def warnings(caplog):
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


def test_an_unknown_saved_filter_falls_back_and_is_named(caplog):
    from pressure.commands.live import routine_and_filter
    from pressure.filters import DEFAULT_FILTER

    s = settings_with("[filter]\nname = kalman9000\n")
    with caplog.at_level(logging.WARNING):
        _, name, params = routine_and_filter(parse_live([]), s)
    assert name == DEFAULT_FILTER[0] and params == dict(DEFAULT_FILTER[1])
    assert any("filter/name=kalman9000" in w and "ignored" in w for w in warnings(caplog))


def test_a_saved_pressure_unit_without_an_area_falls_back_and_is_named(caplog):
    from pressure.commands.live import routine_and_filter

    s = settings_with("[display]\nunit = kPa\narea_cm2 = 0\n[routine]\nname = steady\n")
    with caplog.at_level(logging.WARNING):
        routine, _, _ = routine_and_filter(parse_live([]), s)
    assert routine.unit == "N" and "Steady" in routine.name
    said = [w for w in warnings(caplog) if "display/unit=kPa" in w]
    assert said and "ignored" in said[0]
    assert not any("--" in w for w in said)  # nothing about options nobody typed


def test_a_saved_unknown_unit_falls_back(caplog):
    from pressure.commands.live import routine_and_filter

    s = settings_with("[display]\nunit = furlongs\n")
    with caplog.at_level(logging.WARNING):
        routine, _, _ = routine_and_filter(parse_live(["--target", "20"]), s)
    assert routine.unit == "N"
    assert any("display/unit=furlongs" in w for w in warnings(caplog))


def test_typed_options_are_still_errors():
    from pressure.commands.live import routine_and_filter

    s = settings_with("[display]\nunit = kPa\narea_cm2 = 0\n")
    with pytest.raises(PressureError, match="--area"):
        routine_and_filter(parse_live(["--unit", "kPa"]), s)
    with pytest.raises(PressureError, match="unknown filter"):
        routine_and_filter(parse_live(["--filter", "kalman9000"]), s)


def test_a_saved_trace_length_out_of_the_window_range_falls_back(caplog, monkeypatch):
    from pressure.commands import live

    settings_with("[display]\nwindow_seconds = 500\n")
    seen = {}

    def fake_run_live(session, config, window_seconds, **kw):
        seen["window"] = window_seconds
        seen["notes"] = kw.get("notes")
        return 0

    import pressure.ui.app as app
    monkeypatch.setattr(app, "run_live", fake_run_live)
    from pressure.cli import main

    with caplog.at_level(logging.WARNING):
        assert main(["live", "--no-record", "--no-sound"]) == 0
    assert seen["window"] == 20.0
    assert len(seen["notes"]) == 1 and seen["notes"][0].startswith("display/window_seconds=500")  # the window says it
    assert any("display/window_seconds=500" in w and "ignored" in w for w in warnings(caplog))
