"""One definition of the aggregation, two engines.

``CUBE_SQL`` is the whole computation from lines to the cube's input, in DuckDB's SQL: the
vintage in force as of a date (per line key, the latest vintage on or before it), the HS code's
item under the dated rules (a join to the code map, whose rows say which item a code goes to in
which months), and the month x flow x item x partner sums. sqlglot transpiles the text to
Spark SQL; the same text runs on DuckDB as it is. Regions (partners by date), roll-ups and every
fact above the cube stay in Python (``stats.cube``), so they are the same whichever engine ran.

Sums are rounded to the cent: engines add in different orders, and float sums of the same
amounts differ in their last bits; to the cent they are the same number.

The code map is computed in Python from the distinct codes of the lines (``classify``'s rules
are code, not SQL) and handed to the engine as a small table.
"""

from __future__ import annotations

import datetime as dt
import os

import pyarrow as pa

from ..errors import UsageError
from ..store.classify_codes import code_segments
from ..store.schema import LINE_KEY

ENGINES = ("duckdb", "spark")

CUBE_SQL = """
WITH in_force AS (
    SELECT l.reporter, l.month, l.flow, l.hs_code, l.partner, l.value_usd,
           row_number() OVER (PARTITION BY {key} ORDER BY l.vintage DESC) AS newest
    FROM lines AS l
    WHERE {where}
)
SELECT i.reporter, i.month, i.flow, m.item, i.partner,
       round(sum(i.value_usd * m.share), 2) AS value_usd
FROM in_force AS i
JOIN code_map AS m
  ON m.hs_code = i.hs_code AND i.month BETWEEN m.valid_from AND m.valid_to
WHERE i.newest = 1 AND m.item <> 'non_ict'
GROUP BY i.reporter, i.month, i.flow, m.item, i.partner
"""


def engine_name(engine: str | None) -> str:
    """``engine``, else ICTRADE_ENGINE, else duckdb."""
    name = (engine or os.environ.get("ICTRADE_ENGINE") or "duckdb").lower()
    if name not in ENGINES:
        raise UsageError(f"unknown engine '{name}'; engines are: {', '.join(ENGINES)}")
    return name


def cube_sql(dialect: str, *, as_of: dt.date | None = None, reporter: str | None = None) -> str:
    """CUBE_SQL for ``dialect`` ('duckdb' or 'spark'), as of a date, of one reporter or all."""
    conditions = ["1 = 1"]
    if as_of is not None:
        conditions.append(f"l.vintage <= CAST('{as_of.isoformat()}' AS DATE)")
    if reporter is not None:
        if not (len(reporter) == 2 and reporter.isalpha()):
            raise UsageError(f"reporter '{reporter}' is not an ISO 3166-1 alpha-2 code")
        conditions.append(f"l.reporter = '{reporter.upper()}'")
    key = ", ".join(f"l.{k}" for k in LINE_KEY)
    text = CUBE_SQL.format(key=key, where=" AND ".join(conditions))
    if dialect == "duckdb":
        return text
    import sqlglot  # the spark extra

    return str(sqlglot.transpile(text, read="duckdb", write=dialect)[0])


def code_map(codes: list[str], scheme_name: str) -> pa.Table:
    return code_segments(sorted(codes), scheme_name).select(
        ["hs_code", "valid_from", "valid_to", "item", "share"]
    )
