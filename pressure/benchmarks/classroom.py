"""Classroom figures: 30 stations at 1000 samples/s each publishing to a broker, one headless
dashboard in a process of its own (so its CPU is its own).

* ``classroom_latency_ms_p99``: a station's newest sample (the moment it publishes it) to the
  dashboard's receipt, both on this machine's wall clock; target <= 100.
* ``classroom_lost_events``: QoS 1 events the stations sent that the dashboard did not get (0).
* ``classroom_dashboard_cpu_percent``: the dashboard process, percent of one core (<= 30).
* ``classroom_broker_cpu_percent``: the broker process (the embedded amqtt one by default).
* ``classroom_stations``: stations the dashboard saw.
The same with ``classroom_mosquitto_`` in front for a mosquitto broker, where one is installed.
The brokers run open here (anonymous, plain TCP) so the figures compare with earlier runs;
``classroom_secure_`` in front: the embedded broker as it starts by default (passwords, TLS).
``classroom_flood_*``: the instructor's window under a 2,000-station flood (classroom_flood.py).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from types import SimpleNamespace

import numpy as np

STATIONS = 30
RATE = 1000
TICK_HZ = 60  # a station publishes from its window's frame timer
EVENT_EVERY_S = 0.5
ROOM = "bench"


def _dashboard(url: str, seconds: float, warmup: float) -> None:
    """The headless dashboard process: prints its figures as one JSON line at the end."""
    from pressure.classroom.dashboard import Classroom
    from pressure.classroom.url import parse_url

    latencies = []
    t_measure = time.time() + warmup

    def on_live(name, msg, payload):
        now = time.time()
        if msg["sent"] is not None and now >= t_measure:
            latencies.append(now - msg["sent"])

    room = Classroom(parse_url(url or os.environ["PRESSURE_CLASSROOM"]), on_live=on_live).start()
    stop = threading.Event()
    cpu0, wall0 = None, None
    t_end = time.monotonic() + seconds
    while not stop.wait(min(1.0, max(0.0, t_end - time.monotonic()))):
        if cpu0 is None and time.time() >= t_measure:
            cpu0, wall0 = sum(os.times()[:2]), time.monotonic()
        room.rows()  # what the headless dashboard does each second
        if time.monotonic() >= t_end:
            break
    cpu = (sum(os.times()[:2]) - cpu0) / (time.monotonic() - wall0) * 100 if cpu0 is not None else None
    room.close()
    events = {name: sorted({e["seq"] for e in v.events}) for name, v in room.stations.items()}
    print(json.dumps({"latencies": latencies, "cpu": cpu, "events": events, "invalid": room.invalid}), flush=True)


def _start_broker(kind: str, tmp: str):
    from pressure.classroom.broker import free_port

    port = free_port()
    if kind == "mosquitto":
        import getpass

        conf = os.path.join(tmp, "mosquitto.conf")
        with open(conf, "w") as f:
            f.write(f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\nlog_dest stderr\n"
                    f"log_type error\nmax_queued_messages 100000\nuser {getpass.getuser()}\n")
        cmd = [shutil.which("mosquitto") or "/usr/sbin/mosquitto", "-c", conf]
    else:
        cmd = [sys.executable, "-c", "import sys; from pressure.cli import main; sys.exit(main(sys.argv[1:]))",
               "classroom", "broker", "--host", "127.0.0.1", "--port", str(port), "--room", ROOM]
        if kind != "amqtt-secure":
            cmd += ["--anonymous", "--no-tls"]
    if kind == "amqtt-secure":  # the default: passwords and TLS; it prints the stations' and the teacher's URL
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        urls = (proc.stdout.readline().strip(), proc.stdout.readline().strip())
        proc.stdout.close()
        if not urls[1]:
            proc.kill()
            raise RuntimeError("the embedded broker did not start")
        return proc, urls
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import socket

    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            url = f"mqtt://127.0.0.1:{port}/{ROOM}"
            return proc, (url, url)
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"{kind} broker did not start")


def _cpu_of(pid: int) -> float:
    """User + system seconds of a child process so far (Linux /proc; NaN elsewhere)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return float("nan")


