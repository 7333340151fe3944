"""The instructor's model of the class: one record per station, fed by MQTT, Qt-free.

A station is offline when it said so (its status, or the broker's last will for it) or when
nothing came from it for OFFLINE_AFTER_S -- stations send a status heartbeat each second, so
a station whose network vanished goes grey even before the broker notices.
"""

from __future__ import annotations

import logging
import threading
import time

from . import protocol
from .client import connect, make_client
from .station_view import LIVE_STALE_S, SPARK_S, TRACE_POINTS, StationView  # noqa: F401 (the names others use)
from .url import BrokerURL

log = logging.getLogger(__name__)

OFFLINE_AFTER_S = 2.5
MAX_STATIONS = 100  # a room's tiles: more is a flood (counted in ``refused``), not a class


class Classroom:
    """Subscribes to a room and keeps a StationView per station (thread-safe)."""

    def __init__(self, url: BrokerURL, *, secret: str = "", cafile: str | None = None, clock=time.monotonic,
                 on_live=None):
        self.url, self.secret, self._clock = url, secret, clock
        self.stations: dict[str, StationView] = {}
        self.invalid = 0  # messages that were not valid protocol (ignored)
        self.refused = 0  # valid messages from stations beyond MAX_STATIONS (ignored)
        self.received = 0
        self.on_live = on_live  # called (station, message, receive time) for each live message
        self.lock = threading.Lock()
        self.client = make_client(url, "", cafile=cafile)
        self.client.on_connect = self._on_connect
        self.client.on_message = self._on_message
        self.client.reconnect_delay_set(0.1, 1.0)  # back before the stations flush their queues

    def start(self) -> "Classroom":
        connect(self.client, self.url)
        return self

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()

    def _on_connect(self, client, userdata, flags, reason_code, properties):
        if not reason_code.is_failure:
            client.subscribe(protocol.station_filter(self.url.room), qos=1)

    def _on_message(self, client, userdata, msg):
        try:
            self.receive(msg.topic, msg.payload, retained=bool(msg.retain))
        except Exception:  # a bug here must not stop the network thread
            log.exception("classroom message not handled")
            self.invalid += 1

    def receive(self, topic: str, payload: bytes, retained: bool = False) -> bool:
        """Take one message; False (and counted) if it is not valid protocol."""
        now = self._clock()
        where = protocol.split_topic(self.url.room, topic)
        msg = protocol.decode(where[1], payload) if where else None
        if msg is None:
            self.invalid += 1
            return False
        name, kind = where
        with self.lock:
            self.received += 1
            view = self.stations.get(name)
            if view is None:
                if kind == "status" and (msg["state"] == "offline" or
                                         (retained and abs(time.time() - msg["t"]) > OFFLINE_AFTER_S)):
                    return True  # a goodbye, or an old "online" whose will the broker lost: an earlier class
                if len(self.stations) >= MAX_STATIONS and not self._make_room():
                    self.refused += 1
                    return True
                view = self.stations[name] = StationView(name)
            view.version += 1
            if kind == "status":
                view.said_offline = msg["state"] == "offline"
                view.trainee = msg["trainee"] or view.trainee
                view.run = msg["run"] or view.run
                if view.said_offline:
                    view.online = False
                    return True
            elif kind == "live":
                view.value, view.unit, view.zone, view.step = msg["value"], msg["unit"], msg["zone"], msg["step"]
                view.remaining, view.in_band_s, view.run_s = msg["remaining"], msg["in_band_s"], msg["run_s"]
                view.trainee = msg["trainee"] or view.trainee
                view.trace.append(msg["t"], msg["value"])
                view.said_offline = False
                view.live_at, view.stale = now, False
            elif kind == "event":
                view.events.add((msg["sid"], msg["seq"]), msg)  # QoS 1 may deliver twice
            elif kind == "score":
                view.scores, view.final = msg["scores"], msg["final"]
            view.last_seen = now
            view.online = True
        if kind == "live" and self.on_live is not None:
            self.on_live(name, msg, payload)
        return True

    def _make_room(self) -> bool:
        """At the bound: forget the station offline longest that left no score (a flood's fakes
        go offline when it stops, and real stations get their tiles back). False: none to forget."""
        gone = [v for v in self.stations.values() if not v.online and not v.scores]
        if not gone:
            return False
        del self.stations[min(gone, key=lambda v: v.last_seen).station]
        return True

    def refresh(self) -> None:
        """Mark stations that went silent offline, and those whose live values stopped stale
        whatever their heartbeat says (call a few times a second)."""
        now = self._clock()
        with self.lock:
            for view in self.stations.values():
                if view.online and now - view.last_seen > OFFLINE_AFTER_S:
                    view.online = False
                    view.version += 1
                stale = view.online and (view.live_at is None or now - view.live_at > LIVE_STALE_S)
                if stale != view.stale:
                    view.stale = stale
                    view.version += 1

    def rows(self) -> list[dict]:
        self.refresh()
        with self.lock:
            return [self.stations[k].row() for k in sorted(self.stations)]

    def start_routine(self, routine: str = "") -> None:
        """Start a routine on every station (they accept it only with the room secret's MAC)."""
        from ..errors import PressureError

        if not self.secret:
            raise PressureError("starting a routine on the stations needs the room secret (--room-secret or $PRESSURE_ROOM_SECRET)")
        with self.lock:
            runs = [v.run for v in self.stations.values() if v.online and v.run]
        if not runs:
            raise PressureError("no station online to start")
        self.client.publish(protocol.command_topic(self.url.room),
                            protocol.sign_command(self.secret, "start", routine, runs=runs), qos=1)
