"""Flash figures in, panel out: read 10-day flash CSV files and the shipped history.

A *panel* maps a series (item_key, partner_ko) to its months (month index, see
``Month.index``) and, for each month, the cumulative value at each cut present (10, 20, 30;
30 is the whole month, the final figure).
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pyarrow.parquet as pq

from ..errors import InputError, UsageError
from ..months import Month
from .calendar import CUTS

Series = tuple[str, str]
COLUMNS = (
    "item_key",
    "hs_code",
    "flow_ko",
    "unit",
    "partner_ko",
    "month",
    "cut_day",
    "cum_value",
)
REQUIRED = ("item_key", "partner_ko", "month", "cut_day", "cum_value")
HISTORY = "flash_10day_2022_2025.parquet"


@dataclass(frozen=True)
class Figure:
    """One flash figure: the series' cumulative value from day 1 to the cut."""

    series: Series
    unit: str
    month: Month
    cut: int
    value: float
    month_text: str


@dataclass
class Panel:
    """Flash and final figures by series, month index and cut; later additions win."""

    values: dict[Series, dict[int, dict[int, float]]] = field(default_factory=dict)
    units: dict[Series, str] = field(default_factory=dict)

    def add(self, figures: Iterable[Figure]) -> Panel:
        for f in figures:
            self.values.setdefault(f.series, {}).setdefault(f.month.index, {})[f.cut] = f.value
            self.units.setdefault(f.series, f.unit)
        return self

    def months(self) -> list[int]:
        return sorted({m for months in self.values.values() for m in months})


def _figure(row: dict[str, str], file: str, line: int) -> Figure:
    def bad(name: str, allowed: str) -> InputError:
        return InputError(f"'{row.get(name)}' is not {allowed}", file=file, line=line, field=name)

    try:
        month = Month.parse(row["month"])
    except UsageError:
        raise bad("month", "a month; use YYYYMM or YYYY-MM") from None
    try:
        cut = int(row["cut_day"])
    except ValueError:
        cut = -1
    if cut not in CUTS:
        raise bad("cut_day", "a cut; use 10, 20 or 30 (month end)")
    try:
        value = float(row["cum_value"])
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise bad("cum_value", "a number")
    series = (row["item_key"].strip(), row["partner_ko"].strip())
    if not all(series):
        raise bad("item_key" if not series[0] else "partner_ko", "a non-empty name")
    return Figure(series, (row.get("unit") or "").strip(), month, cut, value, row["month"].strip())


def read_flash_csv(path: str | Path) -> list[Figure]:
    """Read a flash CSV in the provisional_10day.csv layout. Only item_key, partner_ko, month,
    cut_day and cum_value are required; other columns are ignored."""
    name = str(path)
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
            if missing:
                raise InputError(
                    f"missing column(s) {', '.join(missing)}; required: {', '.join(REQUIRED)}",
                    file=name,
                    line=1,
                )
            return [_figure(row, name, line) for line, row in enumerate(reader, start=2)]
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", file=name) from None


@lru_cache(maxsize=1)
def shipped_history() -> tuple[Figure, ...]:
    """The 2022-2025 flash and final figures shipped with the package (see PROVENANCE.md)."""
    ref = resources.files("ictrade").joinpath("datasets", "kcs_flash_10day", HISTORY)
    with resources.as_file(ref) as path:
        table = pq.read_table(path).to_pylist()
    return tuple(
        Figure(
            (r["item_key"], r["partner_ko"]),
            r["unit"],
            Month.parse(str(r["month"])),
            int(r["cut_day"]),
            float(r["cum_value"]),
            str(r["month"]),
        )
        for r in table
    )


def build_panel(*sources: Iterable[Figure]) -> Panel:
    """Merge sources in order; a later source's figure replaces an earlier one's."""
    panel = Panel()
    for source in sources:
        panel.add(source)
    return panel
