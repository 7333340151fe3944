"""Stations and the instructor's dashboard over a real broker: mosquitto and the embedded amqtt."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading

import numpy as np
import paho.mqtt.client as mqtt
import pytest

from classroom_brokers import Embedded, Mosquitto, broker, need_mosquitto, wait_until  # noqa: F401
from pressure.classroom import protocol
from pressure.classroom.dashboard import Classroom
from pressure.classroom.station import Station
from pressure.classroom.url import parse_url
from pressure.recording import open_recording

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
pytestmark = pytest.mark.slow


@pytest.fixture
def sensors():
    from firmware_sim.host import start_builtin_simulator

    hosts = []

    def start(seed):
        hosts.append(start_builtin_simulator(profile="hold", rate=200, seed=seed))
        return hosts[-1]

    yield start
    for h in hosts:
        h.stop()


def cli(*args, url_env=None, **kw):
    env = {**os.environ, "PYTHONPATH": REPO}
    env.pop("PRESSURE_CLASSROOM", None)
    if url_env is not None:  # a URL with a password: from the environment, never the command line
        env["PRESSURE_CLASSROOM"] = url_env
    return subprocess.Popen([sys.executable, os.path.join(REPO, "main.py"), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, **kw)


def record_station(sensor, url, name, out, seconds=30, *extra, url_env=None):
    """``record --classroom URL``; url None: ``--classroom`` alone, the URL in $PRESSURE_CLASSROOM."""
    where = ["--classroom", url] if url is not None else ["--classroom"]
    return cli("record", "--port", sensor.url, "--seconds", str(seconds), "--out", str(out), *where,
               "--station", name, "--label", f"trainee=T-{name}", "--label", "client=Secret Patient",
               "--target", "20", "--unit", "N", *extra, url_env=url_env)


def finish(proc, timeout=60):
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out, err


class Lines:
    """The lines a process prints, read on a thread, so a test can wait on what it printed so far."""

    def __init__(self, stream):
        self.lines = []
        self.thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self.thread.start()

    def _read(self, stream):
        for line in stream:
            self.lines.append(line)
        stream.close()

    def latest(self) -> dict:
        """station -> the last row printed for it."""
        return {row["station"]: row for row in map(json.loads, list(self.lines))}


class Sniffer:
    """Every payload published in the broker (to check what leaves a station)."""

    def __init__(self, url):
        u = parse_url(url)
        self.payloads = []
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
        self.client.on_message = lambda c, ud, m: self.payloads.append(m.payload)
        self.client.on_connect = lambda c, ud, f, rc, p: c.subscribe("#")
        self.client.connect(u.host, u.port)
        self.client.loop_start()

    def close(self):
        self.client.disconnect()
        self.client.loop_stop()


def test_three_stations_appear_on_the_headless_dashboard(broker, sensors, tmp_path):
    url = broker.url()
    sniff = Sniffer(url)
    # Stations and dashboard run until the dashboard printed every station live and pressing (the
    # profile rests first), then stop on SIGTERM (a clean end, exit 0): no fixed durations.
    stations = [record_station(sensors(i), url, f"s{i}", tmp_path / f"{i}.pressure", 120) for i in range(3)]
    dash = cli("classroom", "--broker", url, "--json", "--seconds", "120")
    printed = Lines(dash.stdout)
    try:
        wait_until(lambda: sum(1 for r in printed.latest().values() if r["online"] and (r["value"] or 0) > 5.0) == 3,
                   60, "three pressing stations printed")
    finally:
        dash.send_signal(signal.SIGTERM)  # first: the stations are still online in its last rows
        dash.wait(60)
        printed.thread.join(10)
        rc, err = dash.returncode, dash.stderr.read()
        dash.stderr.close()
        for p in stations:
            p.send_signal(signal.SIGTERM)
        results = [finish(p) for p in stations]
        sniff.close()
    assert rc == 0, err
    rows = [json.loads(line) for line in printed.lines]
    assert rows and all(set(r) == {"station", "trainee", "online", "stale", "value", "unit", "zone", "step",
                                   "time_in_band_pct"} for r in rows)
    last = {r["station"]: r for r in rows[-3:]}
    assert sorted(last) == ["s0", "s1", "s2"], rows[-6:]
    for name, r in last.items():
        assert r["online"] and r["trainee"] == f"T-{name}" and r["unit"] == "N"
        assert 5.0 < r["value"] < 60.0, r  # the simulated practitioner holds about the 20 N target
        assert r["zone"] in ("below", "in", "above", "over") and r["step"]
        assert r["time_in_band_pct"] is None or 0 <= r["time_in_band_pct"] <= 100
    for code, _, err in results:
        assert code == 0, err
    assert sniff.payloads and not any(b"Secret" in p for p in sniff.payloads)  # labels stay local


def test_a_killed_station_is_offline_within_3_s(broker, sensors, tmp_path):
    room = Classroom(parse_url(broker.url())).start()
    proc = record_station(sensors(1), broker.url(), "gone", tmp_path / "g.pressure")
    try:
        wait_until(lambda: any(r["station"] == "gone" and r["online"] and r["value"] is not None
                               for r in room.rows()), 30, "the station online")
        proc.send_signal(signal.SIGKILL)
        wait_until(lambda: not room.rows()[0]["online"], 3.0, "the killed station offline")
    finally:
        proc.kill()
        proc.communicate()
        room.close()


def test_a_broker_restart_is_survived(broker, sensors, tmp_path):
    url = broker.url()
    room = Classroom(parse_url(url)).start()
    out = tmp_path / "r.pressure"
    proc = record_station(sensors(2), url, "rec", out, 120)  # stopped (SIGTERM) once back
    station = Station(parse_url(url), "ev").start()
    try:
        wait_until(lambda: {r["station"] for r in room.rows() if r["online"] and r["value"] is not None} >= {"rec"}
                   and "ev" in room.stations, 30, "both online")
        before = room.stations["rec"].trace[-1][0]
        broker.stop()
        wait_until(lambda: not station.client.is_connected(), 10, "the station noticing")
        for i in range(5):
            station.event(float(i), "marker", f"while away {i}")
        assert station.pending() == 5
        broker.start()
        wait_until(lambda: len(room.stations["ev"].events) == 5, 20, "the queued events")
        assert [e["text"] for e in room.stations["ev"].events] == [f"while away {i}" for i in range(5)]
        wait_until(lambda: room.stations["rec"].trace[-1][0] > before + 1.0 and room.stations["rec"].online, 20,
                   "the recording station back")
        back = room.stations["rec"].trace[-1][0]
        proc.send_signal(signal.SIGTERM)
        code, stdout, err = finish(proc)
        assert code == 0, err
        rec = open_recording(out)
        assert rec.t[0] <= before and rec.t[-1] >= back  # from before the broker stopped to after it came back
        assert len(rec) > 0.8 * 200 * (rec.t[-1] - rec.t[0]) and np.all(np.diff(rec.t) > 0)  # every sample recorded locally
        assert np.max(np.diff(rec.t)) < 0.1  # no hole while the broker was away
        assert station.dropped == 0
    finally:
        proc.kill()
        proc.communicate()
        station.close(0.5)
        room.close()


def test_commands_need_the_room_secret(broker):
    url = parse_url(broker.url())
    station = Station(url, "s1", secret="s3cret").start()
    teacher = Classroom(url, secret="s3cret").start()
    rogue = Classroom(url, secret="guessed").start()
    try:
        wait_until(lambda: all(c.stations.get("s1") and c.stations["s1"].run for c in (teacher, rogue)), 10,
                   "the station's run seen")
        raw = rogue.client
        raw.publish(protocol.command_topic(url.room), b'{"v":1,"action":"start","routine":"x"}', qos=1).wait_for_publish(5)
        rogue.start_routine("wrong-secret")
        wait_until(lambda: station.commands_rejected == 2, 10, "two forged commands seen")
        teacher.start_routine("ppt")
        wait_until(lambda: station.commands_accepted == 1, 10, "the instructor's command")
        assert list(station.commands) == [{"action": "start", "routine": "ppt"}]
    finally:
        for c in (rogue, teacher):
            c.close()
        station.close(0.5)


def documented_acl() -> str:
    """The ACL docs/mosquitto.conf gives (between its acl-begin and acl-end markers)."""
    with open(os.path.join(REPO, "docs", "mosquitto.conf")) as f:
        text = f.read()
    block = text.split("# acl-begin\n", 1)[1].split("# acl-end", 1)[0]
    return "\n".join(line[1:].strip() for line in block.splitlines()) + "\n"


def test_the_documented_acl_lets_only_the_instructor_command(tmp_path):
    need_mosquitto()
    b = Mosquitto(tmp_path, passwords={"teacher": "t-pass", "s1": "s1-pass", "s2": "s2-pass"}, acl=documented_acl()).start()
    try:
        station = Station(parse_url(b.url(auth="s1:s1-pass@")), "s1", secret="k").start()
        student = Classroom(parse_url(b.url(auth="s2:s2-pass@")), secret="k").start()  # knows the secret
        teacher = Classroom(parse_url(b.url(auth="teacher:t-pass@")), secret="k").start()
        wait_until(lambda: teacher.stations.get("s1") and teacher.stations["s1"].run, 10, "the station's run seen")
        assert "s1" not in student.stations  # a station's account cannot read the room
        student.stations["s1"] = teacher.stations["s1"]  # give it the run id anyway
        student.start_routine("from-a-student")
        teacher.start_routine("ppt")
        wait_until(lambda: station.commands_accepted == 1, 10, "the instructor's command")
        assert list(station.commands) == [{"action": "start", "routine": "ppt"}]
        for c in (student, teacher):
            c.close()
        station.close(0.5)
    finally:
        b.stop()


def test_the_documented_acl_stops_a_station_publishing_as_another(tmp_path):
    need_mosquitto()
    b = Mosquitto(tmp_path, passwords={"teacher": "t-pass", "s1": "s1-pass", "s2": "s2-pass"}, acl=documented_acl()).start()
    try:
        teacher = Classroom(parse_url(b.url(auth="teacher:t-pass@"))).start()
        s2 = Station(parse_url(b.url(auth="s2:s2-pass@")), "s2", "Ben").start()
        rogue = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)  # s1's account, writing as s2
        rogue.username_pw_set("s1", "s1-pass")
        rogue.connect("127.0.0.1", b.port)
        rogue.loop_start()
        forged = protocol.encode({"t": 1.0, "value": 99.0, "unit": "N", "zone": "over"})
        rogue.publish("pressure/v1/room/s2/live", forged, qos=1).wait_for_publish(5)
        rogue.publish("pressure/v1/room/s1/live", protocol.encode({"t": 1.0, "value": 5.0}), qos=1).wait_for_publish(5)
        wait_until(lambda: teacher.stations.get("s1") and teacher.stations["s1"].value == 5.0, 10, "s1's own value")
        s2.live(2.0, 12.0, "N", "in")
        wait_until(lambda: teacher.stations.get("s2") and teacher.stations["s2"].value == 12.0, 10, "s2's own value")
        assert 99.0 not in [p[1] for p in zip(*teacher.stations["s2"].trace.arrays())]
        rogue.disconnect()
        rogue.loop_stop()
        s2.close(0.5)
        teacher.close()
    finally:
        b.stop()


def test_a_wrong_password_is_one_clear_line(tmp_path, sensors):
    need_mosquitto()
    b = Mosquitto(tmp_path, passwords={"teacher": "right"}).start()
    try:
        rc, out, err = finish(cli("classroom", "--broker", "--json", "--seconds", "2", url_env=b.url(auth="teacher:wrong@")))
        assert rc == 1 and out == ""
        assert err.strip().count("\n") == 0 and err.startswith("pressure: error: ") and "password" in err, err
        assert "wrong" not in err  # the password is never printed
        out_file = tmp_path / "x.pressure"
        rc, _, err = finish(record_station(sensors(4), None, "s", out_file, 2, url_env=b.url(auth="teacher:wrong@")))
        assert rc == 1 and "password" in err and err.strip().count("\n") == 0 and not out_file.exists()
    finally:
        b.stop()


def _certificate(tmp_path):
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


def test_tls_with_a_password(tmp_path):
    need_mosquitto()
    cert, key = _certificate(tmp_path)
    b = Mosquitto(tmp_path, passwords={"teacher": "pw"}, tls=(cert, key)).start()
    try:
        url = parse_url(b.url(scheme="mqtts", auth="teacher:pw@"))
        room = Classroom(url, cafile=str(cert)).start()
        station = Station(url, "secure", "Ann", cafile=str(cert)).start()
        station.live(1.0, 12.0, "N", "in", "hold")
        wait_until(lambda: room.rows() and room.rows()[0]["value"] == 12.0, 10, "the value over TLS")
        station.close(0.5)
        room.close()
        rc, _, err = finish(cli("classroom", "--broker", "--json", "--seconds", "1",  # the system's CAs do not know it
                                url_env=url.public().replace("teacher@", "teacher:pw@")))
        assert rc == 1 and "TLS" in err and err.strip().count("\n") == 0, err
    finally:
        b.stop()


def test_classroom_broker_prints_urls_a_station_and_the_dashboard_take_as_printed(sensors, tmp_path):
    proc = cli("classroom", "broker", "--host", "127.0.0.1", "--seconds", "60")
    station = dash = None
    try:
        station_url, teacher_url = proc.stdout.readline().strip(), proc.stdout.readline().strip()
        assert station_url.startswith("mqtts://station:") and teacher_url.startswith("mqtts://teacher:")
        assert "/class?fp=" in station_url, station_url
        station = record_station(sensors(5), None, "s1", tmp_path / "s.pressure", 60, url_env=station_url)
        dash = cli("classroom", "--broker", "--json", "--seconds", "60", url_env=teacher_url)
        printed = Lines(dash.stdout)
        wait_until(lambda: printed.latest().get("s1", {}).get("value") is not None, 30, "the station on the dashboard")
    finally:
        if dash is not None:
            dash.send_signal(signal.SIGTERM)
            dash.wait(30)
            printed.thread.join(10)
            dash.stderr.close()
        if station is not None:
            station.send_signal(signal.SIGTERM)
            finish(station)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0 and "Traceback" not in err


def test_a_password_on_the_command_line_is_refused(tmp_path, sensors):
    rc, out, err = finish(record_station(sensors(6), "mqtt://station:hunter2@127.0.0.1:1/r", "s", tmp_path / "x.pressure", 2))
    assert rc == 1 and "process list" in err and "PRESSURE_CLASSROOM" in err and "hunter2" not in err, err
    rc, out, err = finish(cli("classroom", "--broker", "mqtt://teacher:hunter2@127.0.0.1:1/r", "--json"))
    assert rc == 1 and "process list" in err and "hunter2" not in err and err.count("\n") == 1, err
    rc, out, err = finish(cli("classroom", "--broker", "--json"))
    assert rc == 1 and "PRESSURE_CLASSROOM" in err and err.count("\n") == 1, err
