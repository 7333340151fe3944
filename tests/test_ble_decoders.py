"""The Bluetooth decoders on bytes written here by hand (struct, not the emulators' encoders):
Progressor records and replies, Force Board counts, advertising-scale layouts, and the framed
stream a Bluetooth port hands the reader, split anywhere."""

from __future__ import annotations

import math
import struct

import numpy as np
import pytest

from pressure import wire
from pressure.errors import PressureError
from pressure.wireformats import ble, forceboard, progressor
from pressure.wireformats.scale_adverts import AdvertLayout, weight


def weight_note(*records) -> bytes:
    body = b"".join(struct.pack("<fI", kg, us) for kg, us in records)
    return bytes([1, len(body)]) + body


def test_progressor_weight_records_read_the_clock_unsigned():
    d = progressor.decode(weight_note((1.5, 0xFFFFFF00), (2.25, 0x80000001), (-0.5, 12)))
    assert d.kg == [1.5, 2.25, -0.5]
    assert d.us == [0xFFFFFF00, 0x80000001, 12]  # never negative (a signed read breaks after 36 min)
    assert d.bad == 0


def test_progressor_bad_notifications_are_counted_never_numbers():
    assert progressor.decode(b"\x01").bad == 1
    assert progressor.decode(bytes([1, 9]) + b"\0" * 9).bad == 1            # not whole records
    assert progressor.decode(bytes([1, 8]) + b"\0" * 4).bad == 1            # shorter than it says
    nan = progressor.decode(weight_note((math.nan, 5), (3.0, 6)))
    assert nan.kg == [3.0] and nan.us == [6] and nan.bad == 1
    assert progressor.decode(bytes([9, 0])).bad == 1                        # unknown tag
    rfd = progressor.decode(bytes([2, 4]) + b"\0" * 4)
    assert rfd.bad == 0 and rfd.kg == []                                    # not asked for: skipped


def test_progressor_replies_are_read_by_the_command_they_answer():
    assert progressor.decode(b"\x00\x04" + struct.pack("<I", 3987), 0x6F).info == {"battery_mv": "3987"}
    assert progressor.decode(b"\x00\x05" + b"1.2 x", 0x6B).info == {"fw": "1.2_x"}
    assert progressor.decode(b"\x00\x02\xab\xcd", 0x70).info == {"serial": "progressor-abcd"}
    assert progressor.decode(b"\x00\x02\xab\xcd", 0x6F).bad == 1           # battery, wrong shape
    assert progressor.decode(b"\x00\x00", 0x64).bad == 0                   # a tare's ack: nothing
    assert progressor.decode(b"\x04\x00").info == {"low_power": "1"}


def test_force_board_counts_are_signed_big_endian_24_bit():
    body = (250).to_bytes(3, "big", signed=True) + (-3).to_bytes(3, "big", signed=True)
    d = forceboard.decode(b"\x00\x02" + body, 0.01)
    assert d.lbf == pytest.approx([2.5, -0.03]) and d.bad == 0
    assert forceboard.decode(b"\x00\x03" + body, 0.01).bad == 1            # count != bytes


def test_scale_layouts():
    data = bytearray(16)
    data[10:12] = (7250).to_bytes(2, "big")
    assert weight(AdvertLayout(), 0x0100, bytes(data)) == pytest.approx(72.5)
    assert weight(AdvertLayout(), 0x004C, bytes(data)) is None              # another company
    assert weight(AdvertLayout(), 0x0100, bytes(data[:11])) is None         # too short
    lb = AdvertLayout.from_words({"offset": "4", "size": "3", "order": "little", "divisor": "1000",
                                  "unit": "lb", "company": "0x1234"})
    data[4:7] = (12345).to_bytes(3, "little")
    assert (lb.unit, lb.company) == ("lbf", 0x1234)
    assert weight(lb, 0x1234, bytes(data)) == pytest.approx(12.345)
    assert AdvertLayout.from_words(dict(w.split("=") for w in lb.describe().split())) == lb
    for bad in ({"offset": "x"}, {"size": "5"}, {"order": "middle"}, {"divisor": "0"}, {"unit": "kPa"}):
        with pytest.raises(PressureError):
            AdvertLayout.from_words(bad)


def stream_bytes() -> bytes:
    f = ble.frame
    return b"".join([
        f(b"P", b"progressor"),
        f(b"I", b"model=progressor rate=80"),
        f(b"N", bytes([0x70]) + b"\x00\x03\x01\x02\x03"),
        f(b"N", bytes([0x65]) + weight_note((1.0, 2**32 - 12500), (1.1, 0))),
        f(b"M", b"OK TARE"),
        f(b"N", bytes([0x65]) + weight_note((0.0, 12500))),
        f(b"N", bytes([0x65]) + b"\x04\x00"),
    ])


