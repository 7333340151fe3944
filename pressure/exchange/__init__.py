"""CSV exchange with other tools: export a recording, import another tool's force log.

Import reads what force-training apps, rocket test stands and Arduino loggers write: it finds
the header below an optional metadata block, picks the time and force columns by name, works
out their units, keeps irregular and duplicate time stamps, skips garbage rows (naming them)
and says everything it assumed.

    export.py    export_csv: a recording -> CSV with a metadata header
    zones.py     the coach's zone per sample, rebuilt from its events
    table.py     finding the table: lines, cells, numbers, header row, metadata block
    columns.py   which column is time / force, and their units
    reader.py    read_csv: rows -> arrays, ImportReport
    importer.py  import_csv: CSV -> a recording
"""

from .columns import FORCE_NAMES, TIME_NAMES, TIME_UNITS
from .export import export_csv
from .importer import import_csv
from .reader import GARBAGE_LIMIT, HEADER_SCAN_LINES, MAX_ROWS, ImportedTrace, ImportReport, read_csv
from .table import EXPORT_TITLE, MAX_LINE_CHARS
from .zones import zones_from_events

__all__ = [
    "EXPORT_TITLE", "FORCE_NAMES", "GARBAGE_LIMIT", "HEADER_SCAN_LINES", "MAX_LINE_CHARS",
    "MAX_ROWS", "TIME_NAMES", "TIME_UNITS", "ImportReport", "ImportedTrace", "export_csv",
    "import_csv", "read_csv", "zones_from_events",
]
