"""Advertising scales (WH-C06 type): the weight in the manufacturer data of each advertisement.

These scales never connect: every advertisement carries the reading. The byte layout differs
between models and firmware, so it is data (:class:`AdvertLayout`), set from the URL
(``ble://IF_B7?offset=10&size=2&order=big&divisor=100&unit=kg``). The default is the WH-C06 as
the public clients read it: company id 0x0100, a big-endian uint16 of hundredths of a kilogram
at byte 10 of the manufacturer data (after the company id). Pure: no Bluetooth here.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from ..errors import PressureError
from ..samples import normalize_force_unit


@dataclass(frozen=True)
class AdvertLayout:
    company: int = 0x0100
    offset: int = 10
    size: int = 2
    order: str = "big"
    signed: bool = False
    divisor: float = 100.0
    unit: str = "kgf"

    def describe(self) -> str:
        """``key=value`` words (the port sends them to the parser; the recording keeps them)."""
        return " ".join(f"{k}={v}" for k, v in asdict(self).items())

    @classmethod
    def from_words(cls, words: dict[str, str]) -> "AdvertLayout":
        """From URL options or :meth:`describe`'s words; bad values are one clear error."""
        base = cls()
        try:
            layout = cls(
                company=int(str(words.get("company", base.company)), 0),
                offset=int(words.get("offset", base.offset)),
                size=int(words.get("size", base.size)),
                order=str(words.get("order", base.order)).lower(),
                signed=str(words.get("signed", base.signed)).lower() in ("1", "true", "yes"),
                divisor=float(words.get("divisor", base.divisor)),
                unit=normalize_force_unit(str(words.get("unit", base.unit))),
            )
        except (TypeError, ValueError) as exc:
            raise PressureError(f"bad advertising-scale layout: {exc}") from None
        if not (0 <= layout.offset <= 64 and layout.size in (1, 2, 3, 4)
                and layout.order in ("big", "little") and layout.divisor > 0
                and 0 <= layout.company <= 0xFFFF):
            raise PressureError("bad advertising-scale layout: offset 0-64, size 1-4, "
                                "order big or little, divisor above 0, company 0-0xFFFF")
        return layout


def weight(layout: AdvertLayout, company: int, data: bytes) -> float | None:
    """The reading in ``layout.unit``, or None when this advertisement is not the scale's."""
    if company != layout.company or len(data) < layout.offset + layout.size:
        return None
    raw = int.from_bytes(data[layout.offset:layout.offset + layout.size], layout.order,
                         signed=layout.signed)
    return raw / layout.divisor
