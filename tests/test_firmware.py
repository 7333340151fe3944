"""The simulated firmware, byte for byte: protocol, commands, formats, faults."""

from __future__ import annotations

import functools
import operator
import re

import numpy as np
import pytest

from firmware_sim.faults import parse_faults
from firmware_sim.firmware import Firmware
from pressure.errors import PressureError

SAMPLE = re.compile(rb"^S(\d+),(\d+),(-?\d+)\*([0-9A-Fa-f]{2})$")


def xor(data: bytes) -> int:
    return functools.reduce(operator.xor, data, 0)


def split_lines(data: bytes, eol: bytes = b"\r\n") -> list[bytes]:
    lines = data.split(eol)
    assert lines[-1] == b"", "output must end on a line ending"
    return lines[:-1]


def samples(data: bytes):
    """(seq, micros, raw) arrays of the well-formed, correctly checksummed sample lines."""
    rows = []
    for line in split_lines(data):
        m = SAMPLE.match(line)
        if m and xor(line[: line.rindex(b"*")]) == int(m.group(4), 16):
            rows.append((int(m.group(1)), int(m.group(2)), int(m.group(3))))
    arr = np.array(rows, dtype=np.int64).reshape(-1, 3)
    return arr[:, 0], arr[:, 1], arr[:, 2]


def messages(data: bytes) -> list[str]:
    return [line.decode() for line in split_lines(data) if line.startswith(b"#")]


# ---- the pressure protocol --------------------------------------------------------------

def test_sample_lines_are_well_formed_with_correct_checksums():
    fw = Firmware(profile="hold", rate=80, seed=1)
    data = fw.emit_until(10.0)
    lines = split_lines(data)
    assert lines[0] == b"#BOOT pressure-sim 1.0"
    body = lines[1:]
    assert len(body) == 800
    for line in body:
        m = SAMPLE.match(line)
        assert m, line
        assert xor(line[: line.rindex(b"*")]) == int(m.group(4), 16)
    seq, us, raw = samples(data)
    assert np.array_equal(seq, np.arange(800))
    assert np.all(np.diff(us) == 12500)  # 80 samples/s
    assert raw.min() >= -8388608 and raw.max() <= 8388607


def test_raw_counts_follow_the_true_force():
    fw = Firmware(profile="hold", rate=100, seed=2, counts_per_n=8560.0, offset=8400, noise_counts=10.0)
    seq, us, raw = samples(fw.emit_until(30.0))
    t = us / 1e6
    force = (raw - fw.offset) / fw.counts_per_n
    err_counts = (force - fw.true_force(t)) * fw.counts_per_n
    assert abs(err_counts.mean()) < 2.0
    assert 7.0 < err_counts.std() < 13.0  # the board noise we asked for
    assert force.max() > 25.0  # the profile really pressed


def test_same_seed_same_bytes_whatever_the_chunking():
    spec = "garbage=0.02,cut=0.01,drop=0.01,checksum=0.01,lose=0.01,burst=1:0.2,stall=3:0.5,restart=4"
    whole = Firmware(seed=7, rate=250, faults=spec).emit_until(6.0)
    fw = Firmware(seed=7, rate=250, faults=spec)
    steps = np.cumsum(np.random.default_rng(0).uniform(0.0, 0.05, 400))
    pieces = b"".join(fw.emit_until(t) for t in steps[steps < 6.0]) + fw.emit_until(6.0)
    assert pieces == whole
    assert Firmware(seed=8, rate=250, faults=spec).emit_until(6.0) != whole


def test_micros_wraps_at_32_bits():
    fw = Firmware(rate=1000, micros_start=2**32 - 500_000)
    seq, us, raw = samples(fw.emit_until(1.0))
    steps = np.diff(us)
    assert np.count_nonzero(steps < 0) == 1  # wrapped once
    assert np.all((steps % 2**32) == 1000)
    assert us.max() < 2**32


def test_restart_begins_seq_again_and_prints_boot():
    fw = Firmware(rate=100, seed=1)
    seq0, us0, _ = samples(fw.emit_until(2.0))
    assert seq0[-1] == 199
    fw.restart()
    data = fw.emit_until(3.0)
    assert split_lines(data)[0] == b"#BOOT pressure-sim 1.0"
    seq, us, _ = samples(data)
    assert seq[0] == 0 and np.array_equal(seq, np.arange(seq.size))
    assert us[0] < 1_000_000  # the clock begins again near 0
    assert fw.stats["restarts"] == 1


