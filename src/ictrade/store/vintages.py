"""The versions of a month the store keeps, and what changed between two of them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from ..months import Month
from .base import Store
from .query import cube_rows, vintage_filter


@dataclass(frozen=True)
class Vintage:
    vintage: dt.date
    sources: str
    statuses: str
    lines: int
    ict_exports_usd: float  # the month's ICT exports as of this vintage
    ict_imports_usd: float


def month_vintages(store: Store, month: Month) -> list[Vintage]:
    """Every vintage holding lines of ``month``, with the month's ICT totals as of each."""
    rows = store.con.execute(
        """SELECT vintage, string_agg(DISTINCT source, ', ' ORDER BY source),
                  string_agg(DISTINCT status, ', ' ORDER BY status), count(*)
           FROM lines WHERE month = ? AND reporter = ? GROUP BY vintage ORDER BY vintage""",
        [month.first_day(), store.reporter],
    ).fetchall()
    out = []
    for vintage, sources, statuses, count in rows:
        exports, imports = ict_totals(store, month, vintage)
        out.append(Vintage(vintage, sources, statuses, count, exports, imports))
    return out


def ict_totals(store: Store, month: Month, as_of: dt.date | None) -> tuple[float, float]:
    """The month's ICT exports and imports as of a date, each value counted once."""
    rows = cube_rows(store, as_of)
    mask = pc.equal(rows["month"], pa.scalar(month.first_day(), pa.date32()))
    totals = {"export": 0.0, "import": 0.0}
    for flow, value in zip(
        rows["flow"].filter(mask).to_pylist(),
        rows["value_usd"].filter(mask).to_pylist(),
        strict=True,
    ):
        totals[flow] += value
    return totals["export"], totals["import"]


@dataclass(frozen=True)
class LineChange:
    flow: str
    hs_code: str
    partner: str
    source: str
    before: float | None  # None: the line was not there
    after: float | None


def line_changes(store: Store, month: Month, before: dt.date, after: dt.date) -> list[LineChange]:
    """Lines of ``month`` whose value differs as of ``before`` and as of ``after``."""
    cond_a, params_a = vintage_filter(before)
    cond_b, params_b = vintage_filter(after)
    rows = store.con.execute(
        f"""WITH a AS (SELECT flow, hs_code, partner, source, value_usd FROM lines l
                       WHERE l.month = ? AND l.reporter = ? AND {cond_a}),
                 b AS (SELECT flow, hs_code, partner, source, value_usd FROM lines l
                       WHERE l.month = ? AND l.reporter = ? AND {cond_b})
            SELECT coalesce(a.flow, b.flow), coalesce(a.hs_code, b.hs_code),
                   coalesce(a.partner, b.partner), coalesce(a.source, b.source),
                   a.value_usd, b.value_usd
            FROM a FULL JOIN b USING (flow, hs_code, partner, source)
            WHERE a.value_usd IS DISTINCT FROM b.value_usd
            ORDER BY abs(coalesce(b.value_usd, 0) - coalesce(a.value_usd, 0)) DESC""",
        [month.first_day(), store.reporter, *params_a]
        + [month.first_day(), store.reporter, *params_b],
    ).fetchall()
    return [LineChange(*row) for row in rows]
