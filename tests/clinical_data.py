"""Recordings of a clinical visit built directly (no real-time session): PPT trials with their
peaks, site/side/phase events and pain ratings, and a treatment hold, as the window records them."""

from __future__ import annotations

import numpy as np

from pressure.recording import RecordingWriter
from pressure.routine import BUILTIN_ROUTINES, single_hold
from pressure.samples import Block

RATE = 100.0
KPA_PER_N = 10.0  # the PPT routine's 1 cm2 probe


def _write(path, meta, t, force_n, events):
    with RecordingWriter(path, meta) as w:
        for i in range(0, t.size, 500):
            f = force_n[i:i + 500]
            w.append(Block.make(t[i:i + 500], f * 1000.0, f))
        for ev in events:
            w.add_event(*ev)
    return path


def ppt_recording(path, *, started_at, client, sets, client_id=None, practitioner="Dr P", steps=False):
    """``sets``: [(site, side, phase, [thresholds kPa], [pain or None])]: each set a ``site``
    event, then one ramp per trial up to its peak, a P press just after the peak (the value at
    the press 5 % lower), a pain rating after it when given."""
    ts, fs, events = [], [], []
    t0 = 0.0
    for site, side, phase, values, pains in sets:
        events.append((t0, "site", site, {"site": site, "side": side, "phase": phase}))
        for k, (v, pain) in enumerate(zip(values, pains), 1):
            if steps:  # the trial's start (the Space key of the PPT routine), for scoring it
                events.append((t0, "step_start", "trial", {"step": 3 * (k - 1), "kind": "threshold", "label": "trial"}))
            peak_n = v / KPA_PER_N
            up = np.arange(0.0, 4.0, 1 / RATE)
            down = np.arange(0.0, 1.0, 1 / RATE)
            seg_t = np.concatenate([t0 + up, t0 + 4.0 + down])
            seg_f = np.concatenate([peak_n * up / up[-1], peak_n * (1 - down)])
            ts.append(seg_t)
            fs.append(seg_f)
            peak_t = float(t0 + up[-1])
            events.append((peak_t + 0.05, "threshold", "",
                           {"value": v, "at_press": v * 0.95, "peak_t": peak_t, "trial": k}))
            if pain is not None:
                events.append((peak_t + 0.5, "pain", f"pain {pain}/10", {"nrs": pain}))
            t0 += 6.0
    labels = {"client": client, "practitioner": practitioner}
    if client_id:
        labels["client_id"] = client_id
    meta = {"routine": BUILTIN_ROUTINES["ppt"].to_dict(), "unit": "kPa", "area_cm2": 1.0,
            "started_at": started_at, "labels": labels}
    return _write(path, meta, np.concatenate(ts), np.concatenate(fs), sorted(events, key=lambda e: e[0]))


def hold_recording(path, *, started_at, client, site, side, target=30.0, hold_s=20.0, pain=None,
                   client_id=None):
    """A treatment hold at ``target`` N (a small wobble) on one site."""
    routine = single_hold(target, 3.0, hold_s)
    t = np.arange(0.0, hold_s + 8.0, 1 / RATE)
    f = np.clip(t / 2.0, 0, 1) * target + np.sin(t * 3.0) * 0.8
    f[t > hold_s + 3.0] = 0.0
    labels = {"client": client, "site": site, "side": side}
    if client_id:
        labels["client_id"] = client_id
    meta = {"routine": routine.to_dict(), "unit": "N", "started_at": started_at, "labels": labels}
    events = [] if pain is None else [(hold_s + 6.0, "pain", f"pain {pain}/10", {"nrs": pain})]
    return _write(path, meta, t, f, events)
