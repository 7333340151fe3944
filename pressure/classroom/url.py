"""Broker addresses: ``mqtt://HOST:PORT/ROOM`` and ``mqtts://USER:PASS@HOST:8883/ROOM``."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from ..errors import PressureError
from .protocol import check_name


@dataclass(frozen=True)
class BrokerURL:
    host: str
    port: int
    room: str
    tls: bool = False
    username: str | None = None
    password: str | None = None

    def public(self) -> str:
        """The URL without the password (for messages and logs)."""
        user = f"{self.username}@" if self.username else ""
        return f"{'mqtts' if self.tls else 'mqtt'}://{user}{self.host}:{self.port}/{self.room}"


def parse_url(text: str, default_room: str = "") -> BrokerURL:
    """Parse a broker URL; a bad one is one clear PressureError."""
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise PressureError(f"bad broker URL {text!r}: {exc}") from None
    if parts.scheme not in ("mqtt", "mqtts") or not parts.hostname:
        raise PressureError(f"bad broker URL {text!r}: expected mqtt://HOST:PORT/ROOM or mqtts://USER:PASS@HOST:8883/ROOM")
    room = parts.path.strip("/") or default_room
    if not room:
        raise PressureError(f"broker URL {text!r} names no room: add /ROOM at its end")
    check_name(room, "the room")
    tls = parts.scheme == "mqtts"
    return BrokerURL(parts.hostname, port or (8883 if tls else 1883), room, tls,
                     unquote(parts.username) if parts.username else None,
                     unquote(parts.password) if parts.password is not None else None)
