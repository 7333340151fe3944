"""The kinds of sensor a practitioner picks by name, and how each one talks.

The connection wizard offers these instead of format names and baud rates; the command line
takes the same settings as ``--format --baud --poll --poll-rate``. The gauges' settings come
from the makers' published manuals (docs/hardware.md, "Commercial gauges"); none of them was
tried on a real gauge here, and a gauge's own menu may be set to another baud rate.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SensorKind:
    name: str
    fmt: str = "auto"
    baudrate: int = 115200
    poll: bytes | None = None  # the request a polled gauge answers
    poll_rate: float | None = None
    note: str = ""

    def reader_options(self, baudrate: int | None = None) -> dict:
        """Keyword arguments for :class:`pressure.acquisition.Reader` (without url/buffer)."""
        return {"fmt": self.fmt, "baudrate": int(baudrate or self.baudrate), "poll": self.poll,
                "poll_rate": self.poll_rate}


ARDUINO = SensorKind("Arduino with the pressure sketch (HX711 load cell)",
                     note="the sensor built from the hardware guide (docs/hardware.md); also "
                          "other Arduino sketches that print one reading per line")
KINDS = (
    ARDUINO,
    SensorKind("Mark-10 Series 4 / 5 / 7 force gauge", fmt="gauge", baudrate=9600, poll=b"?\r",
               poll_rate=10.0, note="asked for a reading 10 times a second ('?'); set the baud "
                                    "rate to what the gauge's Serial/USB menu says"),
    SensorKind("Wagner FDX force gauge / algometer", fmt="gauge", baudrate=9600, poll=b"?\r\n",
               poll_rate=10.0, note="asked for a reading 10 times a second ('?'); the gauge's "
                                    "USB menu shows its baud rate"),
    SensorKind("Dillon AFG / Quantrol force gauge (continuous)", fmt="gauge", baudrate=9600,
               note="hold the gauge's TXD key for 2 s to start sending (about 12 readings/s)"),
    SensorKind("Other force gauge (sends a number and a unit per line)", fmt="gauge", baudrate=9600,
               note="readings such as '4.285 N' or '-18.78 lbF'; set the gauge to send continuously"),
)
BAUD_RATES = (2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400)


def kind_named(name: str) -> SensorKind:
    """The kind saved under ``name``; the Arduino sketch for "" or a name no longer known."""
    return next((k for k in KINDS if k.name == name), ARDUINO)


def saved_reader_options(kind_name: str, baud: int) -> dict:
    """Reader options for a sensor chosen in an earlier session (window.ini's sensor/kind and
    sensor/baud); a baud rate outside what serial ports take falls back to the kind's own."""
    kind = kind_named(kind_name)
    return kind.reader_options(baud if 0 < baud <= 20_000_000 else None)
