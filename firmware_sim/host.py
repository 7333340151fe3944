"""Serve a :class:`Firmware` in real time on a pseudo-terminal (POSIX) or a TCP port (every OS).

Why a real pty / socket and not an in-process fake: the reader then goes through exactly the
pyserial path it uses with a USB sensor (``serial_for_url("/dev/ttyUSB0")`` or
``serial_for_url("socket://host:port")``), including its timeouts, partial reads and the port
disappearing under it.

One host thread does everything that touches the port: it writes each sample line close to
its due time (select() with a timeout until the next due sample, so a command wakes it at
once), reads commands without blocking, and performs disconnects. Writes never block: when
nobody reads and the kernel buffer is full, the bytes are dropped and counted, as a serial
line loses data nobody reads. Other threads talk to it through a lock and a wake-up socket.
"""

from __future__ import annotations

import collections
import errno
import logging
import os
import secrets
import select
import shutil
import socket
import tempfile
import threading
import time

from pressure.errors import PressureError

from .firmware import Firmware

log = logging.getLogger(__name__)

TRANSPORTS = ("pty", "tcp")
_IDLE_WAKE_S = 0.02  # longest sleep: bounds the delay of timed faults and reconnects


def default_transport() -> str:
    return "pty" if hasattr(os, "openpty") and os.name == "posix" else "tcp"


