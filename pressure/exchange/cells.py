"""Text cells a spreadsheet will not run: the OWASP rule for CSV injection.

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, tab or CR is taken as a formula by
Excel and LibreOffice (``=HYPERLINK(...)``, ``+cmd|' /C calc'!A0``); a leading ``'`` makes it
text, and the spreadsheet hides the quote. Numbers are written by the exporter itself and never
pass through here, so a negative number stays a number.
"""

from __future__ import annotations

import json

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(text: str) -> str:
    """``text`` as a spreadsheet shows it but never runs it."""
    return "'" + text if text.startswith(FORMULA_START) else text


def unsafe_cell(text: str) -> str:
    """The text :func:`safe_cell` was given (an import of our own export reads it back)."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_START) else text


def json_one_cell(value) -> str:
    """``value`` as JSON with no comma inside its strings (``\\u002c``, still the same JSON).

    Metadata sits on ``# key: value`` comment lines so pandas' ``comment="#"`` skips them; a
    spreadsheet still splits such a line at every comma, and a label like ``x,=1+1`` would
    become a cell of its own that starts with ``=``. The commas that remain separate JSON items
    and are followed by a space and a quote or digit, which no spreadsheet runs."""
    text = json.dumps(value, ensure_ascii=False)
    out, in_string, escaped = [], False, False
    for ch in text:
        if in_string and ch == ",":
            out.append("\\u002c")
            continue
        out.append(ch)
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = in_string
        elif ch == '"':
            in_string = not in_string
    return "".join(out)


def comment_text(text: str) -> str:
    """Free text on a ``#`` line kept in one cell: commas become the look-alike ``\u201a``."""
    return text.replace(",", "\u201a").replace("\n", " ").replace("\r", " ")
