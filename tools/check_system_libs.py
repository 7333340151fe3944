"""Can the window open here? ``python tools/check_system_libs.py`` prints why not, exit 1.

A thin wrapper: the check itself is pressure/system_libs.py, which the program runs before Qt
loads (a missing display or library is one line there too). Standard library only, so it runs
before a virtual environment exists.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pressure import system_libs  # noqa: E402 - after the path to the checkout


def main() -> int:
    note = system_libs.sound_note()
    if note:
        print(f"pressure: note: {note}", file=sys.stderr)
    problem = system_libs.window_problem()
    if problem:
        print(f"pressure: {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
