"""What the window's title says: the program, live or which replay, the sensor, the routine,
and for a replay the client the recording is labelled with.

A live window's client and trainee are added by the session bar (ui/session_bar.py), after
its separator, as they are typed.
"""

from __future__ import annotations

SEPARATOR = " — "


def window_title(kind: str, routine: str, sensor: str = "", client: str = "") -> str:
    parts = ["pressure", kind, sensor, routine, f"client: {client}" if client else ""]
    return SEPARATOR.join(p.strip() for p in parts if p and p.strip())


def title_for(window) -> str:
    """The title of a live or replay window from its pipeline."""
    pipeline = window.pipeline
    source = pipeline.source
    recording = getattr(source, "recording", None)
    client = ""
    if recording is not None:
        labels = (recording.meta or {}).get("labels") or {}
        client = str(labels.get("client", "")) if isinstance(labels, dict) else ""
    return window_title(window.title_kind, pipeline.routine.name, getattr(source, "sensor", ""), client)
