"""The latest cube kept as a table (cube_latest) always equals CUBE_SQL over the lines: after
any sequence of ingests with several vintages, failed ingests, rule changes and old stores."""

from __future__ import annotations

import datetime as dt
import itertools

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ictrade.errors import InputError
from ictrade.store.ingest import ingest_table
from ictrade.store.query import cube_ready, cube_rows
from ictrade.store.store import Store, open_store

from conftest import lines_table

MONTHS = ["2016-12", "2017-01", "2020-11", "2021-01"]
FLOWS = ["export", "import"]
# ICT codes (one of them moved between HS editions), a non-ICT code, and a short one
CODES = ["8542321010", "8471300000", "847130", "0202300000", "8517"]
PARTNERS = ["US", "CN", "WORLD"]
SOURCES = ["kcs", "other"]
VINTAGES = [dt.date(2021, 2, 1), dt.date(2021, 6, 1), dt.date(2022, 6, 1)]
KEYS = list(itertools.product(range(4), range(2), range(5), range(3), range(2)))


def _value(key: int, vintage: int) -> float:
    """One value per key and vintage (whole dollars: sums are exact in any order)."""
    return float(1 + key * 7 + vintage * 1000)


def _batch(entries: set[tuple[int, int]]) -> pa.Table:
    rows = []
    for k, v in sorted(entries):
        m, f, c, p, s = KEYS[k]
        rows.append(
            {
                "month": MONTHS[m],
                "flow": FLOWS[f],
                "hs_code": CODES[c],
                "partner": PARTNERS[p],
                "source": SOURCES[s],
                "value_usd": _value(k, v),
                "vintage": VINTAGES[v],
            }
        )
    return lines_table(rows)


def _sorted(table: pa.Table) -> list[tuple[object, ...]]:
    return sorted(tuple(r.values()) for r in table.to_pylist())


def _aggregated(store: Store, as_of: dt.date | None = None) -> list[tuple[object, ...]]:
    """The cube aggregated afresh from the lines (CUBE_SQL, or counted line by line where
    lines refine one another): as of a date after every vintage for the latest figures."""
    return _sorted(cube_rows(store, as_of or dt.date(2999, 1, 1)))


def _cached(store: Store) -> list[tuple[object, ...]]:
    assert cube_ready(store.con, store.scheme_name)
    return _sorted(cube_rows(store, None))


batches = st.lists(
    st.sets(st.tuples(st.integers(0, len(KEYS) - 1), st.integers(0, 2)), max_size=15),
    min_size=1,
    max_size=5,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batches)
def test_after_any_sequence_of_ingests_the_cached_cube_equals_the_aggregation(batches):
    with open_store(":memory:") as store:
        for n, entries in enumerate(batches):
            ingest_table(store, _batch(entries), origin=f"batch {n}")
            assert _cached(store) == _aggregated(store)
        # the latest figures are those in force after the last vintage
        assert _cached(store) == _aggregated(store, dt.date(2099, 1, 1))


def test_several_vintages_and_a_new_month_keep_the_cache_equal(store):
    first = {(k, 0) for k in range(0, len(KEYS), 3)}
    ingest_table(store, _batch(first), origin="first")
    revised = {(k, 1) for k in range(0, len(KEYS), 6)}
    ingest_table(store, _batch(revised), origin="revised")
    later = {(k, 2) for k in range(len(KEYS)) if KEYS[k][0] == 3}  # the last month only
    ingest_table(store, _batch(later), origin="later")
    cached = _cached(store)
    assert cached == _aggregated(store)
    assert cached != _aggregated(store, VINTAGES[0])  # revisions changed the figures
    assert cached and "non_ict" not in {row[2] for row in cached}


def test_a_refused_ingest_leaves_the_cache_as_it_was(store):
    ingest_table(store, _batch({(0, 0), (1, 0)}), origin="first")
    before = _cached(store)
    conflict = _batch({(0, 0), (40, 0)})
    conflict = conflict.set_column(
        conflict.schema.get_field_index("value_usd"), "value_usd", pa.array([5.0, 6.0])
    )
    with pytest.raises(InputError, match="differs from the stored"):
        ingest_table(store, conflict, origin="conflict")
    assert _cached(store) == before == _aggregated(store)


def test_a_rule_change_or_an_older_store_rebuilds_the_cache(tmp_path):
    path = tmp_path / "store.duckdb"
    with open_store(path) as store:
        ingest_table(store, _batch({(k, k % 3) for k in range(0, len(KEYS), 2)}), origin="a")
        expected = _aggregated(store)
        # as if the rules had changed, and the cache were wrong
        store.con.execute("UPDATE meta SET value = 'older rules' WHERE key LIKE 'rules:%'")
        store.con.execute("UPDATE code_map SET item = 'non_ict'")
        store.con.execute("UPDATE cube_latest SET value_usd = 0")
    with open_store(path) as store:
        assert _cached(store) == _aggregated(store) == expected
        # a store written before the table existed: no marker, nothing in the table
        store.con.execute("DELETE FROM cube_latest")
        store.con.execute("DELETE FROM meta WHERE key LIKE 'cube:%'")
    with open_store(path, read_only=True) as store:
        assert not cube_ready(store.con, store.scheme_name)
        assert _sorted(cube_rows(store, None)) == expected  # aggregated from the lines
    with open_store(path) as store:
        assert _cached(store) == expected


def test_a_shipped_dataset_has_its_cache_built_at_open(default_dataset):
    assert _cached(default_dataset) == _aggregated(default_dataset)
