"""Keep QtMultimedia quiet when sound is simply unavailable.

Without a sound server QtMultimedia prints about a dozen lines on every start (its FFmpeg
backend probing optional pipewire/VA-API libraries, its version, then "PulseAudioService:
pa_context_connect() failed" in Qt's *default* category). None of it is actionable for a
practitioner: the window already says "Sound is off" with the reason. So the qt.multimedia
logging categories are switched off before QtMultimedia is imported (``QT_LOGGING_RULES`` set by
the user still wins: Qt applies it after :meth:`QLoggingCategory.setFilterRules`), and the
PulseAudio line is dropped while the output devices are probed; any other message passes on.
With libpulse installed but no server, the probe also warns "QObject::connect(QObject, Unknown):
invalid nullptr parameter" (the PulseAudio service's context object was never made, when no
QApplication exists yet); that exact line is dropped during the probe only.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager

from PySide6.QtCore import QLoggingCategory, QtMsgType, qInstallMessageHandler

MULTIMEDIA_RULES = "qt.multimedia*=false\nqt.multimedia.*=false"
DROPPED_PREFIXES = ("PulseAudioService:", "PulseAudio:", "pa_context")
DROPPED_LINES = {"QObject::connect(QObject, Unknown): invalid nullptr parameter"}


def silence_multimedia_categories() -> None:
    """Call before the first ``import PySide6.QtMultimedia``: the probes log as it loads."""
    QLoggingCategory.setFilterRules(MULTIMEDIA_RULES)


@contextmanager
def quiet_sound_server_probe():
    """Drop the sound server's connection warnings while QtMultimedia looks for devices."""
    previous = None

    def handler(mode, context, message):
        if mode in (QtMsgType.QtWarningMsg, QtMsgType.QtInfoMsg, QtMsgType.QtDebugMsg) and \
                (str(message).startswith(DROPPED_PREFIXES) or str(message) in DROPPED_LINES):
            return
        if previous is not None:
            previous(mode, context, message)
        else:  # Qt's own handler is not callable from Python: print as it would
            print(message, file=sys.stderr)

    previous = qInstallMessageHandler(handler)
    try:
        yield
    finally:
        qInstallMessageHandler(previous)
