"""What the published figures say about the cells a claim is held against.

The default dataset is a reconstruction: a cell (month x flow x item x region x measure) holds a
published figure only where a release stated it, and only to the precision it was printed at
(``published.csv`` of the dataset, written from the published-figures files by
``python -m tools.reconstruct``); everything else is filled. So, against a shipped dataset:
- a claim on a cell no published figure states (nor derives: a share from two published levels,
  one of exports, imports and balance from the other two, the year so far from its months)
  cannot be checked;
- a claim the data disagree with is a mismatch only if it disagrees with every published figure
  of its cell too (never for the year so far: a release sums revised months, the published
  months are first prints); when a published figure allows it (one printed more coarsely,
  another report of the release, a documented conflict of ``conflicts.csv``) it cannot be
  checked, with why;
- a streak, turn or record the data disagree with cannot be refuted when months it spans have no
  published growth rate (level, for a record) for the cell.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import itertools
import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from ..months import Month
from ..store.store import Store, dataset_path
from .claims import Claim
from .verify_report import CANNOT, MATCHED, MISMATCHED, Outcome

Interval = tuple[float, float]
HEDGE = 0.1  # as in verify: how far a hedged figure may be from the fact, on its side
CHECKED = ("value", "yoy", "flat", "share", "threshold", "range")


@dataclass(frozen=True)
class Figure:
    """One published figure part: a level (USD) or a growth rate (percent)."""

    where: str  # 'published_figures.csv line 1467'
    measure: str  # 'value' or 'yoy'
    stated: float
    precision: float
    vintage: dt.date
    primary: bool
    conflict: str = ""  # the choice conflicts.csv records, when the data do not hold it

    @property
    def interval(self) -> Interval:
        scale = 1e6 if self.measure == "value" else 1.0
        return (self.stated - self.precision / 2) * scale, (
            self.stated + self.precision / 2
        ) * scale

    def label(self) -> str:
        number = (
            f"{self.stated:,g} million USD" if self.measure == "value" else f"{self.stated:+g}%"
        )
        source = "primary" if self.primary else "another report"
        return f"{number} ({source}, {self.where})"


Key = tuple[str, str, str, str, str]  # month, flow, item, region, measure


@functools.cache
def _read(path: Path) -> dict[Key, tuple[Figure, ...]]:
    conflicts = {}
    conflicts_path = path.with_name("conflicts.csv")
    if conflicts_path.is_file():
        for row in csv.DictReader(conflicts_path.read_text("utf-8").splitlines()):
            measure = "value" if row["measure"] == "level" else row["measure"]
            conflicts[(row["figures_file"], row["figures_line"], measure)] = row["choice"]
    cells: dict[Key, list[Figure]] = defaultdict(list)
    for row in csv.DictReader(path.read_text("utf-8").splitlines()):
        file, line, measure = row["figures_file"], row["figures_line"], row["measure"]
        key = (row["month"], row["flow"], row["item"], row["region"], measure)
        cells[key].append(
            Figure(
                f"{file} line {line}",
                measure,
                float(row["stated"]),
                float(row["precision"]),
                dt.date.fromisoformat(row["vintage"]),
                row["primary"] == "1",
                conflicts.get((file, line, measure), ""),
            )  # fmt: skip
        )
    return {k: tuple(sorted(v, key=lambda f: not f.primary)) for k, v in cells.items()}


class Published:
    """The published figures of a shipped dataset's cells, as of a vintage (None: all)."""

    def __init__(self, cells: dict[Key, tuple[Figure, ...]], as_of: dt.date | None) -> None:
        self.cells, self.as_of = cells, as_of

    def figures(
        self, month: Month, flow: str, item: str, region: str, measure: str
    ) -> list[Figure]:
        found = self.cells.get((str(month), flow, item, region, measure), ())
        return [f for f in found if self.as_of is None or f.vintage <= self.as_of]

    def intervals(self, claim: Claim, month: Month) -> list[tuple[Interval, Figure | None]]:
        """What the published figures allow for the claim's cell; a derived interval carries
        no figure of its own."""
        c = claim
        measure = "yoy" if c.measure in ("yoy", "flat") else "value"
        if c.measure != "share":
            direct = self.figures(month, c.flow, c.item, c.region, measure)
            if direct or measure != "value":
                return [(f.interval, f) for f in direct]
            # the third of exports, imports and balance from the other two (balance = e - i)
            others = {"balance": ("export", "import", -1), "import": ("export", "balance", -1),
                      "export": ("import", "balance", 1)}.get(c.flow)  # fmt: skip
            if others is None:
                return []
            a_flow, b_flow, sign = others
            pairs = itertools.product(
                self.figures(month, a_flow, c.item, c.region, "value"),
                self.figures(month, b_flow, c.item, c.region, "value"),
            )
            if sign > 0:
                return [((a.interval[0] + b.interval[0], a.interval[1] + b.interval[1]), None)
                        for a, b in pairs]  # fmt: skip
            return [((a.interval[0] - b.interval[1], a.interval[1] - b.interval[0]), None)
                    for a, b in pairs]  # fmt: skip
        whole = (c.flow, "total", "world") if c.region == "world" else (c.flow, c.item, "world")
        parts = self.figures(month, c.flow, c.item, c.region, "value")
        totals = self.figures(month, *whole, "value")
        return [((100 * p.interval[0] / t.interval[1], 100 * p.interval[1] / t.interval[0]), None)
                for p, t in itertools.product(parts, totals) if t.interval[0] > 0]  # fmt: skip

    def year_to_date(self, claim: Claim, month: Month) -> list[tuple[Interval, Figure | None]]:
        """The sum of the months' published levels from January (each month's hull of its
        primary figures, else of all), if every month has one."""
        low = high = 0.0
        for m in (Month(month.year, k) for k in range(1, month.month + 1)):
            one = self.intervals(claim, m)
            found = [f for f in one if f[1] is not None and f[1].primary] or one
            if not found:
                return []
            low += min(i[0] for i, _ in found)
            high += max(i[1] for i, _ in found)
        return [((low, high), None)]

    def missing(self, claim: Claim, months: list[Month], measure: str) -> list[Month]:
        """Months among ``months`` with no published figure of ``measure`` for the claim's cell."""
        c = claim
        return [m for m in months if not self.figures(m, c.flow, c.item, c.region, measure)]


