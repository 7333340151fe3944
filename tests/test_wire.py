"""Wire-format parsers, from hand-written byte strings: every format, its edge cases, auto."""

from __future__ import annotations

import numpy as np
import pytest

from pressure.errors import PressureError
from pressure.wire import (
    FORMATS,
    MAX_LINE,
    RAW_MAX,
    RAW_MIN,
    Parsed,
    detect_format,
    make_parser,
)

KGF_N = 9.80665  # standard gravity: one kilogram-force in newtons
LBF_N = 4.4482216152605


def own(seq: int, micros: int, raw: int, *, checksum: int | None = None, lower: bool = False) -> bytes:
    """One own-protocol sample line, written from the protocol text (XOR of the bytes before '*')."""
    body = f"S{seq},{micros},{raw}".encode()
    x = 0
    for byte in body:
        x ^= byte
    cc = f"{x if checksum is None else checksum:02X}"
    return body + b"*" + (cc.lower() if lower else cc).encode() + b"\r\n"


def run(fmt: str, data: bytes, **kwargs) -> Parsed:
    """Feed ``data`` whole, then flush: everything the parser makes of it."""
    p = make_parser(fmt, **kwargs)
    return Parsed.concat([p.feed(data), p.flush()])


# -- own protocol ------------------------------------------------------------------------


def test_own_samples_with_sequence_and_device_clock():
    data = own(1042, 70512345, -123456) + own(1043, 70513345, 7) + own(0, 0, 0)
    got = run("pressure", data)
    assert got.unit == "counts"
    assert got.value.tolist() == [-123456.0, 7.0, 0.0]
    assert got.seq.tolist() == [1042, 1043, 0]
    assert got.device_us.tolist() == [70512345, 70513345, 0]
    assert got.value.dtype == np.float64 and got.seq.dtype == np.int64 and got.device_us.dtype == np.int64
    assert (got.bad_lines, got.checksum_errors, got.messages) == (0, 0, [])
    assert len(got) == 3


def test_own_limits_are_samples_and_saturation_is_visible():
    data = own(4294967295, 4294967295, RAW_MAX) + own(1, 2, RAW_MIN) + own(2, 3, -0)
    got = run("pressure", data)
    assert got.value.tolist() == [8388607.0, -8388608.0, 0.0]
    assert got.seq.tolist() == [4294967295, 1, 2]
    assert got.device_us[0] == 2**32 - 1


def test_own_checksum_either_case_and_every_line_end():
    data = (own(1, 10, 5, lower=True) + own(2, 20, -6).replace(b"\r\n", b"\n")
            + own(3, 30, 7).replace(b"\r\n", b"\r") + own(4, 40, 8))
    got = run("pressure", data)
    assert got.seq.tolist() == [1, 2, 3, 4]
    assert got.bad_lines == 0


def test_own_wrong_checksum_is_counted_apart_from_bad_lines():
    good = own(5, 50, 123)
    wrong = own(6, 60, 124, checksum=(int(own(6, 60, 124)[-4:-2], 16) ^ 0x01))
    got = run("pressure", good + wrong + good)
    assert got.checksum_errors == 1
    assert got.bad_lines == 0
    assert got.seq.tolist() == [5, 5]


def test_own_messages_keep_their_text_without_the_hash():
    data = b"#BOOT pressure-sim 1.0\r\n" + own(0, 1, 2) + b"#OK TARE offset=-12\r\n"
    got = run("pressure", data)
    assert got.messages == ["BOOT pressure-sim 1.0", "OK TARE offset=-12"]
    assert got.value.tolist() == [2.0]
    assert got.bad_lines == 0


@pytest.mark.parametrize("path", ["small", "block"])
def test_own_messages_say_where_they_fall_among_the_samples(path):
    """A '#BOOT' in the same chunk as samples: the reader must know which sample follows it."""
    from pressure.wireformats.own import OwnParser

    data = (own(7, 70, 1) + own(8, 80, 2) + b"garbage\r\n#BOOT pressure-sim 1.0\r\n"
            + b"#ID model=x\r\n" + own(0, 5, 3) + b"#OK RATE 80\r\n")
    got = getattr(OwnParser(), f"parse_{path}")(data)
    assert got.seq.tolist() == [7, 8, 0]
    assert got.messages == ["BOOT pressure-sim 1.0", "ID model=x", "OK RATE 80"]
    assert got.message_pos == [2, 2, 3]  # the last one: after every sample of the chunk
    assert got.bad_lines == 1


