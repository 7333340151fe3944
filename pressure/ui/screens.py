"""``make screens``: the window's states rendered headless into PNG files (docs/screens/).

Each state is reached the way a session reaches it (see :mod:`pressure.ui.screen_session`):
simulator profiles with fixed seeds drive the real pipeline, coach, recorder, window, replay
window, summary and progress view. Nothing is faked on a widget: a state that looks wrong here
looks wrong in a session. Rendering uses a temporary ``PRESSURE_HOME`` and no saved settings,
so it never changes what the next real window opens with.

    QT_QPA_PLATFORM=offscreen python -m pressure.ui.screens docs/screens [--only hold ppt]
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from .screen_session import RATE, SEED, SIZE, Live, private_home, profile, settle, then

STATES = ("hold", "ease_off", "ceiling", "disconnected", "stale", "rest", "zero_off", "ppt", "replay",
          "summary", "progress", "clinical", "client_report")


# --- the states: each makes what is to be grabbed; ``ctx`` keeps what two states share -----------
def _steady(name: str, until: float, force=None) -> Live:
    """The steady-hold routine (30 N, ceiling 60 N) on the simulator's steady practitioner."""
    from ..routine import BUILTIN_ROUTINES

    live = Live(BUILTIN_ROUTINES["steady"], name, client="J. Smith", trainee="Ann")
    live.play(force or profile("steady", 30.0), until)
    return live


def hold(ctx):
    return _steady("hold", 14.0)


def ease_off(ctx):
    return _steady("ease_off", 14.5, force=then(profile("steady", 30.0), 12.0, 36.0))


def ceiling(ctx):
    return _steady("ceiling", 14.5, force=then(profile("steady", 30.0), 12.0, 66.0))


def disconnected(ctx):
    live = _steady("disconnected", 14.0)
    live.source.connected, live.source.state = False, "disconnected"
    live.clock.now += 3.0
    live.frame()
    return live


def stale(ctx):
    live = _steady("stale", 14.0)
    live.clock.now += 0.8  # the reader is quiet, the port is still open
    live.frame()
    return live


def rest(ctx):
    return _steady("rest", 40.0)


def zero_off(ctx):
    """The rest after a hold reads -29.4 N (a zero taken under load, or a sensor that drifted):
    after 2 s the banner says so, and the cue is no longer REST."""
    steady = profile("steady", 30.0)
    return _steady("zero_off", 40.0, force=lambda t: steady(t) - 29.4 * (t >= 37.0))


def ppt(ctx):
    from ..routine import BUILTIN_ROUTINES

    live = Live(BUILTIN_ROUTINES["ppt"], "ppt", client="J. Smith", trainee="Ann")
    live.play(profile("ppt", 40.0), 10.0)  # trial 1 ramping at the pacer's rate
    return live


def _trapezoid(ctx) -> Live:
    """One whole trapezoid routine, recorded; the summary opens at its end (shared by two states)."""
    if "trapezoid" not in ctx:
        from ..routine import BUILTIN_ROUTINES

        live = Live(BUILTIN_ROUTINES["trapezoid"], "trapezoid", client="J. Smith", trainee="Ann")
        force = profile("trapezoid", 40.0)
        once = lambda t: np.where(t < 38.0, force(t), 0.0)  # noqa: E731 - one cycle of the profile
        live.play(once, 52.0)
        if live.training.summary is None:
            raise RuntimeError("the trapezoid routine did not finish: no summary to render")
        live.pipeline.close()  # the recording is complete before replay opens it
        ctx["trapezoid"] = live
    return ctx["trapezoid"]


def summary(ctx):
    return _trapezoid(ctx).training.summary  # at the size it opens with


def replay(ctx):
    from ..session.replay_setup import open_replay
    from ..session.scripted import ManualClock
    from .audio import Silent
    from .replay_window import ReplayWindow
    from .training import install_training

    path = _trapezoid(ctx).path
    window = ReplayWindow(open_replay(path, playing=False, clock=ManualClock()),
                          audio=Silent("no sound in screen renders"), window_seconds=30.0)
    window.timer.stop()
    window.readout.number_interval_s = 0.0  # the digits of this very frame (the timer would redraw them)
    install_training(window)
    window.resize(*SIZE)
    window.show()
    window.seek(22.0)  # paused on the plateau, the whole routine in the overview
    settle(window)
    return window


def progress(ctx):
    from datetime import datetime, timedelta, timezone

    from ..recording import RecordingWriter, open_recording
    from ..routine import single_hold
    from ..samples import Block
    from ..scoring import score_recording
    from ..session.meta import session_meta
    from ..filters import default_filter
    from ..trainees import add_trainee, record_attempt
    from .progress_view import ProgressView

    add_trainee("Ann")
    routine = single_hold(30.0, "10%", 20.0, ceiling=60.0)
    folder = Path(os.environ["PRESSURE_HOME"]) / "attempts"
    folder.mkdir(parents=True, exist_ok=True)
    t = np.arange(int(32.0 * RATE)) / RATE
    for k in range(8):  # weekly attempts, each a little closer to the target
        force = profile("hold", 30.0 * (0.925 + 0.011 * k), seed=SEED + k)(t)
        meta = session_meta(routine=routine, filt=default_filter(), unit="N", source="simulator",
                            labels={"trainee": "Ann"})
        when = (datetime(2026, 1, 5, 10, tzinfo=timezone.utc) + timedelta(weeks=k)).isoformat()
        meta["started_at"] = when
        path = folder / f"attempt{k}.pressure"
        with RecordingWriter(path, meta) as w:
            w.append(Block.make(t, force * 1000.0, force))
        record_attempt("Ann", path, score_recording(open_recording(path)), recorded_at=when)
    view = ProgressView(None, trainee="Ann", routine=routine.name)
    view.show()  # at the size it opens with
    return view


