"""Who may do what on the embedded broker (amqtt plugins, loaded by their dotted names).

Two accounts per room, both generated when the broker starts: the instructor's (reads and writes
the whole room) and the stations' (the URL handed out). A station may publish only under its own
name, which is bound to its MQTT client id (``pressure-ROOM-STATION``, what Station uses), and
read only the command topic: a student holding the stations' URL can neither read the others'
values and names nor write as another station without taking over its connection (which drops
the real one, visibly). Anonymous access exists only when the instructor asked for it.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field

from amqtt.contexts import Action
from amqtt.plugins.base import BaseAuthPlugin, BaseTopicPlugin

from . import protocol


class RoomAuth(BaseAuthPlugin):
    """The room's two accounts (a connected station's name is kept from a newcomer by the broker
    itself, broker.py, before amqtt would hand it over)."""

    async def authenticate(self, *, session) -> bool:
        cfg = self.context.config
        if cfg.anonymous:
            return True
        if not session or not session.username or session.username not in cfg.users:
            return False
        if not hmac.compare_digest((session.password or "").encode(), cfg.users[session.username].encode()):
            return False
        return True

    @dataclass
    class Config:
        users: dict = field(default_factory=dict)  # user name -> password
        anonymous: bool = False


def station_allowed(room: str, client_id: str, topic: str, action: str) -> bool:
    """The stations' account: publish its own four kinds, read the room's command topic."""
    if action == "publish":
        where = protocol.split_topic(room, topic)
        return where is not None and client_id == f"pressure-{room}-{where[0]}"
    return topic == protocol.command_topic(room)


def teacher_allowed(room: str, topic: str) -> bool:
    return topic == f"{protocol.PREFIX}/{room}" or topic.startswith(f"{protocol.PREFIX}/{room}/")


class RoomTopics(BaseTopicPlugin):
    async def topic_filtering(self, *, session=None, topic=None, action=None) -> bool:
        cfg = self.context.config
        if cfg.anonymous:
            return True
        if session is None or topic is None:
            return False
        if session.username == cfg.teacher:
            return teacher_allowed(cfg.room, topic)
        if session.username == cfg.station:
            kind = "publish" if action == Action.PUBLISH else "read"
            return station_allowed(cfg.room, session.client_id or "", topic, kind)
        return False

    @dataclass
    class Config:
        room: str = ""
        teacher: str = "teacher"
        station: str = "station"
        anonymous: bool = False
