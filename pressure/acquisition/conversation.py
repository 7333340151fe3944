"""The device conversation: bytes in -> parsed samples and the device's messages acted on.

In the spirit of pyserial's ``serial.threaded.Protocol``: the port loop hands every chunk of
bytes to :meth:`DeviceConversation.data_received` and tells it when the connection was made
and lost; the conversation never touches the port itself, it writes through the ``write``
function it is given. So a test drives it with a table of lines sent and answered.

The own protocol's device is asked who it is (``ID?``) on every connection and after
``#BOOT``; the conversation does not wait for a banner to ask. Its ``#ID`` reply names the
serial number and maybe ``counts_per_n`` (calibration); samples in counts wait up to
``ID_WAIT`` for it so that the first samples are calibrated like the rest. ``#OK``/``#ERR``
replies are kept as ``last_message``; ``OK TARE`` means the device subtracts its tare itself.
"""

from __future__ import annotations

import logging
from typing import Callable

from ..errors import PressureError
from .calibration_choice import CalibrationChoice
from .stamper import Stamper
from .stats import StatsKeeper

log = logging.getLogger(__name__)

ID_WAIT = 0.5              # s: how long the first samples wait for the '#ID' reply


def parse_id(text: str) -> dict:
    """``ID model=pressure-sim fw=1.0 serial=SIM1`` -> {'model': 'pressure-sim', ...}."""
    info = {}
    for word in text.split()[1:]:
        key, sep, value = word.partition("=")
        if sep and key:
            info[key] = value
    return info


