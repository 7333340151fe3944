"""A station: publishes one sensor's live guidance to the room (see docs/classroom.md).

Never blocks the caller: paho's network thread does the sending, reconnects with backoff, and
keeps QoS 1 messages (events, scores) in its bounded queue while the broker is away, sending
them when it is back. The local recording does not depend on any of this. Only the station and
trainee names are published, never a client or patient label.
"""

from __future__ import annotations

import collections
import logging
import math
import secrets
import threading
import time

import paho.mqtt.client as mqtt

from . import protocol
from .client import connect, make_client
from .url import BrokerURL
from .warnings_limit import WarningLimit

log = logging.getLogger(__name__)

LIVE_RATE_HZ = 30.0
HEARTBEAT_S = 1.0   # a status message this often, so a silent sensor does not look like a lost station
QUEUE_LIMIT = 1000  # QoS 1 messages kept while the broker is away
# After a reconnect the queue waits this long, so the dashboards (which reconnect too) have
# subscribed again before the events they missed arrive: a restarted broker keeps no sessions.
FLUSH_AFTER_S = 1.0


class Station:
    def __init__(self, url: BrokerURL, name: str, trainee: str = "", *, secret: str = "",
                 on_command=None, cafile: str | None = None, clock=time.monotonic):
        self.url, self.name, self.trainee = url, protocol.check_name(name, "--station"), trainee[:protocol.MAX_TEXT]
        self._clock = clock
        self._topic = {k: protocol.topic(url.room, name, k) for k in protocol.KINDS}
        self.sid = secrets.token_hex(4)  # this run of the station: seq numbers restart with it
        # Commands are signed for the runs the instructor's dashboard saw: one captured before this
        # run began is not for it (the nonce memory alone is per process).
        self._verifier = protocol.CommandVerifier(secret, run=self.sid)
        self._warnings = WarningLimit(log)
        self.on_command = on_command  # None: commands wait in self.commands for the session's thread
        self.commands = collections.deque(maxlen=10)
        self.commands_rejected = 0
        self.commands_accepted = 0
        self.dropped = 0  # QoS 1 messages the full queue could not keep
        self.seq = 0
        self._next_live = 0.0
        self._lock = threading.Lock()
        self.client = make_client(url, f"pressure-{url.room}-{name}", cafile=cafile,
                                  keepalive_will=(self._topic["status"], self._status("offline")))
        self.client.reconnect_delay_set(0.2, 5.0)
        self.client.max_queued_messages_set(QUEUE_LIMIT)
        self._queue = collections.deque()  # (topic, payload) of QoS 1 messages while away
        self._connected_at = None
        self.client.on_connect = self._on_connect
        self.client.on_message = self._on_message
        self._stop = threading.Event()
        self._heart = threading.Thread(target=self._heartbeat, name="station-heartbeat", daemon=True)

    def start(self) -> "Station":
        connect(self.client, self.url, keepalive=2)
        self._heart.start()
        return self

    def _status(self, state: str) -> bytes:
        return protocol.encode({"state": state, "trainee": self.trainee, "t": round(time.time(), 3), "run": self.sid})

    def _on_connect(self, client, userdata, flags, reason_code, properties):
        if reason_code.is_failure:
            return
        self._connected_at = time.monotonic()
        client.publish(self._topic["status"], self._status("online"), qos=1, retain=True)
        client.subscribe(protocol.command_topic(self.url.room), qos=1)

    def _on_message(self, client, userdata, msg):
        if msg.topic != protocol.command_topic(self.url.room):
            return
        cmd = self._verifier.verify(msg.payload)
        if cmd is None:
            self.commands_rejected += 1
            self._warnings.warn("bad command", f"station {self.name}: ignored a command that is not signed "
                                               "for this run with the room secret")
            return
        self.commands_accepted += 1
        if self.on_command is not None:
            self.on_command(cmd)
        else:
            self.commands.append(cmd)

    def _heartbeat(self):
        next_beat = time.monotonic()
        while not self._stop.wait(0.1):
            now = time.monotonic()
            if now >= next_beat:
                next_beat = now + HEARTBEAT_S
                self.client.publish(self._topic["status"], self._status("online"), qos=0, retain=True)
            self._flush(now)
            self._warnings.flush()

    def _flush(self, now: float) -> None:
        with self._lock:
            if not (self._queue and self.client.is_connected() and self._connected_at is not None
                    and now - self._connected_at >= FLUSH_AFTER_S):
                return
            queued, self._queue = self._queue, collections.deque()
        for topic, payload in queued:
            self.client.publish(topic, payload, qos=1)

    # --- what the adapter calls --------------------------------------------------------------
    def live(self, t: float, value: float, unit: str, zone: str, step: str = "",
             remaining: float | None = None, in_band_s: float = 0.0, run_s: float = 0.0) -> bool:
        """Publish the live values, at most LIVE_RATE_HZ a second (QoS 0); True if sent."""
        now = self._clock()
        if now < self._next_live:
            return False
        # On the 30/s grid while ticks keep up; never owed a burst after a pause.
        self._next_live = max(now, self._next_live + 1.0 / LIVE_RATE_HZ)
        msg = {"t": round(t, 3), "value": round(value, 3) if math.isfinite(value) else None, "unit": unit,
               "zone": zone, "step": step, "remaining": None if remaining is None else round(remaining, 2),
               "in_band_s": round(in_band_s, 3), "run_s": round(run_s, 3), "trainee": self.trainee,
               "sent": round(time.time(), 4)}
        self.client.publish(self._topic["live"], protocol.encode(msg), qos=0)
        return True

    def event(self, t: float, kind: str, text: str = "", step: str = "") -> None:
        with self._lock:
            self.seq += 1
            payload = protocol.encode({"t": round(t, 3), "kind": kind, "text": text[:protocol.MAX_TEXT],
                                       "step": step, "seq": self.seq, "sid": self.sid})
        self._reliable(self._topic["event"], payload)

    def score(self, scores: dict, final: bool = False) -> None:
        clean = {k: (round(v, 3) if isinstance(v, float) and math.isfinite(v) else v) for k, v in scores.items()
                 if isinstance(v, (int, float)) and math.isfinite(v)}
        self._reliable(self._topic["score"], protocol.encode({"final": final, "scores": clean, "trainee": self.trainee}))

    def _reliable(self, topic: str, payload: bytes) -> None:
        with self._lock:
            if self._queue or not self.client.is_connected():  # keep the order: behind the queue
                if len(self._queue) >= QUEUE_LIMIT:
                    self._queue.popleft()  # the oldest goes; the newest (e.g. the final score) matters more
                    self.dropped += 1
                self._queue.append((topic, payload))
                return
        info = self.client.publish(topic, payload, qos=1)
        if info.rc == mqtt.MQTT_ERR_QUEUE_SIZE:
            self.dropped += 1

    def pending(self) -> int:
        """QoS 1 messages queued while away or not yet acknowledged by the broker."""
        return len(self._queue) + len(getattr(self.client, "_out_messages", ()))

    def close(self, timeout: float = 2.0) -> None:
        """Say offline (retained) and disconnect, after the queue is sent if it can be in time."""
        self._stop.set()
        deadline = time.monotonic() + timeout
        while self.pending() and self.client.is_connected() and time.monotonic() < deadline:
            self._flush(time.monotonic() + FLUSH_AFTER_S)
            time.sleep(0.02)
        info = self.client.publish(self._topic["status"], self._status("offline"), qos=1, retain=True)
        if self.client.is_connected():
            try:
                info.wait_for_publish(max(0.1, deadline - time.monotonic()))
            except (RuntimeError, ValueError):
                pass
        self.client.disconnect()
        self.client.loop_stop()