def test_restart_fault_at_a_set_time():
    fw = Firmware(rate=100, faults="restart=1.5")
    data = fw.emit_until(3.0)
    assert messages(data) == ["#BOOT pressure-sim 1.0", "#BOOT pressure-sim 1.0"]
    boot2 = data.index(b"#BOOT", 5)
    seq_before, _, _ = samples(data[:boot2])
    seq_after, _, _ = samples(data[boot2:])
    assert seq_before[-1] == 149 and seq_after[0] == 0


# ---- commands ---------------------------------------------------------------------------

def test_id_reply_describes_the_device():
    fw = Firmware(rate=80, serial="SIM00042", counts_per_n=21000.0, offset=1234)
    fw.emit_until(0.5)
    fw.handle_input(b"ID?\r\n")
    (reply,) = messages(fw.emit_until(0.5))
    fields = dict(kv.split("=") for kv in reply.split()[1:])
    assert reply.startswith("#ID ")
    assert fields == {"model": "pressure-sim", "fw": "1.0", "serial": "SIM00042", "rate": "80",
                      "counts_per_n": "21000.0", "offset": "1234"}


def test_tare_zeroes_the_raw_reading():
    fw = Firmware(profile="idle", rate=80, offset=50_000, noise_counts=5.0)
    _, _, before = samples(fw.emit_until(1.0))
    assert abs(before.mean() - 50_000) < 10
    fw.handle_input(b"TARE\n")
    data = fw.emit_until(2.0)
    (reply,) = messages(data)
    assert reply.startswith("#OK TARE offset=")
    assert abs(int(reply.split("=")[1]) - 50_000) < 10
    _, _, after = samples(data)
    assert abs(after.mean()) < 10
    assert fw.offset == 0


def test_rate_changes_the_spacing_of_device_timestamps():
    fw = Firmware(rate=80)
    fw.emit_until(1.0)
    fw.handle_input(b"RATE 1000\r\n")
    data = fw.emit_until(2.0)
    assert messages(data) == ["#OK RATE 1000"]
    _, us, _ = samples(data)
    assert us.size == 1000
    assert np.all(np.diff(us) == 1000)
    assert fw.rate == 1000


@pytest.mark.parametrize("command", [b"RATE 7", b"RATE fast", b"RATE", b"RATE 80 100"])
def test_bad_rate_gets_an_error_and_changes_nothing(command):
    fw = Firmware(rate=80)
    fw.emit_until(0.5)
    fw.handle_input(command + b"\n")
    data = fw.emit_until(1.5)
    (reply,) = messages(data)
    assert reply.startswith("#ERR RATE")
    _, us, _ = samples(data)
    assert np.all(np.diff(us) == 12500)


def test_unknown_command_and_stop_start():
    fw = Firmware(rate=100)
    fw.emit_until(0.5)
    fw.handle_input(b"FLY\r\nST")  # a command may arrive in pieces
    fw.handle_input(b"OP\r\n")
    data = fw.emit_until(1.5)
    assert messages(data) == ["#ERR FLY unknown command", "#OK STOP"]
    assert samples(data)[0].size == 0
    fw.handle_input(b"START\n")
    data = fw.emit_until(2.5)
    assert messages(data) == ["#OK START"]
    seq, _, _ = samples(data)
    assert seq.size == 100 and seq[0] == 50  # seq continues where it stopped


# ---- other formats ----------------------------------------------------------------------

def test_number_format_prints_newtons():
    fw = Firmware(fmt="number", profile="trapezoid", rate=10, noise_counts=0.0)
    lines = split_lines(fw.emit_until(20.0))
    values = np.array([float(x) for x in lines])
    t = np.arange(1, values.size + 1) / 10.0
    assert np.allclose(values, fw.true_force(t), atol=0.001)


def test_plotter_format_has_force_and_raw():
    fw = Firmware(fmt="plotter", profile="hold", rate=80, seed=3)
    lines = split_lines(fw.emit_until(8.0))
    pairs = [dict(f.split(":") for f in line.decode().split(",")) for line in lines]
    force = np.array([float(p["force"]) for p in pairs])
    raw = np.array([int(p["raw"]) for p in pairs])
    assert np.allclose(force, (raw - 8400) / 8560.0, atol=0.006)
    assert force.max() > 25


@pytest.mark.parametrize("style", ["reading", "average"])
def test_hx711_prints_a_banner_then_readings(style):
    fw = Firmware(fmt="hx711", profile="steady", rate=10, hx711_style=style, noise_counts=0.0)
    lines = [x.decode() for x in split_lines(fw.emit_until(20.0))]
    banner = [x for x in lines if not re.search(r"(?<![A-Za-z])-?\d+\.\d", x)]
    assert lines[0] == "HX711 scale demo"
    assert len(banner) >= 3 and lines[: len(banner)] == banner
    first = [float(re.search(r"-?\d+\.\d+", x).group()) for x in lines[len(banner):]]
    kg = fw.true_force(np.arange(1, len(first) + 1) / 10.0) / 9.80665
    assert np.allclose(first, kg, atol=0.051)
    if style == "reading":
        assert all(x.endswith(" kg") for x in lines[len(banner):])
    else:
        assert all("\t| average:\t" in x for x in lines[len(banner):])


