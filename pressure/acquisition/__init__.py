"""Reading one sensor: a port loop, the device conversation, the calibration choice, a pure
stamper and the pacing rule, behind the :class:`Reader` facade (see :mod:`.reader`)."""

from .conversation import ID_WAIT, parse_id
from .pacing import HOLD_LEAD_S, HOLD_MIN_S, PACE_FORGOTTEN_S, POLL_GRACE_S, PacingRule
from .port_loop import BACKOFF_FIRST, BACKOFF_MAX, READ_TIMEOUT
from .reader import STATES, Reader
from .stats import RATE_WINDOW, ReaderStats

__all__ = ["BACKOFF_FIRST", "BACKOFF_MAX", "HOLD_LEAD_S", "HOLD_MIN_S", "ID_WAIT",
           "PACE_FORGOTTEN_S", "POLL_GRACE_S", "RATE_WINDOW", "READ_TIMEOUT", "STATES",
           "PacingRule", "Reader", "ReaderStats", "parse_id"]
