"""Text from files on a terminal: control characters escaped, never sent as they are.

Labels, routine names and markers come from recordings and routine files. A label holding
ESC [2J clears the screen, OSC 52 writes the clipboard, a newline breaks a table row. So every
command that prints such text passes it through :func:`shown` (control characters C0, DEL, C1,
line separators and bidirectional overrides become ``\\x1b``, ``\\n``, ``\\u202e``) and JSON
through :func:`json_shown` (json escapes C0 inside strings itself; C1 and the rest become
``\\u`` escapes, still the same JSON).
"""

from __future__ import annotations

import re

_OTHER = "\\x7f-\\x9f\\u2028\\u2029\\u200e\\u200f\\u061c\\u202a-\\u202e\\u2066-\\u2069"
_CONTROL = re.compile(f"[\\x00-\\x1f{_OTHER}]")
_CONTROL_BUT_NEWLINE = re.compile(f"[\\x00-\\x09\\x0b-\\x1f{_OTHER}]")
_JSON_UNSAFE = re.compile(f"[{_OTHER}]")
_SHORT = {9: "\\t", 10: "\\n", 13: "\\r"}


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return _SHORT.get(code) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def shown(text, *, keep_newlines: bool = False) -> str:
    """``text`` safe for a terminal (``keep_newlines``: a multi-line text of our own making)."""
    return (_CONTROL_BUT_NEWLINE if keep_newlines else _CONTROL).sub(_escape, str(text))


def json_shown(text: str) -> str:
    """JSON text (from json.dumps) safe for a terminal, and still the same JSON."""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
