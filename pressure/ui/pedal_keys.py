"""The foot pedal's keys act on the live window wherever the focus is, dialogs included.

A pedal types keys; the practitioner's hands are on the patient. With F1's key list, F9's
summary or Settings open, the window's shortcuts do not fire (the dialog is the active
window), so M, T, Space and P did nothing. :class:`PedalKeys` is an event filter (on the
window, and on the application while a dialog has the keys) that takes those keys (also with
Shift, as some pedals send them) for its window and the dialogs it owns, and runs the
window's own handlers, except while the focus is in a text field, where they are typed. Space goes to :class:`~pressure.ui.space_key.SpaceKey` (press
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
_BLOCKING = (QEvent.Type.WindowBlocked, QEvent.Type.WindowUnblocked)


class PedalKeys(QObject):
    """The pedal's keys for one window; removed with the window.

    An application-wide event filter sees every event of the program (each paint, timer and
    layout event of every widget, 60 frames a second), and in Python each costs a call with two
    wrapped objects: about a tenth of the GUI thread's time in a hold. So the filter sits on the
    window and on the widget that has its focus (keys reach that widget first, then its parents
    up to the window) while the window is the active one, and on the application only while
    another window of ours has the keys: a dialog over it, modal (the window is blocked) or not."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.space = SpaceKey(window)
        self._app_wide = False
        self._focus: QWidget | None = None  # the window's focus widget we filter (besides the window)
        self._blocked = False  # a modal dialog is open over the window
        self._released = False
        window.installEventFilter(self)
        app = QApplication.instance()
        app.focusChanged.connect(self._focus_changed)
        app.focusWindowChanged.connect(self._follow_active_window)
        self._focus_changed(None, QApplication.focusWidget())
        self._follow_active_window()

    def _focus_changed(self, _old, new) -> None:
        """Filter the window's new focus widget too, so a focused widget (a button, a list)
        never takes the pedal's Space before the window does."""
        if self._focus is not None:
            try:
                self._focus.removeEventFilter(self)
            except RuntimeError:  # already deleted
                pass
            self._focus = None
        if isinstance(new, QWidget) and new is not self.window and new.window() is self.window:
            new.installEventFilter(self)
            self._focus = new
        self._follow_active_window()

    def _follow_active_window(self, *_args) -> None:
        """Application-wide while a modal dialog blocks the window or another window is active."""
        active = QApplication.activeWindow()
        # (a dialog just closed can still be the active window until another one is)
        wanted = self._blocked or (active is not None and active is not self.window and active.isVisible())
        if wanted != self._app_wide:
            app = QApplication.instance()
            (app.installEventFilter if wanted else app.removeEventFilter)(self)
            self._app_wide = wanted

    def release(self) -> None:
        """The window closes: no filter of ours stays on the application (once: a window can
        be closed more than once)."""
        if self._released:
            return
        self._released = True
        if self._app_wide:
            QApplication.instance().removeEventFilter(self)
            self._app_wide = False
        app = QApplication.instance()
        for signal, slot in ((app.focusChanged, self._focus_changed),
                             (app.focusWindowChanged, self._follow_active_window)):
            signal.disconnect(slot)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt API
        etype = event.type()
        if etype not in _TYPES or not isinstance(obj, QWidget):
            if obj is self.window and etype in _BLOCKING:  # a modal dialog opens (closes) over it
                self._blocked = etype == QEvent.Type.WindowBlocked
                self._follow_active_window()
            return False  # every other event passes at once
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