class SimHost:
    """Serve ``fw`` on a pty (a stable symlink path) or on ``socket://127.0.0.1:PORT``."""

    def __init__(self, fw: Firmware, transport: str = "pty", tcp_port: int = 0,
                 record_send_times: bool = False, bind: str = "127.0.0.1",
                 link_name: str = "ttySIM0", send_log_size: int = 1_000_000,
                 batch_s: float = 0.001):
        if transport not in TRANSPORTS:
            raise PressureError(f"unknown transport {transport!r}; choose {', '.join(TRANSPORTS)}")
        if transport == "pty" and default_transport() != "pty":
            raise PressureError("pseudo-terminals need a POSIX system; use the TCP transport")
        if not 0 <= int(tcp_port) <= 65535:
            raise PressureError(f"TCP port must be 0..65535, not {tcp_port}")
        self.fw = fw
        self.transport = transport
        self.tcp_port = int(tcp_port)
        self.bind = bind
        self.link_name = link_name
        self.record_send_times = record_send_times
        # Wake at most once per batch_s: above 1000 samples/s lines go out in pairs (<= 1 ms
        # late) instead of one wake-up each, which halves the CPU the host takes from the reader.
        self.batch_s = max(0.0, float(batch_s))
        # The first send_log_size lines: a benchmark measures early in a run, and a long run
        # (a 30-minute soak) must not push the measured lines out.
        self.send_log_size = int(send_log_size)
        self.send_log: list[tuple[int, float]] = []  # (seq, time.monotonic() when written)
        self.bytes_sent = 0
        self.bytes_dropped = 0
        self.url: str | None = None
        self.error: BaseException | None = None
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._wake_r = self._wake_w = None  # a socketpair while running: wakes the thread
        self._requests: collections.deque = collections.deque()  # (kind, arg, done Event)
        self._t0 = 0.0
        self._tmpdir: str | None = None
        self._link: str | None = None
        self._master: int | None = None  # pty master fd (the slave is the reader's)
        self._pty_open = False  # does anyone have the pty's slave side open?
        self._listener: socket.socket | None = None
        self._client: socket.socket | None = None
        self._down_until: float | None = None  # monotonic time the port comes back
        self._disc_i = 0

    # ---- life cycle --------------------------------------------------------------------
    def start(self) -> str:
        """Open the port, start serving; returns the URL/path to give the reader."""
        if self._thread is not None:
            return self.url  # type: ignore[return-value]
        if self.transport == "pty":
            self._tmpdir = tempfile.mkdtemp(prefix="pressure-sim-")
            self._link = os.path.join(self._tmpdir, self.link_name)
            self.url = self._link
        try:
            self._open_port()
        except BaseException:
            self._close_port()
            if self._tmpdir:
                shutil.rmtree(self._tmpdir, ignore_errors=True)
                self._tmpdir = None
            raise
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        if self.transport == "tcp":
            self.url = f"socket://{self.bind}:{self.tcp_port}"
        self._t0 = time.monotonic()
        self._thread = threading.Thread(target=self._run, name="firmware-sim-host", daemon=True)
        self._thread.start()
        log.info("simulated sensor on %s (%s, %s at %g/s)", self.url, self.fw.fmt, self.fw.profile,
                 self.fw.rate)
        return self.url  # type: ignore[return-value]

    def stop(self) -> None:
        """Stop serving, close the port, remove the pty link. Safe to call twice."""
        self._stop.set()
        self._wake()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)
        self._close_port()
        if self._tmpdir:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
            self._tmpdir = None
        for s in (self._wake_r, self._wake_w):
            if s is not None:
                s.close()

    def __enter__(self) -> "SimHost":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def device_time(self) -> float:
        """Seconds since the host started (the device time the firmware is driven by)."""
        return time.monotonic() - self._t0

    @property
    def connected(self) -> bool:
        """Port is up (pty exists / TCP listening). For TCP, a client may or may not be attached."""
        return self._down_until is None and self._thread is not None

    # ---- requests from other threads -------------------------------------------------------
    def _wake(self) -> None:
        try:
            if self._wake_w is not None:
                self._wake_w.send(b"x")
        except OSError:  # closed, or full of wake-ups already: the thread will wake anyway
            pass

    def _request(self, kind: str, arg=None, timeout: float = 5.0) -> None:
        if not self.running:
            raise PressureError("the simulated sensor is not running")
        done = threading.Event()
        self._requests.append((kind, arg, done))
        self._wake()
        if not done.wait(timeout):
            raise PressureError(f"the simulator did not perform {kind} in time")

    def disconnect(self, seconds: float) -> None:
        """The port disappears now and comes back at the same URL after ``seconds``."""
        if not seconds > 0:
            raise PressureError("a disconnect lasts > 0 seconds")
        self._request("disconnect", float(seconds))

    def restart_device(self) -> None:
        """Restart the simulated device (its ``#BOOT`` goes out at once)."""
        self._request("restart")

    def switch_profile(self, profile: str, target_n: float = 30.0, rest_s: float | None = None) -> None:
        """The simulated practitioner follows ``profile`` from now on (see Firmware.switch_profile)."""
        with self._lock:
            self.fw.switch_profile(profile, target_n=target_n, rest_s=rest_s)
        self._wake()

    def send(self, data: bytes) -> None:
        """Feed bytes to the device as if the reader had written them (for tests and tools)."""
        with self._lock:
            self.fw.handle_input(data)
        self._wake()

    # ---- the port ----------------------------------------------------------------------
    def _open_port(self) -> None:
        if self.transport == "pty":
            import tty  # POSIX only

            master, slave = os.openpty()
            try:
                tty.setraw(slave)  # no echo, no CR/LF translation: bytes pass as they are
                name = os.ttyname(slave)
            finally:
                # Not kept open: a master read then fails with EIO while nobody has the port
                # open, and the host drops what it would send, as a USB serial port does,
                # instead of leaving kilobytes of old lines for the next reader.
                os.close(slave)
            os.set_blocking(master, False)
            self._master, self._pty_open = master, False
            tmp = self._link + ".new"  # type: ignore[operator]
            if os.path.lexists(tmp):
                os.unlink(tmp)
            os.symlink(name, tmp)
            os.replace(tmp, self._link)  # type: ignore[arg-type]
        else:
            try:
                self._listener = socket.create_server((self.bind, self.tcp_port))
            except OSError as exc:
                raise PressureError(f"cannot serve on TCP port {self.tcp_port}: {exc.strerror or exc}") from None
            self._listener.setblocking(False)
            self.tcp_port = self._listener.getsockname()[1]

    def _close_port(self) -> None:
        if self._link and os.path.lexists(self._link):
            try:
                os.unlink(self._link)
            except OSError:
                pass
        if self._master is not None:
            try:
                os.close(self._master)
            except OSError:
                pass
        self._master, self._pty_open = None, False
        self._drop_client()
        if self._listener is not None:
            self._listener.close()
            self._listener = None

    def _drop_client(self) -> None:
        if self._client is not None:
            try:
                self._client.close()
            except OSError:
                pass
            self._client = None

    def _write(self, data: bytes) -> int:
        """Write without blocking; whatever does not fit is dropped and counted. Returns bytes sent."""
        sent = 0
        try:
            if self._master is not None:
                sent = os.write(self._master, data) if self._pty_open else 0
            elif self._client is not None:
                sent = self._client.send(data)
        except (BlockingIOError, InterruptedError):
            sent = 0
        except OSError as exc:  # the client went away
            log.info("simulator: write failed (%s); dropping the client", exc)
            self._drop_client()
            sent = 0
        self.bytes_sent += sent
        if sent < len(data):
            self.bytes_dropped += len(data) - sent
        return sent

    def _read_input(self, readable) -> None:
        if self._listener is not None and self._listener in readable:
            try:
                client, addr = self._listener.accept()
            except (BlockingIOError, InterruptedError):
                client = None
            if client is not None:
                if self._client is not None:
                    log.info("simulator: a new client replaces the old one")
                self._drop_client()
                client.setblocking(False)
                client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                self._client = client
                log.info("simulator: client %s connected", addr)
        chunks = []
        if self._master is not None:  # read every time: EIO is how we learn the port is closed
            try:
                data = os.read(self._master, 4096)
                self._pty_open = bool(data)  # b"": hung up (BSD); data: someone is there
                if data:
                    chunks.append(data)
            except (BlockingIOError, InterruptedError):
                self._pty_open = True
            except OSError as exc:
                if exc.errno != errno.EIO:
                    raise
                self._pty_open = False
        if self._client is not None and self._client in readable:
            try:
                data = self._client.recv(4096)
                if data:
                    chunks.append(data)
                else:
                    log.info("simulator: client closed the connection")
                    self._drop_client()
            except (BlockingIOError, InterruptedError):
                pass
            except OSError:
                self._drop_client()
        if chunks:
            with self._lock:
                self.fw.handle_input(b"".join(chunks))

    # ---- disconnects -------------------------------------------------------------------
    def _go_down(self, seconds: float) -> None:
        if self._down_until is None:
            log.info("simulator: port disappears for %.2f s", seconds)
            self._close_port()
            with self._lock:
                self.fw.set_link(False)
        self._down_until = time.monotonic() + seconds

    def _come_back(self) -> None:
        try:
            self._open_port()
        except PressureError as exc:  # e.g. the TCP port was taken meanwhile: try again soon
            log.warning("simulator: cannot reopen the port yet: %s", exc)
            self._down_until = time.monotonic() + 0.2
            return
        self._down_until = None
        with self._lock:
            self.fw.set_link(True)
        log.info("simulator: port back at %s", self.url)

    # ---- the thread --------------------------------------------------------------------
    def _run(self) -> None:
        try:
            self._loop()
        except BaseException as exc:  # keep the reason: tests and the CLI report it
            self.error = exc
            log.exception("simulator host thread failed")

    def _loop(self) -> None:
        plan = self.fw.plan
        while not self._stop.is_set():
            while self._requests:
                kind, arg, done = self._requests.popleft()
                if kind == "disconnect":
                    self._go_down(arg)
                elif kind == "restart":
                    with self._lock:
                        self.fw.restart()
                done.set()
            now = time.monotonic()
            dev_t = now - self._t0
            while self._disc_i < len(plan.disconnects) and plan.disconnects[self._disc_i][0] <= dev_t:
                self._go_down(plan.disconnects[self._disc_i][1])
                self._disc_i += 1
            if self._down_until is not None and now >= self._down_until:
                self._come_back()
            with self._lock:
                data = self.fw.emit_until(dev_t)
                seqs = self.fw.last_seqs
                due = self.fw.next_due()
            if data:
                if self._down_until is None:
                    sent = self._write(data)
                    if (self.record_send_times and seqs and sent == len(data)
                            and len(self.send_log) < self.send_log_size):
                        sent_at = time.monotonic()
                        self.send_log.extend((s, sent_at) for s in seqs)
                else:
                    self.bytes_dropped += len(data)
            if self.fw.rate * self.batch_s > 1.0:  # several samples per batch: send them together
                due = max(due, dev_t + self.batch_s)
            timeout = min(max(due - self.device_time(), 0.0), _IDLE_WAKE_S)
            if self._down_until is not None:
                timeout = min(timeout, max(self._down_until - time.monotonic(), 0.0))
            # a hung-up pty master is always "readable": wait on it only while it is open
            master = self._master if self._pty_open else None
            waitables = [self._wake_r] + [x for x in (master, self._listener, self._client)
                                          if x is not None]
            readable, _, _ = select.select(waitables, [], [], timeout)
            if self._wake_r in readable:
                try:
                    self._wake_r.recv(4096)
                except (BlockingIOError, InterruptedError):
                    pass
            self._read_input(readable)


def start_builtin_simulator(profile: str = "ischemic", rate: float = 100, fmt: str = "pressure",
                            seed: int | None = None, transport: str | None = None,
                            record_send_times: bool = False, **firmware_options) -> SimHost:
    """A started host serving a fresh simulated sensor (the live window uses it without --port)."""
    if seed is None:
        seed = secrets.randbelow(2**31)
    fw = Firmware(profile=profile, fmt=fmt, rate=rate, seed=seed, **firmware_options)
    host = SimHost(fw, transport=transport or default_transport(), record_send_times=record_send_times)
    host.start()
    return host
