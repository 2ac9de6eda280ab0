"""The canonical reader's Parquet path: text read dictionary-encoded and normalised on the
dictionaries, big files kept by hash."""

from __future__ import annotations

import datetime as dt
import hashlib

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ictrade.errors import InputError
from ictrade.sources import canonical
from ictrade.store.ingest import ingest_file


def _parquet(tmp_path, rows: dict[str, list[object]], name: str = "lines.parquet"):
    path = tmp_path / name
    pq.write_table(pa.table(rows), path)
    return path


def test_parquet_text_is_trimmed_and_cased_like_csv(store, tmp_path):
    path = _parquet(
        tmp_path,
        {
            "month": ["2020-11", "2020-11"],
            "flow": ["Export ", "export"],
            "hs_code": [" 8542321010", "8542321010"],
            "partner": ["us", " CN"],
            "value_usd": [1.0, 2.0],
        },
    )
    ingest_file(store, path, source="kcs", vintage=dt.date(2020, 12, 15))
    rows = store.con.execute("SELECT flow, hs_code, partner FROM lines ORDER BY 3").fetchall()
    assert rows == [("export", "8542321010", "CN"), ("export", "8542321010", "US")]


def test_lines_equal_once_normalised_are_duplicates(store, tmp_path):
    path = _parquet(
        tmp_path,
        {
            "month": ["2020-11", "2020-11", "2020-11"],
            "flow": ["export", "export", "export"],
            "hs_code": ["8542321010", "8542321010", "8542321010"],
            "partner": ["US", "JP", " us"],
            "value_usd": [1.0, 2.0, 3.0],
        },
    )
    with pytest.raises(InputError, match="duplicated line") as info:
        ingest_file(store, path, source="kcs", vintage=dt.date(2020, 12, 15))
    assert "(row 3)" in str(info.value)
    assert store.con.execute("SELECT count(*) FROM lines").fetchone() == (0,)


def test_a_big_file_is_recorded_by_its_hash_and_not_loaded_twice(store, tmp_path, monkeypatch):
    monkeypatch.setattr(canonical, "RAW_KEPT_MAX", 0)
    path = _parquet(
        tmp_path,
        {
            "month": ["2020-11"],
            "flow": ["export"],
            "hs_code": ["8542321010"],
            "partner": ["US"],
            "value_usd": [1.0],
        },
    )
    ingest_file(store, path, source="kcs", vintage=dt.date(2020, 12, 15))
    sha, raw = store.con.execute("SELECT sha256, raw FROM ingests").fetchone()
    assert sha == hashlib.sha256(path.read_bytes()).hexdigest() and raw is None
    assert ingest_file(store, path, source="kcs").already_loaded
