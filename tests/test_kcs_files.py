"""The real KCS files a user downloads load into one store cleanly, in any order, and give
the world figures of the shipped kcs-sample dataset (built from the same files)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from itertools import permutations
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from ictrade.load import ingest_file
from ictrade.sources.files import LineDefaults, read_lines
from ictrade.store.ingest import ingest_table
from ictrade.store.query import cube_rows
from ictrade.store.store import Store, open_store

RAW = Path(__file__).resolve().parent.parent / "data-raw" / "kcs"
FILES = ["hs6_exports_world_monthly.csv", "item_country_monthly.csv", "kcs_items_monthly.csv"]
MONTH = dt.date(2025, 3, 1)
SNAPSHOT = dt.date(2026, 7, 16)  # the vintage of kcs-sample (and of these files' retrieval)


def world(store: Store) -> dict[str, float]:
    got: dict[str, float] = defaultdict(float)
    for r in cube_rows(store, None).to_pylist():
        if r["month"] == MONTH and r["flow"] == "export":
            got[r["item"]] += r["value_usd"]
    return {k: round(v) for k, v in got.items()}


@pytest.fixture(scope="module")
def month_lines() -> dict[str, pa.Table]:
    out = {}
    for name in FILES:
        table = read_lines(RAW / name, defaults=LineDefaults(vintage=SNAPSHOT))
        out[name] = table.filter(pc.equal(table["month"], pa.scalar(MONTH, pa.date32())))
    return out


@pytest.fixture(scope="module")
def sample() -> dict[str, float]:
    with open_store(dataset="kcs-sample") as store:
        return world(store)


@pytest.mark.parametrize("order", list(permutations(FILES)))
def test_the_three_files_in_any_order_give_kcs_sample_world_figures(order, month_lines, sample):
    with open_store(":memory:") as store:
        for name in order:
            ingest_table(store, month_lines[name], origin=name)
        assert world(store) == sample
    assert sample["dram"] > 3e9 and sample["mobile_parts"] > 5e8  # DRAM modules, camera parts


@pytest.mark.slow
def test_the_companion_file_loads_beside_the_hs6_file(tmp_path):
    with open_store(tmp_path / "s.duckdb") as store:
        for name in FILES[:2]:
            report = ingest_file(store, RAW / name)
            assert report.lines_added == report.lines_seen > 0


@pytest.mark.slow
def test_a_store_of_the_three_files_releases_what_kcs_sample_releases(tmp_path):
    """All three files whole in one store: the item x partner file's sparse first month does
    not refuse 2025-01 (the HS6 file holds every code of it), its world figures are those of
    kcs-sample; the HS6 file's cut-off 2026-02 is still refused, naming its coverage."""
    from ictrade.months import Month
    from ictrade.stats.cube import load_cube
    from ictrade.stats.facts import build_facts
    from ictrade.stats.releasable import refused_months

    def cells(store: Store, month: Month) -> dict[str, float]:
        facts = build_facts(store, month)
        return {
            c["item"]: round(c["value_usd"])
            for c in facts["cells"]
            if c["region"] == "world" and c["flow"] == "export" and c["value_usd"] is not None
        }

    first, last = Month.parse("2025-01"), Month.parse("2026-01")
    with open_store(dataset="kcs-sample") as store:
        expected = {m: cells(store, m) for m in (first, last)}
    with open_store(tmp_path / "s.duckdb") as store:
        for name in reversed(FILES):
            ingest_file(store, RAW / name)
        for month in (first, last):
            assert cells(store, month) == expected[month]
        refused = refused_months(store, load_cube(store, None), None)
    assert first not in refused and last not in refused
    assert "251 export codes of 6 digits" in refused[Month.parse("2026-02")]
