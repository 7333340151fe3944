"""A simulated force sensor, byte for byte: load cell + 24-bit ADC firmware on a pty or TCP port.

``model`` says what the practitioner presses, ``firmware`` turns it into the bytes a device
sends (formats, commands, faults), ``host`` serves those bytes in real time on a
pseudo-terminal or a TCP port, so the reader uses the same pyserial path as with real hardware.
Nothing here imports pressure/wire.py or pyserial. See docs/simulator.md.
"""

from .faults import FaultPlan, parse_faults
from .firmware import FORMATS, RATES, Firmware
from .host import SimHost, start_builtin_simulator
from .model import PROFILES, make_profile

__all__ = ["FORMATS", "PROFILES", "RATES", "FaultPlan", "Firmware", "SimHost", "make_profile",
           "parse_faults", "start_builtin_simulator"]
