"""The embedded broker's own security: a password by default, TLS with the certificate the URL
names, a station's account that writes only as itself and reads only commands, anonymous only
when asked, and one clear line when its packages are missing."""

from __future__ import annotations

import dataclasses
import sys

import pytest

from classroom_brokers import Embedded, wait_until
from pressure.classroom import protocol
from pressure.classroom.client import connect, make_client
from pressure.classroom.dashboard import Classroom
from pressure.classroom.station import Station
from pressure.errors import PressureError

pytestmark = pytest.mark.slow


@pytest.fixture
def secure():
    b = Embedded(secure=True, room="room").start()
    yield b
    b.stop()


def test_the_embedded_broker_wants_a_password_and_tls_by_default(secure):
    station_url = secure.broker.room_url("station")
    assert station_url.tls and station_url.fingerprint and station_url.password
    for url, why in ((dataclasses.replace(station_url, username=None, password=None), "password"),
                     (dataclasses.replace(station_url, password="guess"), "password"),
                     (dataclasses.replace(station_url, fingerprint="0" * 64), "certificate"),
                     (dataclasses.replace(station_url, tls=False, fingerprint=None), "broker")):  # plain TCP
        client = make_client(url)
        with pytest.raises(PressureError, match=why):
            connect(client, url, timeout=1.0)
        client.loop_stop()


def test_a_stations_account_writes_only_as_itself_and_reads_only_commands(secure):
    station_url, teacher_url = secure.broker.room_url("station"), secure.broker.room_url("teacher")
    teacher = Classroom(teacher_url).start()
    s1 = Station(station_url, "s1", "Ann").start()
    seen = []
    rogue = make_client(station_url, "pressure-room-rogue")  # a student with the stations' URL
    rogue.on_message = lambda c, u, m: seen.append(m.topic)
    refused = []
    rogue.on_subscribe = lambda c, u, mid, codes, p: refused.extend(rc.is_failure for rc in codes)
    try:
        connect(rogue, station_url)
        rogue.subscribe([("#", 0), (protocol.station_filter("room"), 0)])
        wait_until(lambda: len(refused) == 2, 5, "the subscriptions answered")
        assert all(refused)
        rogue.publish("pressure/v1/room/s1/live", protocol.encode({"t": 1.0, "value": 99.0}), qos=1)
        rogue.publish("pressure/v1/room/rogue/live", protocol.encode({"t": 1.0, "value": 5.0}), qos=1)
        wait_until(lambda: teacher.stations.get("rogue") and teacher.stations["rogue"].value == 5.0, 10, "its own value")
        s1.live(2.0, 12.0, "N", "in")
        wait_until(lambda: teacher.stations.get("s1") and teacher.stations["s1"].value == 12.0, 10, "s1's value")
        assert 99.0 not in list(teacher.stations["s1"].trace.arrays()[1])
        assert seen == []  # neither s1's values nor its retained status (and the trainee's name)
    finally:
        rogue.disconnect()
        rogue.loop_stop()
        s1.close(0.5)
        teacher.close()


def test_anonymous_only_when_asked():
    b = Embedded(secure=False).start()  # anonymous=True, tls=False: the explicit choice
    try:
        url = b.broker.room_url("station")
        assert url.username is None and not url.tls
        room = Classroom(url).start()
        room.close()
    finally:
        b.stop()


def test_without_the_classroom_extra_the_broker_is_one_line(monkeypatch, capsys):
    from pressure.cli import main

    monkeypatch.setitem(sys.modules, "amqtt", None)  # as if not installed: import amqtt raises ImportError
    assert main(["classroom", "broker", "--seconds", "1"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pip install 'pressure[classroom]'" in err and "Traceback" not in err, err
    assert main(["classroom", "--json", "--seconds", "1"]) == 1
    assert "pressure[classroom]" in capsys.readouterr().err


def test_a_connected_stations_name_cannot_be_taken_over(secure):
    station_url, teacher_url = secure.broker.room_url("station"), secure.broker.room_url("teacher")
    s1 = Station(station_url, "s1", secret="k").start()
    teacher = Classroom(teacher_url, secret="k").start()
    try:
        wait_until(lambda: teacher.stations.get("s1") and teacher.stations["s1"].run, 10, "s1 seen")
        for url, clean in ((station_url, True), (dataclasses.replace(station_url, password="guess"), True),
                           (dataclasses.replace(station_url, username="x"), False)):
            rogue = make_client(url, "pressure-room-s1")  # s1's own client id
            rogue._clean_session = clean  # False: amqtt's persistent-session path
            with pytest.raises(PressureError):
                connect(rogue, url, timeout=2.0)
            rogue.loop_stop()
        assert s1.client.is_connected()
        teacher.start_routine("ppt")  # s1 still has its subscription to the commands
        wait_until(lambda: s1.commands_accepted == 1, 10, "the command after the attempts")
    finally:
        s1.close(0.5)
        teacher.close()
