"""Property tests for the wire parsers: any bytes, any chunking, never an escaped exception.

Three properties, for every format and for auto-detection:
- feeding a stream in any pieces gives exactly what feeding it whole gives;
- random bytes and damaged valid streams never raise and never yield a non-finite value;
- the vectorised own-protocol parser agrees line by line with a plain reading of the spec,
  and its line-by-line path for small chunks agrees with it on anything.
"""

from __future__ import annotations

import os
import re

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pressure.wire import FORMATS, MAX_LINE, RAW_MAX, RAW_MIN, Parsed, make_parser
from pressure.wireformats.own import SMALL_BYTES, OwnParser

ALL = FORMATS + ("auto",)
# PRESSURE_FUZZ_EXAMPLES=5000 for a deep run; the default keeps the suite fast
FUZZ = settings(deadline=None, max_examples=int(os.environ.get("PRESSURE_FUZZ_EXAMPLES", "60")),
                suppress_health_check=[HealthCheck.too_slow])

# -- stream builders ---------------------------------------------------------------------

ENDS = st.sampled_from([b"\n", b"\r\n", b"\r"])
JUNK = st.binary(max_size=40)


def checksum(body: bytes) -> int:
    x = 0
    for byte in body:
        x ^= byte
    return x


@st.composite
def own_lines(draw):
    """A sample line, usually valid, sometimes out of range, misshapen or with a wrong checksum."""
    seq = draw(st.integers(0, 2**32 + 3))
    micros = draw(st.integers(0, 2**32 + 3))
    raw = draw(st.integers(RAW_MIN - 3, RAW_MAX + 3))
    body = f"S{seq},{micros},{raw}".encode()
    if draw(st.booleans()):
        body = draw(st.sampled_from([
            body, body.replace(b",", b",0", 1), body.replace(b"S", b"S+"), body + b" ",
            body.replace(b",", b", ", 1), body.replace(b"S", b"S00"),
        ]))
    cc = checksum(body) ^ draw(st.sampled_from([0, 0, 0, 1, 0x80]))
    hexed = (b"%02X" if draw(st.booleans()) else b"%02x") % cc
    return body + b"*" + hexed


TEXT_LINES = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False, width=32).map(lambda v: repr(v).encode()),
    st.integers(-10**6, 10**6).map(lambda v: str(v).encode()),
    st.sampled_from([
        b"force:12.3,raw:4567", b"force:1 raw:2", b"1\t2\t3", b"raw:7", b"HX711 Demo",
        b"Reading: 1.25 kg", b"one reading:\t-0.1\t| average:\t0.0", b"4.285 N", b"-18.78 lbF",
        b"+12.34NTO", b"3.0 XYZ", b"nan", b"inf", b"#BOOT pressure-sim 1.0", b"#OK RATE 80",
        b"   ", b"", b"1e999", b"S1,2,3*00", b"x" * (MAX_LINE + 5),
    ]),
)

LINE = st.one_of(own_lines(), TEXT_LINES, JUNK)


@st.composite
def streams(draw, line=LINE):
    lines = draw(st.lists(st.tuples(line, ENDS), max_size=40))
    stream = b"".join(text + end for text, end in lines)
    if draw(st.booleans()):
        stream += draw(line)  # unfinished last line
    return stream


@st.composite
def cuts(draw, stream: bytes):
    points = draw(st.lists(st.integers(0, len(stream)), max_size=12))
    bounds = [0, *sorted(points), len(stream)]
    return [stream[a:b] for a, b in zip(bounds, bounds[1:])]


def feed_all(parser, chunks) -> Parsed:
    return Parsed.concat([parser.feed(c) for c in chunks] + [parser.flush()])


