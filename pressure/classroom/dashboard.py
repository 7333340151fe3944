"""The instructor's model of the class: one record per station, fed by MQTT, Qt-free.

A station is offline when it said so (its status, or the broker's last will for it) or when
nothing came from it for OFFLINE_AFTER_S -- stations send a status heartbeat each second, so
a station whose network vanished goes grey even before the broker notices.
"""

from __future__ import annotations

import collections
import logging
import math
import threading
import time
from dataclasses import dataclass, field

from . import protocol
from .client import connect, make_client
from .url import BrokerURL

log = logging.getLogger(__name__)

OFFLINE_AFTER_S = 2.5
SPARK_S = 20.0
TRACE_POINTS = 30 * 3600  # the full trace of one hour at 30 points a second


@dataclass
class StationView:
    station: str
    trainee: str = ""
    online: bool = True
    value: float = math.nan
    unit: str = ""
    zone: str = ""
    step: str = ""
    remaining: float | None = None
    in_band_s: float = 0.0
    run_s: float = 0.0
    last_seen: float = 0.0  # dashboard clock
    said_offline: bool = False
    trace: collections.deque = field(default_factory=lambda: collections.deque(maxlen=TRACE_POINTS))
    events: list = field(default_factory=list)
    seen: set = field(default_factory=set)
    scores: dict = field(default_factory=dict)
    final: bool = False

    @property
    def time_in_band_pct(self) -> float | None:
        return 100.0 * self.in_band_s / self.run_s if self.run_s > 0 else None

    def sparkline(self, now_t: float | None = None):
        """(t, value) pairs of the last SPARK_S seconds of the station's session time."""
        if not self.trace:
            return []
        end = self.trace[-1][0] if now_t is None else now_t
        return [p for p in self.trace if p[0] >= end - SPARK_S]

    def row(self) -> dict:
        pct = self.time_in_band_pct
        return {"station": self.station, "trainee": self.trainee, "online": self.online,
                "value": None if not math.isfinite(self.value) else round(self.value, 3), "unit": self.unit,
                "zone": self.zone, "step": self.step,
                "time_in_band_pct": None if pct is None else round(pct, 1)}


class Classroom:
    """Subscribes to a room and keeps a StationView per station (thread-safe)."""

    def __init__(self, url: BrokerURL, *, secret: str = "", cafile: str | None = None, clock=time.monotonic,
                 on_live=None):
        self.url, self.secret, self._clock = url, secret, clock
        self.stations: dict[str, StationView] = {}
        self.invalid = 0  # messages that were not valid protocol (ignored)
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
                view = self.stations[name] = StationView(name)
            if kind == "status":
                view.said_offline = msg["state"] == "offline"
                view.trainee = msg["trainee"] or view.trainee
                if view.said_offline:
                    view.online = False
                    return True
            elif kind == "live":
                view.value, view.unit, view.zone, view.step = msg["value"], msg["unit"], msg["zone"], msg["step"]
                view.remaining, view.in_band_s, view.run_s = msg["remaining"], msg["in_band_s"], msg["run_s"]
                view.trainee = msg["trainee"] or view.trainee
                view.trace.append((msg["t"], msg["value"]))
                view.said_offline = False
            elif kind == "event":
                key = (msg["sid"], msg["seq"])
                if key not in view.seen:  # QoS 1 may deliver twice
                    view.seen.add(key)
                    view.events.append(msg)
            elif kind == "score":
                view.scores, view.final = msg["scores"], msg["final"]
            view.last_seen = now
            view.online = True
        if kind == "live" and self.on_live is not None:
            self.on_live(name, msg, payload)
        return True

    def refresh(self) -> None:
        """Mark stations that went silent offline (call a few times a second)."""
        now = self._clock()
        with self.lock:
            for view in self.stations.values():
                if view.online and now - view.last_seen > OFFLINE_AFTER_S:
                    view.online = False

    def rows(self) -> list[dict]:
        self.refresh()
        with self.lock:
            return [self.stations[k].row() for k in sorted(self.stations)]

    def start_routine(self, routine: str = "") -> None:
        """Start a routine on every station (they accept it only with the room secret's MAC)."""
        from ..errors import PressureError

        if not self.secret:
            raise PressureError("starting a routine on the stations needs the room secret (--secret)")
        self.client.publish(protocol.command_topic(self.url.room),
                            protocol.sign_command(self.secret, "start", routine), qos=1)
