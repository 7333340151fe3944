"""Command line: ``python main.py [COMMAND] ...`` (the console script ``pressure`` is the same).

Each subcommand lives in its own module under ``pressure/commands`` and exposes
``register(subparsers)``, which adds its parser and sets ``func=run`` (``run(args) -> int``).
With no command the live window opens on the built-in simulated sensor.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from . import __version__
from .errors import PressureError

# Module names under pressure.commands, in the order `--help` lists them.
COMMANDS = (
    "live", "sim", "ports", "stream", "record", "replay", "sessions", "export", "import_csv",
    "report", "progress", "trainees", "clients", "reference", "classroom", "bench",
)


class _Parser(argparse.ArgumentParser):
    """argparse that says one clear line and exits 2 on bad arguments.

    The usage block is left out: it buries the one thing that went wrong, and ``--help`` is
    named in the line instead.
    """

    def __init__(self, *args, description=None, **kwargs):
        # descriptions come from module docstrings: their ``literal`` markup is for the docs
        super().__init__(*args, description=description and description.replace("``", ""), **kwargs)

    def error(self, message):  # noqa: D401 - argparse API
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="pressure", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"pressure {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS:
        try:
            module = importlib.import_module(f".commands.{name}", __package__)
        except ModuleNotFoundError as exc:  # a command still being built: keep the rest usable
            if exc.name and exc.name.endswith(f"commands.{name}"):
                continue
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    # No command (or only options of the live window) -> the live window.
    known = set(parser._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    if not any(a in known for a in argv if not a.startswith("-")) and not {"-h", "--help", "--version"} & set(argv):
        if "live" in known:
            argv = ["live", *argv]
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(name)s %(levelname)s: %(message)s",
    )
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except PressureError as exc:
        print(f"pressure: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader of our stdout went away (e.g. `| head`): stop quietly, as Unix tools do.
        _silence_stdout()
        return 0


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # stdout is not a real file
        pass


if __name__ == "__main__":
    sys.exit(main())
