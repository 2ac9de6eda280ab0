"""Whether the store holds a month as asked: not before its first vintage, and not with lines
visibly incomplete (far fewer codes than the months around them).

A customs file cut before its last month was complete (the KCS HS6 file's 2026-02 holds 251
codes where its other months hold about 5,100) would otherwise be released as a collapse of
trade. The rule is the same for every source and flow: a month is incomplete when it holds
less than half the codes of the months on each side of it that exist (up to three, median),
or less than half their value with under 90% of their codes. Comparing each side separately
keeps the start and end of a series of another width (a narrow series followed by a wide
file) from looking incomplete; a last month has one side only.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import NoDataError
from ..months import Month
from .base import Store, first_row, in_force, remembered
from .query import earliest_vintage

NEIGHBOURS = 3  # months on each side compared with
CODE_SHARE = 0.5  # fewer codes than this share of a side's median: incomplete
VALUE_SHARE = 0.5  # less value than this, with codes under CODE_SHARE_WITH_VALUE: incomplete
CODE_SHARE_WITH_VALUE = 0.9


@dataclass(frozen=True)
class MonthCoverage:
    """A month that holds visibly fewer lines than the months around it, for one source."""

    month: Month
    source: str
    flow: str
    codes: int
    typical_codes: float  # median over the months compared with
    value_usd: float
    typical_value_usd: float
    compared_with: str  # 'before', 'after' or 'around': which months the typical level is of

    def describe(self) -> str:
        value_pct = 100 * self.value_usd / self.typical_value_usd if self.typical_value_usd else 0
        return (
            f"{self.month} looks incomplete: source '{self.source}' has {self.codes:,} "
            f"{self.flow} codes for it against about {self.typical_codes:,.0f} in the months "
            f"{self.compared_with} it ({value_pct:.1f}% of their value)"
        )


def _side(
    series: dict[Month, tuple[int, float]], month: Month, step: int
) -> tuple[float, float] | None:
    """Median codes and value of up to NEIGHBOURS months on one side of ``month`` (None: no
    month on that side within reach)."""
    found = [series[m] for k in range(1, NEIGHBOURS + 1) if (m := month + step * k) in series]
    if not found:
        return None
    return statistics.median(c for c, _ in found), statistics.median(v for _, v in found)


def _short_of(held: tuple[int, float], side: tuple[float, float]) -> bool:
    codes, value = held
    typical_codes, typical_value = side
    if codes < CODE_SHARE * typical_codes:
        return True
    return codes < CODE_SHARE_WITH_VALUE * typical_codes and value < VALUE_SHARE * typical_value


class CodeCounts:
    """The lines' codes and values by month, source and flow, at any vintage date: the lines
    summed by code and by the span each is in force, sorted so that the codes of one month,
    source and flow are consecutive (what is in force at a date is then a mask and a count).
    """

    def __init__(self, store: Store, months: tuple[Month, Month] | None = None) -> None:
        within, params = "", []
        if months is not None:
            within, params = "WHERE month BETWEEN ? AND ?", [m.first_day() for m in months]
        table = store.con.sql(
            f"""SELECT month, source, flow, hs_code, vintage, superseded_by,
                coalesce(sum(value_usd), 0) AS value FROM lines {within}
            GROUP BY ALL ORDER BY month, source, flow, hs_code""",
            params=params,
        ).to_arrow_table()
        month = table.column("month").to_numpy().astype("datetime64[M]").astype(np.int64)
        self.month = month + 1970 * 12  # Month.index
        group = np.zeros(len(month), dtype=bool)  # a row starts a month, source and flow
        group[:1] = True
        code = group.copy()  # a row starts a code (of its month, source and flow)
        for name in ("month", "source", "flow", "hs_code"):
            column = table.column(name)
            if len(month) > 1:
                changed = pc.not_equal(column[1:], column[:-1]).to_numpy(zero_copy_only=False)
                code[1:] |= changed
                if name != "hs_code":
                    group[1:] |= changed
        self.group, self.code = np.cumsum(group) - 1, np.cumsum(code) - 1
        self.keys = [
            (m, str(src), str(flow))
            for m, src, flow in zip(
                self.month[group].tolist(),
                table.column("source").filter(pa.array(group)).to_pylist(),
                table.column("flow").filter(pa.array(group)).to_pylist(),
                strict=True,
            )
        ]
        self.vintage = table.column("vintage").to_numpy()
        self.superseded = table.column("superseded_by").to_numpy(zero_copy_only=False)
        self.value = table.column("value").to_numpy()

    def held(
        self, months: tuple[Month, Month] | None, as_of: dt.date | None
    ) -> dict[tuple[str, str], dict[Month, tuple[int, float]]]:
        """(source, flow) -> month -> (codes, value) of the lines in force as of ``as_of``."""
        a, b = 0, len(self.month)
        if months is not None:
            a, b = np.searchsorted(self.month, [months[0].index, months[1].index + 1])
        keep = np.isnat(self.superseded[a:b])
        if as_of is not None:
            day = np.datetime64(as_of, "D")
            keep = (self.vintage[a:b] <= day) & (keep | (self.superseded[a:b] > day))
        group, code = self.group[a:b][keep], self.code[a:b][keep]
        first = np.ones(len(code), dtype=bool)
        first[1:] = code[1:] != code[:-1]
        size = len(self.keys)
        codes = np.bincount(group[first], minlength=size)
        value = np.bincount(group, weights=self.value[a:b][keep], minlength=size)
        series: dict[tuple[str, str], dict[Month, tuple[int, float]]] = defaultdict(dict)
        for g in np.unique(group).tolist():
            month, source, flow = self.keys[g]
            series[(source, flow)][Month.from_index(month)] = (int(codes[g]), float(value[g]))
        return series


def incomplete_months(
    store: Store, months: tuple[Month, Month] | None = None, as_of: dt.date | None = None
) -> list[MonthCoverage]:
    """The incomplete months within ``months`` (first, last; None: all), as of a vintage."""
    reach = None if months is None else (months[0] - NEIGHBOURS, months[1] + NEIGHBOURS)
    if store.memo is None:
        series = CodeCounts(store, reach).held(reach, as_of)
    else:  # a snapshot: its counts are read once, and each answer kept
        counts = remembered(store, ("code_counts",), lambda: CodeCounts(store))
        key = ("incomplete", reach, in_force(store, as_of))
        series = remembered(store, key, lambda: counts.held(reach, as_of))
    out = []
    for (source, flow), held in sorted(series.items()):
        for month in sorted(held):
            if months is not None and not months[0] <= month <= months[1]:
                continue
            before, after = _side(held, month, -1), _side(held, month, 1)
            sides = [s for s in (before, after) if s]
            if sides and all(_short_of(held[month], s) for s in sides):
                codes, value = held[month]
                typical_codes, typical_value = min(sides)  # the side nearer the month's level
                where = "around" if len(sides) == 2 else "before" if before else "after"
                out.append(
                    MonthCoverage(
                        month, source, flow, codes, typical_codes, value, typical_value, where
                    )
                )
    return out


def check_published_by(store: Store, as_of: dt.date | None) -> None:
    """Refuse a vintage date before any figures, naming the earliest vintage."""
    first = earliest_vintage(store)
    if as_of is not None and first is not None and as_of < first:
        raise NoDataError(
            f"nothing was published by {as_of}: the store's earliest vintage is {first}; "
            f"ask for figures as of {first} or later, or for the latest figures"
        )


def check_month_held(store: Store, month: Month, as_of: dt.date | None) -> None:
    """Refuse a vintage date before any figures, and a month whose lines are incomplete,
    with what the store holds instead: neither is released as if it were data."""
    check_published_by(store, as_of)
    for gap in incomplete_months(store, (month, month), as_of):
        raise NoDataError(
            f"{gap.describe()}, so it is not released as if complete; load the month's "
            "complete lines (a later vintage of the file) or pick another month"
        )


def published_after(store: Store, month: Month, as_of: dt.date | None) -> str | None:
    """Why ``month`` has no figures as of ``as_of`` when it was published only later."""
    row = first_row(
        store.con.execute(
            "SELECT min(vintage) FROM lines WHERE month = ?", [month.first_day()]
        ).fetchall()
    )
    published = row[0] if row else None
    if as_of is None or published is None or published <= as_of:
        return None
    return (
        f"{month} was first published on {published}, after {as_of}; ask for figures as of "
        f"{published} or later"
    )
