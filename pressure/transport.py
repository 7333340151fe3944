"""Serial transport: open a port from a URL, read whole chunks, list ports.

This is the only module that imports pyserial, so everything above it (the reader thread, the
commands, the window) works with a ``serial.SerialBase`` it got from here and with the
exception helpers below, never with ``serial`` itself. Any pyserial URL works:
``/dev/ttyUSB0``, ``COM3``, ``socket://host:port``, ``spy://...``, ``loop://``, ``rfc2217://``.
"""

from __future__ import annotations

import errno
import logging
import os
import select
import socket
import time
from dataclasses import asdict, dataclass

import serial
import serial.tools.list_ports

from .errors import PressureError

log = logging.getLogger(__name__)

#: Largest chunk one read hands on. Big enough that parsing per chunk is cheap per sample,
#: small enough that a burst never stalls the hand-off for long.
MAX_CHUNK = 1 << 16

# USB vendor (and product) ids of the serial chips found on boards people wire a load cell to.
# Known force gauges mostly sit behind the same chips, so they are also matched by name below.
_USB_KINDS: dict[tuple[int, int | None], str] = {
    (0x2341, None): "Arduino",
    (0x2A03, None): "Arduino (arduino.org)",
    (0x1B4F, None): "SparkFun board",
    (0x239A, None): "Adafruit board",
    (0x2E8A, None): "Raspberry Pi Pico",
    (0x1A86, 0x7523): "CH340 USB serial",
    (0x1A86, 0x5523): "CH341 USB serial",
    (0x1A86, 0x55D4): "CH9102 USB serial",
    (0x10C4, 0xEA60): "CP210x USB serial",
    (0x10C4, 0xEA70): "CP2105 USB serial",
    (0x0403, 0x6001): "FTDI FT232R",
    (0x0403, 0x6010): "FTDI FT2232",
    (0x0403, 0x6014): "FTDI FT232H",
    (0x0403, 0x6015): "FTDI FT-X",
    (0x067B, 0x2303): "Prolific PL2303",
    (0x303A, None): "Espressif ESP32",
}

# Names that commercial force gauges put in their USB manufacturer/product strings.
_GAUGE_NAMES = ("mark-10", "mark10", "imada", "shimpo", "nidec", "dillon", "chatillon",
                "wagner", "sauter", "checkline", "lutron", "extech", "algometer", "force gauge")


class PortError(PressureError):
    """A port could not be opened (missing, busy, refused, bad URL)."""


#: Exceptions that mean "the port went away" while it was open (unplugged, pty closed, TCP reset).
PORT_ERRORS: tuple[type[BaseException], ...] = (serial.SerialException, OSError)


def is_port_gone(exc: BaseException) -> bool:
    """True if ``exc`` says the open port vanished (retry later), False for a programming error."""
    return isinstance(exc, PORT_ERRORS)


@dataclass(frozen=True)
class PortInfo:
    device: str
    description: str
    vid: int | None
    pid: int | None
    serial_number: str | None
    likely_sensor: bool
    kind: str  # what we think is behind the port ("Arduino", "CH340 USB serial", "force gauge", "")

    @property
    def vid_pid(self) -> str:
        return f"{self.vid:04X}:{self.pid:04X}" if self.vid is not None and self.pid is not None else ""

    def to_dict(self) -> dict:
        return {**asdict(self), "vid_pid": self.vid_pid}


def classify(vid: int | None, pid: int | None, text: str = "") -> tuple[bool, str]:
    """(likely_sensor, kind) from USB ids and the port's descriptive strings."""
    lowered = text.lower()
    for name in _GAUGE_NAMES:
        if name in lowered:
            return True, "force gauge"
    if vid is not None:
        kind = _USB_KINDS.get((vid, pid)) or _USB_KINDS.get((vid, None))
        if kind:
            return True, kind
        return False, "USB serial"
    return False, ""


def list_ports() -> list[PortInfo]:
    """Serial ports on this machine, the likely force sensors first."""
    found = []
    for p in serial.tools.list_ports.comports():
        text = " ".join(filter(None, (p.description, p.manufacturer, p.product)))
        likely, kind = classify(p.vid, p.pid, text)
        found.append(PortInfo(
            device=p.device,
            description=p.description if p.description and p.description != "n/a" else "",
            vid=p.vid, pid=p.pid, serial_number=p.serial_number or None,
            likely_sensor=likely, kind=kind,
        ))
    found.sort(key=lambda i: (not i.likely_sensor, i.vid is None, i.device))
    return found


def usb_serial_number(url: str) -> str | None:
    """The USB serial number of the adapter behind a device path (None for URLs and plain ports).

    It names a sensor that cannot name itself (a gauge, an HX711 sketch), so that its
    calibration can be found again the next time it is plugged in, whatever port it gets.
    """
    if "://" in url:
        return None
    try:
        for p in serial.tools.list_ports.comports():
            if p.device == url and p.serial_number:
                return p.serial_number
    except Exception:  # noqa: BLE001 - listing is a nicety here; never stop a reader for it
        log.debug("could not list ports", exc_info=True)
    return None