def _run_one(kind: str, seconds: float) -> dict:
    from firmware_sim.model import make_profile
    from pressure.classroom.feed import publish_frame
    from pressure.classroom.station import Station
    from pressure.classroom.url import parse_url

    warmup = 2.0
    with tempfile.TemporaryDirectory() as tmp:
        broker, (url, teacher_url) = _start_broker(kind, tmp)
        stations = []
        dash = None
        try:
            # the dashboard's URL (a password with the secure broker) in its environment, not its arguments
            dash = subprocess.Popen([sys.executable, "-c", "import sys; from pressure.benchmarks.classroom import _dashboard;"
                                     " _dashboard('', float(sys.argv[1]), float(sys.argv[2]))",
                                     str(seconds + warmup + 3.0), str(warmup)], stdout=subprocess.PIPE, text=True,
                                    env={**os.environ, "PRESSURE_CLASSROOM": teacher_url})
            u = parse_url(url)
            time.sleep(1.0)  # the dashboard subscribes before the stations start
            stations = [Station(u, f"st{i:02d}", f"trainee {i}").start() for i in range(STATIONS)]
            profiles = [make_profile("hold", seed=i, target_n=20.0) for i in range(STATIONS)]
            t0 = time.monotonic()
            sent_until = 0.0
            next_event = EVENT_EVERY_S
            cpu_b0 = wall_b0 = None
            while True:
                now = time.monotonic() - t0
                if now >= seconds + warmup:
                    break
                if cpu_b0 is None and now >= warmup:
                    cpu_b0, wall_b0 = _cpu_of(broker.pid), time.monotonic()
                n = int((now - sent_until) * RATE)
                if n > 0:
                    t = sent_until + np.arange(1, n + 1) / RATE
                    sent_until = float(t[-1])
                    for st, prof in zip(stations, profiles):
                        force = prof.force(t)
                        publish_frame(st, SimpleNamespace(t=sent_until, value=float(force[-1]), state=None, events=()), "N")
                    if sent_until >= next_event:
                        next_event += EVENT_EVERY_S
                        for st in stations:
                            st.event(sent_until, "marker", "bench")
                time.sleep(max(0.0, 1.0 / TICK_HZ - (time.monotonic() - t0 - now)))
            broker_cpu = (_cpu_of(broker.pid) - cpu_b0) / (time.monotonic() - wall_b0) * 100
            sent = {st.name: st.seq for st in stations}
            for st in stations:
                st.close(2.0)
            out, _ = dash.communicate(timeout=60)
        finally:
            for st in stations:
                st.client.loop_stop()
            if dash is not None and dash.poll() is None:
                dash.kill()
                dash.communicate()
            broker.terminate()
            broker.wait(10)
    result = json.loads(out.strip().splitlines()[-1])
    got = result["events"]
    lost = sum(len(set(range(1, n + 1)) - set(got.get(name, ()))) for name, n in sent.items())
    lat = np.array(result["latencies"]) * 1000
    return {"latency_ms_p99": round(float(np.percentile(lat, 99)), 1) if lat.size else None,
            "latency_ms_p50": round(float(np.percentile(lat, 50)), 1) if lat.size else None,
            "lost_events": lost, "dashboard_cpu_percent": round(result["cpu"], 1) if result["cpu"] else None,
            "broker_cpu_percent": round(broker_cpu, 1), "stations": len(got)}


def run(quick: bool = False) -> dict:
    seconds = 5.0 if quick else 20.0
    out = {f"classroom_{k}": v for k, v in _run_one("amqtt", seconds).items()}
    out.update({f"classroom_secure_{k}": v for k, v in _run_one("amqtt-secure", seconds).items()})
    if shutil.which("mosquitto") or os.path.exists("/usr/sbin/mosquitto"):
        out.update({f"classroom_mosquitto_{k}": v for k, v in _run_one("mosquitto", seconds).items()})
    from .classroom_flood import run as run_flood

    out.update(run_flood(quick))
    return out


if __name__ == "__main__":
    print(json.dumps(run(quick="--quick" in sys.argv)))