def assert_same(a: Parsed, b: Parsed) -> None:
    np.testing.assert_array_equal(a.value, b.value)
    assert (a.seq is None) == (b.seq is None)
    if a.seq is not None:
        np.testing.assert_array_equal(a.seq, b.seq)
        np.testing.assert_array_equal(a.device_us, b.device_us)
    assert (a.bad_lines, a.checksum_errors, a.messages) == (b.bad_lines, b.checksum_errors, b.messages)
    assert a.message_pos == b.message_pos
    if len(a):
        assert a.unit == b.unit


def assert_sane(got: Parsed) -> None:
    assert got.value.dtype == np.float64
    assert np.all(np.isfinite(got.value))
    assert got.bad_lines >= 0 and got.checksum_errors >= 0
    assert all(isinstance(m, str) for m in got.messages)
    assert len(got.message_pos) == len(got.messages)
    assert got.message_pos == sorted(got.message_pos)
    assert all(0 <= pos <= len(got) for pos in got.message_pos)
    if got.seq is not None:
        assert got.seq.dtype == np.int64 and got.device_us.dtype == np.int64
        assert len(got.seq) == len(got.device_us) == len(got)
        assert np.all((got.seq >= 0) & (got.seq < 2**32))
        assert np.all((got.device_us >= 0) & (got.device_us < 2**32))
        assert np.all((got.value >= RAW_MIN) & (got.value <= RAW_MAX))


# -- chunking ----------------------------------------------------------------------------


@FUZZ
@given(fmt=st.sampled_from(ALL), data=st.data())
def test_any_chunking_gives_what_the_whole_stream_gives(fmt, data):
    stream = data.draw(streams())
    chunks = data.draw(cuts(stream))
    whole = feed_all(make_parser(fmt), [stream])
    pieces = feed_all(make_parser(fmt), chunks)
    assert_same(pieces, whole)


@FUZZ
@given(data=st.data())
def test_byte_by_byte_equals_whole_for_the_own_protocol(data):
    stream = data.draw(streams(line=st.one_of(own_lines(), JUNK)))
    whole = feed_all(make_parser("pressure"), [stream])
    single = feed_all(make_parser("pressure"), [stream[i:i + 1] for i in range(len(stream))])
    assert_same(single, whole)


# -- robustness --------------------------------------------------------------------------


@FUZZ
@given(fmt=st.sampled_from(ALL), data=st.data())
def test_random_bytes_never_raise_and_never_make_bad_numbers(fmt, data):
    stream = data.draw(st.binary(max_size=3000))
    got = feed_all(make_parser(fmt), data.draw(cuts(stream)))
    assert_sane(got)


@st.composite
def damaged(draw):
    """A valid stream with a few bytes replaced, inserted or deleted."""
    stream = bytearray(draw(streams()))
    for _ in range(draw(st.integers(1, 8))):
        if not stream:
            break
        i = draw(st.integers(0, len(stream) - 1))
        action = draw(st.sampled_from(["replace", "insert", "delete"]))
        byte = draw(st.integers(0, 255))
        if action == "replace":
            stream[i] = byte
        elif action == "insert":
            stream.insert(i, byte)
        else:
            del stream[i]
    return bytes(stream)


@FUZZ
@given(fmt=st.sampled_from(ALL), data=st.data())
def test_damaged_streams_never_raise(fmt, data):
    stream = data.draw(damaged())
    chunks = data.draw(cuts(stream))
    got = feed_all(make_parser(fmt), chunks)
    assert_sane(got)
    assert_same(got, feed_all(make_parser(fmt), [stream]))


def test_a_garbage_flood_keeps_memory_bounded():
    """Megabytes without a line end: the parser holds at most one line's worth."""
    rng = np.random.default_rng(7)
    noise = rng.integers(0, 256, 2_000_000, dtype=np.uint8)
    noise[(noise == 10) | (noise == 13)] = 65
    for fmt in ALL:
        p = make_parser(fmt)
        for i in range(0, noise.size, 65536):
            p.feed(noise[i:i + 65536].tobytes())
            assert len(p._pending) <= MAX_LINE, fmt


# -- the vectorised own parser against a plain reading of the spec -----------------------

