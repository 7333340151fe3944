"""How a colour looks to a reader with a colour-vision deficiency, and how far apart two look.

Used to keep the window's palette honest (tests/test_colour_vision.py): about one man in
twelve reads the zone colours through a red-green deficiency, and the readout's colours must
stay apart for him as well. numpy only, no Qt: the palette is checked without a window.

The simulation is Machado, Oliveira and Fernandes (2009), "A physiologically-based model for
simulation of color vision deficiency", IEEE TVCG 15(6): one published 3x3 matrix per
deficiency (here severity 1.0, the dichromat: protanopia, deuteranopia, tritanopia), applied
to linear RGB. Differences are CIEDE2000 in CIELAB (D65), the standard's own formula. A
colour-science package does all this too, but for three constant matrices and one formula
the project keeps no dependency.
"""

from __future__ import annotations

import numpy as np

# Machado et al. (2009), table of severity 1.0 (dichromacy); rows give linear R, G, B.
MACHADO_2009 = {
    "protanopia": np.array([[0.152286, 1.052583, -0.204868],
                            [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968],
                              [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779],
                            [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}
VISIONS = ("normal", *MACHADO_2009)

# sRGB (linear) -> CIE XYZ, D65 white
_RGB_TO_XYZ = np.array([[0.4124564, 0.3575761, 0.1804375],
                        [0.2126729, 0.7151522, 0.0721750],
                        [0.0193339, 0.1191920, 0.9503041]])
_WHITE_D65 = np.array([0.95047, 1.0, 1.08883])


def srgb(colour: str | tuple) -> np.ndarray:
    """'#rrggbb' or (r, g, b[, a]) in 0..255 -> sRGB in 0..1."""
    if isinstance(colour, str):
        text = colour.lstrip("#")
        return np.array([int(text[i:i + 2], 16) for i in (0, 2, 4)], dtype=float) / 255.0
    return np.asarray(colour[:3], dtype=float) / 255.0


def to_linear(c: np.ndarray) -> np.ndarray:
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def to_srgb(lin: np.ndarray) -> np.ndarray:
    lin = np.clip(lin, 0.0, 1.0)
    return np.where(lin <= 0.0031308, lin * 12.92, 1.055 * lin ** (1 / 2.4) - 0.055)


def simulate(colour, vision: str) -> np.ndarray:
    """The sRGB (0..1) that a reader with ``vision`` ('normal' or a MACHADO_2009 key) sees."""
    c = srgb(colour)
    if vision == "normal":
        return c
    return to_srgb(MACHADO_2009[vision] @ to_linear(c))


def lab(c: np.ndarray) -> np.ndarray:
    """sRGB (0..1) -> CIELAB (D65)."""
    xyz = _RGB_TO_XYZ @ to_linear(np.asarray(c, dtype=float)) / _WHITE_D65
    eps, kappa = 216 / 24389, 24389 / 27
    f = np.where(xyz > eps, np.cbrt(xyz), (kappa * xyz + 16) / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def delta_e2000(lab1: np.ndarray, lab2: np.ndarray) -> float:
    """CIEDE2000 colour difference (Sharma, Wu and Dalal 2005 formulation; kL = kC = kH = 1)."""
    L1, a1, b1 = lab1
    L2, a2, b2 = lab2
    c_bar = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_bar ** 7 / (c_bar ** 7 + 25.0 ** 7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.degrees(np.arctan2(b1, a1p)) % 360 if c1p else 0.0
    h2p = np.degrees(np.arctan2(b2, a2p)) % 360 if c2p else 0.0
    dLp, dCp = L2 - L1, c2p - c1p
    dh = h2p - h1p
    if c1p * c2p == 0:
        dh = 0.0
    elif dh > 180:
        dh -= 360
    elif dh < -180:
        dh += 360
    dHp = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(dh / 2))
    Lp, Cp = (L1 + L2) / 2, (c1p + c2p) / 2
    if c1p * c2p == 0:
        hp = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        hp = (h1p + h2p) / 2
    else:
        hp = (h1p + h2p + 360) / 2 if h1p + h2p < 360 else (h1p + h2p - 360) / 2
    t = (1 - 0.17 * np.cos(np.radians(hp - 30)) + 0.24 * np.cos(np.radians(2 * hp))
         + 0.32 * np.cos(np.radians(3 * hp + 6)) - 0.20 * np.cos(np.radians(4 * hp - 63)))
    d_theta = 30 * np.exp(-(((hp - 275) / 25) ** 2))
    rc = 2 * np.sqrt(Cp ** 7 / (Cp ** 7 + 25.0 ** 7))
    sl = 1 + 0.015 * (Lp - 50) ** 2 / np.sqrt(20 + (Lp - 50) ** 2)
    sc, sh = 1 + 0.045 * Cp, 1 + 0.015 * Cp * t
    rt = -np.sin(np.radians(2 * d_theta)) * rc
    return float(np.sqrt((dLp / sl) ** 2 + (dCp / sc) ** 2 + (dHp / sh) ** 2
                         + rt * (dCp / sc) * (dHp / sh)))


def difference(colour1, colour2, vision: str = "normal") -> float:
    """CIEDE2000 between two colours as a reader with ``vision`` sees them."""
    return delta_e2000(lab(simulate(colour1, vision)), lab(simulate(colour2, vision)))