def published_figures(store: Store, as_of: dt.date | None) -> Published | None:
    """The published figures of a shipped dataset (None for a store of customs lines)."""
    if not store.name.startswith("dataset:"):
        return None
    path = dataset_path(store.name.split(":", 1)[1]).with_name("published.csv")
    return Published(_read(path), as_of) if path.is_file() else None


def _allowed(claim: Claim) -> list[Interval]:
    """The values (USD, or percent) the claim allows, as intervals."""
    c = claim
    unit = c.unit if c.measure in ("value", "threshold", "range") else 1.0
    level, step = c.printed * unit, c.step * unit
    if c.measure == "threshold":
        return [(level, math.inf)]
    if c.measure == "range":
        return [(level, level + step)]
    if c.measure == "flat":
        return [(-0.05, 0.05)]
    if not c.hedge and c.args.get("signed", True):
        return [(level - step / 2, level + step / 2)]
    size = abs(level)
    low, high = {
        "around": (size * (1 - HEDGE), size * (1 + HEDGE)),
        "below": (size * (1 - HEDGE), size + step / 2),
        "above": (size - step / 2, size * (1 + HEDGE)),
        "under": (0.0, size + step / 2),
        "": (size - step / 2, size + step / 2),  # a growth rate printed without its sign
    }[c.hedge]
    return [(low, high), (-high, -low)]


def _meets(a: Interval, b: Interval) -> bool:
    return a[0] < b[1] and b[0] < a[1]  # half-open: 14.97 bn is not inside 14,960 at 10


