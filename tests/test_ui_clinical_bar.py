"""The clinical toolbar's keys and dialogs: the pain mode never takes a marker key for good nor
leaves fullscreen, notes go into the recording, the client report is written from the window."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog

from test_clinical_e2e import Visit
from pressure.clinical import clients
from pressure.recording import open_recording


def test_pain_mode_digits_ten_cancel_and_timeout(qtbot):
    clients.add_client("Anna Berg")
    visit = Visit(qtbot, "Anna Berg")
    visit.push([0.0] * 50)
    bar = visit.bar
    visit.key(Qt.Key.Key_N)
    assert bar.pain.active and not visit.window.actions["marker:1"].isEnabled()
    assert not visit.window.actions["leave_fullscreen"].isEnabled(), "Esc cancels the rating instead"
    visit.key(Qt.Key.Key_Escape)
    assert not bar.pain.active and visit.window.actions["marker:1"].isEnabled()
    visit.key(Qt.Key.Key_N, Qt.Key.Key_1)
    assert bar.pain.active, "1 may become 10"
    qtbot.waitUntil(lambda: not bar.pain.active, timeout=3000)  # no 0 came: it was a 1
    visit.key(Qt.Key.Key_N, Qt.Key.Key_7)
    markers = len(visit.pipeline.markers)
    visit.key(Qt.Key.Key_2)  # the mode is over: a marker again
    visit.push([0.0] * 10)
    assert len(visit.pipeline.markers) == markers + 1
    bar.side.setCurrentText("left")
    visit.key(Qt.Key.Key_F6)
    assert bar.place().side == "right"
    visit.key(Qt.Key.Key_F7)
    assert bar.place().phase == "before"
    bar.set_notes("  tender band, referred pain to the temple ")
    visit.window.close()
    visit.pipeline.close()
    rec = open_recording(visit.path)
    assert [e.data["nrs"] for e in rec.events if e.kind == "pain"] == [1, 7]
    assert rec.meta["labels"]["notes"] == "tender band, referred pain to the temple"
    assert rec.meta["labels"]["client_id"] == clients.get_client("Anna Berg").id
    assert rec.meta["labels"]["side"] == "right" and rec.meta["labels"]["phase"] == "before"
    assert [e.data["side"] for e in rec.events if e.kind == "site"][-2:] == ["right", "right"]


def test_client_report_from_the_window(qtbot, tmp_path, monkeypatch):
    clients.add_client("Anna Berg")
    visit = Visit(qtbot, "Anna Berg")
    visit.place("levator scapulae", "right", "before")
    visit.ppt_set([250, 260, 255], [None, None, None])
    visit.pipeline.close()
    out = tmp_path / "anna.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(out), "")))
    visit.bar.report_action.trigger()
    assert out.read_bytes().startswith(b"%PDF")
    page = out.with_suffix(".html").read_text(encoding="utf-8")
    assert "levator scapulae right" in page and "255.0" in page
    assert QApplication.activeWindow() is not None
    visit.window.close()


def test_choosing_a_site_gives_the_keys_back_to_the_pedal(qtbot):
    from PySide6.QtTest import QTest

    visit = Visit(qtbot, "")
    visit.push([0.0] * 20)
    box = visit.bar.site
    box.lineEdit().setFocus()
    qtbot.waitUntil(box.lineEdit().hasFocus, timeout=3000)
    box.lineEdit().setText("infraspinatus")  # (typing opens the completion popup offscreen cannot show)
    QTest.keyClick(box.lineEdit(), Qt.Key.Key_Return)
    assert visit.bar.place().site == "infraspinatus"
    assert not box.lineEdit().hasFocus(), "P from the pedal would be typed into the site box"
    visit.window.close()
    visit.pipeline.close()


def test_a_client_not_yet_in_the_list_is_offered_to_be_added(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    visit = Visit(qtbot, "Carl Nilsson")
    visit.place("gluteus medius", "left", "before")
    visit.ppt_set([300, 310, 305], [None, None, None])
    visit.pipeline.close()
    out = tmp_path / "carl.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(out), "")))
    monkeypatch.setattr(QMessageBox, "exec", lambda self: QMessageBox.StandardButton.Yes)
    visit.bar.report_action.trigger()
    assert clients.get_client("Carl Nilsson")
    assert "gluteus medius left" in out.with_suffix(".html").read_text(encoding="utf-8")
    visit.window.close()
