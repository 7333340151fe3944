"""amqtt 0.12's Broker with the fixes a room needs (imported only when the broker starts).

* Sockets of clients still connected at shutdown are closed here (amqtt leaves them open: one
  leaked file descriptor per client per broker run).
* A connection that names the client id of a connected client is refused before amqtt touches
  that client: amqtt deletes its subscriptions, overwrites its user name, password and will, and
  puts the newcomer in its place, all before the password check -- anyone could cut a station off.
* Retained messages go only to a session's own subscriptions and only where it may read: amqtt
  sends, at every connect, the retained messages of every client's subscriptions.
"""

from __future__ import annotations

import asyncio
import logging

from amqtt.broker import Broker
from amqtt.contexts import Action
from amqtt.session import Session

log = logging.getLogger(__name__)

# What amqtt 0.12 overwrites in a live session when another connection names its client id.
_SESSION_FIELDS = ("will_flag", "will_message", "will_topic", "will_qos", "keep_alive", "username", "password")


def room_broker_class(writers: set, anonymous: bool):
    """The Broker subclass; ``writers`` collects the client sockets to close at shutdown."""

    class TrackingBroker(Broker):
        # amqtt 0.12 leaves the sockets of clients still connected at shutdown open; keep
        # them to close ourselves (else each one leaks a file descriptor per broker run).
        async def stream_connected(self, reader, writer, listener_name):
            writers.add(writer)
            try:
                await super().stream_connected(reader, writer, listener_name)
            finally:
                writers.discard(writer)
                writer.close()

        async def _delete_session(self, client_id):
            # amqtt 0.12 deletes the session (its subscriptions) of a client id as soon as a
            # new connection names it, before checking its password: anyone could cut a
            # connected station off the commands. A connected client's session stays (the
            # newcomer is refused in _handle_client_session).
            old = self._sessions.get(client_id, (None, None))[0]
            if old is not None and not anonymous and old.transitions.state == "connected":
                return
            await super()._delete_session(client_id)

        async def _initialize_client_session(self, reader, writer, remote_address, remote_port):
            # amqtt 0.12 gives a connection that names a connected client's id (without a
            # clean session) that client's live session, its user name, password and last
            # will overwritten, before any password check. The connected one keeps its own;
            # the newcomer gets a stand-in, refused below.
            saved = {} if anonymous else {
                id(s): (s, {f: getattr(s, f) for f in _SESSION_FIELDS})
                for s, _ in self._sessions.values() if s.transitions.state == "connected"}
            handler, session = await super()._initialize_client_session(reader, writer, remote_address, remote_port)
            if id(session) in saved:
                real, values = saved[id(session)]
                for name, value in values.items():
                    setattr(real, name, value)
                session = Session()
                session.client_id = real.client_id
            return handler, session

        async def _handle_client_session(self, reader, writer, client_session, handler, server, listener_name):
            # ...and puts the newcomer in place of the connected client before the password
            # check, whether or not it passes: a connected station is cut off. Refused here.
            old = self._sessions.get(client_session.client_id, (None, None))[0]
            if (old is not None and old is not client_session and not anonymous
                    and old.transitions.state == "connected"):
                log.warning("refused a second connection as client %s", client_session.client_id)
                handler.attach(client_session, reader, writer)
                await handler.mqtt_connack_authorize(False)
                await writer.close()
                return
            await super()._handle_client_session(reader, writer, client_session, handler, server, listener_name)

        async def _publish_retained_messages_for_subscription(self, subscription, session):
            # amqtt 0.12 calls this at every connect with every client's subscriptions, so a
            # new client got the retained messages (stations' names) of the instructor's
            # filter. Only the session's own subscriptions, and only what it may receive.
            topic_filter, qos = subscription
            if not any(s is session or s.client_id == session.client_id
                       for s, _ in self._subscriptions.get(topic_filter, ())):
                return
            handler = self._get_handler(session)
            if handler is None:
                return
            sends = []
            for topic, retained in list(self._retained_messages.items()):
                if self._matches(topic, topic_filter) and await self._topic_filtering(
                        session, topic=topic, action=Action.RECEIVE):
                    sends.append(asyncio.ensure_future(handler.mqtt_publish(
                        retained.topic, retained.data, min(qos, retained.qos or qos), retain=True)))
            if sends:
                await asyncio.wait(sends)

    return TrackingBroker
