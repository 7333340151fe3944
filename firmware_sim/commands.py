"""What the simulated device does with the bytes it receives: the ``pressure`` protocol's
commands (ID?, TARE, RATE, START, STOP; docs/architecture.md) and a polled gauge's requests.

A mixin of :class:`~firmware_sim.firmware.Firmware`: the commands change the device state
that the firmware keeps (rate and sample schedule, tare, streaming).
"""

from __future__ import annotations

import logging
import math

import numpy as np

log = logging.getLogger(__name__)

RATES = (10, 80, 100, 250, 500, 1000, 2000)  # what the RATE command accepts
MODEL, FW_VERSION = "pressure-sim", "1.0"
_MAX_COMMAND = 128  # a longer line without an ending is noise, not a command


class DeviceCommands:
    """Command handling of the firmware (see the module docstring)."""

    def handle_input(self, data: bytes) -> None:
        """Bytes the host received from the reader: commands, or poll requests for a gauge."""
        self._inbuf += data
        while True:
            cut = [i for i in (self._inbuf.find(b"\n"), self._inbuf.find(b"\r")) if i >= 0]
            if not cut:
                if len(self._inbuf) > _MAX_COMMAND:
                    self._inbuf.clear()
                return
            i = min(cut)
            line = bytes(self._inbuf[:i]).decode("ascii", "replace").strip()
            del self._inbuf[: i + 1]
            if line:
                self._command(line)

    def _command(self, line: str) -> None:
        if self.fmt == "gauge" and self.poll:
            if line in ("?", "D", "d"):
                self._polls += 1
            return
        if self.fmt != "pressure":
            log.debug("format %s ignores input %r", self.fmt, line)
            return
        self.stats["commands"] += 1
        words = line.split()
        cmd = words[0].upper()
        if cmd == "ID?" and len(words) == 1:
            self._say(f"#ID model={MODEL} fw={FW_VERSION} serial={self.serial} rate={self.rate:g} "
                      f"counts_per_n={self.counts_per_n!r} offset={self.offset}")
        elif cmd == "TARE" and len(words) == 1:
            recent = list(self._recent_adc) or self._adc(self._base(np.array([self._now]))).tolist()
            self._tare, self._tared = int(round(sum(recent) / len(recent))), True
            self._say(f"#OK TARE offset={self._tare}")
        elif cmd == "RATE":
            try:
                hz = float(words[1]) if len(words) == 2 else math.nan
            except ValueError:
                hz = math.nan
            if hz not in RATES:
                arg = " ".join(words[1:]) or "(none)"
                self._say(f"#ERR RATE {arg} is not a rate; choose {', '.join(map(str, RATES))}")
                return
            self.rate = hz
            self._sched_t0, self._sched_k = self._now, 1
            self._say(f"#OK RATE {hz:g}")
        elif cmd in ("START", "STOP") and len(words) == 1:
            if cmd == "START" and not self.streaming:
                self._sched_t0, self._sched_k = self._now, 1
            self.streaming = cmd == "START"
            self._say(f"#OK {cmd}")
        else:
            self._say(f"#ERR {line[:40]} unknown command")
