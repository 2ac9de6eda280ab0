"""Counting each value once when lines refine one another.

Sources often give a total and its detail side by side: an HS4 or HS6 line and the HSK10 lines
inside it, or a ``WORLD`` line and the partner lines of the same code. Summing them would count
the detail twice, so the coarser line keeps only the remainder:

1. within a partner (``WORLD`` included), a line loses the lines whose nearest coarser code
   present in the same month, flow and partner is its own;
2. a ``WORLD`` line then loses the (already reduced) partner lines of the same code.

Remainders below zero (sources that disagree) are set to zero and reported.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pyarrow as pa

from .schema import LINE_SCHEMA

_NEAREST = """
CREATE OR REPLACE TEMP TABLE refine_nested AS
SELECT child.rid, max_by(parent.rid, length(parent.hs_code)) AS parent_rid
FROM refine_in child JOIN refine_in parent
  ON parent.month = child.month AND parent.flow = child.flow AND parent.partner = child.partner
 AND parent.vintage = child.vintage
 AND length(parent.hs_code) < length(child.hs_code) AND starts_with(child.hs_code, parent.hs_code)
GROUP BY child.rid
"""

_WITHIN = """
CREATE OR REPLACE TEMP TABLE refine_step1 AS
SELECT r.*, r.value_usd - coalesce(n.finer, 0) AS remainder
FROM refine_in r LEFT JOIN
  (SELECT parent_rid, sum(c.value_usd) AS finer FROM refine_nested
   JOIN refine_in c ON c.rid = refine_nested.rid GROUP BY parent_rid) n ON n.parent_rid = r.rid
"""

_WORLD = """
SELECT r.* EXCLUDE (rid, remainder, value_usd),
       CASE WHEN r.partner = 'WORLD' THEN r.remainder - coalesce(p.partners, 0)
            ELSE r.remainder END AS value_usd
FROM refine_step1 r LEFT JOIN
  (SELECT month, flow, hs_code, vintage, sum(remainder) AS partners FROM refine_step1
   WHERE partner <> 'WORLD' GROUP BY ALL) p
  ON r.partner = 'WORLD' AND p.month = r.month AND p.flow = r.flow AND p.hs_code = r.hs_code
 AND p.vintage = r.vintage
"""


@dataclass(frozen=True)
class Refined:
    table: pa.Table  # LINE_SCHEMA, coarser lines reduced to their remainders
    clamped: int  # remainders that were negative and set to zero
    clamped_usd: float  # how much was cut by clamping


def refine_overlaps(table: pa.Table) -> Refined:
    """Reduce coarser lines to what their finer lines do not already count."""
    con = duckdb.connect()
    con.register("refine_src", table)
    con.execute(
        "CREATE TEMP TABLE refine_in AS SELECT row_number() OVER () AS rid, * FROM refine_src"
    )
    con.execute(_NEAREST)
    con.execute(_WITHIN)
    out = con.sql(_WORLD).to_arrow_table()
    values = out.column("value_usd").to_pylist()
    negatives = [v for v in values if v < 0]
    fixed = out.set_column(
        out.schema.get_field_index("value_usd"),
        "value_usd",
        pa.array([max(v, 0.0) for v in values], pa.float64()),
    )
    con.close()
    return Refined(
        fixed.select(LINE_SCHEMA.names).cast(LINE_SCHEMA), len(negatives), -sum(negatives)
    )