class DeviceConversation:
    """Parses one sensor's bytes and keeps up its side of the conversation.

    ``deliver(parsed, arrival, restart_at)`` receives every chunk with samples, in order;
    ``write(bytes)`` sends to the device (it raises PressureError when not connected).
    """

    def __init__(self, url: str, fmt: str, parser, write: Callable[[bytes], None],
                 deliver: Callable, stats: StatsKeeper, calibration: CalibrationChoice,
                 stamper: Stamper) -> None:
        self.url = url
        self.fmt = fmt
        self.parser = parser
        self._write = write
        self._deliver = deliver
        self._stats = stats
        self._cal = calibration
        self._stamper = stamper
        self.usb_serial: str | None = None  # the USB adapter's serial number, if any
        # parsed chunks waiting for the '#ID' reply, with the samples a restart was announced before
        self._held: list[tuple[object, float, list[int]]] = []
        self._id_deadline: float | None = None
        self._id_asked = False
        self._saw_samples = False  # samples since the start or the last banner

    # -- what the port loop calls ------------------------------------------------------------

    def connection_made(self, now: float, usb_serial: str | None = None) -> None:
        self.usb_serial = usb_serial
        self._id_asked = False
        self._maybe_ask_id(now)

    def connection_lost(self) -> None:
        self.parser.reset()

    def data_received(self, data: bytes, arrival: float) -> None:
        parsed = self.parser.feed(data)
        if parsed.messages:
            restart_at = self._on_messages(parsed, arrival)
        else:
            restart_at = []
            self._saw_samples = self._saw_samples or len(parsed) > 0
        fmt = self.detected_format()
        if fmt != self._stats.current.format:
            self._stats.update(format=fmt)
            self._maybe_ask_id(arrival)
        if parsed.bad_lines or parsed.checksum_errors:
            self._stats.add(bad_lines=parsed.bad_lines, checksum_errors=parsed.checksum_errors)
        if len(parsed) == 0:
            self._stamper.no_samples(arrival, bool(parsed.messages))
            if restart_at:
                self._carry_restart(parsed)
            return
        if self._held or (self._id_deadline is not None and self._cal.calibration is None
                          and parsed.unit == "counts" and arrival < self._id_deadline):
            self._held.append((parsed, arrival, restart_at))
            if arrival >= self._id_deadline:
                self.flush(force=True)
            return
        self._deliver(parsed, arrival, restart_at)

    def idle(self, now: float) -> None:
        """Nothing arrived: samples held for an ``#ID`` that did not come go on after ID_WAIT."""
        if self._held and self._id_deadline is not None and now >= self._id_deadline:
            self.flush(force=True)

    def flush(self, force: bool = False) -> None:
        """Hand on the held chunks (the ``#ID`` came, or the wait is over)."""
        if not self._held:
            return
        held, self._held = self._held, []
        self._id_deadline = None
        for parsed, arrival, restart_at in held:
            self._deliver(parsed, arrival, restart_at)

    def detected_format(self) -> str:
        return getattr(self.parser, "format", None) or self.fmt

    # -- the device's side ---------------------------------------------------------------------

    def _send(self, line: bytes) -> bool:
        try:
            self._write(line)
        except PressureError:
            return False
        return True

    def _maybe_ask_id(self, now: float) -> None:
        """Ask the own protocol's device who it is (once per connection)."""
        detected = self.detected_format()
        if self._id_asked or detected not in ("pressure", "auto") or self.fmt not in ("pressure", "auto"):
            return
        if self.fmt == "auto" and detected != "pressure":
            return
        self._id_asked = True
        if not self._send(b"ID?\n"):
            return
        if self._cal.calibration is None and self._id_deadline is None:
            self._id_deadline = now + ID_WAIT

    def _carry_restart(self, parsed) -> None:
        """A restart announced after the last sample that arrived: it applies to the next one."""
        if self._held:
            last, _, marks = self._held[-1]
            marks.append(len(last))  # after the last held sample
        else:
            self._stamper.restart_next(own_clock=parsed.seq is not None)

    def _on_messages(self, parsed, now: float) -> list[int]:
        """Act on the chunk's messages; the indices of the samples a restart came just before.

        ``#BOOT`` is a restart of the own protocol's device (its clock begins a new run at
        that sample); a text device that prints its banner again after sending samples has
        restarted too (several banner lines in a row are one restart).
        """
        restart_at = []
        saw, before = self._saw_samples, 0
        # text devices' banners; a Bluetooth port's messages are replies, never a restart
        text = self.detected_format() not in ("pressure",) and not self.detected_format().startswith("ble")
        for message, pos in zip(parsed.messages, parsed.message_pos):
            if pos > before:
                saw, before = True, pos
            word = message.split(" ", 1)[0]
            if word == "BOOT":
                restart_at.append(pos)
                log.info("%s: device restarted (%s)", self.url, message)
                self._id_asked = False
                self._maybe_ask_id(now)
            else:
                if text and word != "ID":
                    if saw:
                        restart_at.append(pos)
                        self._stats.add(restarts=1)
                    saw = False
                self._on_message(message, word)
        self._saw_samples = saw or len(parsed) > before
        return restart_at

    def _on_message(self, message: str, word: str) -> None:
        if word == "ID":
            info = parse_id(message)
            self._stats.update(device_info=info)
            self.resolve_calibration(info)
            self.flush()
        else:
            log.debug("%s: %s", self.url, message)
        if word in ("OK", "ERR"):
            self._stats.update(last_message=message)
        if message.startswith("OK TARE"):
            # The device now subtracts its tare itself: raw reads ~0 with nothing pressed, so
            # the device's own calibration has zero 0 from the next sample on. Ask it to confirm.
            info = dict(self._stats.current.device_info, offset="0")
            self._stats.update(device_info=info)
            source = self._cal.source
            if source == "device":
                self.resolve_calibration(info)
            elif source in ("store", "given"):
                log.warning("%s: the device tared itself; the calibration in use (%s) may now be off",
                            self.url, source)
            self._send(b"ID?\n")

    def resolve_calibration(self, info: dict | None = None, unit: str | None = None) -> None:
        sensor_id = self._cal.resolve(info, unit, self.usb_serial)
        cal = self._cal
        self._stats.update(sensor_id=sensor_id, calibrated=cal.calibration is not None,
                           calibration_source=cal.source)


__all__ = ["DeviceConversation", "ID_WAIT", "parse_id"]
