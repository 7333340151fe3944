"""Reading one sensor: see :mod:`pressure.acquisition.reader`."""

from .reader import *  # noqa: F401,F403
from .reader import ReaderStats, Reader, parse_id  # noqa: F401
