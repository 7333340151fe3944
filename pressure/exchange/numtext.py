"""Numbers to CSV text for a whole chunk at once, in numpy: the export's rows as bytes.

Formatting a float in Python costs about a microsecond; an hour at 1 kHz has 3.6 M rows of four
numbers. Here each column becomes a matrix of characters (one row per sample, NUL where a
cell is shorter) and a chunk's rows are the non-NUL bytes of the columns side by side.

A column is written with a fixed number of decimals only where that text reads back as the
very same float (:func:`exact_decimals`: a value read from "12.3456" is 12.3456 again); other
columns keep Python's shortest exact ``repr`` (see export.py), so no figure loses a digit.
"""

from __future__ import annotations

import numpy as np

NUL, MINUS, DOT, ZERO = 0, ord("-"), ord("."), ord("0")
EXACT_LIMIT = 2.0 ** 53  # integers up to here are exact in a float64


def exact_decimals(values: np.ndarray, most: int = 9) -> int | None:
    """The fewest decimals (0..most) with which every finite value's fixed-point text reads
    back as exactly that value, or None. Exact because ``a / 10**d`` is correctly rounded, and
    so is reading the decimal text of ``a * 10**-d``: both give the float nearest the same
    rational number."""
    v = values[np.isfinite(values)]
    if not v.size:
        return 0
    big = float(np.abs(v).max())
    probe = v[:: max(1, v.size // 256)]  # most columns fail on a few values: try those first
    for d in range(most + 1):
        scale = 10.0 ** d
        if big * scale >= EXACT_LIMIT:
            return None
        if not np.array_equal(np.rint(probe * scale) / scale, probe):
            continue
        if np.array_equal(np.rint(v * scale) / scale, v):
            return d
    return None


def fixed_columns(values: np.ndarray, decimals: int) -> np.ndarray:
    """``"%.{decimals}f" % v`` for every value, as a (n, width) uint8 matrix padded with NUL;
    NaN and inf give an empty cell. |v| * 10**decimals must stay below 2**53."""
    n = values.size
    finite = np.isfinite(values)
    a = np.rint(np.abs(np.where(finite, values, 0.0)) * 10.0 ** decimals).astype(np.int64)
    width = max(decimals + 1, len(str(int(a.max()))) if n else 1)
    digits = np.empty((n, width), np.uint8)
    rest = a.copy()
    for k in range(width - 1, -1, -1):
        digits[:, k] = rest % 10 + ZERO
        rest //= 10
    lead = width - decimals - 1  # digits that may be leading zeros (one integer digit stays)
    if lead:
        zeros = np.cumprod(digits[:, :lead] == ZERO, axis=1).astype(bool)
        digits[:, :lead][zeros] = NUL
    sign = np.where((values < 0) & (a > 0), MINUS, NUL).astype(np.uint8)[:, None]
    parts = [sign, digits[:, :width - decimals]]
    if decimals:
        parts += [np.full((n, 1), DOT, np.uint8), digits[:, width - decimals:]]
    out = np.hstack(parts)
    out[~finite] = NUL
    return out


def text_columns(cells) -> np.ndarray:
    """A list of str cells as a (n, width) uint8 matrix of their UTF-8 bytes, NUL-padded."""
    if not any(cells):
        return np.zeros((len(cells), 0), np.uint8)
    encoded = np.array([c.replace("\x00", "").encode("utf-8") for c in cells])
    return encoded.view(np.uint8).reshape(len(cells), -1)


def _row_matrix(columns: list[np.ndarray], sep: str) -> np.ndarray:
    n = columns[0].shape[0]
    between = np.full((n, 1), ord(sep), np.uint8)
    parts = []
    for col in columns:
        parts += [col, between]
    parts[-1] = np.full((n, 1), ord("\n"), np.uint8)
    return np.hstack(parts)


def join_rows(columns: list[np.ndarray], sep: str = ",") -> str:
    """Rows of the columns' cells separated by ``sep``, each ending in a newline."""
    rows = _row_matrix(columns, sep)
    return rows[rows != NUL].tobytes().decode("utf-8")


def write_rows(write, columns: list[np.ndarray], last: dict[int, str], sep: str = ",") -> None:
    """Like ``write(join_rows(columns + [a last text column]))``, for a last column that is
    empty in most rows (markers): ``last`` maps a row to its cell. Its cells are spliced in
    before their row's newline instead of becoming a column, because a character matrix is
    as wide as its longest cell: one 60 KB marker would widen all 65,536 rows of a chunk
    (3.7 GB). Memory stays the numbers' matrix plus one cell."""
    if not last:
        write(join_rows(columns + [np.zeros((columns[0].shape[0], 0), np.uint8)], sep))
        return
    rows = _row_matrix(columns + [np.zeros((columns[0].shape[0], 0), np.uint8)], sep)
    keep = rows != NUL
    ends = np.cumsum(np.count_nonzero(keep, axis=1))  # where each row's text ends, after "\n"
    data = rows[keep].tobytes()
    del rows, keep
    pos = 0
    for i in sorted(last):
        cut = int(ends[i]) - 1  # rows end in an ASCII newline: a cut there keeps UTF-8 whole
        write(data[pos:cut].decode("utf-8"))
        write(last[i])
        pos = cut
    write(data[pos:].decode("utf-8"))
