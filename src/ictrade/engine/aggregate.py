"""One definition of the aggregation, two engines.

``CUBE_SQL`` is the whole computation from lines to the cube's input, in DuckDB's SQL: the
vintage in force as of a date (per line key, the latest vintage on or before it), the HS code's
item under the dated rules (a join to the code map, whose rows say which item a code goes to in
which months), the month x flow x item x partner sums, and the partners' regions by date (a
join to the region map, whose rows say which region a partner counts toward in which months,
both in its own month and as the prior of the month a year later, with that month's members).
sqlglot transpiles the text to Spark SQL; the same text runs on DuckDB as it is. Roll-ups of
items and every fact above the cube stay in Python (``stats.cube``), so they are the same
whichever engine ran.

Lines are kept only when their code goes to some ICT item (a semi-join on the small code map,
broadcast by Spark) before the window picks each key's vintage: every vintage of a key has the
key's code, so the answer is the same, and the window and Spark's shuffle see the ICT lines only
(7% of the synthetic benchmark's lines; ICT goods are a small share of any reporter's codes).

Sums are rounded to the cent, per partner and then per region: engines add in different
orders, and float sums of the same amounts differ in their last bits; to the cent they are the
same number.

The code map is computed in Python from the distinct codes of the lines (``classify``'s rules
are code, not SQL), the region map from region_members.csv; both are handed to the engine as
small tables.
"""

from __future__ import annotations

import datetime as dt
import os

import pyarrow as pa

from ..classify import membership
from ..classify.partners import WORLD, partner_codes
from ..errors import UsageError
from ..months import OPEN_END, OPEN_START, Month
from ..store.classify_codes import code_segments
from ..store.schema import LINE_KEY

ENGINES = ("duckdb", "spark")

CUBE_SQL = """
WITH in_force AS (
    SELECT l.reporter, l.month, l.flow, l.hs_code, l.partner, l.value_usd,
           row_number() OVER (PARTITION BY {key} ORDER BY l.vintage DESC) AS newest
    FROM lines AS l
    WHERE {where}
      AND l.hs_code IN (SELECT c.hs_code FROM code_map AS c WHERE c.item <> 'non_ict')
), by_partner AS (
    SELECT i.reporter, i.month, i.flow, m.item, i.partner,
           round(sum(i.value_usd * m.share), 2) AS value_usd
    FROM in_force AS i
    JOIN code_map AS m
      ON m.hs_code = i.hs_code AND i.month BETWEEN m.valid_from AND m.valid_to
    WHERE i.newest = 1 AND m.item <> 'non_ict'
    GROUP BY i.reporter, i.month, i.flow, m.item, i.partner
)
SELECT p.reporter, p.month, p.flow, p.item, r.region, r.lag,
       round(sum(p.value_usd), 2) AS value_usd
FROM by_partner AS p
JOIN region_map AS r
  ON r.partner = p.partner AND p.month BETWEEN r.valid_from AND r.valid_to
GROUP BY p.reporter, p.month, p.flow, p.item, r.region, r.lag
"""

# The region_map's region of WORLD lines (sources that give only totals): they count toward
# ``world`` and, apart, toward this one, which no partner line reaches (the cube's
# ``unattributed``).
UNATTRIBUTED = "WORLD"
LAGS = (0, 12)  # the month itself; the month a year later, whose prior the value is


def engine_name(engine: str | None) -> str:
    """``engine``, else ICTRADE_ENGINE, else duckdb."""
    name = (engine or os.environ.get("ICTRADE_ENGINE") or "duckdb").lower()
    if name not in ENGINES:
        raise UsageError(f"unknown engine '{name}'; engines are: {', '.join(ENGINES)}")
    return name


def cube_sql(dialect: str, *, as_of: dt.date | None = None, reporter: str | None = None) -> str:
    """CUBE_SQL for ``dialect`` ('duckdb' or 'spark'), as of a date, of one reporter or all."""
    key = ", ".join(f"l.{k}" for k in LINE_KEY)
    return _dialect(CUBE_SQL.format(key=key, where=_where(as_of, reporter)), dialect)


# The sources of a reporter's lines, and the latest vintage of each on or before the date (NULL:
# none yet): what a facts document names (``data.sources``, ``data.as_of``).
SOURCES_SQL = """
SELECT l.source, max(CASE WHEN {in_force} THEN l.vintage END) AS vintage
FROM lines AS l
WHERE {where}
GROUP BY l.source
"""


def sources_sql(dialect: str, *, as_of: dt.date | None, reporter: str) -> str:
    where = _where(None, reporter)
    in_force = _where(as_of, None)
    return _dialect(SOURCES_SQL.format(in_force=in_force, where=where), dialect)


def _where(as_of: dt.date | None, reporter: str | None) -> str:
    conditions = ["1 = 1"]
    if as_of is not None:
        conditions.append(f"l.vintage <= CAST('{as_of.isoformat()}' AS DATE)")
    if reporter is not None:
        if not (len(reporter) == 2 and reporter.isalpha()):
            raise UsageError(f"reporter '{reporter}' is not an ISO 3166-1 alpha-2 code")
        conditions.append(f"l.reporter = '{reporter.upper()}'")
    return " AND ".join(conditions)


def _dialect(text: str, dialect: str) -> str:
    if dialect == "duckdb":
        return text
    import sqlglot  # the spark extra

    return str(sqlglot.transpile(text, read="duckdb", write=dialect)[0])


def code_map(codes: list[str], scheme_name: str) -> pa.Table:
    return code_segments(sorted(codes), scheme_name).select(
        ["hs_code", "valid_from", "valid_to", "item", "share"]
    )


def region_map() -> pa.Table:
    """Partner -> region by date, twice: ``lag`` 0, the regions a partner belongs to in the
    month of its line; ``lag`` 12, those it belongs to a year after it, where its value is the
    prior of that later month's members (like for like). Every partner code, WORLD included,
    is in ``world`` at every month; WORLD is also in UNATTRIBUTED (lag 0); the other regions
    hold their members over their spans (region_members.csv)."""
    low, high = OPEN_START.index, OPEN_END.index
    spans = [(code, "world", low, high) for code in sorted(partner_codes())]
    spans += [
        (s.iso2, s.region, s.valid_from, s.valid_to)
        for s in membership().spans
        if s.region != "world"
    ]
    rows = [(WORLD, UNATTRIBUTED, 0, low, high)]
    rows += [
        (partner, region, lag, max(start - lag, low), min(end - lag, high))
        for partner, region, start, end in spans
        for lag in LAGS
        if max(start - lag, low) <= min(end - lag, high)
    ]

    def day(month: int) -> dt.date:
        return Month.from_index(month).first_day()

    return pa.table(
        {
            "partner": pa.array([r[0] for r in rows], pa.string()),
            "region": pa.array([r[1] for r in rows], pa.string()),
            "lag": pa.array([r[2] for r in rows], pa.int32()),
            "valid_from": pa.array([day(r[3]) for r in rows], pa.date32()),
            "valid_to": pa.array([day(r[4]) for r in rows], pa.date32()),
        }
    )