def open_port(url: str, baudrate: int = 115200, timeout: float = 0.05) -> serial.SerialBase:
    """Open any pyserial port or URL; PortError with the reason if it cannot be opened."""
    if not url or not str(url).strip():
        raise PortError("no port given (e.g. /dev/ttyUSB0, COM3 or socket://host:port)")
    from .ble.url import is_ble_url

    if is_ble_url(url):  # a Bluetooth sensor: a port-like object that hands on frames
        from .ble.port import open_ble

        try:
            return open_ble(url, timeout=timeout)
        except PressureError as exc:
            raise PortError(str(exc)) from None
    try:
        port = serial.serial_for_url(url, baudrate=baudrate, timeout=timeout, write_timeout=1.0)
    except (serial.SerialException, OSError, ValueError) as exc:
        raise PortError(f"cannot open {url}: {_reason(exc)}") from None
    log.info("opened %s at %d baud", url, baudrate)
    return port


def _reason(exc: BaseException) -> str:
    """The operating system's words for why, without pyserial's repetition of the port name."""
    cause = exc.__cause__ or exc.__context__
    if isinstance(cause, OSError) and cause.strerror:
        reason = cause.strerror
        if cause.errno == errno.EACCES and os.name == "posix":
            reason += " (on Linux, is your user in the dialout group?)"
        return reason
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


def read_chunk(port: serial.SerialBase, limit: int = MAX_CHUNK) -> bytes:
    """Everything the port has now (up to ``limit``), waiting at most the port's timeout.

    Never byte by byte: on a real or pseudo terminal ``in_waiting`` is the exact count, so one
    ``read`` takes all of it. A ``socket://`` port only reports 0 or 1 there; reading 1 byte per
    call would cost one system call per byte, so after the first byte the rest of what the
    socket holds is taken in one ``recv``. Raises a PORT_ERRORS exception if the port vanished.
    """
    waiting = port.in_waiting
    data = port.read(min(waiting, limit) if waiting > 1 else 1)
    if not data:
        return b""
    sock = getattr(port, "_socket", None)  # pyserial's socket:// handler
    if isinstance(sock, socket.socket):
        ready, _, _ = select.select([sock], [], [], 0)
        if ready:
            more = sock.recv(limit - len(data))
            if not more:
                raise serial.SerialException("socket disconnected")
            data += more
        return data
    # A terminal hands over at most ~4 KB per read; take what else is already there, so a fast
    # stream is parsed in fewer, larger chunks (parsing cost per chunk is mostly fixed). For a
    # plain serial port the bytes known to be waiting are read from its file descriptor
    # directly: pyserial's read() adds a select() and a timer per call. (Not for spy:// and
    # other subclasses, whose read() does more than read.)
    direct = type(port) is serial.Serial and hasattr(port, "fileno")
    parts = [data]
    size = len(data)
    while size < limit:
        waiting = port.in_waiting
        if not waiting:
            break
        want = min(waiting, limit - size)
        more = os.read(port.fileno(), want) if direct else port.read(want)
        if not more:
            break
        parts.append(more)
        size += len(more)
    return b"".join(parts) if len(parts) > 1 else data


def read_waiting(port: serial.SerialBase, limit: int = MAX_CHUNK) -> bytes:
    """What the port holds now (up to ``limit``), without waiting: b"" when nothing is there."""
    if not port.in_waiting:
        sock = getattr(port, "_socket", None)
        if not isinstance(sock, socket.socket) or not select.select([sock], [], [], 0)[0]:
            return b""
    return read_chunk(port, limit)


def discard_waiting(port: serial.SerialBase, settle_s: float = 0.0, limit: int = 1 << 22) -> int:
    """Throw away what waits in the port (bytes the device sent before anyone read them: old
    samples, not live data), and for ``settle_s`` more whatever follows: a device's or an
    adapter's own buffer (a USB serial chip's FIFO, simavr's uart_pty) empties into the port
    only once the port's buffer has room. Returns how many bytes were dropped (as far as can be
    told: a terminal's flush does not say)."""
    dropped = 0
    try:
        dropped = int(port.in_waiting or 0)
    except Exception:  # noqa: BLE001 - only a count for the log
        pass
    port.reset_input_buffer()  # a terminal's tcflush; pyserial's socket:// reads what is there
    end = time.monotonic() + settle_s
    while dropped < limit:
        more = read_waiting(port, min(MAX_CHUNK, limit - dropped))
        dropped += len(more)
        now = time.monotonic()
        if now >= end:
            break
        if not more:
            time.sleep(min(0.01, end - now))  # the settle time itself: a wait that ends on time
    return dropped


def write(port: serial.SerialBase, data: bytes) -> None:
    """Write all of ``data`` (commands and poll requests are short)."""
    port.write(data)
    port.flush()
