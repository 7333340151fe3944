"""The reader's parts without a thread or a port: the stamper, the device conversation (a
table of lines sent and answered, in the style of PyMeasure's expected_protocol) and the
reader's handler fed chunks at made-up arrival times."""

from __future__ import annotations

import numpy as np
import pytest

from pressure import wire
from pressure.acquisition import ID_WAIT, Reader
from pressure.acquisition.calibration_choice import CalibrationChoice
from pressure.acquisition.conversation import DeviceConversation
from pressure.acquisition.stamper import Stamper
from pressure.acquisition.stats import StatsKeeper
from pressure.buffer import RingBuffer
from pressure.samples import FLAG_GAP_BEFORE, FLAG_RECONNECT, FLAG_SATURATED


def own(seq: int, us: int, raw: int) -> bytes:
    """One line of the own protocol (written here, not taken from the parser under test)."""
    body = b"S%d,%d,%d" % (seq, us, raw)
    check = 0
    for byte in body:
        check ^= byte
    return body + b"*%02X\r\n" % check


def steady(first: int, n: int, us0: int = 0, raw: int = 1000) -> bytes:
    return b"".join(own(first + k, us0 + 1000 * k, raw) for k in range(n))


# -- the stamper -----------------------------------------------------------------------------

def test_a_stall_is_counted_when_a_bad_line_follows_it():
    """Issue 15: the device went quiet 0.5 s and the first line after the silence was damaged.
    The lost line used to hide the stall (only a silence without lost samples counted)."""
    parser, stamper = wire.make_parser("pressure"), Stamper()
    stamper.stamp(parser.feed(steady(0, 50)), 0.05)
    damaged = own(50, 549_000, 1000)[:-4] + b"00\r\n"  # wrong checksum
    parsed = parser.feed(damaged + own(51, 550_000, 1000))
    assert parsed.checksum_errors == 1 and len(parsed) == 1
    out = stamper.stamp(parsed, 0.6)
    assert out.stalls == 1 and out.lost_samples == 1 and out.gaps == 1
    assert out.block.flags[0] & FLAG_GAP_BEFORE


def test_lost_samples_alone_are_not_a_stall():
    parser, stamper = wire.make_parser("pressure"), Stamper()
    stamper.stamp(parser.feed(steady(0, 50)), 0.05)
    out = stamper.stamp(parser.feed(steady(53, 5, us0=53_000)), 0.06)  # 3 lost, no silence
    assert out.stalls == 0 and out.lost_samples == 3 and out.gaps == 1


def test_a_plain_stall_is_still_counted():
    parser, stamper = wire.make_parser("pressure"), Stamper()
    stamper.stamp(parser.feed(steady(0, 50)), 0.05)
    out = stamper.stamp(parser.feed(steady(50, 3, us0=600_000)), 0.65)
    assert out.stalls == 1 and out.lost_samples == 0


def test_saturated_counts_are_flagged_and_counted():
    parser, stamper = wire.make_parser("pressure"), Stamper()
    parsed = parser.feed(own(0, 0, 5) + own(1, 1000, wire.RAW_MAX) + own(2, 2000, wire.RAW_MIN))
    out = stamper.stamp(parsed, 1.0)
    assert out.saturated == 2
    assert [bool(f & FLAG_SATURATED) for f in out.block.flags] == [False, True, True]


def test_after_a_disconnect_the_next_sample_says_so_and_the_loss_has_a_session_time():
    parser, stamper = wire.make_parser("pressure"), Stamper()
    assert stamper.session_time(5.0) == 0.0  # nothing stamped yet
    first = stamper.stamp(parser.feed(steady(0, 100)), 10.0)
    last_t = float(first.block.t[-1])
    assert stamper.disconnected(10.25) == pytest.approx(last_t + 0.25)
    stamper.reconnected()
    parser.reset()
    again = stamper.stamp(parser.feed(steady(100, 3, us0=2_000_000)), 12.0)
    assert again.block.flags[0] & FLAG_RECONNECT and again.block.flags[0] & FLAG_GAP_BEFORE
    assert again.block.t[0] > last_t + 0.25


# -- the device conversation: lines sent and answered -------------------------------------------

class Talk:
    """A conversation wired to a recorded write and a list of delivered chunks."""

    def __init__(self, fmt: str = "pressure", calibration=None, connected: bool = True):
        self.sent: list[bytes] = []
        self.delivered: list = []
        self.connected = connected
        self.stats = StatsKeeper("loop://", fmt)
        self.cal = CalibrationChoice("loop://", calibration)
        self.conv = DeviceConversation("loop://", fmt, wire.make_parser(fmt), self._write,
                                       lambda p, a, r: self.delivered.append((p, a, list(r))),
                                       self.stats, self.cal, Stamper())

    def _write(self, data: bytes) -> None:
        from pressure.errors import PressureError

        if not self.connected:
            raise PressureError("not connected")
        self.sent.append(data)

    def say(self, line: bytes, at: float) -> None:
        self.conv.data_received(line, at)


ID_LINE = b"#ID model=pressure-sim fw=1.0 serial=SIM7 counts_per_n=100 offset=1000\r\n"


