"""read_lines as ingest calls it (dictionary-encoded text, keys left to ingest_table): the same
lines as the standalone reader, and duplicated keys still named by file and line."""

from __future__ import annotations

import datetime as dt
import hashlib

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ictrade.errors import InputError
from ictrade.load import ingest_file
from ictrade.sources._dates import first_of_month
from ictrade.sources.files import LineDefaults, read_lines
from ictrade.store.schema import LINE_SCHEMA

V = dt.date(2021, 1, 15)


def _write(tmp_path, columns: dict[str, object], name: str = "lines.parquet"):
    path = tmp_path / name
    pq.write_table(pa.table(columns), path)
    return path


DUPLICATED = {
    "month": ["2020-11", "2020-11", "2020-12", "2020-11"],
    "flow": ["export", "import", "export", "export"],
    "hs_code": ["854232", "854232", "854232", "854232 "],
    "partner": ["US", "US", "US", "us"],
    "value_usd": [1.0, 2.0, 3.0, 4.0],
}


def test_standalone_read_names_a_duplicated_parquet_row(tmp_path):
    path = _write(tmp_path, DUPLICATED)
    with pytest.raises(InputError, match="duplicated line") as err:
        read_lines(path, defaults=LineDefaults(source="s", vintage=V))
    assert (err.value.file, err.value.line) == (str(path), 4)
    assert "as row 1" in str(err.value)


def test_ingest_names_a_duplicated_parquet_row_and_writes_nothing(store, tmp_path):
    path = _write(tmp_path, DUPLICATED)
    with pytest.raises(InputError, match="duplicated line") as err:
        ingest_file(store, path, source="s", vintage=V)
    assert (err.value.file, err.value.line) == (str(path), 4)
    assert "line 1" in str(err.value)
    assert store.con.execute("SELECT count(*) FROM lines").fetchone() == (0,)
    assert store.con.execute("SELECT count(*) FROM ingests").fetchone() == (0,)


def test_ingest_still_names_a_duplicated_csv_line(store, tmp_path):
    path = tmp_path / "lines.csv"
    body = (
        "month,flow,hs_code,partner,value_usd\n"
        "2020-11,export,8542,US,1\n\n2020-11,export,8542,US,2\n"
    )
    path.write_text(body)
    with pytest.raises(InputError, match="duplicated line") as err:
        ingest_file(store, path, source="s", vintage=V)
    assert (err.value.file, err.value.line) == (str(path), 4)  # the blank line is counted


rows = st.lists(
    st.tuples(
        st.integers(2000 * 12, 2030 * 12),
        st.sampled_from(["export", "import"]),
        st.sampled_from(["854232", " 8542321010", "0202"]),
        st.sampled_from(["US", "cn ", "WORLD", "vn"]),
        st.floats(0, 1e12, allow_nan=False),
        st.sampled_from(["kcs", " kcs", None]),
    ),
    min_size=1,
    max_size=40,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=rows, dates=st.booleans())
def test_encoded_read_equals_the_plain_read(tmp_path, rows, dates):
    month = (
        pa.array([dt.date(m // 12, m % 12 + 1, 1 + m % 28) for m, *_ in rows], pa.date32())
        if dates
        else [f"{m // 12:04d}-{m % 12 + 1:02d}" for m, *_ in rows]
    )
    columns: dict[str, object] = {
        "month": month,
        "flow": [r[1] for r in rows],
        "hs_code": [r[2] for r in rows],
        "partner": [r[3] for r in rows],
        "value_usd": [r[4] for r in rows],
    }
    if rows[0][5] is not None:
        columns["source"] = [r[5] or "kcs" for r in rows]
    path = _write(tmp_path, columns)
    defaults = LineDefaults(source="d", vintage=V)
    plain = read_lines(path, defaults=defaults, check_keys=False)
    encoded = read_lines(path, defaults=defaults, check_keys=False, encoded=True)
    assert plain.schema == LINE_SCHEMA
    for name in ("flow", "hs_code", "partner", "source", "status"):
        assert pa.types.is_dictionary(encoded.schema.field(name).type)
    assert encoded.cast(LINE_SCHEMA).equals(plain)


@given(days=st.lists(st.integers(-50_000, 100_000), min_size=1, max_size=50))
def test_months_floored_through_the_day_table_equal_floor_temporal(days):
    column = pa.chunked_array(
        [pa.array(days[: len(days) // 2], pa.int32()), pa.array(days[len(days) // 2 :], pa.int32())]
    ).cast(pa.date32())
    assert first_of_month(column).equals(pc.floor_temporal(column, unit="month"))


def test_a_big_file_is_hashed_without_being_kept_and_not_loaded_twice(store, tmp_path, monkeypatch):
    from ictrade import load

    monkeypatch.setattr(load, "RAW_KEPT_MAX", 10)
    path = _write(tmp_path, {k: v[:3] for k, v in DUPLICATED.items()})
    assert ingest_file(store, path, source="s", vintage=V).lines_added == 3
    assert ingest_file(store, path, source="s", vintage=V).already_loaded
    row = store.con.execute("SELECT sha256, raw FROM ingests").fetchall()
    assert row == [(hashlib.sha256(path.read_bytes()).hexdigest(), None)]
