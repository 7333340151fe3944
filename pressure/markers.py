"""Markers a practitioner took back: an undone marker stays in the recording's event log (it
happened, and the log only grows) as a later ``marker_undone`` event naming the marker's time
and text; whoever reads markers (replay, reports) drops the markers undone this way."""

from __future__ import annotations

UNDONE = "marker_undone"


def kept_markers(events, kinds=("marker",)) -> list:
    """The events of ``kinds`` in order, without the markers a later ``marker_undone`` took back."""
    kept = []
    for e in events:
        if e.kind == UNDONE:
            data = e.data or {}
            for i in range(len(kept) - 1, -1, -1):
                m = kept[i]
                if m.kind == "marker" and abs(m.t - float(data.get("t", m.t))) < 1e-6 and \
                        (m.text or "") == data.get("text", m.text or ""):
                    del kept[i]
                    break
        elif e.kind in kinds:
            kept.append(e)
    return kept
