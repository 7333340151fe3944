"""User-facing errors.

Anything raised as :class:`PressureError` (or a subclass) is a problem with the user's input,
files, ports or settings. The command line prints its message on one line and exits non-zero;
the window shows it in a dialog. Everything else is a bug and may show a traceback.
"""


class PressureError(Exception):
    """A problem the user can fix: bad argument, bad file, unreachable port."""

    exit_code = 1