def test_gauge_ends_lines_with_cr_only_and_converts_units():
    fw = Firmware(fmt="gauge", profile="trapezoid", rate=10, unit="lbf", noise_counts=0.0)
    data = fw.emit_until(10.0)
    assert b"\n" not in data
    lines = split_lines(data, b"\r")
    assert all(re.fullmatch(rb"[+-]\d+\.\d\d lbF", x) for x in lines)
    values = np.array([float(x.split()[0]) for x in lines]) * 4.4482216152605
    assert np.allclose(values, fw.true_force(np.arange(1, 101) / 10.0), atol=0.03)


def test_polled_gauge_answers_only_when_asked():
    fw = Firmware(fmt="gauge", poll=True, rate=10)
    assert fw.emit_until(2.0) == b""
    fw.handle_input(b"?\r\n")
    fw.handle_input(b"D\r")
    fw.handle_input(b"?\n")
    fw.handle_input(b"hello\r\n")  # not a request: ignored
    data = fw.emit_until(2.5)
    assert len(split_lines(data, b"\r")) == 3
    assert fw.emit_until(5.0) == b""
    assert fw.stats["polls"] == 3


def test_saturation_clips_at_the_adc_limit_even_after_tare():
    fw = Firmware(profile="trapezoid", rate=80, counts_per_n=300_000.0, noise_counts=0.0)
    fw.emit_until(1.0)
    fw.handle_input(b"TARE\n")
    _, us, raw = samples(fw.emit_until(12.0))
    assert raw.max() == 8388607
    assert np.all(raw <= 8388607)
    assert fw.stats["saturated"] == np.count_nonzero(raw == 8388607)


def test_render_gives_exactly_n_lines():
    fw = Firmware(rate=2000)
    fw.emit_until(0.0)
    data = fw.render(5000)
    seq, us, _ = samples(data)
    assert np.array_equal(seq, np.arange(5000))
    assert us[-1] == 5000 * 500


# ---- faults -----------------------------------------------------------------------------

def _line_kinds(data: bytes):
    good = bad_sum = other = 0
    for line in split_lines(data):
        m = SAMPLE.match(line)
        if m:
            if xor(line[: line.rindex(b"*")]) == int(m.group(4), 16):
                good += 1
            else:
                bad_sum += 1
        elif not line.startswith(b"#"):
            other += 1
    return good, bad_sum, other


@pytest.mark.parametrize("name", ["garbage", "cut", "drop", "checksum", "lose"])
def test_each_line_fault_shows_in_the_bytes_and_in_stats(name):
    fw = Firmware(rate=500, seed=4, faults=f"{name}=0.05")
    data = fw.emit_until(10.0)
    count = fw.stats["dropped" if name == "drop" else name]
    assert 150 < count < 350  # ~5 % of 5000 lines
    good, bad_sum, other = _line_kinds(data)
    seq, _, _ = samples(data)
    if name == "garbage":
        assert other == count and good == 5000 and fw.stats["lost_samples"] == 0
    else:
        assert good == 5000 - count == seq.size
        assert fw.stats["lost_samples"] == count
        assert 5000 - seq.size == count  # the reader sees exactly this many samples missing
    if name == "checksum":
        assert bad_sum == count
    if name == "lose":
        assert other == 0 and bad_sum == 0


def test_spike_is_a_valid_line_with_a_wild_reading():
    clean = Firmware(profile="idle", rate=500, seed=4, noise_counts=5.0)
    spiky = Firmware(profile="idle", rate=500, seed=4, noise_counts=5.0, faults="spike=0.01")
    _, _, a = samples(clean.emit_until(10.0))
    seq, _, b = samples(spiky.emit_until(10.0))
    assert seq.size == 5000  # every line well formed, none lost
    wild = np.abs(b - a) >= 2**16
    assert np.count_nonzero(wild) == spiky.stats["spike"] > 20
    assert np.array_equal(a[~wild], b[~wild])  # the rest is untouched


