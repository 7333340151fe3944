"""A paho-mqtt client set up for a broker URL (TLS, password), and a connect that fails clearly."""

from __future__ import annotations

import ssl
import threading

import paho.mqtt.client as mqtt

from ..errors import PressureError
from .tls import FingerprintMismatch, pinned_context
from .url import BrokerURL

CONNECT_TIMEOUT_S = 5.0


def make_client(url: BrokerURL, client_id: str = "", *, cafile: str | None = None,
                keepalive_will: tuple[str, bytes] | None = None) -> mqtt.Client:
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id)
    if url.username is not None:
        client.username_pw_set(url.username, url.password)
    if url.tls and url.fingerprint:
        # The embedded broker's own certificate, named by the URL: trusted alone, whatever CAs say.
        client.tls_set_context(pinned_context(url.fingerprint))
    elif url.tls:
        # cafile: a school's own certificate authority; None: the system's trusted ones.
        client.tls_set(ca_certs=cafile, cert_reqs=ssl.CERT_REQUIRED)
    if keepalive_will is not None:
        client.will_set(keepalive_will[0], keepalive_will[1], qos=1, retain=True)
    return client


def connect(client: mqtt.Client, url: BrokerURL, *, keepalive: int = 5,
            timeout: float = CONNECT_TIMEOUT_S) -> None:
    """Connect and start the network thread; a refused password, an unreachable host or a bad
    certificate raise one PressureError line. Later losses are reconnected by paho itself."""
    answered = threading.Event()
    result = {}
    previous = client.on_connect

    def on_connect(c, userdata, flags, reason_code, properties):
        result.setdefault("rc", reason_code)
        answered.set()
        if previous is not None:
            previous(c, userdata, flags, reason_code, properties)

    client.on_connect = on_connect
    try:
        client.connect(url.host, url.port, keepalive=keepalive)
    except FingerprintMismatch as exc:
        raise PressureError(f"TLS with {url.public()} refused: {exc.args[0]}") from None
    except ssl.SSLError as exc:
        raise PressureError(f"TLS with {url.public()} failed: {exc.reason or exc}") from None
    except OSError as exc:
        raise PressureError(f"cannot reach the broker {url.public()}: {exc.strerror or exc}") from None
    client.loop_start()
    if not answered.wait(timeout):
        client.loop_stop()
        raise PressureError(f"the broker {url.public()} did not answer within {timeout:g} s")
    rc = result["rc"]
    if rc.is_failure:
        client.loop_stop()
        client.disconnect()
        if rc.value in (4, 5, 134, 135):  # bad user name or password / not authorized
            raise PressureError(f"the broker {url.public()} refused the user name or password ({rc})")
        raise PressureError(f"the broker {url.public()} refused the connection: {rc}")