def test_message_positions_count_across_chunks():
    p = make_parser("pressure")
    parts = [p.feed(own(1, 1, 1) + b"#BOOT a\r\n" + own(0, 2, 2)[:5]),
             p.feed(own(0, 2, 2)[5:] + b"#BOOT b\r\n"), p.flush()]
    assert [q.message_pos for q in parts] == [[1], [1], []]
    whole = Parsed.concat(parts)
    assert whole.messages == ["BOOT a", "BOOT b"] and whole.message_pos == [1, 2]


def test_text_banners_say_where_they_fall_among_the_readings():
    got = run("hx711", b"Reading: 1.0\r\nHX711 Demo\r\nReadings:\r\nReading: 2.0\r\n")
    assert got.messages == ["HX711 Demo", "Readings:"] and got.message_pos == [1, 1]
    auto = run("auto", HX711_BOGDE + b"HX711 Demo\r\none reading:\t3.0\t| average:\t2.9\r\n")
    assert auto.message_pos == [0, 0, 0, 2]


def _with_checksum(body: bytes) -> bytes:
    x = 0
    for byte in body:
        x ^= byte
    return body + b"*%02X\n" % x


@pytest.mark.parametrize("body", [
    b"S1,2", b"S1,2,3,4", b"S+1,2,3", b"S 1,2,3", b"S1,2, 3", b"S1,2,3 ", b" S1,2,3",
    b"S-1,2,3", b"S1,-2,3", b"S1,2,--3", b"S1,2,3-", b"S1,2,-", b"S,2,3", b"S1,,3", b"S1,2,",
    b"s1,2,3", b"S1.0,2,3", b"S1,2,3.5", b"S1,2,0x3", b"S1*2,3,4", b"S12345678901,2,3",
    b"S4294967296,0,0", b"S0,4294967296,0", b"S0,0,8388608", b"S0,0,-8388609", b"S0,0,12345678",
    b"T1,2,3", b"S\x001,2,3",
])
def test_own_strict_shape_rejects_with_a_matching_checksum(body):
    good = own(9, 90, 9)
    got = run("pressure", good + _with_checksum(body) + good)
    assert got.bad_lines == 1, body
    assert got.checksum_errors == 0
    assert got.seq.tolist() == [9, 9]


@pytest.mark.parametrize("line", [
    b"S1,2,3*0", b"S1,2,3*0G", b"S1,2,3*", b"S1,2,3*000", b"S1,2,3**00", b"garbage",
    b"#" + b"x" * MAX_LINE, b"\xff\xfe\x00",
])
def test_own_malformed_lines_are_bad(line):
    got = run("pressure", own(1, 1, 1) + line + b"\n" + own(2, 2, 2))
    assert got.bad_lines == 1
    assert got.seq.tolist() == [1, 2]
    assert got.messages == []


def test_documented_examples_parse_once_their_checksum_is_right():
    for body in (b"S1042,70512345,-123456", b"S12,3456789,-1234"):
        got = run("pressure", _with_checksum(body))
        assert len(got) == 1 and got.bad_lines == got.checksum_errors == 0


def test_own_line_cut_by_chunks_at_every_position_parses_once():
    stream = own(7, 700, -42) + b"#OK RATE 80\r\n" + own(8, 800, 43)
    whole = run("pressure", stream)
    for cut in range(len(stream) + 1):
        p = make_parser("pressure")
        got = Parsed.concat([p.feed(stream[:cut]), p.feed(stream[cut:]), p.flush()])
        assert got.seq.tolist() == whole.seq.tolist() == [7, 8], cut
        assert got.value.tolist() == whole.value.tolist()
        assert got.messages == ["OK RATE 80"]
        assert got.bad_lines == 0


def test_cut_last_line_is_bad_at_flush_and_never_a_sample():
    p = make_parser("pressure")
    first = p.feed(own(1, 1, 1) + b"S2,2,2*")
    assert first.seq.tolist() == [1]
    end = p.flush()
    assert len(end) == 0 and end.bad_lines == 1
    assert p.flush().bad_lines == 0  # nothing left after a flush


def test_reset_never_glues_bytes_across_a_reconnect():
    line = own(3, 3, 3)
    p = make_parser("pressure")
    p.feed(line[:6])
    p.reset()
    after = Parsed.concat([p.feed(line[6:] + line), p.flush()])
    assert after.seq.tolist() == [3]  # only the whole line after the reconnect
    assert after.bad_lines == 2  # the head dropped at the reset and the tail after it


