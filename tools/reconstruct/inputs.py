"""Inputs: published figures in scope, release vintages, months."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ictrade.classify import regions, taxonomy
from ictrade.months import Month, month_range

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "data-raw" / "reconstruct"
OUT = ROOT / "src" / "ictrade" / "datasets" / "default"
FIRST, LAST = Month(2013, 1), Month(2023, 12)  # the first stage (``published_figures.csv``)
# The extension: releases of 2024-01..2025-06, solved after the first stage, which it leaves as is.
EXTENSION = "published_figures_2024_2025h1.csv"
EXT_FIRST, EXT_LAST = Month(2024, 1), Month(2025, 6)
MONTHS = list(month_range(FIRST, LAST))
MI = {m: i for i, m in enumerate(MONTHS)}
FLOWS = ("export", "import")


@dataclass(frozen=True)
class Figure:
    row: int  # line number in published_figures.csv
    month: Month
    flow: str  # export, import, balance
    series: str
    region: str
    value: float | None  # USD millions
    prec: float | None
    yoy: float | None  # percent
    yprec: float | None
    vintage: dt.date
    note: str
    file: str = "published_figures.csv"

    def label(self) -> str:
        where = "" if self.file == "published_figures.csv" else f"{self.file} "
        return f"{self.month} {self.flow} {self.series}/{self.region} ({where}line {self.row})"


def _num(text: str) -> float | None:
    return float(text) if text.strip() else None


# Context rows used as soft targets: non-primary figures (other reports of a release, figures of
# earlier months quoted in later releases), unless the source notes them as doubtful.
_DOUBT = ("error", "sic", "misprint", "as printed", "contradict", "lists")


def load_figures(context: bool = False, file: str = "published_figures.csv",
                 first: Month = FIRST, last: Month = LAST) -> list[Figure]:
    """Primary figures in scope (series of taxonomy.csv, regions of regions.csv, months
    ``first``..``last``); with ``context``, the non-primary ones not noted as doubtful instead."""
    items, regs = set(taxonomy().ids), set(regions().ids)
    out = []
    with open(RAW / file, encoding="utf-8") as fh:
        for n, row in enumerate(csv.DictReader(fh), start=2):
            note = row["note"].lower()
            if context:
                if row["is_primary_source"] == "1":
                    continue
                if any(word in note for word in _DOUBT):
                    continue
            elif row["is_primary_source"] != "1":
                continue
            if row["series"] not in items or row["region"] not in regs:
                continue
            month = Month.parse(row["month"])
            if not first <= month <= last:
                continue
            out.append(Figure(n, month, row["flow"], row["series"], row["region"],
                              _num(row["value_usd_millions"]),
                              _num(row["stated_precision_usd_millions"]), _num(row["yoy_pct"]),
                              _num(row["yoy_precision_pct"]),
                              dt.date.fromisoformat(row["vintage"]), row["note"], file))
    return out


def without(f: Figure, parts: set[tuple[int, str]]) -> Figure:
    """The figure less its parts that cannot hold (they are neither fitted nor constrained)."""
    if (f.row, "level") in parts:
        f = dataclasses.replace(f, value=None, prec=None)
    if (f.row, "yoy") in parts:
        f = dataclasses.replace(f, yoy=None, yprec=None)
    return f


def release_dates(figures: list[Figure]) -> dict[Month, dt.date]:
    """Publication date of each month's own release: as published, else the nominal 15th."""
    dates = {m: dt.date((m + 1).year, (m + 1).month, 15) for m in month_range(FIRST, LAST + 12)}
    for f in figures:
        if Month.from_date(f.vintage) == f.month + 1:
            dates[f.month] = f.vintage
    return dates


class Vintages:
    """Each month M has its own release (P, preliminary) and the restatement by M+12's (C)."""

    def __init__(self, dates: dict[Month, dt.date]) -> None:
        self.dates = dates

    def own(self, m: Month) -> dt.date:
        return self.dates[m]

    def confirmed(self, m: Month) -> dt.date | None:
        return self.dates[m + 12] if m + 12 <= LAST else None

    def in_force(self, m: Month, as_of: dt.date) -> int | None:
        """0 (P) or 1 (C): which vintage of month m is seen as of a date; None if not yet out."""
        conf = self.confirmed(m)
        if conf is not None and conf <= as_of:
            return 1
        return 0 if self.own(m) <= as_of else None


def constrained_set(figs: list[Figure], vint: Vintages) -> set[tuple[Month, str, int]]:
    """(month, flow, vintage) that some published figure constrains (the others are imputed)."""
    out: set[tuple[Month, str, int]] = set()
    for f in figs:
        flows = ("export", "import") if f.flow == "balance" else (f.flow,)
        months = [f.month] + ([f.month - 12] if f.yoy is not None else [])
        for m in months:
            v = vint.in_force(m, f.vintage)
            if v is not None:
                out.update((m, fl, v) for fl in flows)
    return out
