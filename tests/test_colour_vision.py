"""The zone colours stay apart for readers with a colour-vision deficiency (no window needed).

Machado et al. (2009) dichromat simulations (protanopia, deuteranopia, tritanopia) and normal
vision; differences in CIEDE2000. 20 is a difference seen at a glance across a room; 2 is the
smallest one sees side by side.
"""

import itertools

import numpy as np
import pytest

from pressure.colour_vision import MACHADO_2009, VISIONS, delta_e2000, difference, lab, simulate, srgb
from pressure.ui import theme

AT_A_GLANCE = 20.0
ZONE_KEYS = (theme.BELOW, theme.IN_BAND, theme.ABOVE, theme.CEILING)


def states() -> dict[str, str]:
    """Every background the readout can have: the zones, no target, waiting for the key, no signal."""
    colours = {key: style.background for key, style in theme.ZONES.items()}
    colours[theme.WAITING] = theme.WAITING_STYLE.background
    return colours


def test_ciede2000_matches_the_published_test_pairs():
    # Sharma, Wu and Dalal (2005), table 1: pairs 1, 7, 13 and 17
    for lab1, lab2, expected in (((50, 2.6772, -79.7751), (50, 0, -82.7485), 2.0425),
                                 ((50, 0, 0), (50, -1, 2), 2.3669),
                                 ((50, 2.49, -0.001), (50, -2.49, 0.0011), 7.2195),
                                 ((50, 2.5, 0), (73, 25, -18), 27.1492)):
        assert delta_e2000(np.array(lab1), np.array(lab2)) == pytest.approx(expected, abs=1e-4)


def test_the_simulations_keep_grey_and_lose_the_red_green_axis():
    assert np.allclose(lab(srgb("#ffffff")), [100, 0, 0], atol=1e-3)
    for vision in MACHADO_2009:  # each matrix maps white to white (rows sum to 1)
        assert np.allclose(simulate("#808080", vision), srgb("#808080"), atol=2 / 255)
    # the very pair the issue saw turn olive: the old HOLD green and RELEASE red
    assert difference("#1b6e34", "#b00020", "normal") > 50
    assert difference("#1b6e34", "#b00020", "deuteranopia") < 10
    assert difference("#1b6e34", "#b00020", "protanopia") < 15


@pytest.mark.parametrize("vision", VISIONS)
def test_every_pair_of_zones_stays_apart(vision):
    colours = states()
    for a, b in itertools.combinations(ZONE_KEYS, 2):
        d = difference(colours[a], colours[b], vision)
        assert d >= AT_A_GLANCE, f"{a} and {b} are {d:.1f} apart under {vision}"


@pytest.mark.parametrize("vision", VISIONS)
def test_no_signal_looks_like_nothing_else(vision):
    colours = states()
    for key, colour in colours.items():
        if key != theme.STALE:
            d = difference(colours[theme.STALE], colour, vision)
            assert d >= AT_A_GLANCE, f"no signal and {key} are {d:.1f} apart under {vision}"
    # and the zone colours are not used for anything else the readout shows
    assert len(set(colours.values())) == len(colours)


@pytest.mark.parametrize("vision", VISIONS)
def test_the_ceiling_stands_apart_from_every_state(vision):
    colours = states()
    for key, colour in colours.items():
        if key != theme.CEILING:
            assert difference(colours[theme.CEILING], colour, vision) >= AT_A_GLANCE, (key, vision)


@pytest.mark.parametrize("vision", VISIONS)
def test_the_no_target_states_differ_from_the_zones(vision):
    """Rest and waiting-for-the-key also say so in words (and waiting has a frame): a smaller
    difference is enough, but never a near match."""
    colours = states()
    for key in (theme.IDLE, theme.WAITING):
        for zone in ZONE_KEYS:
            assert difference(colours[key], colours[zone], vision) >= 12.0, (key, zone, vision)


def test_every_zone_text_is_readable_on_its_background():
    styles = [*theme.ZONES.values(), theme.WAITING_STYLE]
    for style in styles:
        assert theme.contrast_ratio(style.text, style.background) >= 4.5, style
    assert theme.contrast_ratio(theme.ZONES[theme.STALE].text, theme.STALE_HATCH) >= 4.5


@pytest.mark.parametrize("vision", VISIONS)
def test_the_hold_timer_bar_says_running_or_paused_in_any_vision(vision):
    running, paused, track = theme.PROGRESS_RUNNING, theme.PROGRESS_PAUSED, theme.PROGRESS_TRACK
    assert difference(running, paused, vision) >= AT_A_GLANCE
    assert difference(running, track, vision) >= AT_A_GLANCE
    assert difference(paused, track, vision) >= AT_A_GLANCE
