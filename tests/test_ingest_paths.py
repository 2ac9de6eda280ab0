"""Ingest's fast paths: dictionary-encoded Parquet text, packed-key duplicate checks, direct
inserts, files kept by hash; they must store exactly what the general path would."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ictrade.errors import InputError
from ictrade.load import ingest_file
from ictrade.store import batch
from ictrade.store.ingest import ingest_table
from ictrade.store.store import open_store

from conftest import lines_table

MONTHS = ["2020-01", "2020-02", "2020-03"]
FLOWS = ["export", "import"]
CODES = ["8542321010", "847130"]
PARTNERS = ["US", "CN"]
VINTAGES = [dt.date(2020, 6, 1), dt.date(2021, 6, 1), dt.date(2022, 6, 1)]
KEYS = list(itertools.product(range(3), range(2), range(2), range(2)))


def _value(key: tuple[int, ...], vintage: int) -> float:
    """One value per key and vintage, so identical lines never conflict."""
    m, f, c, p = key
    return float(1 + m * 1000 + f * 100 + c * 10 + p + vintage * 10000)


def _batch(entries: list[tuple[int, int]], encode: bool) -> pa.Table:
    rows = []
    for k, v in entries:
        m, f, c, p = KEYS[k]
        rows.append(
            {
                "month": MONTHS[m],
                "flow": FLOWS[f],
                "hs_code": CODES[c],
                "partner": PARTNERS[p],
                "value_usd": _value(KEYS[k], v),
                "vintage": VINTAGES[v],
            }
        )
    table = lines_table(rows)
    if encode:
        for name in ("flow", "hs_code", "partner", "source"):
            i = table.schema.get_field_index(name)
            table = table.set_column(i, name, pc.dictionary_encode(table[name]))
    return table


batches = st.lists(
    st.tuples(
        st.sets(st.tuples(st.integers(0, len(KEYS) - 1), st.integers(0, 2)), max_size=12),
        st.booleans(),
    ),
    min_size=1,
    max_size=4,
)


@settings(max_examples=40)
@given(batches)
def test_any_sequence_of_batches_stores_every_vintage_and_its_successor(batches):
    seen: set[tuple[int, int]] = set()
    with open_store(":memory:") as store:
        for entries, encode in batches:
            new = set(entries) - seen
            report = ingest_table(store, _batch(sorted(entries), encode), origin="t")
            assert report.lines_added == len(new)
            seen |= set(entries)
        stored = store.con.execute(
            """SELECT month, flow, hs_code, partner, vintage, value_usd, superseded_by
            FROM lines ORDER BY ALL"""
        ).fetchall()
    expected = []
    for k, v in seen:
        m, f, c, p = KEYS[k]
        later = sorted(w for kk, w in seen if kk == k and w > v)
        expected.append(
            (
                dt.date.fromisoformat(MONTHS[m] + "-01"),
                FLOWS[f],
                CODES[c],
                PARTNERS[p],
                VINTAGES[v],
                _value(KEYS[k], v),
                VINTAGES[later[0]] if later else None,
            )
        )
    assert stored == sorted(expected)


def _parquet(tmp_path, rows: dict[str, list[object]], name: str = "lines.parquet"):
    path = tmp_path / name
    pq.write_table(pa.table(rows), path)
    return path


def test_unknown_partner_in_a_parquet_file_names_its_row(store, tmp_path):
    path = _parquet(
        tmp_path,
        {
            "month": ["2020-11"] * 3,
            "flow": ["export"] * 3,
            "hs_code": ["8542321010"] * 3,
            "partner": ["US", "CN", "ZZ"],
            "value_usd": [1.0, 2.0, 3.0],
        },
    )
    with pytest.raises(InputError, match="'ZZ'") as info:
        ingest_file(store, path, source="kcs", vintage=dt.date(2020, 12, 15))
    assert info.value.field == "partner"
    assert "row 3" in str(info.value) or "line 3" in str(info.value)


def test_equal_values_under_different_dictionary_entries_are_duplicates(store):
    table = _batch([(0, 0), (1, 0), (2, 0)], encode=False)
    # rows 1 and 3 name the same partner through two entries of the dictionary
    partner = pa.DictionaryArray.from_arrays(pa.array([0, 1, 2]), pa.array(["US", "CN", "US"]))
    month = pa.array([dt.date(2020, 1, 1)] * 3, pa.date32())
    table = table.set_column(table.schema.get_field_index("partner"), "partner", partner)
    table = table.set_column(table.schema.get_field_index("month"), "month", month)
    flow = pa.array(["export"] * 3)
    table = table.set_column(table.schema.get_field_index("flow"), "flow", flow)
    code = pa.array(["8542321010"] * 3)
    table = table.set_column(table.schema.get_field_index("hs_code"), "hs_code", code)
    with pytest.raises(InputError, match="duplicated line") as info:
        ingest_table(store, table, origin="t")
    assert "row 3" in str(info.value)
    assert store.con.execute("SELECT count(*) FROM lines").fetchone() == (0,)


def test_big_raw_bytes_are_kept_as_a_hash_only(store, monkeypatch):
    monkeypatch.setattr(batch, "RAW_KEPT_MAX", 3)
    table = _batch([(0, 0)], encode=False)
    ingest_table(store, table, origin="big", raw=b"1234")
    ingest_table(store, table, origin="small", raw=b"123")
    rows = store.con.execute("SELECT origin, sha256, raw FROM ingests ORDER BY id").fetchall()
    assert rows[0] == ("big", hashlib.sha256(b"1234").hexdigest(), None)
    assert rows[1][2] == b"123"
    assert ingest_table(store, table, origin="again", raw=b"1234").already_loaded


def test_an_empty_parquet_file_is_refused_and_adds_nothing(store, tmp_path):
    empty = pa.array([], pa.string())
    path = _parquet(
        tmp_path,
        {
            "month": empty,
            "flow": empty,
            "hs_code": empty,
            "partner": empty,
            "value_usd": pa.array([], pa.float64()),
        },
    )
    with pytest.raises(InputError, match="no data rows"):
        ingest_file(store, path, source="kcs", vintage=dt.date(2020, 12, 15))
    assert store.con.execute("SELECT count(*) FROM ingests").fetchone() == (0,)


def test_a_file_that_is_not_parquet_is_a_clean_input_error(store, tmp_path):
    path = tmp_path / "lines.parquet"
    path.write_bytes(b"month,flow\n")
    with pytest.raises(InputError, match="not a readable Parquet file"):
        ingest_file(store, path)


def test_a_conflict_deep_in_a_big_batch_names_its_row(store):
    from ictrade.classify.partners import partner_codes

    partners = sorted(partner_codes() - {"WORLD"})[:150]
    rows = [
        {
            "month": f"2020-{m:02d}",
            "flow": flow,
            "hs_code": "8542321010",
            "partner": p,
            "value_usd": float(n),
        }
        for n, (m, flow, p) in enumerate(
            itertools.product(range(1, 13), ["export", "import"], partners)
        )
    ]
    ingest_table(store, lines_table(rows), origin="first")
    rows[2500]["value_usd"] += 1
    with pytest.raises(InputError, match="differs from the stored") as info:
        ingest_table(store, lines_table(rows), origin="second")
    assert "row 2501" in str(info.value)
