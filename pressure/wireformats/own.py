"""The project's own protocol: plain Python for a few lines, numpy over a big chunk.

``S<seq>,<micros>,<raw>*<CC>`` sample lines and ``#...`` message lines (see
docs/architecture.md). Two paths with exactly the same rules and results (a property test
holds them to it):

* A chunk of a few lines (the steady state at 1000 samples/s: 1-3 lines per read) is read
  one line at a time with a compiled pattern and ``int()``. numpy has a fixed cost per call
  whatever the size, which for one line is most of the reader's time and latency.
* A burst (after a stall, or a fast device) must not loop per line: the reader must keep
  up and the benchmark asks for >= 500,000 samples/s end to end. Line boundaries come from
  ``flatnonzero``, the commas of each line from a ``searchsorted`` over all comma positions,
  every decimal field of every line is gathered right-aligned into one digit matrix and
  turned into numbers by one integer einsum, and the checksums come from one
  ``bitwise_xor.reduceat`` over the chunk.

Validation is strict: a line that is not exactly the shape above is bad, never a sample.
"""

from __future__ import annotations

import functools
import operator
import re

import numpy as np

from .base import MAX_LINE, LineParser, Parsed, first_line_end

RAW_MIN, RAW_MAX = -8388608, 8388607
UINT32_MAX = 2**32 - 1

_S, _HASH, _COMMA, _STAR, _MINUS, _CR, _LF = (ord(c) for c in "S#,*-\r\n")
_MIN_LEN = len("S0,0,0*00")
_MAX_LEN = len("S4294967295,4294967295,-8388608*00")

_HEX = np.full(256, -1, np.int16)
for _i, _c in enumerate(b"0123456789abcdef"):
    _HEX[_c] = _i
    _HEX[bytes([_c]).upper()[0]] = _i

# Chunks up to this size go line by line (30-40 lines of the simulator's length): the line loop
# costs a little per line, numpy a lot per call and less per line, and the two cross near here
# (the measurement is in the commit that set it; benchmarks/reader.py times both paths).
SMALL_BYTES = 1024
_SAMPLE_RE = re.compile(rb"S([0-9]{1,10}),([0-9]{1,10}),(-?[0-9]{1,7})\*([0-9A-Fa-f]{2})")
_LINE_END_RE = re.compile(rb"[\r\n]")
_xor = functools.partial(functools.reduce, operator.xor)

_BLOCK = 1 << 17  # bytes per numpy pass: a bigger buffer goes in pieces that stay in cache
_WIDTH = 10  # widest decimal field (uint32); the raw field is checked for <= 7 digits apart
_POW10 = 10 ** np.arange(_WIDTH - 1, -1, -1, dtype=np.int64)
# _MASKS[k]: ones in the last k of _WIDTH columns (the digits of a k-digit field)
_MASKS = (np.arange(_WIDTH) >= _WIDTH - np.arange(_WIDTH + 1)[:, None]).astype(np.uint8)


def _decimals(digits: np.ndarray, start: np.ndarray, stop: np.ndarray) -> np.ndarray:
    """Unsigned decimal fields ``[start, stop)`` (already validated) -> int64 values.

    ``digits`` is the chunk minus b'0' with :data:`_WIDTH` zero bytes in front, so a window
    of ``_WIDTH`` bytes ending at any field end exists. Every field of every line is
    gathered right-aligned into one (n, _WIDTH) matrix through a strided view of windows
    (one row copy per field, no index matrix), the bytes left of the field are masked to
    zero, and one integer einsum makes the numbers (not a float matmul: BLAS threads would
    compete with the GUI for the CPU, and timed slower on a busy machine).
    """
    length = np.minimum(np.maximum(stop - start, 0), _WIDTH)
    windows = np.ndarray((digits.size - _WIDTH + 1, _WIDTH), np.uint8, digits, 0, (1, 1))
    rows = windows[stop]  # the window that ends at stop, with _WIDTH bytes of padding in front
    rows *= np.take(_MASKS, length, axis=0)
    return np.einsum("ij,j->i", rows, _POW10)