def _history(outcome: Outcome, published: Published, month: Month, first: Month) -> Outcome:
    """A streak, turn or record the data disagree with, over months no figure states."""
    c = outcome.claim
    if c.measure == "record":
        step = 12 if c.args.get("kind") == "calendar_month_high" else 1
        months = [month - k for k in range(0, month.index - first.index + 1, step)]
        measure = "value"
    else:
        span = c.args.get("months", 1) + 12  # the run said, or a longer one found
        months = [month - k for k in range(span + 1) if month - k >= first]
        measure = "value" if c.args.get("kind") == "above_threshold" else "yoy"
    missing = published.missing(c, months, measure)
    if not missing:
        return outcome
    what = "level" if measure == "value" else "growth rate"
    why = f"{len(missing)} months it spans have no published {what} ({missing[-1]} ...)"
    return Outcome(c, CANNOT, f"{outcome.store}; {why}: the data cannot refute it", outcome.fact)


def against_published(
    outcome: Outcome, published: Published, month: Month, first: Month
) -> Outcome:
    """``outcome`` (held against the data) restated against the published figures."""
    c = outcome.claim
    if outcome.status not in (MATCHED, MISMATCHED):
        return outcome
    if c.measure in ("streak", "turn", "record"):
        return (
            _history(outcome, published, month, first) if outcome.status == MISMATCHED else outcome
        )
    if c.measure not in CHECKED:
        return outcome
    if c.scope not in ("month", "ytd") or (c.scope == "ytd" and c.measure != "value"):
        return Outcome(
            c, CANNOT, "no published figure for this span (the data's sum is a reconstruction)"
        )
    cells = (
        published.intervals(c, month) if c.scope == "month" else published.year_to_date(c, month)
    )
    if not cells:
        return Outcome(
            c,
            CANNOT,
            f"no published figure for this cell (the data's {outcome.store} is a reconstruction)",
            outcome.fact,
        )
    if outcome.status == MATCHED:
        return outcome
    if c.scope == "ytd":  # a release sums revised months; the published ones are first prints
        (low, high), _ = cells[0]
        return Outcome(c, CANNOT, f"{outcome.store}; the months as first published sum to "
                       f"{low / c.unit:,.2f} to {high / c.unit:,.2f}, while a release's year so "
                       "far sums revised months the data do not hold", outcome.fact)  # fmt: skip
    allows = [(i, f) for i, f in cells if any(_meets(a, i) for a in _allowed(c))]
    if not allows:
        unit = c.unit if c.measure in ("value", "threshold", "range") else 1.0
        stated = "; ".join(
            f.label() if f is not None else f"{i[0] / unit:,.2f} to {i[1] / unit:,.2f} (derived)"
            for i, f in cells
        )
        return Outcome(c, MISMATCHED, f"{outcome.store}; published: {stated}", outcome.fact)
    return Outcome(c, CANNOT, f"{outcome.store}; {_why(c, allows, cells)}", outcome.fact)


def _why(
    claim: Claim,
    allows: list[tuple[Interval, Figure | None]],
    cells: list[tuple[Interval, Figure | None]],
) -> str:
    """Why a published figure lets a claim stand that the data disagree with."""
    scale = 1e6 if claim.measure == "value" else 1.0  # figures are in USD or percent
    step = claim.step * (claim.unit if claim.measure == "value" else 1.0)
    figures = [f for _, f in allows if f is not None]
    fine = [f for f in figures if f.precision * scale <= step]  # as precise as the claim
    figure = next(iter([f for f in figures if f.conflict] + fine + figures), None)
    if figure is None:
        return "the published levels it derives from allow it (they are printed more coarsely)"
    if figure.conflict:
        return f"a documented conflict: {figure.label()}: {figure.conflict}"
    if figure not in fine:
        return f"published only as {figure.label()}: the data cannot check a finer figure"
    against = [f.label() for _, f in cells if f is not None and f not in figures]
    if against:
        return f"sources disagree: {figure.label()} against {'; '.join(against)}"
    return (
        f"published as {figure.label()}, which the data do not reproduce (the reconstruction "
        "holds other reports of a release only softly)"
    )
