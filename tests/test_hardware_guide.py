"""The hardware guide (docs/hardware.md) and its wiring diagram agree with the sketch and the CLI.

A builder follows the guide with a soldering iron: a pin drawn on the wrong Arduino pin, a link
to a missing picture or a command line the program refuses would each cost them an evening.
"""

from __future__ import annotations

import re
import shlex
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from pressure.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "hardware.md"
SVG = ROOT / "docs" / "hardware" / "wiring.svg"
SKETCH = ROOT / "hardware" / "arduino" / "pressure_hx711" / "pressure_hx711.ino"
NS = {"svg": "http://www.w3.org/2000/svg"}


def _sketch_pin(name: str) -> int:
    m = re.search(rf"const uint8_t {name} = (\d+);", SKETCH.read_text())
    assert m, f"{name} not found in the sketch"
    return int(m.group(1))


def _wire_titles() -> dict[str, str]:
    tree = ET.parse(SVG)
    titles = {}
    for path in tree.getroot().iter("{http://www.w3.org/2000/svg}path"):
        title = path.find("svg:title", NS)
        if path.get("id") and title is not None:
            titles[path.get("id")] = title.text or ""
    return titles


def test_wiring_diagram_draws_the_sketch_pins():
    titles = _wire_titles()
    assert titles["w-dout"].endswith(f"D{_sketch_pin('PIN_DOUT')}")
    assert titles["w-sck"].endswith(f"D{_sketch_pin('PIN_SCK')}")
    # the load cell's four wires and the supply are all drawn
    for wire in ("w-eplus", "w-eminus", "w-aminus", "w-aplus", "w-vcc", "w-gnd"):
        assert wire in titles


def test_guide_pin_table_matches_the_sketch():
    text = GUIDE.read_text()
    assert f"| HX711 DT (DOUT) | Arduino D{_sketch_pin('PIN_DOUT')} |" in text
    assert f"| HX711 SCK | Arduino D{_sketch_pin('PIN_SCK')} |" in text


def test_guide_links_resolve():
    text = GUIDE.read_text()
    links = re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", text)
    assert links, "the guide links to its pictures"
    for link in links:
        if "://" in link:
            continue
        assert (GUIDE.parent / link).exists(), link


def _guide_commands() -> list[str]:
    text = GUIDE.read_text()
    return re.findall(r"`(pressure live [^`]+)`", text)


def test_guide_has_gauge_command_lines():
    assert len(_guide_commands()) >= 4


@pytest.mark.parametrize("line", _guide_commands())
def test_guide_command_lines_parse(line):
    """Every `pressure live ...` in the gauge table is accepted by the real argument parser."""
    argv = shlex.split(line)[1:]
    args = build_parser().parse_args(argv)
    assert args.command == "live"
    assert args.port
