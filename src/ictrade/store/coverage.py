"""Whether the store holds a month as asked: not before its first vintage, and not with lines
visibly incomplete (far fewer codes than the months around them).

A customs file cut before its last month was complete (the KCS HS6 file's 2026-02 holds 251
codes where its other months hold about 5,100) would otherwise be released as a collapse of
trade. The rule is the same for every source and flow, on its WORLD lines and on its partner
lines apart, and on its codes of each length apart (a source may join files of different
reach: a few HSK10 series since 2016 and every HS6 code since 2025): a month is short when it
holds less than half the codes of the months on each side of it that exist (up to three,
median), or less than half their value with under 90% of their codes. Comparing each side
separately keeps the start and end of a series of another width (a narrow series followed by
a wide file) from looking incomplete; a last month has one side only.

A short month is incomplete only when the figures are made of its lines: lines whose every
code is held by the WORLD lines of another source (or of the same source's WORLD lines, for
partner lines) that are not short that month, at that code or a coarser or finer one, add
detail to figures those lines make (the item x partner file's first month, sparse, beside
every HS6 code of the world), and leave the world's figures whole.
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
    scope: str  # 'world': the source's WORLD lines; 'partners': its lines naming a partner
    digits: int  # the length of the codes counted
    codes: int
    typical_codes: float  # median over the months compared with
    value_usd: float
    typical_value_usd: float
    compared_with: str  # 'before', 'after' or 'around': which months the typical level is of

    @property
    def key(self) -> Key:
        return (self.source, self.flow, self.scope, self.digits)

    def refusal(self) -> str:
        """Why a release of the month is refused, and what to do."""
        return (
            f"{self.describe()}, so it is not released as if complete; load the month's "
            "complete lines (a later vintage of the file) or pick another month"
        )

    def describe(self) -> str:
        by = " by partner" if self.scope == "partners" else ""
        value_pct = 100 * self.value_usd / self.typical_value_usd if self.typical_value_usd else 0
        return (
            f"{self.month} looks incomplete: source '{self.source}' has {self.codes:,} "
            f"{self.flow} codes{by} of {self.digits} digits for it against about "
            f"{self.typical_codes:,.0f} in the months {self.compared_with} it "
            f"({value_pct:.1f}% of their value)"
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


Key = tuple[str, str, str, int]  # source, flow, scope, digits
Series = dict[Key, dict[Month, tuple[int, float]]]


class CodeCounts:
    """The lines' codes and values by month, source, flow, scope (WORLD or partner lines) and
    code length, at any vintage date: the lines summed by code and by the span each is in
    force, sorted so that the codes of one group are consecutive (what is in force at a date
    is then a mask and a count).
    """

    def __init__(self, store: Store, months: tuple[Month, Month] | None = None) -> None:
        # the reporter's lines only: another's under the same source would fill or dwarf them
        within = "WHERE reporter = ?"
        params: list[object] = [store.reporter]
        if months is not None:
            within += " AND month BETWEEN ? AND ?"
            params += [m.first_day() for m in months]
        table = store.con.sql(
            f"""SELECT month, source, flow, partner <> 'WORLD' AS partnered,
                length(hs_code) AS digits, hs_code, vintage, superseded_by,
                coalesce(sum(value_usd), 0) AS value FROM lines {within}
            GROUP BY ALL ORDER BY month, source, flow, partnered, digits, hs_code""",
            params=params,
        ).to_arrow_table()
        month = table.column("month").to_numpy().astype("datetime64[M]").astype(np.int64)
        self.month = month + 1970 * 12  # Month.index
        group = np.zeros(len(month), dtype=bool)  # a row starts a group
        group[:1] = True
        code = group.copy()  # a row starts a code of its group
        for name in ("month", *KEYS, "hs_code"):
            column = table.column(name)
            if len(month) > 1:
                changed = pc.not_equal(column[1:], column[:-1]).to_numpy(zero_copy_only=False)
                code[1:] |= changed
                if name != "hs_code":
                    group[1:] |= changed
        self.group, self.code = np.cumsum(group) - 1, np.cumsum(code) - 1
        self.keys = [
            (m, str(src), str(flow), SCOPES[bool(partnered)], int(digits))
            for m, src, flow, partnered, digits in zip(
                self.month[group].tolist(),
                *(table.column(c).filter(pa.array(group)).to_pylist() for c in KEYS),
                strict=True,
            )
        ]
        self.hs_code = table.column("hs_code").combine_chunks()
        self.vintage = table.column("vintage").to_numpy()
        self.superseded = table.column("superseded_by").to_numpy(zero_copy_only=False)
        self.value = table.column("value").to_numpy()

    def held(self, months: tuple[Month, Month] | None, as_of: dt.date | None) -> Held:
        """What each group holds by month as of ``as_of``."""
        a, b = 0, len(self.month)
        if months is not None:
            a, b = np.searchsorted(self.month, [months[0].index, months[1].index + 1])
        keep = np.isnat(self.superseded[a:b])
        if as_of is not None:
            day = np.datetime64(as_of, "D")
            keep = (self.vintage[a:b] <= day) & (keep | (self.superseded[a:b] > day))
        rows = np.nonzero(keep)[0] + a
        group, code = self.group[rows], self.code[rows]
        first = np.ones(len(code), dtype=bool)
        first[1:] = code[1:] != code[:-1]
        size = len(self.keys)
        codes = np.bincount(group[first], minlength=size)
        value = np.bincount(group, weights=self.value[rows], minlength=size)
        series: Series = defaultdict(dict)
        for g in np.unique(group).tolist():
            month, *key = self.keys[g]
            series[(key[0], key[1], key[2], key[3])][Month.from_index(month)] = (
                int(codes[g]),
                float(value[g]),
            )
        return Held(self, series, rows[first], group[first])


KEYS = ("source", "flow", "partnered", "digits")
SCOPES = ("world", "partners")


@dataclass(frozen=True)
class Held:
    """The counts of ``CodeCounts.held``, and the codes of each month's groups on demand."""

    counts: CodeCounts
    series: Series
    rows: np.ndarray  # a row of each code in force
    group: np.ndarray  # its group

    def codes(self, month: Month, key: Key) -> set[str]:
        """The codes of a group in ``month``."""
        wanted = (month.index, *key)
        groups = [g for g, k in enumerate(self.counts.keys) if k == wanted]
        rows = self.rows[np.isin(self.group, groups)]
        return {str(c) for c in self.counts.hs_code.take(pa.array(rows)).to_pylist()}