def test_stall_sends_nothing_then_the_clock_jumps():
    fw = Firmware(rate=100, faults="stall=2:1.5")
    first = fw.emit_until(2.0)
    assert samples(fw.emit_until(3.4))[0].size == 0
    seq, us, _ = samples(first + fw.emit_until(5.0))
    assert np.array_equal(seq, np.arange(seq.size))  # no sample lost: none was taken
    gaps = np.diff(us)
    assert gaps.max() == pytest.approx(1_510_000, abs=10_000)
    assert fw.stats["stalled_samples"] == 150


def test_saturate_fault_pins_raw_at_the_limit():
    fw = Firmware(rate=100, faults="saturate=1:0.5")
    seq, us, raw = samples(fw.emit_until(3.0))
    inside = (us >= 1_000_000) & (us < 1_500_000)
    assert np.all(raw[inside] == 8388607)
    assert np.all(raw[~inside] < 8388607)
    assert fw.stats["saturated"] == np.count_nonzero(inside) == 50


def test_burst_holds_lines_back_then_sends_them_at_once():
    fw = Firmware(rate=100, faults="burst=2:0.3")
    sizes = []
    for k in range(1, 300):
        sizes.append(samples(fw.emit_until(k * 0.01))[0].size)
    sizes = np.array(sizes)
    assert sizes.max() >= 29  # 0.3 s of samples arrive together
    assert np.count_nonzero(sizes == 0) >= 29
    assert fw.stats["bursts"] == 1
    assert fw.stats["lost_samples"] == 0


def test_link_down_loses_samples_and_the_seq_shows_the_gap():
    fw = Firmware(rate=100)
    a = fw.emit_until(1.0)
    fw.set_link(False)
    assert fw.emit_until(2.0) == b""
    fw.set_link(True)
    seq, _, _ = samples(a + fw.emit_until(3.0))
    assert seq.size == 200
    assert np.diff(seq).max() == 101
    assert fw.stats["lost_samples"] == 100 and fw.stats["disconnects"] == 1


def test_fault_spec_round_trips():
    spec = "garbage=0.01,cut=0.02,stall=5:1.5,stall=9:1,saturate=10:1,disconnect=8:2,restart=12,burst=2:0.25"
    plan = parse_faults(spec)
    assert plan.stalls == [(5.0, 1.5), (9.0, 1.0)]
    assert plan.disconnects == [(8.0, 2.0)] and plan.restarts == [12.0]
    assert parse_faults(plan.describe()) == plan


@pytest.mark.parametrize("spec", [
    "bogus=1", "cut", "cut=", "cut=2", "cut=-0.1", "cut=abc", "stall=5", "stall=5:0",
    "restart=1:2", "burst=1:2", "drop=nan", "saturate=a:b",
])
def test_bad_fault_specs_are_clear_errors(spec):
    with pytest.raises(PressureError) as info:
        parse_faults(spec)
    assert spec.split("=")[0] in str(info.value)


@pytest.mark.parametrize("kwargs", [
    {"fmt": "morse"}, {"rate": 0}, {"rate": "fast"}, {"rate": 1e6}, {"poll": True},
    {"fmt": "number", "faults": "checksum=0.1"}, {"counts_per_n": 0.0}, {"offset": 2**24},
    {"profile": "nope"}, {"unit": "kPa", "fmt": "number"}, {"hx711_style": "fancy"},
    {"micros_start": -1}, {"noise_counts": -1.0},
])
def test_bad_settings_are_pressure_errors(kwargs):
    with pytest.raises(PressureError):
        Firmware(**kwargs)


def test_lines_held_by_a_burst_are_lost_with_the_link():
    fw = Firmware(rate=100, faults="burst=1:0.5")
    data = fw.emit_until(1.2)  # 0.2 s of lines held back
    fw.set_link(False)
    fw.set_link(True)
    data += fw.emit_until(2.9)  # after the 2.0-2.5 s burst: nothing held any more
    seq, _, _ = samples(data)
    assert fw.stats["samples"] == 290
    assert fw.stats["lost_samples"] == 290 - seq.size > 0


# ---- robustness: whatever arrives, the device never breaks ---------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=200, deadline=None)
@given(st.lists(st.binary(max_size=300), max_size=8))
def test_any_input_bytes_keep_the_output_well_formed(chunks):
    fw = Firmware(rate=100, seed=1)
    fw.emit_until(0.1)
    for k, chunk in enumerate(chunks):
        fw.handle_input(chunk)
        data = fw.emit_until(0.2 + 0.05 * k)
        for line in split_lines(data):
            assert line.startswith(b"#") or SAMPLE.match(line), line
            assert len(line) < 200


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_any_fault_spec_parses_or_is_a_pressure_error(spec):
    try:
        plan = parse_faults(spec)
    except PressureError as exc:
        assert str(exc)
    else:
        assert parse_faults(plan.describe()) == plan
