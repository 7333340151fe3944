"""The one table of what each Bluetooth force sensor needs: UUIDs, command bytes, rates.

Sources: the Progressor's published API (Tindeq); the Force Board's as used by the public
clients (hangtime-grip-connect); the WH-C06 layout as those clients read it. What was checked
on real hardware: nothing (docs/bluetooth.md). The decoders are in pressure/wireformats.
"""

from __future__ import annotations

from dataclasses import dataclass


def uuid16(short: str) -> str:
    return f"0000{short.lower()}-0000-1000-8000-00805f9b34fb"


@dataclass(frozen=True)
class Profile:
    protocol: str
    label: str
    names: tuple[str, ...]              # advertised name prefixes (lower case)
    rate_hz: float
    unit: str
    advertising: bool = False           # weight in advertisements, no connection
    data_service: str = ""
    data: str = ""                      # notify characteristic
    control_service: str = ""
    control: str = ""                   # write characteristic for start/stop/tare
    start: bytes = b""
    stop: bytes = b""
    tare: bytes | None = None
    info_commands: tuple[bytes, ...] = ()   # written on control; the reply comes on data
    reply_tag: int | None = None            # first byte of a notification that is a reply
    battery_command: bytes | None = None    # asked again every BATTERY_EVERY_S
    info_reads: tuple[tuple[str, str, str], ...] = ()  # (service, characteristic, info key)


BATTERY_EVERY_S = 60.0
BATTERY_LEVEL = (uuid16("180f"), uuid16("2a19"), "battery_pct")

PROGRESSOR = Profile(
    protocol="progressor", label="Tindeq Progressor (and compatibles)",
    names=("progressor", "tindeq", "crimpdeq", "mito"), rate_hz=80.0, unit="kgf",
    data_service="7e4e1701-1ea6-40c9-9dcc-13d34ffead57",
    data="7e4e1702-1ea6-40c9-9dcc-13d34ffead57",
    control_service="7e4e1701-1ea6-40c9-9dcc-13d34ffead57",
    control="7e4e1703-1ea6-40c9-9dcc-13d34ffead57",
    start=b"\x65", stop=b"\x66", tare=b"\x64",
    info_commands=(b"\x70", b"\x6b", b"\x6f"), reply_tag=0, battery_command=b"\x6f",
)

FORCE_BOARD = Profile(
    protocol="forceboard", label="PitchSix Force Board",
    names=("force board", "forceboard"), rate_hz=80.0, unit="lbf",
    data_service="9a88d67f-8df2-4afe-9e0d-c2bbbe773dd0",
    data="9a88d682-8df2-4afe-9e0d-c2bbbe773dd0",
    control_service="467a8516-6e39-11eb-9439-0242ac130002",
    control="467a8517-6e39-11eb-9439-0242ac130002",      # Device Mode
    start=b"\x04", stop=b"\x07", tare=b"\x05",
    info_reads=(BATTERY_LEVEL, (uuid16("180a"), uuid16("2a26"), "fw"),
                (uuid16("180a"), uuid16("2a25"), "serial")),
)
#: Pounds per 3-byte count: NOT confirmed on a real board (docs/bluetooth.md); ``?lbf_per_count=``.
FORCE_BOARD_LBF_PER_COUNT = 0.01

WHC06 = Profile(
    protocol="whc06", label="WH-C06-type advertising scale",
    names=("if_b7", "wh-c06", "whc06"), rate_hz=8.0, unit="kgf", advertising=True,
)

PROFILES = {p.protocol: p for p in (PROGRESSOR, FORCE_BOARD, WHC06)}
#: an advertising scale that stays silent this long is gone (a connection lost)
ADVERT_SILENCE_S = 2.0


def guess_protocol(name: str) -> str | None:
    lowered = name.lower()
    for p in PROFILES.values():
        if any(lowered.startswith(prefix) for prefix in p.names):
            return p.protocol
    return None