class OwnParser(LineParser):
    """``S<seq>,<micros>,<raw>*<CC>`` lines -> raw counts with sequence numbers and device clock."""

    format = "pressure"

    def empty(self, bad_lines: int = 0) -> Parsed:
        return Parsed.empty("counts", clocked=True, bad_lines=bad_lines)

    def is_blank(self, line: bytes) -> bool:
        return not line  # strict: a space is not nothing

    def parse_lines(self, buf: bytes) -> Parsed:
        if len(buf) <= SMALL_BYTES:
            return self.parse_small(buf)
        if len(buf) <= 2 * _BLOCK:
            return self.parse_block(buf)
        # faster on a large burst than one pass: the dozen temporaries stay in cache
        parts, i = [], 0
        while i < len(buf):
            j = first_line_end(buf, i + _BLOCK)
            j = len(buf) if j < 0 else j + 1
            parts.append(self.parse_block(buf[i:j]))
            i = j
        return Parsed.concat(parts)

    def parse_small(self, buf: bytes) -> Parsed:
        """One line at a time: the same rules and results as :meth:`parse_block`, for few lines.

        The pattern fixes the shape and field widths (so the line length too); the checksum
        is tested before the ranges, so a well-formed line with a wrong checksum is a
        checksum error even when a number is out of range, as in the vectorised path.
        """
        seqs: list[int] = []
        clocks: list[int] = []
        raws: list[int] = []
        messages: list[str] = []
        positions: list[int] = []
        bad = errors = 0
        lines = _LINE_END_RE.split(buf)
        lines.pop()  # what follows the last line end: not a complete line
        match = _SAMPLE_RE.fullmatch
        for line in lines:
            if not line:
                continue
            first = line[0]
            if first == _S:
                m = match(line)
                if m is None:
                    bad += 1
                elif _xor(line[:-3], 0) != int(m[4], 16):
                    errors += 1
                else:
                    seq, micros, raw = int(m[1]), int(m[2]), int(m[3])
                    if seq > UINT32_MAX or micros > UINT32_MAX or not RAW_MIN <= raw <= RAW_MAX:
                        bad += 1
                    else:
                        seqs.append(seq)
                        clocks.append(micros)
                        raws.append(raw)
            elif first == _HASH and len(line) <= MAX_LINE:
                messages.append(line[1:].decode("utf-8", "replace").strip())
                positions.append(len(raws))
            else:
                bad += 1
        return Parsed(
            value=np.array(raws, np.float64),
            unit="counts",
            seq=np.array(seqs, np.int64),
            device_us=np.array(clocks, np.int64),
            bad_lines=bad,
            checksum_errors=errors,
            messages=messages,
            message_pos=positions,
        )

    def parse_block(self, buf: bytes) -> Parsed:
        """The vectorised path (any size up to a few hundred KB; meant for big chunks)."""
        a = np.frombuffer(buf, np.uint8)
        ends = np.flatnonzero((a == _LF) | (a == _CR))
        if ends.size == 0:
            return self.empty()
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
        hi, lo = _HEX[a[e - 2]], _HEX[a[e - 1]]
        shape_ok &= (hi >= 0) & (lo >= 0)

        # Between the 'S' and the '*': exactly two commas, at most a '-' right after the
        # second one, and nothing else but digits. Each test looks up the first position of
        # a kind of byte after the 'S' (one searchsorted per kind, a sentinel at the end).
        digits = a - np.uint8(48)  # a non-digit wraps to > 9
        beyond = np.array([a.size + 1])
        commas = np.concatenate([np.flatnonzero(a == _COMMA), beyond, beyond, beyond])
        minus = np.concatenate([np.flatnonzero(a == _MINUS), beyond, beyond])
        other = np.concatenate(
            [np.flatnonzero((digits > 9) & (a != _COMMA) & (a != _MINUS)), beyond])
        shape_ok &= other[np.searchsorted(other, s + 1)] == star
        k = np.searchsorted(commas, s)
        c1, c2 = commas[k], commas[k + 1]
        shape_ok &= (c2 < star) & (commas[k + 2] > star)
        c1 = np.where(shape_ok, c1, s + 1)  # harmless positions for rows already rejected
        c2 = np.where(shape_ok, c2, s + 2)
        neg = a[c2 + 1] == _MINUS
        k = np.searchsorted(minus, s)
        shape_ok &= np.where(neg, (minus[k] == c2 + 1) & (minus[k + 1] > star), minus[k] > star)
        raw_start = c2 + 1 + neg
        len1, len2, len3 = c1 - s - 1, c2 - c1 - 1, star - raw_start
        shape_ok &= (len1 >= 1) & (len1 <= 10) & (len2 >= 1) & (len2 <= 10)
        shape_ok &= (len3 >= 1) & (len3 <= 7)

        padded = np.zeros(a.size + _WIDTH, np.uint8)
        padded[_WIDTH:] = digits
        n = s.size
        values = _decimals(padded, np.concatenate([s + 1, c1 + 1, raw_start]),
                           np.concatenate([c1, c2, star]))
        seq, micros, mag = values[:n], values[n:2 * n], values[2 * n:]

        bounds = np.empty(2 * s.size, np.int64)  # XOR of each [S, *) span
        bounds[0::2], bounds[1::2] = s, star
        xor = np.bitwise_xor.reduceat(a, bounds)[0::2] if s.size else np.empty(0, np.uint8)
        checksum_ok = xor == (hi * 16 + lo)
        raw = np.where(neg, -mag, mag)
        in_range = (seq <= UINT32_MAX) & (micros <= UINT32_MAX) & (raw >= RAW_MIN) & (raw <= RAW_MAX)

        good = shape_ok & checksum_ok & in_range
        checksum_errors = int(np.count_nonzero(shape_ok & ~checksum_ok))
        n_msg = int(np.count_nonzero(is_msg))
        messages, positions = [], []
        if n_msg:
            for i, j in zip(starts[is_msg].tolist(), ends[is_msg].tolist()):
                messages.append(buf[i + 1:j].decode("utf-8", "replace").strip())
            good_line = np.zeros(n_lines, np.int64)  # per line: 1 for a sample
            good_line[cand] = good
            positions = np.cumsum(good_line)[is_msg].tolist()  # samples before each message
        n_good = int(np.count_nonzero(good))
        return Parsed(
            value=raw[good].astype(np.float64),
            unit="counts",
            seq=seq[good],
            device_us=micros[good],
            bad_lines=n_lines - n_good - checksum_errors - n_msg,
            checksum_errors=checksum_errors,
            messages=messages,
            message_pos=positions,
        )
