"""The clinical record end to end: a client, two sites on both sides, PPT before and after a held
treatment, two visits (the first built directly, the second run in the live window on a scripted
sensor with its keys); the window's summary, ``report --client --json``, the HTML page and the
PDF agree on every number; erase removes every trace and says how many files; the archive
re-imports on a clean library."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import date

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from clinical_data import hold_recording, ppt_recording
from pressure.cli import main
from pressure.clinical import clients
from pressure.clinical.report import fmt, fmt_signed
from pressure.filters import make_filter
from pressure.recording import RecordingWriter, open_recording
from pressure.routine import Routine, Step
from pressure.session.meta import session_meta
from pressure.session.pipeline import Pipeline
from pressure.session.recorder import Recorder
from pressure.session.scripted import ManualClock, ScriptedSource
from pressure.paths import sessions_dir
from pressure.ui.audio import Silent
from pressure.ui.clinical_bar import install_clinical_bar
from pressure.ui.main_window import MainWindow
from pressure.ui.session_bar import install_session_bar

RATE = 100.0
STEP = 0.1  # seconds of samples per drawn frame
PPT = Routine(name="ppt quick", unit="kPa", area_cm2=1.0, ceiling=1000.0, description="",
              steps=[s for _ in range(3) for s in (Step("threshold", rate=150.0, label="trial"),
                                                    Step("release", duration=0.5, label="release"),
                                                    Step("rest", duration=0.3, label="rest"))])
HOLD = Routine(name="hold quick", unit="N", area_cm2=None, ceiling=100.0, description="",  # another unit
               steps=[Step("ramp", target=30.0, label="press"), Step("hold", target=30.0, tolerance=3.0,
                                                                      duration=3.0, label="hold"),
                      Step("release", duration=0.5, label="release")])


class Visit:
    """The live window on a scripted sensor, recording, with the session and clinical bars."""

    def __init__(self, qtbot, client):
        self.qtbot = qtbot
        self.clock = ManualClock()
        self.source = ScriptedSource(self.clock, rate=RATE)
        filt = make_filter("none")
        self.path = sessions_dir() / f"{date.today().isoformat()}_live.pressure"
        meta = session_meta(routine=PPT, filt=filt, unit="kPa", area_cm2=1.0,
                            labels={"client": client, "practitioner": "Dr P"}, source="simulator", url="sim")
        self.pipeline = Pipeline(self.source, PPT, filt, recorder=Recorder(RecordingWriter(self.path, meta), self.source),
                                 clock=self.clock)
        self.window = MainWindow(self.pipeline, audio=Silent("test"), window_seconds=10.0,
                                 recording_path=str(self.path))
        self.window.timer.stop()
        qtbot.addWidget(self.window)
        install_session_bar(self.window)
        self.bar = install_clinical_bar(self.window)
        self.window.show()
        qtbot.waitExposed(self.window)
        self.window.activateWindow()
        self.summaries = []

    def push(self, values_n) -> None:
        for i in range(0, len(values_n), int(STEP * RATE)):
            self.source.push(list(values_n[i:i + int(STEP * RATE)]))
            self.window._tick()

    def key(self, *keys) -> None:
        from PySide6.QtWidgets import QApplication

        if QApplication.activeWindow() is not self.window:  # shortcuts act in the active window
            self.window.activateWindow()
            self.qtbot.waitUntil(lambda: QApplication.activeWindow() is self.window, timeout=3000)
        for k in keys:
            QTest.keyClick(self.window, k)

    def place(self, site, side, phase) -> None:
        self.bar.site.setEditText(site)
        self.bar.side.setCurrentText(side)
        self.bar.phase.setCurrentText(phase)
        self.bar.apply()

    def ppt_set(self, peaks_kpa, pains) -> None:
        self.pipeline.set_routine(PPT)
        for peak, pain in zip(peaks_kpa, pains):
            up = np.linspace(0.0, peak / 10.0, int(2.0 * RATE))
            self.push(up)
            self.key(Qt.Key.Key_P)
            self.push(np.zeros(int(1.2 * RATE)))
            if pain is not None:
                self.key(Qt.Key.Key_N, *(getattr(Qt.Key, f"Key_{d}") for d in str(pain)))
        self.summaries.append(self.bar.summary.text())

    def hold(self) -> None:
        self.pipeline.set_routine(HOLD)
        t = np.arange(0, 5.5, 1 / RATE)
        self.push(np.clip(t / 1.0, 0, 1) * 30.0 + 0.3 * np.sin(t * 5))
        self.push(np.zeros(int(1.0 * RATE)))
        self.key(Qt.Key.Key_N, Qt.Key.Key_3)


def _numbers(text: str) -> set[str]:
    return set(re.findall(r"[+-]?\d+\.\d", text))


def test_a_client_over_two_visits_agrees_everywhere_then_moves_and_is_erased(qtbot, tmp_path, capsys, monkeypatch):
    anna = clients.add_client("Anna Berg")
    first = "2026-11-01"
    folder = sessions_dir()
    ppt_recording(folder / "v1a.pressure", started_at=f"{first}T10:00:00+01:00", client="Anna Berg",
                  client_id=anna.id, sets=[(s, side, "before", [200 + k, 210 + k, 220 + k], [5, None, None])
                                           for k, (s, side) in enumerate([("upper trapezius", "left"),
                                                                          ("upper trapezius", "right"),
                                                                          ("gluteus medius", "left"),
                                                                          ("gluteus medius", "right")])])
    hold_recording(folder / "v1b.pressure", started_at=f"{first}T10:10:00+01:00", client="Anna Berg",
                   client_id=anna.id, site="upper trapezius", side="left", hold_s=4.0)
    ppt_recording(folder / "v1c.pressure", started_at=f"{first}T10:20:00+01:00", client="Anna Berg",
                  client_id=anna.id, sets=[("upper trapezius", "left", "after", [240, 250, 245], [3, 3, 2])])

    visit = Visit(qtbot, "Anna Berg")  # a listed client: the recording gets her id at once
    for k, (site, side) in enumerate([("upper trapezius", "left"), ("upper trapezius", "right"),
                                      ("gluteus medius", "left"), ("gluteus medius", "right")]):
        visit.place(site, side, "before")
        visit.ppt_set([260 + 10 * k, 275 + 10 * k, 270 + 10 * k], [6, None, 10][: 3])
    visit.place("upper trapezius", "left", "")
    visit.hold()
    visit.place("upper trapezius", "left", "after")
    visit.ppt_set([320, 330, 325], [2, None, None])
    previous = visit.bar.previous.text()
    line = visit.bar.previous_line.line  # the previous visit's value, faint, on the trace
    assert line.isVisible()
    line_value = line.value()
    marker_count = len(visit.pipeline.markers)
    visit.key(Qt.Key.Key_1)  # outside the pain mode 1 is still a marker key
    visit.window._tick()
    assert len(visit.pipeline.markers) == marker_count + 1
    visit.window.close()
    visit.pipeline.close()

    rec = open_recording(visit.path)
    assert rec.meta["labels"]["client_id"] == anna.id
    pains = [e.data["nrs"] for e in rec.events if e.kind == "pain"]
    assert pains == [6, 10] * 4 + [3, 2]

    assert main(["report", "--client", "anna berg", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    today = date.today().isoformat()
    assert data["visits"] == [first, today]
    sets = {(s["visit"], s["site"], s["side"], s["phase"]): s for s in data["sets"]}
    assert len(sets) == 10
    live = sets[(today, "upper trapezius", "left", "after")]
    assert live["pain"] == [2, None, None]
    # the window's summary after each set says the JSON's numbers
    for text, (site, side, phase) in zip(visit.summaries, [("upper trapezius", "left", "before"),
                                                           ("upper trapezius", "right", "before"),
                                                           ("gluteus medius", "left", "before"),
                                                           ("gluteus medius", "right", "before"),
                                                           ("upper trapezius", "left", "after")]):
        s = sets[(today, site, side, phase)]
        assert f"mean {fmt(s['mean'])}" in text and f"CV {fmt(s['cv_pct'])} %" in text, text
        assert all(fmt(v) in text for v in s["trials"])
    both = next(d for d in data["sides"] if d["visit"] == today and d["site"] == "upper trapezius")
    assert f"left/right {fmt_signed(both['diff_pct'])} %" in visit.summaries[1]
    assert f"mean {fmt(sets[(first, 'upper trapezius', 'left', 'after')]['mean'])}" in previous
    assert line_value == pytest.approx(sets[(first, "upper trapezius", "left", "after")]["mean"])
    assert data["holds"] and data["holds"][-1]["pain"] == 3 and data["holds"][-1]["visit"] == today

    # every number of the JSON, as the pages print it, is in the HTML page and in the PDF
    expected = set()
    for s in data["sets"]:
        expected |= {fmt(s["mean"]), fmt(s["cv_pct"]), fmt(s["sd"]), *(fmt(v) for v in s["trials"])}
    for entry in data["sites"]:
        for c in [v["treatment"] for v in entry["visits"] if v["treatment"]] + entry["across_visits"]:
            expected |= {fmt_signed(c["change"]), fmt_signed(c["change_pct"]), fmt(c["mdc"])}
    for d in data["sides"]:
        expected |= {fmt(d["left"]), fmt(d["right"]), fmt_signed(d["diff_pct"])}
    for h in data["holds"]:
        expected |= {fmt(h["time_in_band_pct"]), fmt(h["cv_pct"])}
    html_path, pdf_path = tmp_path / "anna.html", tmp_path / "anna.pdf"
    assert main(["report", "--client", "Anna Berg", "--html", str(html_path), "--pdf", str(pdf_path)]) == 0
    page = html_path.read_text(encoding="utf-8")
    assert expected <= _numbers(page), expected - _numbers(page)
    assert pdf_path.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf_path), "-"], capture_output=True, text=True, check=True).stdout
        found = _numbers(text.replace("\u2212", "-"))
        assert expected <= found, expected - found

    # portability: the archive re-imports on a clean library with the same numbers
    archive = tmp_path / "anna.zip"
    assert main(["clients", "export", "Anna Berg", str(archive)]) == 0
    home = tmp_path / "clean"
    monkeypatch.setenv("PRESSURE_HOME", str(home))
    assert main(["clients", "import", str(archive)]) == 0
    capsys.readouterr()
    assert main(["report", "--client", "Anna Berg", "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["sets"] == data["sets"] and again["sites"] == data["sites"]

    # erasure: every trace, and how many files
    files = list(sessions_dir().glob("*.pressure"))
    assert len(files) == 4  # the first visit's three, the window's one
    assert main(["clients", "erase", "Anna Berg", "--yes"]) == 0
    out = capsys.readouterr().out
    assert "4 files removed" in out, out
    assert not list(sessions_dir().glob("*.pressure"))
    assert main(["report", "--client", "Anna Berg"]) == 1
