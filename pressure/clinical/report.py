"""The client's report as data: every number the HTML page, the PDF and ``report --client
--json`` show comes from :func:`client_report`, and every number they print is formatted by
:func:`fmt`, so the three agree."""

from __future__ import annotations

import logging

from ..errors import PressureError
from ..report import number_text
from .clients import get_client
from .measures import measures_of
from .norms import population_values
from .ppt import outcomes
from .records import recordings_of

log = logging.getLogger(__name__)

PRESSURE_UNITS = ("kPa", "N/cm2", "kgf/cm2", "psi")


def fmt(value, decimals: int = 1) -> str:
    """A number as every clinical output prints it ("—" for none)."""
    if value is None:
        return "—"
    return number_text(float(value), f"{{:.{decimals}f}}")


def fmt_signed(value, decimals: int = 1) -> str:
    if value is None:
        return "—"
    return number_text(float(value), f"{{:+.{decimals}f}}")


def _report_unit(recordings) -> tuple[str, float | None]:
    """The unit of the client's PPT recordings (the first one's), and its probe area."""
    for rec in recordings:
        if any(e.kind == "threshold" for e in rec.events):
            unit = rec.meta.get("unit") if isinstance(rec.meta.get("unit"), str) else "N"
            area = rec.meta.get("area_cm2")
            return unit, float(area) if isinstance(area, (int, float)) else None
    return "N", None


def client_report(name: str, *, drop_first: bool = False, fixed_mdc: float | None = None,
                  folder=None) -> dict:
    """Everything the client's report shows, as plain JSON data."""
    from ..recording import open_recording

    client = get_client(name)
    infos = recordings_of(client, folder)
    recordings, problems = [], []
    for info in infos:
        try:
            recordings.append(open_recording(info.path))
        except PressureError as exc:
            problems.append(f"{info.path.name}: {exc}")
    unit, area = _report_unit(recordings)
    trials, holds = [], []
    notes, practitioners = [], []
    for rec in recordings:
        t, h, problem = measures_of(rec, unit)
        if problem:
            problems.append(problem)
        trials += t
        holds += h
        labels = rec.meta.get("labels") if isinstance(rec.meta.get("labels"), dict) else {}
        who = labels.get("practitioner")
        if isinstance(who, str) and who.strip() and who.strip() not in practitioners:
            practitioners.append(who.strip())
        text = labels.get("notes")
        if isinstance(text, str) and text.strip():
            notes.append({"file": rec.path.name, "visit": (rec.meta.get("started_at") or "")[:10], "text": text.strip()})
        for e in rec.events:
            if e.kind == "note" and e.text.strip():
                notes.append({"file": rec.path.name, "visit": (rec.meta.get("started_at") or "")[:10],
                              "t_s": e.t, "text": e.text.strip()})
    data = outcomes(trials, unit=unit, area_cm2=area, drop_first=drop_first, fixed_mdc=fixed_mdc)
    sites = sorted({(t.site, t.side) for t in trials} | {(h.site, h.side) for h in holds})
    visits = sorted({t.visit for t in trials} | {h.visit for h in holds})
    data.update({
        "client": {"name": client.name, "id": client.id},
        "practitioners": practitioners,
        "first_visit": visits[0] if visits else None,
        "last_visit": visits[-1] if visits else None,
        "visits": visits,
        "places": [{"site": s, "side": d} for s, d in sites],
        "recordings": [{"file": r.path.name, "started_at": r.meta.get("started_at")} for r in recordings],
        "trials": [t.to_dict() for t in trials],
        "holds": [h.to_dict() for h in holds],
        "notes": notes,
        "problems": problems,
        # what healthy adults measured in one study, by site (clinical/norms.py): never a flag
        # recordings since the peak rule carry at_press beside the peak; older ones the press only
        "threshold_rule": ("peak up to the P press" if trials and all(t.at_press is not None for t in trials)
                           else "value at the P press" if not any(t.at_press is not None for t in trials)
                           else "peak up to the P press (older recordings: the value at the press)"),
        "population_values": population_values(sorted({s for s, _ in sites}), unit),
    })
    return data
