"""What every wire parser shares: the :class:`Parsed` result and the streaming line splitter.

A serial port hands over whatever bytes have arrived, split anywhere. :class:`LineParser`
keeps the unfinished last line between calls so that a sample cut in two by the port is
parsed once, whole; it cuts a line that never ends (garbage, a wrong baud rate) after
:data:`MAX_LINE` bytes so memory stays bounded, and it makes ``\\n``, ``\\r\\n`` and a bare
``\\r`` all end a line. Subclasses only see complete lines, as one ``bytes`` object that
ends with a line end, and turn them into a :class:`Parsed`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np

log = logging.getLogger(__name__)

MAX_LINE = 256  # longest line (without its line end) any format may send
_EMPTY_F = np.empty(0, np.float64)
_EMPTY_I = np.empty(0, np.int64)


@dataclass
class Parsed:
    """The samples and the losses found in one chunk of bytes.

    value      float64, one per sample line, in ``unit``
    unit       "counts" for the own protocol, else a ``pressure.samples.FORCE_UNITS`` name
    seq        int64 sequence numbers (own protocol), else None
    device_us  int64 device clock as sent, 0..2**32-1 (own protocol), else None
    bad_lines  lines that were not valid samples (garbage, cut lines, bad numbers, overlong)
    checksum_errors  well-formed sample lines whose checksum did not match (not in bad_lines)
    messages   legitimate non-sample text: '#' device replies without the '#', banner lines
    message_pos  for each message, the index of the first sample after it (== len when no
               sample follows it in this result): where a '#BOOT' or a banner fell among the samples
    """

    value: np.ndarray
    unit: str
    seq: np.ndarray | None = None
    device_us: np.ndarray | None = None
    bad_lines: int = 0
    checksum_errors: int = 0
    messages: list[str] = field(default_factory=list)
    message_pos: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return int(self.value.shape[0])

    @classmethod
    def empty(cls, unit: str, *, clocked: bool = False, bad_lines: int = 0) -> "Parsed":
        """No samples; ``clocked`` gives empty seq/device_us arrays (own protocol) instead of None."""
        return cls(
            value=_EMPTY_F.copy(),
            unit=unit,
            seq=_EMPTY_I.copy() if clocked else None,
            device_us=_EMPTY_I.copy() if clocked else None,
            bad_lines=bad_lines,
        )

    @classmethod
    def concat(cls, parts: list["Parsed"]) -> "Parsed":
        """Join results in order (the unit of the last part that holds samples wins).

        Meant for results of one parser; seq/device_us stay None unless some part has them.
        """
        if not parts:
            raise ValueError("Parsed.concat needs at least one part")
        with_samples = [p for p in parts if len(p)]
        unit = with_samples[-1].unit if with_samples else parts[-1].unit
        clocked = any(p.seq is not None for p in parts)
        positions, offset = [], 0
        for p in parts:
            positions.extend(pos + offset for pos in p.message_pos)
            offset += len(p)
        return cls(
            value=np.concatenate([p.value for p in parts]) if parts else _EMPTY_F.copy(),
            unit=unit,
            seq=np.concatenate([p.seq for p in parts if p.seq is not None]) if clocked else None,
            device_us=(np.concatenate([p.device_us for p in parts if p.device_us is not None])
                       if clocked else None),
            bad_lines=sum(p.bad_lines for p in parts),
            checksum_errors=sum(p.checksum_errors for p in parts),
            messages=[m for p in parts for m in p.messages],
            message_pos=positions,
        )


def first_line_end(buf: bytes, start: int = 0) -> int:
    """Index of the first ``\n`` or ``\r`` at or after ``start``, or -1."""
    i, j = buf.find(b"\n", start), buf.find(b"\r", start)
    if i < 0:
        return j
    return i if j < 0 else min(i, j)


def _last_line_end(buf: bytes) -> int:
    return max(buf.rfind(b"\n"), buf.rfind(b"\r"))


class LineParser:
    """Streaming line splitter; subclasses implement :meth:`parse_lines` and :meth:`empty`.

    The split never depends on where the chunks were cut: feeding a stream in any pieces
    gives the same lines as feeding it whole (an overlong line is one bad line either way).
    """

    format: str | None = None

    def __init__(self) -> None:
        self._pending = b""  # the unfinished last line
        self._skipping = False  # inside an overlong line: drop bytes up to the next line end
        self._dropped = 0  # cut lines dropped by reset(), reported with the next result

    # -- to implement -------------------------------------------------------------------
    def parse_lines(self, buf: bytes) -> Parsed:
        """Parse ``buf``: complete lines, each ended by ``\\n`` or ``\\r``."""
        raise NotImplementedError

    def empty(self, bad_lines: int = 0) -> Parsed:
        raise NotImplementedError

    def is_blank(self, line: bytes) -> bool:
        """A line that is ignored rather than counted (empty; text formats: whitespace only)."""
        return not line.strip()

    # -- streaming ----------------------------------------------------------------------
    def feed(self, data: bytes) -> Parsed:
        """Parse what is complete in ``pending + data``; keep the unfinished rest for later."""
        result = self._feed(bytes(data))
        result.bad_lines += self._take_dropped()
        return result

    def _take_dropped(self) -> int:
        dropped, self._dropped = self._dropped, 0
        return dropped

    def _feed(self, data: bytes) -> Parsed:
        buf = self._pending + data if self._pending else data
        if self._skipping:
            end = first_line_end(buf)
            if end < 0:  # still inside the overlong line: it was counted already
                self._pending = b""
                return self.empty()
            buf = buf[end:]  # keep the line end: it only makes an (ignored) empty line
            self._skipping = False
        last = _last_line_end(buf)
        complete, rest = (b"", buf) if last < 0 else (buf[: last + 1], buf[last + 1:])
        overlong = 0
        if len(rest) > MAX_LINE:
            overlong = 1
            self._skipping = True
            rest = b""
            log.debug("line longer than %d bytes without a line end: skipped", MAX_LINE)
        self._pending = rest
        result = self.parse_lines(complete) if complete else self.empty()
        result.bad_lines += overlong
        return result

    def flush(self) -> Parsed:
        """End of stream: an unfinished last line is a cut line, counted bad, never a sample."""
        rest, self._pending, self._skipping = self._pending, b"", False
        return self.empty(bad_lines=(0 if self.is_blank(rest) else 1) + self._take_dropped())

    def reset(self) -> None:
        """Forget the unfinished line (after a reconnect: never glue bytes across it).

        The dropped line is a cut line: it is counted bad in the next feed() or flush().
        """
        if not self.is_blank(self._pending):
            self._dropped += 1
        self._pending = b""
        self._skipping = False
