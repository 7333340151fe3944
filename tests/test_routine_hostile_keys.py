"""A routine file whose key has thousands of dotted parts is refused before TOML parsing (whose
time grows with their square: 200,000 parts ran past 30 s, and `live` hung at start)."""

from __future__ import annotations

import pytest

from pressure.routine import get_routine
from pressure.routine.steps import RoutineError


@pytest.mark.parametrize("body", [
    "[" + ".".join(["a"] * 5000) + "]\n",
    ".".join(["a"] * 5000) + " = 1\n",
    'q = {' + ".".join(['"a"'] * 5000) + ' = 1}\n',
    "[[" + " . ".join(["a"] * 5000) + "]]\n",
])
def test_a_key_of_thousands_of_parts_is_refused_in_one_line(tmp_path, body):
    path = tmp_path / "deep.toml"
    path.write_text('name = "x"\n' + body)
    with pytest.raises(RoutineError, match=r"deep.toml, line 2: a dotted key of more than \d+ parts"):
        get_routine(str(path))


def test_ordinary_dotted_keys_and_dots_in_values_still_load(tmp_path):
    path = tmp_path / "ok.toml"
    path.write_text('name = "v1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16.17.18.19.20"\n'
                    'description = "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t"\n'
                    'meta.source.file = "x"\n'
                    '[[steps]]\nkind = "hold"\ntarget = 10.5\ntolerance = 1.5\nduration = 3.25\n')
    with pytest.raises(RoutineError) as err:  # an unknown top-level key, but parsed
        get_routine(str(path))
    assert "dotted key" not in str(err.value)