def _client_history() -> None:
    """A client with one earlier visit (PPT of the upper trapezius on both sides, before and
    after a treatment), recorded a week before the screens' session."""
    from ..clinical.clients import add_client
    from ..paths import sessions_dir
    from ..recording import RecordingWriter
    from ..routine import BUILTIN_ROUTINES
    from ..samples import Block

    client = add_client("J. Smith")
    events, t0, force = [], 0.0, []
    sets = [("left", "before", (212.0, 228.0, 221.0)), ("right", "before", (281.0, 296.0, 288.0)),
            ("left", "after", (262.0, 270.0, 266.0))]
    for side, phase, peaks in sets:
        events.append((t0, "site", "upper trapezius", {"site": "upper trapezius", "side": side, "phase": phase}))
        for k, peak in enumerate(peaks, 1):
            ramp = np.linspace(0.0, peak / 10.0, int(4 * RATE))
            force += [ramp, np.zeros(int(2 * RATE))]
            events.append((t0 + 4.0, "threshold", "", {"value": peak, "trial": k}))
            t0 += 6.0
    f = np.concatenate(force)
    t = np.arange(f.size) / RATE
    meta = {"routine": BUILTIN_ROUTINES["ppt"].to_dict(), "unit": "kPa", "area_cm2": 1.0,
            "started_at": "2026-01-08T10:00:00+00:00",
            "labels": {"client": "J. Smith", "client_id": client.id, "practitioner": "R. Mills"}}
    with RecordingWriter(sessions_dir() / "2026-01-08_100000.pressure", meta) as w:
        w.append(Block.make(t, f * 1000.0, f))
        for ev in events:
            w.add_event(*ev)


def clinical(ctx):
    """The live PPT window with the clinical toolbar: site, side, phase, the set so far and,
    faint, the client's value at the previous visit."""
    from ..routine import BUILTIN_ROUTINES
    from .clinical_bar import install_clinical_bar

    _client_history()
    live = Live(BUILTIN_ROUTINES["ppt"], "clinical", client="J. Smith", trainee="")
    bar = install_clinical_bar(live.window)
    bar.site.setEditText("upper trapezius")
    bar.side.setCurrentText("left")
    bar.phase.setCurrentText("before")
    bar.apply()
    live.play(profile("ppt", 40.0), 55.0)  # one threshold marked, trial 2 ramping
    ctx["clinical"] = live
    return live


def client_report(ctx):
    """The client's report as the PDF writer lays it out (first page's worth)."""
    from PySide6.QtWidgets import QTextBrowser

    from ..clinical.report import client_report as build
    from .clinical_pdf import pdf_document

    import shutil

    from ..paths import sessions_dir

    live = ctx.get("clinical") or clinical(ctx)
    live.window.close()
    live.pipeline.close()
    shutil.copy(live.path, sessions_dir() / "2026-01-15_100000.pressure")  # the second visit
    view = QTextBrowser()
    view.setDocument(pdf_document(build("J. Smith")))
    view.resize(820, 1000)
    view.show()
    return view


SCENES = {"hold": hold, "ease_off": ease_off, "ceiling": ceiling, "disconnected": disconnected,
          "stale": stale, "rest": rest, "zero_off": zero_off, "ppt": ppt, "replay": replay, "summary": summary,
          "progress": progress, "clinical": clinical, "client_report": client_report}
assert tuple(SCENES) == STATES


def render(out_dir, names=STATES) -> list[Path]:
    """Render the named states into ``out_dir``/<name>.png; the files written."""
    from .app import qt_app

    unknown = [n for n in names if n not in SCENES]
    if unknown:
        from ..errors import PressureError

        raise PressureError(f"no screen state {', '.join(unknown)}; choose from {', '.join(STATES)}")
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        from ..errors import PressureError

        raise PressureError(f"cannot create the folder {out_dir}: {exc.strerror or exc}") from None
    app = qt_app()
    written, ctx, opened = [], {}, []
    with private_home():
        try:
            for name in names:
                shown = SCENES[name](ctx)
                opened.append(shown)
                if isinstance(shown, Live):
                    settle(shown.window)
                    widget = shown.window
                else:
                    widget = shown
                    app.processEvents()
                path = out_dir / f"{name}.png"
                if not widget.grab().save(str(path)):
                    from ..errors import PressureError

                    raise PressureError(f"cannot write {path}")
                written.append(path)
        finally:
            for shown in opened + list(ctx.values()):
                shown.close()
            app.processEvents()
    return written


def main(argv=None) -> int:
    import argparse
    import sys

    from ..errors import PressureError

    p = argparse.ArgumentParser(prog="screens", description="Render the window's states into PNG files.")
    p.add_argument("out_dir", nargs="?", default="docs/screens", help="folder for the PNG files")
    p.add_argument("--only", nargs="+", metavar="STATE", default=list(STATES),
                   help=f"some of: {', '.join(STATES)}")
    args = p.parse_args(argv)
    try:
        for path in render(args.out_dir, args.only):
            print(path)
    except PressureError as exc:
        print(f"pressure: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
