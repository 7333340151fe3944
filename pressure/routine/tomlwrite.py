"""Writing a routine as a TOML file in the format :func:`~pressure.routine.load_routine_file`
reads. It works on the routine's dict, so the model can use it without importing the reader
(which imports the model)."""

from __future__ import annotations


def toml_value(v) -> str:
    if isinstance(v, str):
        # TOML basic string: escape the quote, the backslash and every control character
        # (TOML also forbids a raw DEL, which JSON allows).
        out = []
        for ch in v:
            if ch in '"\\':
                out.append("\\" + ch)
            elif ord(ch) < 0x20 or ord(ch) == 0x7F:
                out.append(f"\\u{ord(ch):04x}")
            else:
                out.append(ch)
        return '"' + "".join(out) + '"'
    if isinstance(v, bool):
        return "true" if v else "false"
    return repr(float(v)) if isinstance(v, float) else str(v)


def routine_toml(d: dict) -> str:
    """A routine's dict (``Routine.to_dict()``) as TOML text."""
    lines = []
    for key in ("name", "unit", "area_cm2", "ceiling", "description"):
        if key in d:
            lines.append(f"{key} = {toml_value(d[key])}")
    for step in d["steps"]:
        lines.append("")
        lines.append("[[steps]]")
        lines.extend(f"{k} = {toml_value(v)}" for k, v in step.items())
    return "\n".join(lines) + "\n"
