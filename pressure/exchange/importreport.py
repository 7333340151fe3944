"""ImportReport: what the importer understood and assumed, for the user."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class ImportReport:
    """What the importer understood and assumed, for the user (printed by ``import``)."""

    source: Path
    delimiter: str = ","
    header_line: int | None = None
    time_column: str = ""
    time_unit: str = "s"
    force_column: str = ""
    force_unit: str = "N"
    rows: int = 0
    skipped: int = 0
    bad_rows: list[tuple[int, str]] = field(default_factory=list)  # first few (line, reason)
    out_of_order: int = 0
    duplicates: int = 0
    rate_hz: float | None = None
    time_offset_s: float = 0.0  # the source's first time stamp (times are stored from 0)
    marker_column: str | None = None  # the column whose text became marker events
    events: dict = field(default_factory=dict)  # kind -> how many events the import keeps
    metadata: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        delim = {"\t": "tab", " ": "spaces"}.get(self.delimiter, repr(self.delimiter))
        out = [f"read {self.source.name}: header on line {self.header_line}, separated by {delim}"
               if self.header_line else f"read {self.source.name}: no header row, separated by {delim}",
               f"time:  column {self.time_column!r} in {self.time_unit}",
               f"force: column {self.force_column!r} in {self.force_unit}",
               f"rows:  {self.rows} kept, {self.skipped} skipped"
               + (f", rate ~{self.rate_hz:.4g} samples/s" if self.rate_hz else "")]
        for line, reason in self.bad_rows:
            out.append(f"  skipped line {line}: {reason}")
        if self.skipped > len(self.bad_rows):
            out.append(f"  ... and {self.skipped - len(self.bad_rows)} more skipped lines")
        if self.events:
            where = (f"from column {self.marker_column!r}" if self.marker_column
                     else "from the export's '# event:' lines")
            out.append(f"events: {', '.join(f'{n} {k}' for k, n in self.events.items())} ({where})")
        if self.metadata:
            out.append("metadata: " + ", ".join(f"{k}={v}" for k, v in list(self.metadata.items())[:8]))
        out.extend(f"note: {n}" for n in self.notes)
        return out
