"""Which ICT codes each month's lines hold, and how much each carries, on the lines that name
no partner (WORLD) and on those that do (``stats.comparable`` tells from these which months
are made of the same goods).

A store that joins files of different reach (a series of a few HSK10 items since 2016 beside a
file of every HS6 code since 2025) holds months whose totals are not made of the same goods.
"""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

from .base import Store
from .query import vintage_filter

# a code's items in the month (several where the split table apportions it)
_SQL = """
SELECT flow, partnered, month, hs_code, items, sum(value_usd) AS value_usd FROM (
    SELECT l.flow, l.partner <> 'WORLD' AS partnered, l.month, l.hs_code, m.items,
        max(abs(l.value_usd)) AS value_usd  -- a line two sources give counts once
    FROM lines l
    JOIN (SELECT hs_code, valid_from, valid_to, string_agg(item, '|' ORDER BY item) AS items
          FROM code_map WHERE scheme = ? GROUP BY ALL) m
      ON m.hs_code = l.hs_code AND l.month BETWEEN m.valid_from AND m.valid_to
    WHERE {vintage} AND l.reporter = ? AND m.items <> 'non_ict'
    GROUP BY l.flow, l.partner, l.month, l.hs_code, m.items)
GROUP BY ALL
"""


def code_layers(store: Store, as_of: dt.date | None) -> pa.Table:
    """flow, partnered, month, hs_code, items, value_usd: the store's ICT lines (of its
    reporter and scheme, as of a vintage) summed over partners, apart for WORLD and partner
    lines; ``items`` are the code's items that month, joined by '|'."""
    condition, params = vintage_filter(as_of)
    return store.con.sql(
        _SQL.format(vintage=condition), params=[store.scheme_name, *params, store.reporter]
    ).to_arrow_table()
