"""Broker addresses: ``mqtt://HOST:PORT/ROOM`` and ``mqtts://USER:PASS@HOST:8883/ROOM[?fp=SHA256]``.

``fp``: the SHA-256 fingerprint (64 hex digits) of the broker's own certificate: the embedded
broker's URL carries it, and then that certificate is the only one accepted (no CA is asked).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, unquote, urlsplit

from ..errors import PressureError
from .protocol import check_name

_FP = re.compile(r"^[0-9a-fA-F]{64}$")


@dataclass(frozen=True)
class BrokerURL:
    host: str
    port: int
    room: str
    tls: bool = False
    username: str | None = None
    password: str | None = None
    fingerprint: str | None = None

    def _text(self, password: bool) -> str:
        user = ""
        if self.username:
            user = quote(self.username, safe="")
            if password and self.password is not None:
                user += ":" + quote(self.password, safe="")
            user += "@"
        host = f"[{self.host}]" if ":" in self.host else self.host
        fp = f"?fp={self.fingerprint}" if self.fingerprint else ""
        return f"{'mqtts' if self.tls else 'mqtt'}://{user}{host}:{self.port}/{self.room}{fp}"

    def public(self) -> str:
        """The URL without the password (for messages and logs)."""
        return self._text(password=False)

    def full(self) -> str:
        """The URL with its password: what the instructor hands out (never put on a command line)."""
        return self._text(password=True)


def parse_url(text: str, default_room: str = "") -> BrokerURL:
    """Parse a broker URL; a bad one is one clear PressureError."""
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise PressureError(f"bad broker URL {_hide(text)!r}: {exc}") from None
    if parts.scheme not in ("mqtt", "mqtts") or not parts.hostname:
        raise PressureError(f"bad broker URL {_hide(text)!r}: expected mqtt://HOST:PORT/ROOM or mqtts://USER:PASS@HOST:8883/ROOM")
    room = parts.path.strip("/") or default_room
    if not room:
        raise PressureError(f"broker URL {_hide(text)!r} names no room: add /ROOM at its end")
    check_name(room, "the room")
    tls = parts.scheme == "mqtts"
    fingerprint = None
    if parts.query:
        query = parse_qs(parts.query)
        fps = query.pop("fp", [])
        if query or len(fps) != 1 or not _FP.match(fps[0]):
            raise PressureError(f"broker URL {_hide(text)!r}: the only option is ?fp= and 64 hex digits "
                                "(the broker certificate's SHA-256)")
        if not tls:
            raise PressureError(f"broker URL {_hide(text)!r}: ?fp= names a TLS certificate: use mqtts://")
        fingerprint = fps[0].lower()
    return BrokerURL(parts.hostname, port or (8883 if tls else 1883), room, tls,
                     unquote(parts.username) if parts.username else None,
                     unquote(parts.password) if parts.password is not None else None, fingerprint)


def _hide(text: str) -> str:
    """The URL as typed, without a password (error messages never print one)."""
    return re.sub(r"(//[^/:@]*):[^@/]*@", r"\1:***@", text)