def _covered(codes: set[str], world: set[str]) -> bool:
    """Whether ``world`` holds each of ``codes``, a coarser code or a finer one."""
    prefixes = {w[:k] for w in world for k in range(2, len(w) + 1)}
    return all(c in prefixes or any(c[:k] in world for k in range(2, len(c))) for c in codes)


def _short_months(held: Held, months: tuple[Month, Month] | None) -> list[MonthCoverage]:
    """The months each source holds visibly fewer lines of than the months around them."""
    out = []
    for key, by_month in sorted(held.series.items()):
        for month in sorted(by_month):
            if months is not None and not months[0] <= month <= months[1]:
                continue
            before, after = _side(by_month, month, -1), _side(by_month, month, 1)
            sides = [s for s in (before, after) if s]
            if sides and all(_short_of(by_month[month], s) for s in sides):
                codes, value = by_month[month]
                typical_codes, typical_value = min(sides)  # the side nearer the month's level
                where = "around" if len(sides) == 2 else "before" if before else "after"
                source, flow, scope, digits = key
                level = (codes, typical_codes, value, typical_value, where)
                out.append(MonthCoverage(month, source, flow, scope, digits, *level))
    return out


def _makes_figures(gap: MonthCoverage, held: Held, short: set[tuple[Month, Key]]) -> bool:
    """Whether the figures of the gap's month are made of its lines: not when other WORLD
    lines that are not short that month hold every code it has."""
    own = gap.key
    world: set[str] = set()
    for key, by_month in held.series.items():
        other = key[1:3] == (gap.flow, "world") and key != own
        if other and gap.month in by_month and (gap.month, key) not in short:
            world |= held.codes(gap.month, key)
    return not world or not _covered(held.codes(gap.month, own), world)


def incomplete_months(
    store: Store, months: tuple[Month, Month] | None = None, as_of: dt.date | None = None
) -> list[MonthCoverage]:
    """The incomplete months within ``months`` (first, last; None: all), as of a vintage."""
    reach = None if months is None else (months[0] - NEIGHBOURS, months[1] + NEIGHBOURS)
    if store.memo is None:
        held = CodeCounts(store, reach).held(reach, as_of)
        short = _short_months(held, months)
        return [g for g in short if _makes_figures(g, held, _keys(short))]
    # a snapshot: its counts are read once, and each answer kept
    # the snapshot's memo is shared by every reporter read from it
    counts = remembered(store, ("code_counts", store.reporter), lambda: CodeCounts(store))

    def found() -> list[MonthCoverage]:
        held = counts.held(reach, as_of)
        short = _short_months(held, months)
        return [g for g in short if _makes_figures(g, held, _keys(short))]

    key = ("incomplete", store.reporter, months, in_force(store, as_of))
    return remembered(store, key, found)


def _keys(gaps: list[MonthCoverage]) -> set[tuple[Month, Key]]:
    return {(g.month, g.key) for g in gaps}


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
        raise NoDataError(gap.refusal())


def published_after(store: Store, month: Month, as_of: dt.date | None) -> str | None:
    """Why ``month`` has no figures as of ``as_of`` when it was published only later."""
    row = first_row(
        store.con.execute(
            "SELECT min(vintage) FROM lines WHERE month = ? AND reporter = ?",
            [month.first_day(), store.reporter],
        ).fetchall()
    )
    published = row[0] if row else None
    if as_of is None or published is None or published <= as_of:
        return None
    return (
        f"{month} was first published on {published}, after {as_of}; ask for figures as of "
        f"{published} or later"
    )
