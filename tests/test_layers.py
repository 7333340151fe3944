"""The layering rules of docs/architecture.md, checked on the source: only ui/ imports Qt, only
transport.py imports pyserial (only transports/ bleak and bumble), and the package has no import circles between its modules
(none is allowed: the last one, exchange/columns.py <-> exchange/reader.py, ended when the
import report moved to a module of its own)."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "pressure"
WINDOW_BENCHMARKS = {"pressure.benchmarks.gui", "pressure.benchmarks.replay"}  # they time the window itself
KNOWN_CIRCLES: set[frozenset] = set()


def modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def imports_of(name: str, path: Path, known: dict) -> tuple[set[str], set[str]]:
    """(top-level names of outside packages, modules of the package) that ``path`` imports
    anywhere in it, at the top or inside a function."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    outside, inside = set(), set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for a in node.names:
                (inside if a.name in known else outside).add(a.name if a.name in known else a.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                base = node.module or ""
                if not base.startswith("pressure"):
                    outside.add(base.split(".")[0])
                    continue
            else:
                base = package
                for _ in range(node.level - 1):
                    base = base.rsplit(".", 1)[0]
                base = f"{base}.{node.module}" if node.module else base
            for a in node.names:
                target = f"{base}.{a.name}"
                inside.add(target if target in known else base)
    return outside, {m for m in inside if m in known and m != name}


def test_only_ui_imports_qt_and_only_the_transport_imports_pyserial():
    known = modules()
    for name, path in known.items():
        outside, _ = imports_of(name, path, known)
        if not name.startswith("pressure.ui") and name not in WINDOW_BENCHMARKS:
            assert not outside & {"PySide6", "pyqtgraph", "shiboken6"}, name
        if name != "pressure.transport":
            assert "serial" not in outside, name
        if not name.startswith("pressure.transports"):
            assert not outside & {"bleak", "bumble"}, name  # only the link adapters


def test_no_import_circles_between_modules():
    known = modules()
    graph = {name: imports_of(name, path, known)[1] for name, path in known.items()}
    packages = {n for n, p in known.items() if p.name == "__init__.py"}
    circles = set()
    for a, edges in graph.items():
        if a in packages:
            continue
        stack, seen = [(b, (a, b)) for b in edges if b not in packages], set()
        while stack:  # every path from a through modules (not package __init__s) back to a
            node, trail = stack.pop()
            if node == a:
                circles.add(frozenset(trail))
                continue
            if node in seen:
                continue
            seen.add(node)
            stack.extend((n, trail + (n,)) for n in graph.get(node, ()) if n not in packages)
    assert circles <= KNOWN_CIRCLES, sorted(map(sorted, circles - KNOWN_CIRCLES))
