"""The series command: a monthly series as CSV, JSON or Parquet, equal to ``series()``."""

from __future__ import annotations

import csv
import io
import json

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from release_data import write_store

from ictrade.cli import cli
from ictrade.months import Month
from ictrade.stats.series import series
from ictrade.store.store import open_store


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):  # type: ignore[no-untyped-def]
    return write_store(tmp_path_factory.mktemp("series") / "s.duckdb")


def _run(store_path, *args):  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(cli, ["series", "--store", str(store_path), *args])
    assert result.exit_code == 0, result.output
    return result


@pytest.mark.parametrize("measure", ["value", "yoy", "share"])
def test_csv_json_parquet_hold_the_series(store_path, tmp_path, measure):
    args = [
        "--item",
        "memory",
        "--region",
        "vietnam",
        "--from",
        "2019-06",
        "--to",
        "2020-11",
        "--measure",
        measure,
    ]
    with open_store(store_path, read_only=True) as store:
        want = series(
            store,
            "export",
            "memory",
            "vietnam",
            measure=measure,
            start=Month(2019, 6),
            end=Month(2020, 11),
        )
    expected = [(str(p.month), p.value) for p in want]
    rows = list(csv.DictReader(io.StringIO(_run(store_path, *args).stdout)))
    assert [(r["month"], float(r["value"])) for r in rows] == expected
    assert {r["measure"] for r in rows} == {measure}
    doc = json.loads(_run(store_path, *args, "--format", "json").stdout)
    assert [(p["month"], p["value"]) for p in doc["points"]] == expected
    out = tmp_path / "s.parquet"
    _run(store_path, *args, "--format", "parquet", "--out", str(out))
    table = pq.read_table(out).to_pylist()
    assert [(r["month"], r["value"]) for r in table] == expected
    raw = _run(store_path, *args, "--format", "parquet").stdout_bytes
    assert raw[:4] == b"PAR1" and pq.read_table(io.BytesIO(raw)).num_rows == len(expected)


def test_bad_item_is_a_usage_error(store_path):
    result = CliRunner().invoke(cli, ["series", "--store", str(store_path), "--item", "chipz"])
    assert result.exit_code == 2 and "unknown item 'chipz'" in result.output


def test_text_is_a_table_to_read(store_path):
    args = ["--item", "memory", "--from", "2020-10", "--to", "2020-11", "--format", "text"]
    lines = _run(store_path, *args).stdout.splitlines()
    assert lines[0] == "export memory world (USD)"
    assert [line.split()[0] for line in lines[1:]] == ["2020-10", "2020-11"]
    assert all("," in line.split()[1] for line in lines[1:])  # thousands grouped
