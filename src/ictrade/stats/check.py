"""Checking a store against published figures (``ictrade check-published``).

Each published figure is checked as of its vintage (the publication date of the release that
stated it): the level must round to the stated value at its stated precision, and the growth
rate to the stated rate at its printed precision.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

import numpy as np

from ..classify import regions, taxonomy
from ..errors import IctradeError, InputError
from ..months import Month
from ..numbers import matches
from ..sources._read import csv_error
from ..sources._text import read_text
from ..store.store import Store
from ..store.validate import plausible_span
from .cube import FLOWS, Cube, load_cube
from .history import yoy_pct

COLUMNS = (
    "month",
    "flow",
    "series",
    "region",
    "value_usd_millions",
    "stated_precision_usd_millions",
    "yoy_pct",
    "yoy_precision_pct",
    "vintage",
)


_VINTAGE_FIX = "write the publication date as YYYY-MM-DD, from 1988 to next month"


@dataclass(frozen=True)
class PublishedFigure:
    line: int
    month: Month
    flow: str
    item: str
    region: str
    vintage: dt.date
    measure: str  # 'value' (USD millions) or 'yoy' (percent)
    stated: float
    precision: float
    primary: bool
    file: str = ""  # name of the published-figures file

    def label(self) -> str:
        return f"{self.month} {self.flow} {self.item}/{self.region} {self.measure}"


@dataclass(frozen=True)
class Outcome:
    figure: PublishedFigure
    status: str  # matched, mismatched, conflict, no data
    actual: float | None

    def describe(self) -> str:
        f = self.figure
        unit = "USD million" if f.measure == "value" else "%"
        got = "no data" if self.actual is None else f"{self.actual:,.3f}"
        return (
            f"{self.status:<10} {f.label():<48} published {f.stated:,g} {unit} "
            f"(precision {f.precision:g}), store {got} as of {f.vintage}"
        )


def _number(row: dict[str, str], name: str, path: str, line: int) -> float | None:
    text = (row.get(name) or "").strip()
    if not text:
        return None
    value = _parsed(row, name, path, line, float, "give a finite number")
    if not math.isfinite(value) or (name in _PRECISIONS and value < 0):
        fix = "give a precision of 0 or more" if name in _PRECISIONS else "give a finite number"
        raise InputError(f"'{text}' is not valid: {fix}", file=path, line=line, field=name)
    return value


_PRECISIONS = ("stated_precision_usd_millions", "yoy_precision_pct")
T = TypeVar("T")


def _parsed(
    row: dict[str, str], name: str, path: str, line: int, parse: Callable[[str], T], fix: str
) -> T:
    """``parse`` of a field; a bad value is an InputError naming file, line and field."""
    text = (row.get(name) or "").strip()
    try:
        return parse(text)
    except (ValueError, IctradeError):
        raise InputError(
            f"'{text}' is not valid: {fix}", file=path, line=line, field=name
        ) from None


def _vintage(text: str) -> dt.date:
    date = dt.date.fromisoformat(text)
    low, high = plausible_span()
    if not low <= date <= high:
        raise ValueError(text)
    return date


def _csv_rows(text: str, path: str | Path) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(text.splitlines())
    try:
        return list(reader.fieldnames or []), list(reader)
    except csv.Error as exc:  # e.g. a field over the csv module's limit
        raise csv_error(exc, Path(path), reader.line_num) from None


def read_figures(
    path: str | Path, *, primary_only: bool = True
) -> tuple[list[PublishedFigure], int]:
    """In-scope figures of a published-figures CSV, and how many rows were out of scope."""
    items, region_ids = set(taxonomy().ids), set(regions().ids)
    text = read_text(Path(path))  # UTF-8, UTF-16 or cp949; binary or empty files refused
    fields, rows = _csv_rows(text, path)
    missing = [c for c in COLUMNS if c not in fields]
    if missing:
        raise InputError(
            f"missing column(s) {', '.join(missing)}; expected the columns of "
            "published_figures.csv",
            file=str(path),
            line=1,
        )
    figures, skipped = [], 0
    for line, row in enumerate(rows, start=2):
        primary = (row.get("is_primary_source") or "1").strip() != "0"
        if (
            row["series"] not in items
            or row["region"] not in region_ids
            or row["flow"] not in (*FLOWS, "balance")
            or (primary_only and not primary)
        ):
            skipped += 1
            continue
        base = PublishedFigure(
            line=line,
            month=_parsed(row, "month", str(path), line, Month.parse, "write YYYY-MM"),
            flow=row["flow"],
            item=row["series"],
            region=row["region"],
            vintage=_parsed(row, "vintage", str(path), line, _vintage, _VINTAGE_FIX),
            primary=primary,
            file=Path(path).name,
            measure="",
            stated=0.0,
            precision=0.0,
        )
        for measure, value_col, precision_col in (
            ("value", "value_usd_millions", "stated_precision_usd_millions"),
            ("yoy", "yoy_pct", "yoy_precision_pct"),
        ):
            stated = _number(row, value_col, str(path), line)
            if stated is None:
                continue
            precision = _number(row, precision_col, str(path), line) or (
                1.0 if measure == "value" else 0.1
            )
            figures.append(replace(base, measure=measure, stated=stated, precision=precision))
    return figures, skipped


ConflictKey = tuple[str, ...]


def read_conflicts(path: str | Path | None) -> set[ConflictKey]:
    """Documented conflicts, keyed by (figures_file, figures_line, measure): the name of the
    published-figures CSV (empty: any), its line, and 'value' or 'yoy' (a constraint column
    starting 'level' means 'value')."""
    if path is None or not Path(path).is_file():
        return set()
    keys: set[ConflictKey] = set()
    fields, rows = _csv_rows(read_text(Path(path)), path)
    if "figures_line" not in fields:
        fix = "a conflicts CSV names the figures' lines (figures_file, figures_line, measure)"
        raise InputError(f"missing column figures_line; {fix}", file=str(path), line=1)
    for row in rows:
        measure = row.get("measure") or (row.get("constraint") or "").split(":")[0].strip()
        keys.add(
            (
                (row.get("figures_file") or "").strip(),
                (row.get("figures_line") or "").strip(),
                "value" if measure == "level" else measure,
            )
        )
    return keys


def _documented(figure: PublishedFigure, conflicts: set[ConflictKey]) -> bool:
    line, measure = str(figure.line), figure.measure
    return (figure.file, line, measure) in conflicts or ("", line, measure) in conflicts


def _actual(cube: Cube, figure: PublishedFigure) -> float | None:
    if not cube.holds(figure.month):
        return None
    t, i, r = cube.t(figure.month), cube.items.index(figure.item), cube.regions.index(figure.region)
    if figure.flow == "balance":
        value, prior = (
            cube.value[0, i, r, t] - cube.value[1, i, r, t],
            cube.prior[0, i, r, t] - cube.prior[1, i, r, t],
        )
    else:
        f = FLOWS.index(figure.flow)
        value, prior = cube.value[f, i, r, t], cube.prior[f, i, r, t]
    if figure.measure == "value":
        return float(value) / 1e6 if value and math.isfinite(value) else None
    growth = float(yoy_pct(np.asarray(value), np.asarray(prior)))
    return growth if math.isfinite(growth) else None


def check_figures(
    store: Store, figures: list[PublishedFigure], conflicts: set[ConflictKey]
) -> Iterator[Outcome]:
    """Check each figure as of its vintage; cubes are built once per vintage."""
    cubes: dict[dt.date, Cube] = {}
    for figure in sorted(figures, key=lambda f: (f.vintage, f.line)):
        if figure.vintage not in cubes:
            cubes[figure.vintage] = load_cube(store, figure.vintage)
        actual = _actual(cubes[figure.vintage], figure)
        if actual is not None and matches(figure.stated, actual, figure.precision):
            status = "matched"
        elif _documented(figure, conflicts):
            status = "conflict"
        else:
            status = "mismatched" if actual is not None else "no data"
        yield Outcome(figure, status, actual)


@dataclass(frozen=True)
class CheckReport:
    outcomes: list[Outcome]
    skipped: int

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def ok(self) -> bool:
        return self.count("mismatched") == 0 and self.count("no data") == 0

    def summary(self) -> str:
        return (
            f"{len(self.outcomes)} figures checked: {self.count('matched')} matched, "
            f"{self.count('mismatched')} mismatched, {self.count('conflict')} documented "
            f"conflicts, {self.count('no data')} without data; {self.skipped} rows out of "
            "scope or not primary"
        )


def check_published(
    store: Store,
    path: str | Path,
    *,
    conflicts: str | Path | None = None,
    primary_only: bool = True,
) -> CheckReport:
    figures, skipped = read_figures(path, primary_only=primary_only)
    outcomes = list(check_figures(store, figures, read_conflicts(conflicts)))
    outcomes.sort(key=lambda o: o.figure.line)
    return CheckReport(outcomes, skipped)
