"""Screenshots (they show the client's name) and the class table are written like every other
output: whole or not at all, 0600, never over a recording; a write stopped by SIGTERM (a
`timeout`) leaves no temporary file behind."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from pressure.errors import PressureError
from pressure.recording import RecordingWriter

REPO = Path(__file__).resolve().parent.parent

STOPPED_WRITE = """
import os, signal, sys
from pressure.recording.outputs import write_atomic

def write(fh):
    fh.write("half of it\\n")
    fh.flush()
    os.kill(os.getpid(), signal.SIGTERM)  # as `timeout` does
    fh.write("the rest\\n")

write_atomic(sys.argv[1], write, force=False, what="CSV export")
"""


def test_a_write_stopped_by_sigterm_leaves_no_temporary_file(tmp_path):
    out = tmp_path / "x.csv"
    proc = subprocess.run([sys.executable, "-c", STOPPED_WRITE, str(out)], cwd=REPO,
                          env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True)
    assert proc.returncode != 0
    assert list(tmp_path.iterdir()) == []


STOPPED_EXPORT = """
import os, signal, sys
import numpy as np
from pressure.cli import main
from pressure.exchange import export as export_module
from pressure.recording import RecordingWriter
from pressure.samples import Block

with RecordingWriter(sys.argv[1]) as w:
    t = np.arange(200) / 100.0
    w.append(Block.make(t, t, t))
real = export_module.write_rows

def write_rows(*args):
    real(*args)
    os.kill(os.getpid(), signal.SIGTERM)  # as `timeout` does, halfway through

export_module.write_rows = write_rows
code = main(["export", sys.argv[1], "--csv", sys.argv[2]])
assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL  # put back
sys.exit(code)
"""


def test_the_export_command_stopped_by_sigterm_exits_130_and_leaves_nothing(tmp_path):
    rec = tmp_path / "s.pressure"
    proc = subprocess.run([sys.executable, "-c", STOPPED_EXPORT, str(rec), str(tmp_path / "s.csv")],
                          cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True)
    assert proc.returncode == 130, proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.pressure"]


def test_a_screenshot_is_private_whole_and_never_over_a_recording(qtbot, tmp_path):
    from PySide6.QtWidgets import QLabel

    from pressure.ui.png import save_png

    label = QLabel("client: Anna")
    qtbot.addWidget(label)
    label.show()
    out = tmp_path / "shot.png"
    out.write_bytes(b"old")
    os.chmod(out, 0o644)
    save_png(label, out)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert out.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["shot.png"]
    rec = tmp_path / "s.pressure"
    with RecordingWriter(rec) as w:
        import numpy as np
        from pressure.samples import Block

        w.append(Block.make(np.arange(3.0), np.arange(3.0), np.arange(3.0)))
    before = rec.read_bytes()
    with pytest.raises(PressureError, match="is a recording"):
        save_png(label, rec)
    assert rec.read_bytes() == before


@pytest.mark.parametrize("kind", ["csv", "html"])
def test_the_class_table_is_private_and_whole(tmp_path, kind):
    pytest.importorskip("PySide6")
    from pressure.ui.classroom_window import ClassroomWindow

    shown = []
    fake = SimpleNamespace(rows=lambda: [], room=SimpleNamespace(url=SimpleNamespace(room="lab")),
                           statusBar=lambda: SimpleNamespace(showMessage=shown.append))
    out = tmp_path / f"class.{kind}"
    assert ClassroomWindow.export(fake, str(out), kind) == out
    assert out.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == [out.name]
    rec = tmp_path / "s.pressure"
    with RecordingWriter(rec) as w:
        import numpy as np
        from pressure.samples import Block

        w.append(Block.make(np.arange(3.0), np.arange(3.0), np.arange(3.0)))
    assert ClassroomWindow.export(fake, str(rec), kind) is None  # never over a recording
    assert "recording" in shown[-1]
