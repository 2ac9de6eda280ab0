"""Flash figures in, panel out: the shipped history, and panels of flash figures.

Flash files are read by ``sources.flash`` (the one reader, also used by ``ictrade ingest``).

A *panel* maps a series (item_key, partner_ko) to its months (month index, see
``Month.index``) and, for each month, the cumulative value at each cut present (10, 20, 30;
30 is the whole month, the final figure).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import pyarrow.parquet as pq

from ..months import Month
from ..sources.flash import FlashFigure, Series

__all__ = ["HISTORY", "FlashFigure", "Panel", "Series", "build_panel", "shipped_history"]

HISTORY = "flash_10day_2022_2025.parquet"


@dataclass
class Panel:
    """Flash and final figures by series, month index and cut; later additions win."""

    values: dict[Series, dict[int, dict[int, float]]] = field(default_factory=dict)
    units: dict[Series, str] = field(default_factory=dict)

    def add(self, figures: Iterable[FlashFigure]) -> Panel:
        for f in figures:
            self.values.setdefault(f.series, {}).setdefault(f.month.index, {})[f.cut] = f.value
            self.units.setdefault(f.series, f.unit)
        return self

    def months(self) -> list[int]:
        return sorted({m for months in self.values.values() for m in months})


@lru_cache(maxsize=1)
def shipped_history() -> tuple[FlashFigure, ...]:
    """The 2022-2025 flash and final figures shipped with the package (see PROVENANCE.md)."""
    ref = resources.files("ictrade").joinpath("datasets", "kcs_flash_10day", HISTORY)
    with resources.as_file(ref) as path:
        table = pq.read_table(path).to_pylist()
    return tuple(
        FlashFigure(
            (r["item_key"], r["partner_ko"]),
            r["unit"],
            Month.parse(str(r["month"])),
            int(r["cut_day"]),
            float(r["cum_value"]),
            str(r["month"]),
        )
        for r in table
    )


def build_panel(*sources: Iterable[FlashFigure]) -> Panel:
    """Merge sources in order; a later source's figure replaces an earlier one's."""
    panel = Panel()
    for source in sources:
        panel.add(source)
    return panel