def test_reset_with_nothing_pending_loses_nothing():
    p = make_parser("pressure")
    p.feed(own(1, 1, 1))
    p.reset()
    assert p.feed(own(2, 2, 2)).bad_lines == 0
    assert p.flush().bad_lines == 0


def test_auto_reset_before_deciding_counts_the_cut_line():
    p = make_parser("auto")
    p.feed(b"1.5\n2.5\n3")
    p.reset()
    got = Parsed.concat([p.feed(b"4.5\n5.5\n6.5\n"), p.flush()])
    assert p.format == "number"
    assert got.value.tolist() == [1.5, 2.5, 4.5, 5.5, 6.5]
    assert got.bad_lines == 1


def test_endless_line_is_one_bad_line_and_the_stream_recovers():
    p = make_parser("pressure")
    parts = [p.feed(b"x" * 1000) for _ in range(200)]  # 200 kB without a line end
    parts.append(p.feed(b"still garbage\n" + own(1, 2, 3)))
    got = Parsed.concat(parts + [p.flush()])
    assert got.bad_lines == 1
    assert got.seq.tolist() == [1]


def test_overlong_line_counts_the_same_whole_or_chunked():
    stream = b"y" * (MAX_LINE + 1) + b"\n" + own(1, 2, 3) + b"z" * MAX_LINE + b"\n" + own(2, 3, 4)
    whole = run("pressure", stream)
    p = make_parser("pressure")
    chunked = Parsed.concat([p.feed(stream[i:i + 7]) for i in range(0, len(stream), 7)] + [p.flush()])
    assert whole.bad_lines == chunked.bad_lines == 2  # 257 bytes is too long, 256 is merely garbage
    assert whole.seq.tolist() == chunked.seq.tolist() == [1, 2]


def test_empty_lines_are_ignored():
    got = run("pressure", b"\r\n\n\r" + own(1, 1, 1) + b"\n\n")
    assert got.bad_lines == 0 and len(got) == 1


# -- number ------------------------------------------------------------------------------


def test_number_lines_in_the_input_unit():
    got = run("number", b"12.3\n-4\r\n+1e3\r.5\n  7  \n0.\n", input_unit="lbs")
    assert got.unit == "lbf"
    assert got.value.tolist() == [12.3, -4.0, 1000.0, 0.5, 7.0, 0.0]
    assert got.seq is None and got.device_us is None
    assert got.bad_lines == 0


@pytest.mark.parametrize("line", [
    b"nan", b"NaN", b"inf", b"-Infinity", b"1e999", b"1.2.3", b"12 kg", b"0x10", b"1,5", b"abc",
    b"--1", b"1e", b".", b"+", b"1_000", b"\xff",
])
def test_number_rejects_anything_but_one_finite_number(line):
    got = run("number", b"1\n" + line + b"\n2\n")
    assert got.bad_lines == 1
    assert got.value.tolist() == [1.0, 2.0]
    assert np.all(np.isfinite(got.value))


def test_input_unit_must_be_a_known_force_unit():
    with pytest.raises(PressureError, match="unknown unit"):
        make_parser("number", input_unit="furlong")
    with pytest.raises(PressureError, match="force unit"):
        make_parser("number", input_unit="kPa")


# -- plotter -----------------------------------------------------------------------------


PLOT = b"force:12.3,raw:4567\nforce:12.5 raw:4570\r\nforce:-1\traw:4000\n"


def test_plotter_takes_the_first_field_by_default():
    got = run("plotter", PLOT)
    assert got.value.tolist() == [12.3, 12.5, -1.0]
    assert got.unit == "N"


def test_plotter_field_by_name_or_position():
    assert run("plotter", PLOT, field="raw").value.tolist() == [4567.0, 4570.0, 4000.0]
    assert run("plotter", PLOT, field="2").value.tolist() == [4567.0, 4570.0, 4000.0]


def test_plotter_unlabelled_numbers_by_position():
    got = run("plotter", b"1 2 3\n4,5,6\n7\t8\t9\n", field="3")
    assert got.value.tolist() == [3.0, 6.0, 9.0]


def test_plotter_line_without_the_field_is_bad():
    got = run("plotter", b"force:1,raw:2\nraw:3\nforce:nan\nforce:4\n", field="force")
    assert got.value.tolist() == [1.0, 4.0]
    assert got.bad_lines == 2