def test_frames_split_anywhere_parse_as_whole():
    data = stream_bytes()
    whole = ble.BleFrameParser().feed(data)
    assert whole.unit == "kgf" and whole.value.tolist() == pytest.approx([1.0, 1.1, 0.0])
    assert whole.device_us.tolist() == [2**32 - 12500, 0, 12500]
    assert whole.seq.tolist() == [0, 1, 2]
    assert whole.messages[0].startswith("ID model=progressor rate=80")
    assert "serial=progressor-010203" in whole.messages[1] and "OK TARE" in whole.messages
    assert whole.messages[-1].endswith("low_power=1") and whole.bad_lines == 0
    for cut in range(1, len(data)):
        p = ble.BleFrameParser()
        a, b = p.feed(data[:cut]), p.feed(data[cut:])
        assert np.concatenate([a.value, b.value]).tolist() == whole.value.tolist(), cut
        assert a.messages + b.messages == whole.messages, cut


def test_garbage_between_frames_is_counted_and_skipped():
    p = ble.BleFrameParser()
    out = p.feed(ble.frame(b"P", b"forceboard lbf_per_count=0.5") + b"\x00junk"
                 + ble.frame(b"N", b"\x04\x00\x01\x00\x00\x10") + ble.frame(b"Z", b"")
                 + ble.frame(b"P", b"rocket"))
    assert out.value.tolist() == [8.0] and out.unit == "lbf" and out.seq is None
    assert out.bad_lines == 3  # the junk, the unknown kind, the unknown protocol


def test_the_reader_takes_the_ble_stream_only_for_ble_urls():
    assert isinstance(wire.make_parser("ble"), ble.BleFrameParser)
    assert "ble" not in wire.FORMATS  # never detected on a serial port nor offered by --format
    from pressure.acquisition import Reader
    from pressure.buffer import RingBuffer

    with pytest.raises(PressureError, match="drop --format"):
        Reader("ble-sim://progressor", RingBuffer(10), fmt="pressure")


def test_urls_and_what_a_scan_calls_a_force_sensor():
    from pressure.ble.scan import classify
    from pressure.ble.url import is_ble_url, parse

    t = parse("ble://E4:5F:01:AA:BB:CC?protocol=progressor")
    assert (t.name, t.protocol, t.emulated) == ("E4:5F:01:AA:BB:CC", "progressor", False)
    assert parse("ble://Force%20Board?lbf_per_count=0.02").protocol == "forceboard"
    assert parse("ble://IF_B7?offset=8").options == {"offset": "8"}
    assert parse("BLE-SIM://Progressor").protocol == "progressor"
    assert parse("ble://Nameless").protocol is None
    assert is_ble_url(" ble://x") and not is_ble_url("/dev/ttyUSB0") and not is_ble_url(None)
    for bad in ("ble://X?protcol=progressor", "ble://X?protocol=rocket", "socket://h:1", "ble://X?a"):
        with pytest.raises(PressureError):
            parse(bad)
    scale = bytes(12)
    assert classify("Progressor_1234", {}) == "progressor"
    assert classify("Force Board 7", {}) == "forceboard"
    assert classify("", {0x0100: scale}) == "whc06"
    assert classify("Headphones", {0x004C: scale}) is None


def test_the_bleak_calls_the_adapter_makes_exist_in_the_installed_bleak():
    """The bleak adapter cannot run here (no Bluetooth); at least its calls match bleak's API."""
    import inspect

    bleak = pytest.importorskip("bleak")
    params = lambda f: set(inspect.signature(f).parameters)  # noqa: E731
    assert {"name", "timeout"} <= params(bleak.BleakScanner.find_device_by_name)
    assert {"device_identifier", "timeout"} <= params(bleak.BleakScanner.find_device_by_address)
    assert {"timeout", "return_adv"} <= params(bleak.BleakScanner.discover)
    assert {"detection_callback", "bluez"} <= params(bleak.BleakScanner.__init__)
    assert "disconnected_callback" in params(bleak.BleakClient.__init__)
    assert {"char_specifier", "data", "response"} <= params(bleak.BleakClient.write_gatt_char)
    for name in ("connect", "disconnect", "start_notify", "read_gatt_char"):
        assert callable(getattr(bleak.BleakClient, name))
    from bleak.backends.scanner import AdvertisementData
    from bleak.backends.service import BleakGATTServiceCollection

    assert {"local_name", "manufacturer_data"} <= set(AdvertisementData._fields)
    assert callable(BleakGATTServiceCollection.get_characteristic)
