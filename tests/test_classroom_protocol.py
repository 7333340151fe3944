"""The classroom protocol without a broker: URLs, validation of hostile payloads, signed commands."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pressure.classroom import protocol
from pressure.classroom.dashboard import Classroom
from pressure.classroom.url import parse_url
from pressure.errors import PressureError


def test_urls():
    u = parse_url("mqtt://10.0.0.5:1884/room-2")
    assert (u.host, u.port, u.room, u.tls, u.username) == ("10.0.0.5", 1884, "room-2", False, None)
    s = parse_url("mqtts://teacher:p%40ss@school.example:8883/A")
    assert (s.tls, s.username, s.password, s.port) == (True, "teacher", "p@ss", 8883)
    assert "p@ss" not in s.public() and "teacher@" in s.public()
    assert parse_url("mqtts://h/r").port == 8883


@pytest.mark.parametrize("bad", ["http://h/r", "mqtt://h:1883", "mqtt://h:99999/r", "mqtt:///r", "mqtt://h/a/b", "mqtt://h/#"])
def test_bad_urls_are_one_clear_error(bad):
    with pytest.raises(PressureError):
        parse_url(bad)


def _room(clock=lambda: 0.0):
    return Classroom(parse_url("mqtt://127.0.0.1:1/r"), clock=clock)


def test_valid_messages_update_the_station():
    room = _room()
    assert room.receive("pressure/v1/r/s1/live", protocol.encode({"t": 1.0, "value": 12.5, "unit": "N", "zone": "in",
                                                                    "step": "hold", "in_band_s": 3, "run_s": 4}))
    assert room.rows() == [{"station": "s1", "trainee": "", "online": True, "stale": False, "value": 12.5, "unit": "N",
                            "zone": "in", "step": "hold", "time_in_band_pct": 75.0}]


@pytest.mark.parametrize("topic,payload", [
    ("pressure/v1/r/s1/live", b"not json"),
    ("pressure/v1/r/s1/live", b'{"t": 1}'),                       # no version
    ("pressure/v1/r/s1/live", b'{"v": 2, "t": 1}'),               # another version
    ("pressure/v1/r/s1/live", b'[1, 2]'),
    ("pressure/v1/r/s1/live", b'{"v": 1, "t": "x"}'),
    ("pressure/v1/r/s1/live", b'{"v": 1, "t": NaN}'),
    ("pressure/v1/r/s1/status", b'{"v": 1, "state": "rm -rf"}'),
    ("pressure/v1/r/s1/event", b'{"v": 1, "kind": "x"}'),
    ("pressure/v1/r/s1/score", b'{"v": 1, "scores": [1]}'),
    ("pressure/v1/r/s1/other", b'{"v": 1}'),
    ("pressure/v1/other/s1/live", b'{"v": 1, "t": 1}'),
    ("pressure/v1/r/s1/live", b"[" * 100000),
    ("pressure/v1/r/s1/live", b"\xff\xfe"),
])
def test_hostile_payloads_are_ignored_and_counted(topic, payload):
    room = _room()
    assert room.receive(topic, payload) is False
    assert room.invalid == 1 and room.rows() == []


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(["v", "t", "value", "unit", "zone", "step", "in_band_s", "run_s", "state",
                                        "kind", "seq", "scores", "final", "trainee", "remaining"]),
                       st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=5),
                                 st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=3), st.floats(), max_size=3))),
       st.sampled_from(protocol.KINDS))
def test_any_json_is_handled_without_an_exception(obj, kind):
    room = _room()
    try:
        payload = json.dumps(obj).encode()
    except ValueError:
        return
    room.receive(f"pressure/v1/r/s/{kind}", payload)
    for row in room.rows():
        assert row["value"] is None or math.isfinite(row["value"])
        json.dumps(row, allow_nan=False)


def test_silent_station_goes_offline():
    now = [0.0]
    room = _room(lambda: now[0])
    room.receive("pressure/v1/r/s1/status", protocol.encode({"state": "online", "trainee": "Ann"}))
    now[0] = 2.0
    assert room.rows()[0]["online"] is True
    now[0] = 3.0
    assert room.rows()[0]["online"] is False and room.rows()[0]["trainee"] == "Ann"


def test_commands_need_the_room_secret_and_are_accepted_once():
    v = protocol.CommandVerifier("room secret")
    good = protocol.sign_command("room secret", "start", "hold", now=1000.0)
    assert v.verify(good, now=1001.0) == {"action": "start", "routine": "hold"}
    assert v.verify(good, now=1002.0) is None                                          # a replay
    assert v.verify(protocol.sign_command("guess", "start", now=1000.0), now=1001.0) is None
    assert v.verify(protocol.sign_command("room secret", "start", now=900.0), now=1001.0) is None  # stale
    forged = json.loads(protocol.sign_command("room secret", "start", "hold", now=1000.0))
    forged["routine"] = "other"
    assert v.verify(json.dumps(forged).encode(), now=1001.0) is None
    assert v.verify(b"{}", now=1001.0) is None
    assert protocol.CommandVerifier("").verify(protocol.sign_command("", "start", now=1.0), now=1.0) is None


def test_an_old_retained_online_is_not_a_station():
    import time

    room = _room()
    old = protocol.encode({"state": "online", "trainee": "x", "t": time.time() - 3600})
    assert room.receive("pressure/v1/r/gone/status", old, retained=True)
    assert room.rows() == []
    fresh = protocol.encode({"state": "online", "trainee": "x", "t": time.time()})
    room.receive("pressure/v1/r/here/status", fresh, retained=True)
    assert [r["station"] for r in room.rows()] == ["here"]


def test_a_url_carries_the_certificate_fingerprint_and_prints_back_as_parsed():
    fp = "AB" * 32
    u = parse_url(f"mqtts://station:p%40ss%2Fw@10.0.0.5:40113/class?fp={fp}")
    assert u.fingerprint == fp.lower() and u.password == "p@ss/w"
    assert parse_url(u.full()) == u and "p%40ss" not in u.public() and "fp=" in u.public()
    for bad in (f"mqtt://h:1/r?fp={fp}", "mqtts://h:1/r?fp=12", f"mqtts://h:1/r?fp={fp}&x=1", "mqtts://h:1/r?x=1"):
        with pytest.raises(PressureError):
            parse_url(bad)
    with pytest.raises(PressureError) as err:
        parse_url("mqtts://teacher:hunter2@h:99999/r")
    assert "hunter2" not in str(err.value)
