"""``ble://NAME-or-ADDRESS[?options]`` and ``ble-sim://KIND[?options]``: what to connect to.

``ble://Progressor_1234``, ``ble://E4:5F:01:AA:BB:CC?protocol=progressor``,
``ble://IF_B7?offset=10&divisor=100&unit=kg`` (an advertising scale's layout);
``ble-sim://progressor?micros_start=4294000000&profile=hold`` (an emulated device).
The protocol is the ``protocol=`` option, else guessed from the name (:mod:`.profiles`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote, urlsplit

from ..errors import PressureError

SCHEMES = ("ble", "ble-sim")
#: what a ble:// URL may say: the protocol, and the decoder's options (the device takes none)
REAL_OPTIONS = {"protocol", "lbf_per_count", "company", "offset", "size", "order", "signed",
                "divisor", "unit"}


def is_ble_url(url) -> bool:
    text = str(url or "").strip().lower()
    return any(text.startswith(s + "://") for s in SCHEMES)


@dataclass(frozen=True)
class BleTarget:
    url: str
    emulated: bool
    name: str                      # advertised name or address (real), device kind (emulated)
    protocol: str | None
    options: dict = field(default_factory=dict)


def parse(url: str) -> BleTarget:
    from .profiles import PROFILES, guess_protocol

    text = str(url).strip()
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise PressureError(f"not a Bluetooth URL: {url} (use ble://NAME or ble-sim://progressor)")
    # netloc holds the name (an address's colons would look like a port to urlsplit's parts)
    name = unquote(parts.netloc + parts.path).strip().strip("/")
    try:
        options = dict(parse_qsl(parts.query, keep_blank_values=False, strict_parsing=bool(parts.query)))
    except ValueError:
        raise PressureError(f"bad options in {url}: write them as ?key=value&key=value") from None
    if not name:
        raise PressureError(f"{url}: say which device (ble://NAME or ble://ADDRESS; "
                            f"ble-sim://{'|'.join(PROFILES)})")
    emulated = scheme == "ble-sim"
    if emulated:
        protocol = name.lower()
        if protocol not in PROFILES:
            raise PressureError(f"no emulated Bluetooth device {name!r}; choose {', '.join(PROFILES)}")
    else:
        unknown = sorted(set(options) - REAL_OPTIONS)
        if unknown:
            raise PressureError(f"{url}: unknown option {unknown[0]!r}; choose {', '.join(sorted(REAL_OPTIONS))}")
        protocol = options.pop("protocol", None) or guess_protocol(name)
        if protocol is not None and protocol not in PROFILES:
            raise PressureError(f"unknown Bluetooth protocol {protocol!r}; choose {', '.join(PROFILES)}")
    return BleTarget(text, emulated, name, protocol, options)
