"""argparse types for numbers with a meaning, so every command refuses a bad value in the
same words: ``--window -3`` -> "must be above 0 (seconds), not -3"."""

from __future__ import annotations

import argparse
import math


def number(what: str, *, allow_zero: bool = False):
    """A finite float above 0 (or 0 and above with ``allow_zero``); ``what`` says its unit."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if not math.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
            bound = "0 or more" if allow_zero else "above 0"
            raise argparse.ArgumentTypeError(f"must be {bound} ({what}), not {text}")
        return value

    parse.__name__ = what  # argparse names the type in some messages
    return parse


def not_a_csv(path, command: str) -> None:
    """A CSV given where a recording is wanted: say how to import it instead of a decode error."""
    from ..errors import PressureError

    if str(path).lower().endswith((".csv", ".tsv")):
        raise PressureError(f"{path}: this is a CSV file: import it first with "
                            f"`python main.py import {path} --out NAME.pressure`, then {command} NAME.pressure")


seconds = number("seconds")
start_seconds = number("seconds", allow_zero=True)
display_value = number("a force or pressure in the display unit")
speed = number("times real time")
