"""In the demo (the built-in simulated sensor) the simulated practitioner presses the keys too.

Each drawn frame the :class:`pressure.demo_practitioner.DemoPractitioner` looks at the coach's
state; the key it asks for is pressed by triggering the window's own action, the path the
keyboard and a foot pedal take, so the demo shows exactly what a person would see. Only while
the window reads the built-in simulator: after File > Sensor picks a real one, nothing is pressed.
"""

from __future__ import annotations

from ..demo_practitioner import ADVANCE, THRESHOLD, DemoPractitioner
from ..session.source import SIMULATOR_NAME


def is_demo(source) -> bool:
    return source.sensor == SIMULATOR_NAME


class DemoKeys:
    def __init__(self, window):
        self.window = window
        self.pressed: list[tuple[float, str]] = []  # (session time, action): what the demo did
        self._pipeline = None
        self._routine = None
        self._demo = None
        window.frame_hooks.append(self.on_frame)

    def on_frame(self, frame) -> None:
        p = self.window.pipeline
        if not is_demo(p.source):
            return
        if p is not self._pipeline or p.routine is not self._routine:
            self._pipeline, self._routine, self._demo = p, p.routine, DemoPractitioner(p.routine)
        action = self._demo.act(frame.state)
        if action in (ADVANCE, THRESHOLD):
            self.pressed.append((frame.t, action))
            self.window.actions[action].trigger()


def install_demo_keys(window) -> DemoKeys:
    return DemoKeys(window)
