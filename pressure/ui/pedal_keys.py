"""The foot pedal's keys act on the live window wherever the focus is, dialogs included.

A pedal types keys; the practitioner's hands are on the patient. With F1's key list, F9's
summary or Settings open, the window's shortcuts do not fire (the dialog is the active
window), so M, T, Space and P did nothing. :class:`PedalKeys` is an application-wide event
filter that takes those keys (also with Shift, as some pedals send them) for its window and
the dialogs it owns, and runs the window's own handlers, except while the focus is in a text
field, where they are typed. Space goes to :class:`~pressure.ui.space_key.SpaceKey` (press
and release, for the double and long press); auto-repeated events of a held key are dropped,
so a held pedal is one press (a held T must never confirm its own tare).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QLineEdit, QPlainTextEdit, QTextEdit, QWidget

from .space_key import SpaceKey

TEXT_FIELDS = (QLineEdit, QTextEdit, QPlainTextEdit, QAbstractSpinBox)
# key -> the window action it runs (Space: the gesture)
PEDAL_KEYS = {Qt.Key.Key_Space: "space", Qt.Key.Key_T: "tare", Qt.Key.Key_M: "marker:M",
              Qt.Key.Key_P: "threshold"}
_PLAIN = (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier)
_TYPES = (QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.ShortcutOverride)


class PedalKeys(QObject):
    """Installed on the QApplication for one window; removed with the window."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.space = SpaceKey(window)
        QApplication.instance().installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt API
        etype = event.type()
        if etype not in _TYPES or not isinstance(obj, QWidget):
            return False  # every other event of the application passes at once
        name = PEDAL_KEYS.get(event.key())
        if name is None or event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier not in _PLAIN:
            return False
        if _typing_into(obj) or _typing_into(QApplication.focusWidget()):
            return False  # typed into the field
        if not self._owns(obj):
            return False
        if etype == QEvent.Type.ShortcutOverride:
            event.accept()  # no shortcut: the key press comes to this filter
            return True
        if event.isAutoRepeat():
            return True
        if name == "space":
            if etype == QEvent.Type.KeyPress:
                self.space.press()
            else:
                self.space.release()
        elif etype == QEvent.Type.KeyPress:
            self.window.actions[name].trigger()
        return True  # taken: a focused button in a dialog must not click on Space

    def _owns(self, widget: QWidget) -> bool:
        """True for the window and the dialogs opened over it (not another pedal window's)."""
        top = widget.window()
        while top is not None:
            if top is self.window:
                return True
            if isinstance(getattr(top, "pedal", None), PedalKeys):
                return False
            parent = top.parentWidget()
            top = parent.window() if parent is not None else None
        return False


def _typing_into(widget) -> bool:
    """True for a text field that takes typing; a read-only text (F9's summary) is no field."""
    return isinstance(widget, TEXT_FIELDS) and not widget.isReadOnly()


def install_pedal_keys(window) -> PedalKeys:
    return PedalKeys(window)
