"""Which ICT codes each month's lines hold, and how much each carries, on the lines that name
no partner (WORLD) and on those that do (``stats.comparable`` tells from these which months
are made of the same goods).

A store that joins files of different reach (a series of a few HSK10 items since 2016 beside a
file of every HS6 code since 2025) holds months whose totals are not made of the same goods.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .base import Store, remembered
from .query import vintage_filter
from .schema import FLOWS

# a code's items in the month (several where the split table apportions it)
_ITEMS = """JOIN (SELECT hs_code, valid_from, valid_to, string_agg(item, '|' ORDER BY item) AS items
          FROM code_map WHERE scheme = ? GROUP BY ALL) m
      ON m.hs_code = l.hs_code AND l.month BETWEEN m.valid_from AND m.valid_to"""
_SQL = f"""
SELECT flow, partnered, month, hs_code, items, sum(value_usd) AS value_usd FROM (
    SELECT l.flow, l.partner <> 'WORLD' AS partnered, l.month, l.hs_code, m.items,
        max(abs(l.value_usd)) AS value_usd  -- a line two sources give counts once
    FROM lines l
    {_ITEMS}
    WHERE {{vintage}} AND l.reporter = ? AND m.items <> 'non_ict'
    GROUP BY l.flow, l.partner, l.month, l.hs_code, m.items)
GROUP BY ALL
"""
# the same by the span each line is in force, for a store of one source (two sources' copies
# of a line count once: a maximum, which does not split by span)
_BY_SPAN = f"""
SELECT l.vintage, l.superseded_by, l.flow, l.partner <> 'WORLD' AS partnered, l.month,
    l.hs_code, m.items, sum(abs(l.value_usd)) AS value_usd
FROM lines l
{_ITEMS}
WHERE l.reporter = ? AND m.items <> 'non_ict'
GROUP BY ALL
"""


def code_layers(store: Store, as_of: dt.date | None) -> pa.Table:
    """flow, partnered, month, hs_code, items, value_usd: the store's ICT lines (of its
    reporter and scheme, as of a vintage) summed over partners, apart for WORLD and partner
    lines; ``items`` are the code's items that month, joined by '|'."""
    spans = _spans(store)
    if spans is not None:
        return spans.at(as_of)
    condition, params = vintage_filter(as_of)
    return store.con.sql(
        _SQL.format(vintage=condition), params=[store.scheme_name, *params, store.reporter]
    ).to_arrow_table()


def layer_arrays(store: Store, as_of: dt.date | None) -> Layers:
    """``code_layers`` as arrays (a snapshot's without a table in between)."""
    spans = _spans(store)
    return spans.arrays(as_of) if spans is not None else Layers.of(code_layers(store, as_of))


def _spans(store: Store) -> LayerSpans | None:
    if store.memo is None:
        return None
    # a snapshot: the layers by span in force, read once
    key = ("layers", store.reporter, store.scheme_name)
    return remembered(store, key, lambda: LayerSpans.of(store))


def _indexes(column: pa.ChunkedArray | pa.Array) -> tuple[tuple[str, ...], np.ndarray]:
    """The distinct values of a string column and each row's index among them."""
    encoded = pc.dictionary_encode(column)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    indices = np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
    return tuple(encoded.dictionary.to_pylist()), indices


