"""Session recordings: one crash-safe SQLite file per session, and a reader for every version.

Why blobs: one row per sample loads a one-hour 1 kHz session in seconds; samples stored as
little-endian arrays in rows of about half a second load it in a fraction of a second
(``np.frombuffer`` into preallocated arrays). The format is written down in
docs/recording-format.md; change it only together with that page and ``SCHEMA_VERSION``.

    schema.py   constants, SQL schema, metadata defaults, file names, creating a file
    rows.py     sample rows: blobs + CRC, encoded and decoded
    writer.py   RecordingWriter and its committer thread
    session.py  Recording: a session in memory, looked up by time
    reader.py   open_recording (a reader per schema version), read_summary
    salvage.py  what is still readable from a damaged file
    outputs.py  writing exports/reports beside recordings: atomic, never over a recording
"""

from .reader import open_recording, read_summary
from .schema import (
    APPLICATION_ID, COMMIT_INTERVAL_S, EVENT_KINDS, EXTENSION, KINDS, LABEL_KEYS, MAX_ROW_SAMPLES,
    ROW_SPAN_S, SCHEMA_VERSION, RecordedEvent, RecordingError, default_meta, is_recording_file,
    new_session_path, now_iso,
)
from .session import Recording
from .writer import RecordingWriter

__all__ = [
    "APPLICATION_ID", "COMMIT_INTERVAL_S", "EVENT_KINDS", "EXTENSION", "KINDS", "LABEL_KEYS",
    "MAX_ROW_SAMPLES", "ROW_SPAN_S", "SCHEMA_VERSION", "RecordedEvent", "Recording",
    "RecordingError", "RecordingWriter", "default_meta", "is_recording_file", "new_session_path",
    "now_iso", "open_recording", "read_summary",
]