def test_plotter_tolerates_spaces_around_the_colon():
    assert run("plotter", b"force: 2.5, raw : 7\n", field="raw").value.tolist() == [7.0]


def test_field_choices_are_checked():
    with pytest.raises(PressureError, match="from 1"):
        make_parser("plotter", field="0")
    with pytest.raises(PressureError, match="empty"):
        make_parser("plotter", field=" ")
    with pytest.raises(PressureError, match="plotter"):
        make_parser("number", field="force")


# -- hx711 -------------------------------------------------------------------------------


HX711_BOGDE = (
    b"HX711 Demo\r\nInitializing the scale\r\nReadings:\r\n"
    b"one reading:\t-0.1\t| average:\t0.0\r\none reading:\t2.5\t| average:\t2.4\r\n"
)


def test_hx711_banners_are_messages_and_the_first_number_is_the_reading():
    got = run("hx711", HX711_BOGDE)
    assert got.messages == ["HX711 Demo", "Initializing the scale", "Readings:"]
    assert got.value.tolist() == [-0.1, 2.5]
    assert got.unit == "N"
    assert got.bad_lines == 0


def test_hx711_unit_word_converts_to_newtons():
    got = run("hx711", b"Reading: 1.00 kg\nReading: 1 lbs\nLoad_cell output val: 2\nw=500g\n")
    np.testing.assert_allclose(got.value, [KGF_N, LBF_N, 2.0, 0.5 * KGF_N])


def test_hx711_unitless_values_use_the_input_unit():
    got = run("hx711", b"Load_cell output val: 2.0\n", input_unit="kgf")
    np.testing.assert_allclose(got.value, [2 * KGF_N])
    assert got.unit == "N"


def test_hx711_number_that_is_not_finite_is_bad():
    got = run("hx711", b"value: 1e999\nvalue: 3\n")
    assert got.value.tolist() == [3.0]
    assert got.bad_lines == 1


# -- gauge -------------------------------------------------------------------------------


def test_gauge_readings_with_units_and_mode_letters_cr_only():
    data = b"4.285 N\r-18.78 lbF\r+12.34NTO\r0.5 kgF\r250 gF\r1.5kN\r30 mN\r2 ozF\r-1.0 LBF\r"
    got = run("gauge", data)
    assert got.unit == "N"
    expected = [4.285, -18.78 * LBF_N, 12.34, 0.5 * KGF_N, 0.25 * KGF_N, 1500.0, 0.03,
                2 * 0.27801385095378125, -LBF_N]
    np.testing.assert_allclose(got.value, expected)
    assert got.bad_lines == 0


def test_gauge_without_unit_uses_input_unit_and_unknown_unit_is_bad():
    got = run("gauge", b"2.0\r3.0 XYZ\r4.0 N\r", input_unit="lbf")
    np.testing.assert_allclose(got.value, [2 * LBF_N, 4.0])
    assert got.bad_lines == 1


def test_gauge_rejects_text_that_is_not_a_reading():
    got = run("gauge", b"Mark-10 M5-20\rN 4.2\r4.2 N extra 5\r1.0 N\r")
    assert got.value.tolist() == [1.0]
    assert got.bad_lines == 3


# -- make_parser, auto -------------------------------------------------------------------


def test_make_parser_names_its_format_and_rejects_unknown_ones():
    for name in FORMATS:
        assert make_parser(name).format == name
    assert make_parser("auto").format is None
    with pytest.raises(PressureError, match="unknown format"):
        make_parser("csv")


@pytest.mark.parametrize("lines, expected", [
    ([own(1, 1, 1).strip()], "pressure"),
    ([b"12.5", b"12.6", b"12.7"], "number"),
    ([b"force:1,raw:2", b"force:2,raw:3"], "plotter"),
    ([b"1 2", b"3 4"], "plotter"),
    ([b"HX711 Demo", b"Reading: 1.2 kg", b"Reading: 1.3 kg"], "hx711"),
    ([b"4.285 N", b"4.3 N", b"4.4"], "gauge"),
    ([b"+12.34NTO", b"+12.35NTO"], "gauge"),
    ([b"hello", b"world"], None),
    ([], None),
])
def test_detect_format(lines, expected):
    assert detect_format(lines) == expected


