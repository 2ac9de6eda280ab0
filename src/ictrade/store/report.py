"""What a load of a file did: lines added, their vintages, and months that look incomplete."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True)
class IngestReport:
    origin: str
    lines_seen: int
    lines_added: int
    already_loaded: bool = False
    vintages: tuple[dt.date, ...] = ()  # of the lines added
    vintage_note: str = ""  # where the vintage came from, when the file did not say
    incomplete: tuple[str, ...] = ()  # the batch's months that look incomplete, described
    noun: ClassVar[str] = "lines"  # what a row of the file is, in the summary
    skipped_note: ClassVar[str] = "identical to stored lines"

    def summary(self) -> str:
        if self.already_loaded:
            return f"{self.origin}: already loaded; nothing changed"
        skipped = self.lines_seen - self.lines_added
        extra = f" ({skipped} {self.skipped_note}, skipped)" if skipped else ""
        text = f"{self.origin}: {self.lines_added} {self.noun} added of {self.lines_seen}{extra}"
        if self.vintages:
            first, last = self.vintages[0], self.vintages[-1]
            span = f"vintage {first}" if first == last else f"vintages {first} to {last}"
            text += f", as {span}" + (f" ({self.vintage_note})" if self.vintage_note else "")
        return text

    def warnings(self) -> list[str]:
        """What a user must know before releasing what was loaded."""
        return [
            f"warning: {month}; 'ictrade release' refuses the month until its lines are complete"
            for month in self.incomplete
        ]
