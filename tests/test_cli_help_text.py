"""Every --help reads as plain text: no reStructuredText markup from the docstrings it is made of."""

from __future__ import annotations

import re

import pytest

from pressure.cli import COMMANDS, build_parser

MARKUP = re.compile(r"``|:(class|func|mod|meth|attr):`")


def _help(argv):
    parser = build_parser()
    if not argv:
        return parser.format_help()
    sub = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    return sub[argv[0]].format_help()


@pytest.mark.parametrize("argv", [[], *[[c.replace("_", "-") if c != "import_csv" else "import"] for c in COMMANDS]])
def test_help_has_no_rst_markup(argv):
    text = _help(argv)
    assert not MARKUP.search(text), text


def test_bench_help_names_no_issue_tracker():
    assert "issue" not in _help(["bench"]).lower()