def test_detect_format_sees_own_protocol_even_when_checksums_are_wrong():
    lines = [own(i, i, i, checksum=0).strip() for i in range(5)]
    assert detect_format(lines) == "pressure"


def test_auto_decides_at_the_first_own_protocol_line():
    p = make_parser("auto")
    got = p.feed(b"#BOOT pressure-sim 1.0\r\n" + own(0, 10, 5) + own(1, 20, 6))
    assert p.format == "pressure"
    assert got.seq.tolist() == [0, 1]
    assert got.messages == ["BOOT pressure-sim 1.0"]


def test_auto_holds_lines_until_it_can_decide_and_loses_none():
    p = make_parser("auto", input_unit="kgf")
    early = p.feed(b"1.5\n2.5\n3.5\n")
    assert len(early) == 0 and p.format is None
    later = p.feed(b"4.5\n5.5\n6.5\n")
    assert p.format == "number"
    assert later.unit == "kgf"
    assert later.value.tolist() == [1.5, 2.5, 3.5, 4.5, 5.5, 6.5]


def test_auto_passes_the_plotter_field_on():
    p = make_parser("auto", field="raw")
    got = Parsed.concat([p.feed(b"force:1,raw:10\n" * 6), p.flush()])
    assert p.format == "plotter"
    assert got.value.tolist() == [10.0] * 6


def test_auto_keeps_hx711_banners_as_messages():
    got = run("auto", HX711_BOGDE + b"one reading:\t3.0\t| average:\t2.9\r\n")
    assert got.messages[:2] == ["HX711 Demo", "Initializing the scale"]
    assert got.value.tolist() == [-0.1, 2.5, 3.0]


def test_auto_decides_on_few_lines_at_flush():
    got = run("auto", b"4.2 N\r4.3 N\r")
    np.testing.assert_allclose(got.value, [4.2, 4.3])


def test_auto_counts_unrecognisable_lines_as_bad_without_holding_them_all():
    p = make_parser("auto")
    parts = [p.feed(b"no numbers here\n" * 100) for _ in range(10)]
    got = Parsed.concat(parts + [p.flush()])
    assert p.format is None
    assert got.bad_lines == 1000
    assert len(got) == 0


def test_auto_reset_keeps_the_decided_format():
    p = make_parser("auto")
    p.feed(own(1, 1, 1))
    p.feed(b"S2,2")
    p.reset()
    got = Parsed.concat([p.feed(own(3, 3, 3)), p.flush()])
    assert p.format == "pressure"
    assert got.seq.tolist() == [3]
    assert got.bad_lines == 1  # the cut 'S2,2'


def test_detection_is_as_strict_as_the_own_parser():
    line = own(1, 1, 1).strip()
    assert detect_format([b" " + line]) != "pressure"  # the own parser would reject every line
    assert run("pressure", b" " + line + b"\n").bad_lines == 1


def test_auto_checks_the_field_before_it_knows_the_format():
    with pytest.raises(PressureError, match="from 1"):
        make_parser("auto", field="0")


def test_a_big_burst_parsed_in_blocks_equals_small_chunks():
    """Buffers over a few hundred kB are cut into cache-sized blocks at line ends."""
    rng = np.random.default_rng(3)
    lines = []
    for i in range(30000):
        kind = rng.integers(0, 20)
        if kind == 0:
            lines.append(b"#OK RATE %d\n" % i)
        elif kind == 1:
            lines.append(b"garbage %d\r" % i)
        elif kind == 2:
            lines.append(own(i, i * 7, -i, checksum=0x100 - 1 - i % 7)[:-2] + b"\n")
        else:
            lines.append(own(i, i * 1000, int(rng.integers(RAW_MIN, RAW_MAX))))
    stream = b"".join(lines)
    assert len(stream) > 600_000  # several blocks
    whole = run("pressure", stream)
    p = make_parser("pressure")
    small = Parsed.concat([p.feed(stream[i:i + 4093]) for i in range(0, len(stream), 4093)] + [p.flush()])
    np.testing.assert_array_equal(whole.value, small.value)
    np.testing.assert_array_equal(whole.seq, small.seq)
    np.testing.assert_array_equal(whole.device_us, small.device_us)
    assert whole.messages == small.messages and len(whole.messages) > 1000
    assert (whole.bad_lines, whole.checksum_errors) == (small.bad_lines, small.checksum_errors)
    assert whole.bad_lines > 1000
    assert len(whole) + whole.bad_lines + whole.checksum_errors + len(whole.messages) == 30000
