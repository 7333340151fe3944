"""Routine: a named sequence of steps with its display unit, contact area and safety ceiling.

Plain frozen data (no behaviour beyond validation and unit conversion), so the coach, the
scorer and the recorder all work from one description that round-trips through JSON and TOML.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from ..errors import PressureError
from ..samples import from_unit, is_pressure_unit, normalize_unit, to_unit
from .steps import RoutineError, Step, number, step_from_dict
from .tomlwrite import routine_toml


@dataclass(frozen=True)
class Routine:
    """A named sequence of steps with the unit its values are written in and a safety ceiling."""

    name: str
    steps: tuple[Step, ...]
    unit: str = "N"
    area_cm2: float | None = None
    ceiling: float | None = None
    description: str = ""

    def __post_init__(self):
        if not isinstance(self.name, str) or not self.name.strip():
            raise RoutineError("a routine needs a name", None, "name")
        if not isinstance(self.description, str):
            raise RoutineError("description must be text", None, "description")
        if not isinstance(self.unit, str):
            raise RoutineError(f"unit must be text, not {self.unit!r}", None, "unit")
        try:
            unit = normalize_unit(self.unit)
        except PressureError as exc:
            raise RoutineError(str(exc), None, "unit") from None
        object.__setattr__(self, "unit", unit)
        object.__setattr__(self, "steps", tuple(self.steps))
        if self.area_cm2 is not None:
            area = number(self.area_cm2, "area_cm2", key="area_cm2")
            if area <= 0:
                raise RoutineError(f"area_cm2 must be greater than 0, not {area:g}", None, "area_cm2")
        if is_pressure_unit(unit) and self.area_cm2 is None:
            raise RoutineError(f"unit {unit} is a pressure: the routine needs area_cm2 (the contact area)",
                               None, "unit")
        if self.ceiling is not None:
            ceiling = number(self.ceiling, "ceiling", key="ceiling")
            if ceiling <= 0:
                raise RoutineError(f"ceiling must be greater than 0, not {ceiling:g}", None, "ceiling")
        if not self.steps:
            raise RoutineError("a routine needs at least one step", None, "steps")
        for i, step in enumerate(self.steps):
            if not isinstance(step, Step):
                raise RoutineError(f"step {i + 1} is not a Step", i, None)
            if self.ceiling is not None and step.target is not None and step.target > self.ceiling:
                raise RoutineError(
                    f"step {i + 1} ({step.kind}): target {step.target:g} {unit} is above the "
                    f"ceiling {self.ceiling:g} {unit}", i, "target")

    # -- conversion -------------------------------------------------------------------------
    def to_dict(self) -> dict:
        """Plain JSON-able dict; :meth:`from_dict` gives back an equal routine."""
        out: dict = {"name": self.name, "unit": self.unit}
        if self.area_cm2 is not None:
            out["area_cm2"] = self.area_cm2
        if self.ceiling is not None:
            out["ceiling"] = self.ceiling
        if self.description:
            out["description"] = self.description
        out["steps"] = [s.to_dict() for s in self.steps]
        return out

    @classmethod
    def from_dict(cls, d) -> "Routine":
        """Build and validate a routine from a dict (parsed TOML or JSON).

        Step tolerances may be written as ``"10%"`` (of the step's target) or as a number.
        Raises :class:`RoutineError` with ``step``/``key`` set to the offending place.
        """
        if not isinstance(d, dict):
            raise RoutineError(f"a routine must be a table of keys, not {type(d).__name__}")
        known = {"name", "unit", "area_cm2", "ceiling", "description", "steps"}
        for key in d:
            if key not in known:
                raise RoutineError(f"unknown key {key!r}; a routine has {', '.join(sorted(known))}", None, key)
        for key in ("name", "unit", "description"):
            if key in d and not isinstance(d[key], str):
                raise RoutineError(f"{key} must be text, not {d[key]!r}", None, key)
        if "name" not in d:
            raise RoutineError("a routine needs a name", None, None)
        raw_steps = d.get("steps")
        if not isinstance(raw_steps, list) or not raw_steps:
            raise RoutineError("a routine needs at least one [[steps]] table", None, "steps" if "steps" in d else None)
        steps = tuple(step_from_dict(s, i) for i, s in enumerate(raw_steps))
        kwargs = {}
        for key in ("area_cm2", "ceiling"):
            if d.get(key) is not None:
                kwargs[key] = number(d[key], key, key=key)
        return cls(name=d["name"], steps=steps, unit=d.get("unit", "N"),
                   description=d.get("description", ""), **kwargs)

    def to_json(self) -> str:
        return json.dumps(self.to_dict())

    def to_toml(self) -> str:
        """The routine as a TOML file in the format :func:`load_routine_file` reads."""
        return routine_toml(self.to_dict())

    def converted(self, unit: str, area_cm2: float | None = None) -> "Routine":
        """The same routine with every value in another display unit.

        The contact area used is ``area_cm2`` when given (the real tip or thumb), else the
        routine's own. Values go through newtons with that one area, so kPa -> kPa is unchanged
        whatever the area, and N -> kPa divides by the area.
        """
        unit = normalize_unit(unit)
        area = area_cm2 if area_cm2 is not None else self.area_cm2
        if unit == self.unit and area == self.area_cm2:
            return self

        def conv(v):
            return None if v is None else float(to_unit(from_unit(v, self.unit, area), unit, area))

        steps = tuple(
            Step(kind=s.kind, target=conv(s.target), tolerance=conv(s.tolerance), duration=s.duration,
                 rate=conv(s.rate), on_leave=s.on_leave, advance=s.advance, label=s.label)
            for s in self.steps
        )
        return Routine(name=self.name, steps=steps, unit=unit, area_cm2=area,
                       ceiling=conv(self.ceiling), description=self.description)

    def holds(self) -> list[int]:
        """Indices of the hold steps (what scoring judges)."""
        return [i for i, s in enumerate(self.steps) if s.kind == "hold"]