@dataclass(frozen=True)
class Layers:
    """``code_layers`` rows as arrays, in the same order."""

    flow: np.ndarray  # index in FLOWS
    partnered: np.ndarray  # bool
    month: np.ndarray  # Month.index
    code: np.ndarray  # index in ``codes``
    key: np.ndarray  # index in ``keys`` (a code's items that month, joined by '|')
    value: np.ndarray
    codes: tuple[str, ...]  # a snapshot's: every code it holds at any date
    keys: tuple[str, ...]

    @classmethod
    def of(cls, rows: pa.Table) -> Layers:
        codes, code = _indexes(rows.column("hs_code"))
        keys, key = _indexes(rows.column("items"))
        flows = pc.index_in(rows.column("flow"), value_set=pa.array(FLOWS))
        month = rows.column("month").to_numpy().astype("datetime64[M]").astype(np.int64)
        return cls(
            np.asarray(flows.to_numpy(zero_copy_only=False), dtype=np.int64),
            rows.column("partnered").to_numpy(zero_copy_only=False).astype(bool),
            month + 1970 * 12,
            code,
            key,
            np.asarray(rows.column("value_usd").to_numpy(zero_copy_only=False), dtype=float),
            codes,
            keys,
        )

    def take(self, rows: np.ndarray, value: np.ndarray) -> Layers:
        """The rows ``rows`` with values ``value``."""
        return Layers(
            self.flow[rows],
            self.partnered[rows],
            self.month[rows],
            self.code[rows],
            self.key[rows],
            value,
            self.codes,
            self.keys,
        )


class LayerSpans:
    """``code_layers`` at any date from the layers summed by the span each line is in force
    (``_BY_SPAN``): a mask and a sum per date instead of a pass over the lines."""

    def __init__(self, rows: pa.Table) -> None:
        keys = ["flow", "partnered", "month", "hs_code", "items"]
        rows = rows.sort_by([(k, "ascending") for k in keys])
        self.rows = rows.select(keys)
        start = np.zeros(rows.num_rows, dtype=bool)
        start[:1] = True
        for name in keys:
            column = rows.column(name)
            if rows.num_rows > 1:
                start[1:] |= pc.not_equal(column[1:], column[:-1]).to_numpy(zero_copy_only=False)
        self.group = np.cumsum(start) - 1
        self.first = np.nonzero(start)[0]
        # days since 1970, compared as numbers; a line not superseded: in force for ever
        self.vintage = rows.column("vintage").to_numpy().astype("datetime64[D]").astype(np.int64)
        superseded = rows.column("superseded_by").to_numpy(zero_copy_only=False)
        days = superseded.astype("datetime64[D]").astype(np.int64)
        self.superseded = np.where(np.isnat(superseded), np.iinfo(np.int64).max, days)
        self.value = rows.column("value_usd").to_numpy()
        # each group's row as arrays (a zero value: the arrays' values come at each date)
        firsts = self.rows.take(pa.array(self.first))
        self.layers = Layers.of(
            firsts.append_column("value_usd", pa.array(np.zeros(len(self.first))))
        )

    @classmethod
    def of(cls, store: Store) -> LayerSpans | None:
        sources = store.con.execute(
            "SELECT count(DISTINCT source) FROM lines WHERE reporter = ?", [store.reporter]
        ).fetchall()
        if sources[0][0] > 1:
            return None
        rows = store.con.sql(_BY_SPAN, params=[store.scheme_name, store.reporter])
        return cls(rows.to_arrow_table())

    def _in_force(self, as_of: dt.date | None) -> tuple[np.ndarray, np.ndarray]:
        """The groups with lines in force at ``as_of``, and their values."""
        if as_of is None:
            keep = self.superseded == np.iinfo(np.int64).max
        else:
            day = int(np.datetime64(as_of, "D").astype(np.int64))
            keep = (self.vintage <= day) & (self.superseded > day)
        size = len(self.first)
        group = self.group[keep]
        value = np.bincount(group, weights=self.value[keep], minlength=size)
        held = np.zeros(size, dtype=bool)
        held[group] = True
        return np.flatnonzero(held), value[held]

    def at(self, as_of: dt.date | None) -> pa.Table:
        groups, value = self._in_force(as_of)
        picked = self.rows.take(pa.array(self.first[groups]))
        return picked.append_column("value_usd", pa.array(value))

    def arrays(self, as_of: dt.date | None) -> Layers:
        groups, value = self._in_force(as_of)
        return self.layers.take(groups, value)