_SPEC = re.compile(rb"S([0-9]+),([0-9]+),(-?[0-9]+)\*([0-9A-Fa-f]{2})")


def spec_reading(lines: list[bytes]):
    """Samples, bad lines, checksum errors and messages, one line at a time, from the spec text."""
    values, seqs, clocks, bad, errors, messages, positions = [], [], [], 0, 0, [], []
    for line in lines:
        if not line:
            continue
        if line.startswith(b"#") and len(line) <= MAX_LINE:
            messages.append(line[1:].decode("utf-8", "replace").strip())
            positions.append(len(values))
            continue
        m = _SPEC.fullmatch(line)
        if not m or len(m.group(1)) > 10 or len(m.group(2)) > 10 or len(m.group(3).lstrip(b"-")) > 7:
            bad += 1
            continue
        if checksum(line[: m.start(4) - 1]) != int(m.group(4), 16):
            errors += 1
            continue
        seq, clock, raw = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if seq >= 2**32 or clock >= 2**32 or not RAW_MIN <= raw <= RAW_MAX:
            bad += 1
            continue
        values.append(raw)
        seqs.append(seq)
        clocks.append(clock)
    return values, seqs, clocks, bad, errors, messages, positions


@FUZZ
@given(lines=st.lists(st.one_of(own_lines(), own_lines(), JUNK, TEXT_LINES), max_size=60))
def test_own_parser_agrees_with_the_spec_line_by_line(lines):
    lines = [re.split(rb"[\r\n]", line)[0] for line in lines]  # one line each
    got = feed_all(make_parser("pressure"), [b"".join(line + b"\r\n" for line in lines)])
    values, seqs, clocks, bad, errors, messages, positions = spec_reading(lines)
    assert got.value.tolist() == values
    assert got.seq.tolist() == seqs
    assert got.device_us.tolist() == clocks
    assert (got.bad_lines, got.checksum_errors, got.messages) == (bad, errors, messages)
    assert got.message_pos == positions


# -- the own parser's two paths: line by line for small chunks, numpy for big ones ----------

OWN_STREAM_LINE = st.one_of(own_lines(), own_lines(), own_lines(), JUNK, TEXT_LINES,
                            st.sampled_from([b"#BOOT pressure-sim 1.0", b"#" + b"m" * MAX_LINE,
                                             b"#" * (MAX_LINE + 1), b"S" * (MAX_LINE + 3)]))


@st.composite
def complete_lines(draw, line=OWN_STREAM_LINE):
    """What parse_lines is handed: complete lines (any line end), perhaps damaged, perhaps
    longer than MAX_LINE (a complete overlong line arrives whole), perhaps a tail without an end."""
    stream = draw(damaged()) if draw(st.booleans()) else draw(streams(line=line))
    return stream


def assert_paths_agree(buf: bytes) -> None:
    small, block = OwnParser().parse_small(buf), OwnParser().parse_block(buf)
    assert small.value.dtype == block.value.dtype == np.float64
    assert small.seq.dtype == block.seq.dtype == np.int64
    assert small.device_us.dtype == block.device_us.dtype == np.int64
    assert_same(small, block)


@FUZZ
@given(buf=complete_lines())
def test_small_chunk_path_agrees_with_the_vectorised_path(buf):
    assert_paths_agree(buf)


@FUZZ
@given(buf=st.binary(max_size=600))
def test_small_chunk_path_agrees_on_random_bytes(buf):
    assert_paths_agree(buf)


@FUZZ
@given(stream=complete_lines(), data=st.data())
def test_small_and_big_chunks_of_one_stream_give_the_same(stream, data):
    """Pieces around SMALL_BYTES take either path; the stream's result must not care."""
    stream = stream * data.draw(st.integers(1, 3 * SMALL_BYTES // max(1, len(stream)) + 1))
    chunks = data.draw(cuts(stream))
    assert_same(feed_all(make_parser("pressure"), chunks),
                feed_all(make_parser("pressure"), [stream]))
