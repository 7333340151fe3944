"""The routine panel's step titles say where a ramp goes, up or down."""

from pressure.routine.steps import Step
from pressure.ui.routine_panel import step_title


def test_a_ramp_down_is_not_called_a_press():
    assert step_title(Step("ramp", target=0.0, tolerance=2.0, rate=10.0, label="ramp down")) == "ramp to 0"
    assert step_title(Step("ramp", target=40.0, tolerance=4.0, rate=10.0, label="to the plateau")) == \
        "ramp to 40 — to the plateau"
