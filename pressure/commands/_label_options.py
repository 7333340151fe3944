"""``--label KEY=VALUE``: the free-text labels a recording carries (client, practitioner, ...).

Shared by ``live``, ``record`` and ``import`` so that a label means and is checked the same way
wherever a recording is made.
"""

from __future__ import annotations

from ..errors import PressureError
from ..recording import LABEL_KEYS


def add_label_option(parser, help_text: str | None = None) -> None:
    parser.add_argument(
        "--label", action="append", default=[], metavar="KEY=VALUE",
        help=help_text or f"label the recording ({', '.join(LABEL_KEYS)}); repeat for more")


def parse_labels(items: list[str]) -> dict[str, str]:
    """``["client=Anna", "muscle=trapezius"]`` -> a dict; PressureError names a bad item."""
    labels: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip().lower()
        if not sep or not key:
            raise PressureError(f"--label {item!r}: write it as KEY=VALUE, e.g. client=Anna")
        if key not in LABEL_KEYS:
            raise PressureError(f"--label {key}: unknown label; use one of {', '.join(LABEL_KEYS)}")
        labels[key] = value.strip()
        if key in ("side", "phase", "site"):  # the clinical record's places (docs/clinical.md)
            from ..clinical.sites import place

            place(**{key: labels[key]})  # PressureError names the allowed values
    return labels
