"""The project's own protocol, parsed with numpy over the whole chunk.

``S<seq>,<micros>,<raw>*<CC>`` sample lines and ``#...`` message lines (see
docs/architecture.md). At 1000 samples/s a Python loop per line would be fine, but the
reader must keep up with a burst after a stall and the benchmark asks for >= 500,000
samples/s end to end, so nothing here loops per line: line boundaries come from
``flatnonzero``, the commas of each line from a ``searchsorted`` over all comma positions,
each decimal field is gathered right-aligned into a small digit matrix and turned into a
number with one dot product, and the checksums come from one running XOR over the chunk.
Validation is strict: a line that is not exactly the shape above is bad, never a sample.
"""

from __future__ import annotations

import numpy as np

from .base import MAX_LINE, LineParser, Parsed

RAW_MIN, RAW_MAX = -8388608, 8388607
UINT32_MAX = 2**32 - 1

_S, _HASH, _COMMA, _STAR, _MINUS, _CR, _LF = (ord(c) for c in "S#,*-\r\n")
_MIN_LEN = len("S0,0,0*00")
_MAX_LEN = len("S4294967295,4294967295,-8388608*00")

_HEX = np.full(256, -1, np.int16)
for _i, _c in enumerate(b"0123456789abcdef"):
    _HEX[_c] = _i
    _HEX[bytes([_c]).upper()[0]] = _i

_POW10 = {w: 10.0 ** np.arange(w - 1, -1, -1) for w in (7, 10)}


def _decimal(a: np.ndarray, start: np.ndarray, stop: np.ndarray, width: int):
    """Unsigned decimal fields ``a[start:stop]`` per row -> (int64 values, ok mask).

    A field is ok when it has 1..width bytes and every byte is a digit. The digits are
    gathered right-aligned into an (n, width) matrix; float64 holds the <= 10-digit
    integers exactly, and its dot product runs in BLAS.
    """
    length = stop - start
    ok = (length >= 1) & (length <= width)
    idx = stop[:, None] - width + np.arange(width)
    inside = idx >= start[:, None]
    digits = a[np.maximum(idx, 0)] - np.uint8(48)  # a non-digit wraps to > 9
    ok &= ~np.any(inside & (digits > 9), axis=1)
    digits = np.where(inside & ok[:, None], digits, 0).astype(np.float64)
    return (digits @ _POW10[width]).astype(np.int64), ok


class OwnParser(LineParser):
    """``S<seq>,<micros>,<raw>*<CC>`` lines -> raw counts with sequence numbers and device clock."""

    format = "pressure"

    def empty(self, bad_lines: int = 0) -> Parsed:
        return Parsed.empty("counts", clocked=True, bad_lines=bad_lines)

    def is_blank(self, line: bytes) -> bool:
        return not line  # strict: a space is not nothing

    def parse_lines(self, buf: bytes) -> Parsed:
        a = np.frombuffer(buf, np.uint8)
        ends = np.flatnonzero((a == _LF) | (a == _CR))
        starts = np.empty_like(ends)
        starts[0] = 0
        starts[1:] = ends[:-1] + 1
        lengths = ends - starts
        nonempty = lengths > 0
        starts, ends, lengths = starts[nonempty], ends[nonempty], lengths[nonempty]
        n_lines = int(starts.shape[0])
        if n_lines == 0:
            return self.empty()

        first = a[starts]
        is_msg = (first == _HASH) & (lengths <= MAX_LINE)
        cand = (first == _S) & (lengths >= _MIN_LEN) & (lengths <= _MAX_LEN)
        s, e = starts[cand], ends[cand]
        star = e - 3
        shape_ok = a[star] == _STAR

        # exactly two commas between the 'S' and the '*'
        commas = np.flatnonzero(a == _COMMA)
        lo = np.searchsorted(commas, s)
        shape_ok &= (np.searchsorted(commas, star) - lo) == 2
        if commas.size:
            c1 = commas[np.minimum(lo, commas.size - 1)]
            c2 = commas[np.minimum(lo + 1, commas.size - 1)]
        else:
            c1 = c2 = s
        c1 = np.where(shape_ok, c1, s + 1)  # harmless positions for rows already rejected
        c2 = np.where(shape_ok, c2, s + 2)

        seq, ok1 = _decimal(a, s + 1, c1, 10)
        micros, ok2 = _decimal(a, c1 + 1, c2, 10)
        neg = a[c2 + 1] == _MINUS
        mag, ok3 = _decimal(a, c2 + 1 + neg, star, 7)
        hi, lo_ = _HEX[a[e - 2]], _HEX[a[e - 1]]
        shape_ok &= ok1 & ok2 & ok3 & (hi >= 0) & (lo_ >= 0)

        xor = np.bitwise_xor.accumulate(a)
        before = np.where(s > 0, xor[np.maximum(s - 1, 0)], 0)
        checksum_ok = (xor[star - 1] ^ before) == (hi * 16 + lo_)
        raw = np.where(neg, -mag, mag)
        in_range = (seq <= UINT32_MAX) & (micros <= UINT32_MAX) & (raw >= RAW_MIN) & (raw <= RAW_MAX)

        good = shape_ok & checksum_ok & in_range
        checksum_errors = int(np.count_nonzero(shape_ok & ~checksum_ok))
        n_msg = int(np.count_nonzero(is_msg))
        messages = []
        if n_msg:
            for i, j in zip(starts[is_msg].tolist(), ends[is_msg].tolist()):
                messages.append(buf[i + 1:j].decode("utf-8", "replace").strip())
        n_good = int(np.count_nonzero(good))
        return Parsed(
            value=raw[good].astype(np.float64),
            unit="counts",
            seq=seq[good],
            device_us=micros[good],
            bad_lines=n_lines - n_good - checksum_errors - n_msg,
            checksum_errors=checksum_errors,
            messages=messages,
        )
