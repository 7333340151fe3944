"""Entry point: ``python main.py`` opens the live window on the built-in simulated sensor.

See ``python main.py --help`` for the other commands.
"""

import sys

from pressure.cli import main

if __name__ == "__main__":
    sys.exit(main())
