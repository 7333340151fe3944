"""``replay FILE``: play a recording in the live window (trace, readout, zones, routine, markers).

The file is read and every option checked before any window opens: a missing, truncated,
corrupted, empty, foreign or newer-version file is one ``pressure: error: <file>: <problem>``
line and exit 1, never a traceback. Routine options re-score the session against another
routine or target; ``--filter``/``--strength`` re-smooth it.
"""

from __future__ import annotations

import logging
from pathlib import Path

from ..errors import PressureError
from . import _arg_types as arg_types

log = logging.getLogger(__name__)


def register(sub) -> None:
    from ._routine_options import add_routine_options

    p = sub.add_parser(
        "replay", help="play a recording in the window (seek, speed, re-analysis)",
        description="Play a recorded session in the same window as live. Cues are muted (S unmutes).",
        epilog="keys: Space play/pause · Left/Right 5 s · , . one frame · [ ] markers · "
               "PgUp/PgDown steps · Ctrl+Up/Down speed · S sound",
    )
    p.add_argument("file", type=Path, metavar="FILE", help="a .pressure recording")
    p.add_argument("--speed", type=arg_types.speed, default=1.0, metavar="X", help="playback speed, 0.25 to 16 (default 1)")
    p.add_argument("--start", type=arg_types.start_seconds, default=0.0, metavar="T", help="start at T seconds into the recording")
    p.add_argument("--paused", action="store_true", help="open paused")
    add_routine_options(p)
    p.add_argument("--filter", default=None, metavar="NAME", help="smooth again with this filter (default: as recorded)")
    p.add_argument("--strength", type=float, default=None, metavar="0..1", help="filter strength")
    p.add_argument("--window", type=arg_types.seconds, default=20.0, metavar="SECONDS", help="trace length (default 20)")
    p.add_argument("--y-max", type=arg_types.display_value, default=0.0, metavar="VALUE", help="top of the vertical range")
    p.add_argument("--no-sound", action="store_true", help="no sound at all (S cannot unmute)")
    p.add_argument("--screenshot", type=Path, default=None, metavar="FILE.png",
                   help="save a PNG of the window when --seconds have passed, then exit")
    p.add_argument("--seconds", type=arg_types.seconds, default=None, metavar="N", help="quit after N seconds")
    p.set_defaults(func=run)


def check_args(args):
    """Everything checked before a window: (routine or None, filter or None)."""
    from ..filters import make_filter
    from ..session.replay_source import MAX_SPEED, MIN_SPEED
    from ._routine_options import routine_from_args

    if not (MIN_SPEED <= args.speed <= MAX_SPEED):
        raise PressureError(f"--speed {args.speed:g}: choose {MIN_SPEED:g} to {MAX_SPEED:g}")
    if args.screenshot is not None:
        if args.screenshot.suffix.lower() != ".png":
            raise PressureError(f"--screenshot {args.screenshot}: the file name must end in .png")
        if not args.screenshot.parent.is_dir():
            raise PressureError(f"--screenshot {args.screenshot}: folder {args.screenshot.parent} does not exist")
        if args.seconds is None:
            raise PressureError("--screenshot needs --seconds N (when to take it)")
    from ..library import resolve_recording

    args.file = resolve_recording(args.file)  # also a name as `sessions` prints it
    if not args.file.exists():
        raise PressureError(f"{args.file}: no such file")
    if args.file.is_dir():
        raise PressureError(f"{args.file}: is a folder, not a recording")
    arg_types.not_a_csv(args.file, "replay")
    routine = routine_from_args(args)
    filt = None
    if args.filter is not None or args.strength is not None:
        from ..filters import DEFAULT_FILTER

        params = {} if args.strength is None else {"strength": args.strength}
        filt = make_filter(args.filter or DEFAULT_FILTER[0], **params)
    return routine, filt


def run(args) -> int:
    from ..recording import RecordingError, open_recording

    routine, filt = check_args(args)
    recording = open_recording(args.file)  # before Qt is even imported: errors come quickly
    if len(recording) == 0:
        raise RecordingError(f"{args.file}: the recording has no samples to replay")
    end = float(recording.t[-1])
    if args.start > end:
        raise PressureError(f"--start {args.start:g}: the recording is only {end:.1f} s long")
    from ..session.replay_setup import open_replay
    from ..ui.app import run_replay

    pipeline = open_replay(recording, routine=routine, filt=filt, speed=args.speed, start=args.start,
                           playing=not args.paused)

    return run_replay(pipeline, window_seconds=args.window, y_max=args.y_max, seconds=args.seconds,
                      screenshot=args.screenshot, sound=not args.no_sound)
