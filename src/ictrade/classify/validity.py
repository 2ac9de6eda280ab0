"""Reference rows that hold for some months only: classification rules, split shares, region
members. Each is valid for the months ``valid_from``..``valid_to`` (month indexes, inclusive);
an empty bound in the file means open (``OPEN_START``/``OPEN_END``)."""

from __future__ import annotations

from dataclasses import dataclass

from ..months import OPEN_END, OPEN_START

FIRST, LAST = OPEN_START.index, OPEN_END.index


@dataclass(frozen=True, kw_only=True)
class Valid:
    valid_from: int  # month index, inclusive
    valid_to: int  # month index, inclusive

    def valid_at(self, month_index: int) -> bool:
        return self.valid_from <= month_index <= self.valid_to

    def overlaps(self, other: Valid) -> bool:
        return self.valid_from <= other.valid_to and other.valid_from <= self.valid_to

    def edges(self) -> set[int]:
        """The months where the row starts and stops holding (the month after its last)."""
        return {self.valid_from} | ({self.valid_to + 1} if self.valid_to < LAST else set())
