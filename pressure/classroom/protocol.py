"""The classroom's wire protocol, version 1 (docs/classroom.md is its specification).

Topics: ``pressure/v1/ROOM/STATION/{live,event,score,status}`` from the stations and
``pressure/v1/ROOM/cmd`` from the instructor. Payloads are compact JSON objects carrying
``"v": 1``. Anything can publish to a broker, so every incoming payload is validated here and a
hostile one becomes ``None`` (the caller counts it), never an exception.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import re
import secrets
import time

VERSION = 1
PREFIX = "pressure/v1"
KINDS = ("live", "event", "score", "status")
ZONES = ("", "none", "below", "in", "above", "over")  # the coach's zones
MAX_PAYLOAD = 16384  # bytes; a station's messages are a few hundred
MAX_TEXT = 200
CMD_MAX_AGE_S = 30.0  # a command older (or further in the future) than this is a replay
_NAME = re.compile(r"^[A-Za-z0-9_.\-]{1,40}$")
_RUN = re.compile(r"^[0-9a-f]{8,32}$")  # a station's run id (hex), in its status and in a command's runs
MAX_RUNS = 500  # run ids one command may name (a room shows at most a few hundred stations)


def check_name(name: str, what: str) -> str:
    """Room and station names go into topics: letters, digits, ``_ . -`` only (no ``/ + #``)."""
    if not isinstance(name, str) or not _NAME.match(name):
        from ..errors import PressureError

        raise PressureError(f"{what} must be 1-40 letters, digits, '_', '.' or '-', not {name!r}")
    return name


def topic(room: str, station: str, kind: str) -> str:
    return f"{PREFIX}/{room}/{station}/{kind}"


def command_topic(room: str) -> str:
    return f"{PREFIX}/{room}/cmd"


def station_filter(room: str) -> str:
    """What the dashboard subscribes to: every station's messages in the room."""
    return f"{PREFIX}/{room}/+/+"


def split_topic(room: str, t: str) -> tuple[str, str] | None:
    """(station, kind) of a station topic in ``room``; None for anything else."""
    parts = t.split("/")
    if len(parts) != 5 or "/".join(parts[:3]) != f"{PREFIX}/{room}" or parts[4] not in KINDS:
        return None
    if not _NAME.match(parts[3]):
        return None
    return parts[3], parts[4]


def encode(obj: dict) -> bytes:
    return json.dumps({"v": VERSION, **obj}, separators=(",", ":"), allow_nan=False).encode()


def _num(x, default=None):
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return default
    x = float(x)
    return x if math.isfinite(x) else default


def _text(x, default=""):
    return x[:MAX_TEXT] if isinstance(x, str) else default


def _load(payload: bytes) -> dict | None:
    if not isinstance(payload, (bytes, bytearray)) or len(payload) > MAX_PAYLOAD:
        return None
    try:
        obj = json.loads(payload)
    except (ValueError, RecursionError):
        return None
    if not isinstance(obj, dict) or obj.get("v") != VERSION:
        return None
    return obj


def decode(kind: str, payload: bytes) -> dict | None:
    """The validated message of a ``kind`` topic, with only the known fields; None if invalid."""
    obj = _load(payload)
    if obj is None:
        return None
    if kind == "status":
        if obj.get("state") not in ("online", "offline"):
            return None
        run = obj.get("run")
        return {"state": obj["state"], "trainee": _text(obj.get("trainee")), "t": _num(obj.get("t"), 0.0),
                "run": run if isinstance(run, str) and _RUN.match(run) else ""}
    if kind == "live":
        t = _num(obj.get("t"))
        if t is None:
            return None
        zone = obj.get("zone", "")
        return {"t": t, "value": _num(obj.get("value"), math.nan), "unit": _text(obj.get("unit"))[:10],
                "zone": zone if zone in ZONES else "", "step": _text(obj.get("step")),
                "remaining": _num(obj.get("remaining")), "in_band_s": max(0.0, _num(obj.get("in_band_s"), 0.0)),
                "run_s": max(0.0, _num(obj.get("run_s"), 0.0)), "trainee": _text(obj.get("trainee")),
                "sent": _num(obj.get("sent"))}
    if kind == "event":
        if not isinstance(obj.get("kind"), str) or not isinstance(obj.get("seq"), int):
            return None
        return {"t": _num(obj.get("t"), 0.0), "kind": _text(obj["kind"]), "text": _text(obj.get("text")),
                "step": _text(obj.get("step")), "seq": obj["seq"], "sid": _text(obj.get("sid"))[:16]}
    if kind == "score":
        scores = obj.get("scores")
        if not isinstance(scores, dict) or len(scores) > 50:
            return None
        clean = {str(k)[:40]: _num(v) for k, v in scores.items() if _num(v) is not None}
        return {"final": obj.get("final") is True, "scores": clean, "trainee": _text(obj.get("trainee"))}
    return None


# --- the instructor's commands -----------------------------------------------------------------
def sign_command(secret: str, action: str, routine: str = "", now: float | None = None,
                 runs=()) -> bytes:
    """A command payload with an HMAC-SHA256 over its fields. The broker's ACL lets only the
    instructor write the command topic; the MAC makes a station sure of it even on a broker
    without ACLs (MQTT never tells a subscriber who published). ``runs``: the run ids of the
    stations it is for (from their status): a station started later has a new run id, so a
    captured command replayed to it is refused whatever its clock says."""
    body = {"action": action, "routine": routine, "ts": round(time.time() if now is None else now, 3),
            "nonce": secrets.token_hex(8), "runs": sorted(set(runs))[:MAX_RUNS]}
    body["mac"] = _mac(secret, body)
    return encode(body)


def _mac(secret: str, body: dict) -> str:
    msg = (f"{VERSION}|{body['action']}|{body['routine']}|{body['ts']}|{body['nonce']}|"
           f"{','.join(body['runs'])}").encode()
    return hmac.new(secret.encode(), msg, hashlib.sha256).hexdigest()


class CommandVerifier:
    """Accepts a signed command once: right MAC, fresh timestamp, nonce not seen before, and
    addressed to this station's run (``run``; empty: any run, for tests of the MAC alone)."""

    def __init__(self, secret: str, run: str = ""):
        self.secret = secret
        self.run = run
        self._seen: dict[str, float] = {}

    def verify(self, payload: bytes, now: float | None = None) -> dict | None:
        obj = _load(payload)
        if obj is None or not self.secret:
            return None
        try:
            body = {"action": str(obj["action"]), "routine": str(obj["routine"]), "ts": obj["ts"],
                    "nonce": str(obj["nonce"]), "runs": obj["runs"]}
            mac = str(obj["mac"])
        except KeyError:
            return None
        runs = body["runs"]
        if (not isinstance(runs, list) or len(runs) > MAX_RUNS
                or not all(isinstance(r, str) and _RUN.match(r) for r in runs)):
            return None
        if _num(body["ts"]) is None or len(body["nonce"]) > 64 or body["action"] not in ("start", "stop"):
            return None
        if not hmac.compare_digest(mac, _mac(self.secret, body)):
            return None
        if self.run and self.run not in runs:
            return None  # signed for the stations that were there then, not for this run
        now = time.time() if now is None else now
        if abs(now - body["ts"]) > CMD_MAX_AGE_S or body["nonce"] in self._seen:
            return None
        self._seen = {n: ts for n, ts in self._seen.items() if now - ts <= CMD_MAX_AGE_S}
        self._seen[body["nonce"]] = body["ts"]
        return {"action": body["action"], "routine": body["routine"][:MAX_TEXT]}
