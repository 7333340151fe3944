"""CSV exchange with other tools: export a recording, import another tool's force log.

Import reads what force-training apps, rocket test stands and Arduino loggers write: it finds
the header below an optional metadata block, picks the time and force columns by name, works
out their units, keeps irregular and duplicate time stamps, skips garbage rows (naming them)
and says everything it assumed.

    export.py    export_csv: a recording -> CSV with a metadata header, a chunk at a time
    numtext.py   a chunk's number cells as text in numpy (only where it reads back exactly)
    zones.py     the coach's zone per sample, rebuilt from its events
    table.py     finding the table: lines, cells, numbers, header row, metadata block
    columns.py   which column is time / force, and their units
    layout.py    the file's shape from its first lines: header, separator, columns
    body.py      the rows below the header, a block of a few MB at a time (numpy, else line by line)
    ordering.py  rows in time order as blocks stream through; time step figures
    importreport.py  ImportReport: what the import understood and assumed
    reader.py    CsvRows (blocks of rows), read_csv (all of them)
    importer.py  import_csv: CSV -> a recording, block by block
"""

from .columns import FORCE_NAMES, TIME_NAMES, TIME_UNITS
from .export import export_csv
from .importer import import_csv
from .reader import GARBAGE_LIMIT, HEADER_SCAN_LINES, CsvRows, ImportedTrace, ImportReport, read_csv
from .table import EXPORT_TITLE, MAX_LINE_CHARS
from .zones import zones_from_events

__all__ = [
    "EXPORT_TITLE", "FORCE_NAMES", "GARBAGE_LIMIT", "HEADER_SCAN_LINES", "MAX_LINE_CHARS",
    "CsvRows", "TIME_NAMES", "TIME_UNITS", "ImportReport", "ImportedTrace", "export_csv",
    "import_csv", "read_csv", "zones_from_events",
]
