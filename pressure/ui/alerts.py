"""A banner over the trace that stays while something is wrong: a zero that is off at rest, a
recording that stopped.

Unlike the overlay (a key's answer for 2.5 s) the banner stays as long as the condition holds,
where the practitioner looks: "reads -29.4 N at rest: re-tare (T)" until the zero is right
again, "Recording stopped: ..." until the window closes. What it shows is decided Qt-free
(:class:`pressure.session.zero_watch.ZeroWatch`, the pipeline's ``recorder_error``); this
module only draws it, from a frame hook.
"""

from __future__ import annotations

import time

from PySide6.QtWidgets import QWidget

from .floating import FloatingLabel

SCALE_CHECK_S = 1.0     # how often the calibration in use is compared with the device's own
TEXT = "#000000"
BACKGROUND = "#ffb000"   # amber: a warning, distinct from the red ceiling and the green band
FONT_PX = 22
SHEET = (f"QLabel {{ color: {TEXT}; background: {BACKGROUND}; border-radius: 6px;"
         f" padding: 6px 14px; font-size: {FONT_PX}px; font-weight: bold; }}")


class Banner(FloatingLabel):
    """Lines of warnings along the top of ``host`` (the trace view); hidden when there are none."""

    def __init__(self, host: QWidget):
        super().__init__(host, "alertBanner", SHEET)
        self._lines: dict[str, str] = {}

    def set_line(self, key: str, text: str) -> None:
        """Show ``text`` as the banner's line ``key`` ("" removes it)."""
        if self._lines.get(key, "") == text:
            return
        if text:
            self._lines[key] = text
        else:
            self._lines.pop(key, None)
        self.setText("\n".join(self._lines.values()))
        if self._lines:
            self._place()
            self.show()
            self.raise_()
        else:
            self.hide()

    def _place(self) -> None:
        host = self._host
        width = max(160, int(host.width() * 0.9))
        self.setFixedSize(width, self.heightForWidth(width))
        self.move((host.width() - width) // 2, 6)


class Alerts:
    """The window's banner fed from every drawn frame (a ``frame_hooks`` entry)."""

    def __init__(self, window):
        from ..session.zero_watch import ZeroWatch

        self.window = window
        self.banner = Banner(window.trace)
        self.zero = ZeroWatch()
        self._scale_checked_at = -1e9  # time.monotonic() of the last look at the calibration in use
        window.frame_hooks.append(self.on_frame)

    def reset_zero(self) -> None:
        self.zero.reset()
        self.banner.set_line("zero", "")

    def on_frame(self, frame) -> None:
        w = self.window
        p = w.pipeline
        if p.source.is_live:
            _, hi = w.trace.y_range
            stale = frame.stale or not frame.connected
            self.banner.set_line("zero", self.zero.update(frame.t, frame.value, frame.state, hi, p.unit, stale,
                                                          frame.times, frame.smoothed))
        now = time.monotonic()
        if now - self._scale_checked_at >= SCALE_CHECK_S:  # a lock in the reader: not every frame
            from ..session.zero_watch import calibration_mismatch

            self._scale_checked_at = now
            self.banner.set_line("scale", calibration_mismatch(p.source))
        error = p.recorder_error
        self.banner.set_line("recorder", f"Recording stopped: {error}" if error else "")


def install_alerts(window) -> Alerts:
    return Alerts(window)