@pytest.mark.parametrize("steps", [
    # (what the device says, what the conversation sends back)
    [(None, [b"ID?\n"]), (ID_LINE, [])],
    [(None, [b"ID?\n"]), (ID_LINE, []), (b"#BOOT pressure-sim\r\n", [b"ID?\n"]), (ID_LINE, [])],
    [(None, [b"ID?\n"]), (ID_LINE, []), (b"#OK TARE offset=1234\r\n", [b"ID?\n"])],
    [(None, [b"ID?\n"]), (b"#ERR unknown command\r\n", [])],
])
def test_the_conversation_answers_as_the_table_says(steps):
    talk = Talk()
    for k, (said, expected) in enumerate(steps):
        before = len(talk.sent)
        if said is None:
            talk.conv.connection_made(float(k))  # no '#BOOT' needed: it asks at once
        else:
            talk.say(said, float(k))
        assert talk.sent[before:] == expected, f"step {k}: {said!r}"


def test_the_id_reply_names_the_sensor_and_its_calibration():
    talk = Talk()
    talk.conv.connection_made(0.0)
    talk.say(ID_LINE, 0.01)
    s = talk.stats.current
    assert s.sensor_id == "SIM7" and s.device_info["counts_per_n"] == "100"
    assert s.calibrated and s.calibration_source == "device"
    assert talk.cal.force_n(np.array([1100.0]), "counts")[0][0] == pytest.approx(1.0)


def test_replies_are_kept_and_a_tare_zeroes_the_device_calibration():
    talk = Talk()
    talk.conv.connection_made(0.0)
    talk.say(ID_LINE, 0.01)
    talk.say(b"#OK TARE offset=1234\r\n", 0.02)
    assert talk.stats.current.last_message == "OK TARE offset=1234"
    assert talk.stats.current.device_info["offset"] == "0"
    assert talk.cal.force_n(np.array([100.0]), "counts")[0][0] == pytest.approx(1.0)
    talk.say(b"#ERR range\r\n", 0.03)
    assert talk.stats.current.last_message == "ERR range"


def test_samples_in_counts_wait_for_the_id_and_then_go_on_calibrated():
    talk = Talk()
    talk.conv.connection_made(0.0)
    talk.say(steady(0, 3, raw=1100), 0.01)
    assert talk.delivered == []  # held for the '#ID'
    talk.say(ID_LINE, 0.02)
    assert [len(p) for p, _, _ in talk.delivered] == [3]
    assert talk.cal.calibration is not None


def test_samples_go_on_raw_when_no_id_comes_within_the_wait():
    talk = Talk()
    talk.conv.connection_made(0.0)
    talk.say(steady(0, 3), 0.01)
    talk.conv.idle(ID_WAIT / 2)
    assert talk.delivered == []
    talk.conv.idle(ID_WAIT + 0.01)
    assert [len(p) for p, _, _ in talk.delivered] == [3]


def test_a_text_device_is_not_asked_and_bad_lines_are_counted():
    talk = Talk(fmt="number")
    talk.conv.connection_made(0.0)
    talk.say(b"1.5\r\nnot a number\r\n2.5\r\n", 0.01)
    assert talk.sent == []
    assert talk.stats.snapshot().bad_lines == 1
    assert [len(p) for p, _, _ in talk.delivered] == [2]


def test_a_device_that_cannot_be_written_to_still_streams():
    talk = Talk(connected=False)
    talk.conv.connection_made(0.0)
    talk.say(steady(0, 2), 0.01)
    assert [len(p) for p, _, _ in talk.delivered] == [2]  # nobody asked, nobody waits


# -- the reader's handler at made-up times: stalls and disconnects in ReaderStats ---------------

def test_a_text_stall_is_counted_when_a_bad_line_follows_it():
    reader = Reader("loop://", RingBuffer(1 << 12), fmt="number")
    for k in range(100):
        reader.data_received(b"%.1f\r\n" % k, 1.0 + 0.001 * k)
    reader.data_received(b"garbage\r\n", 1.6)
    reader.data_received(b"5.0\r\n", 1.601)
    s = reader.stats()
    assert s.bad_lines == 1 and s.stalls == 1


def test_a_lost_port_is_counted_with_its_session_time_and_listeners_see_it():
    reader = Reader("loop://", RingBuffer(1 << 12), fmt="number")
    seen = []
    reader.add_status_listener(seen.append)
    for k in range(100):
        reader.data_received(b"%.1f\r\n" % k, 1.0 + 0.001 * k)
    last_t = float(reader.buffer.latest(1).t[-1])
    reader.connection_lost("gone", 1.099 + 2.0)
    s = reader.stats()
    assert s.state == "disconnected" and not s.connected and s.disconnects == 1
    assert s.disconnected_at == pytest.approx(last_t + 2.0)
    assert seen[-1].disconnected_at == s.disconnected_at and seen[-1].state == "disconnected"
    assert s.summary()["disconnects"] == 1


def test_the_port_coming_back_clears_the_loss_but_keeps_the_count():
    reader = Reader("loop://", RingBuffer(1 << 12), fmt="number")
    seen = []
    reader.add_status_listener(seen.append)
    reader.data_received(b"1.0\r\n2.0\r\n", 1.0)
    reader.connection_lost("gone", 2.0)
    reader.connection_made(first=False)
    s = reader.stats()
    assert s.state == "streaming" and s.disconnected_at is None
    assert s.disconnects == 1 and s.reconnects == 1
    assert [x.state for x in seen] == ["disconnected", "streaming"]
    reader.data_received(b"3.0\r\n", 3.0)
    assert reader.buffer.latest(1).flags[0] & FLAG_RECONNECT
