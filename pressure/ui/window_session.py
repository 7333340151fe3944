"""The session a live window shows, and changing it: File > Sensor and New session put another
session in its place (it takes the classroom station over), REC changes its recording (a part
of :class:`~pressure.ui.main_window.MainWindow`). The window only observes the session.
"""

from __future__ import annotations


def as_session(session_or_pipeline, recording_path=None):
    """A Session for the window: itself, or a bare pipeline (a replay, tests) wrapped in one."""
    from ..session.session import Session

    if isinstance(session_or_pipeline, Session):
        return session_or_pipeline
    return Session.of(session_or_pipeline, recording_path)


class SessionView:
    """The window's session (a mixin of MainWindow)."""

    @property
    def pipeline(self):
        """The session's pipeline: what the window draws and its keys act on."""
        return self.session.pipeline

    def replace_session(self, session) -> None:
        """A new sensor or New session: the new session takes over the classroom station, the
        old one closes (its recording), the window starts fresh on the new one."""
        old = self.session
        old.hand_station_to(session)
        old.close()
        self.session = session
        self._pace_source()
        self.recording_changed()
        failed = old.pipeline.recorder_error
        if failed:  # the old recording failed as it closed (a full disk): where it went
            self.status.showMessage(f"Recording failed: {failed}")
        self._reset_view_state()
        self._apply_routine_look()

    def replace_pipeline(self, pipeline, recording_path: str | None = None) -> None:
        """:meth:`replace_session` with a pipeline made by hand (a replay's next file)."""
        self.replace_session(as_session(pipeline, recording_path))

    def recording_changed(self) -> None:
        """The status bar follows the session's recording (REC off/on, a new session)."""
        self._recording_path = self.session.recording_path
        self.status.set_recording(self._recording_path)
