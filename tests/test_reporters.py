"""The reporter dimension: one store holds several reporters' lines and keeps them apart."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from ictrade.cli import cli
from ictrade.errors import NoDataError, UsageError
from ictrade.months import Month
from ictrade.stats.facts import build_facts
from ictrade.store.ingest import ingest_table
from ictrade.store.query import cube_rows
from ictrade.store.store import Store, open_store
from ictrade.store.vintages import month_vintages

from conftest import lines_table, series_rows

V1, V2 = dt.date(2021, 1, 15), dt.date(2021, 3, 15)


def _rows(reporter: str, scale: float, vintage: dt.date = V1) -> list[dict[str, object]]:
    rows = series_rows({"854232": [scale * (10 + k) for k in range(14)]}, "2019-11")
    return [{**r, "reporter": reporter, "vintage": vintage} for r in rows]


def _total(store: Store, month: str, as_of: dt.date | None = None) -> float:
    facts = build_facts(store, Month.parse(month), as_of=as_of)
    cell = next(
        c
        for c in facts["cells"]
        if (c["flow"], c["item"], c["region"]) == ("export", "total", "world")
    )
    return float(cell["value_usd"])


def test_reporters_are_kept_apart(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "s.duckdb"
    with open_store(path) as store:
        # The same keys for two reporters: not duplicates, and neither changes the other.
        ingest_table(store, lines_table(_rows("KR", 1.0) + _rows("DE", 100.0)), origin="a")
        ingest_table(store, lines_table(_rows("DE", 200.0, V2)), origin="b")
        assert _total(store, "2020-12") == 23.0
        assert [v.vintage for v in month_vintages(store, Month(2020, 12))] == [V1]
    with open_store(path, read_only=True, reporter="de") as germany:
        assert _total(germany, "2020-12") == 4600.0
        assert _total(germany, "2020-12", as_of=V1) == 2300.0
        assert [v.vintage for v in month_vintages(germany, Month(2020, 12))] == [V1, V2]
        assert build_facts(germany, Month(2020, 12))["reporter"] == "DE"


def test_a_reporter_without_lines_is_named_with_those_the_store_holds(store: Store) -> None:
    ingest_table(store, lines_table(_rows("DE", 1.0)), origin="a")
    with pytest.raises(NoDataError, match="no lines of reporter KR.*--reporter DE"):
        build_facts(store, Month(2020, 12))


def test_bad_reporter_is_refused(store: Store) -> None:
    with pytest.raises(UsageError, match="reporter 'KOR'"):
        open_store(reporter="KOR")
    bad = lines_table([{**_rows("KR", 1.0)[0], "reporter": "kr"}])
    with pytest.raises(Exception, match="reporter 'kr' is not an ISO 3166-1 alpha-2"):
        ingest_table(store, bad, origin="bad.csv")


def test_refinement_keeps_reporters_apart() -> None:
    world = {"month": "2020-11", "flow": "export", "partner": "WORLD"}
    table = lines_table(
        [
            {**world, "hs_code": "8542", "value_usd": 100.0, "reporter": "KR"},
            {**world, "hs_code": "854232", "value_usd": 60.0, "reporter": "KR"},
            {**world, "hs_code": "854232", "value_usd": 90.0, "reporter": "DE"},
        ]
    )
    with open_store(":memory:") as store:
        ingest_table(store, table, origin="a")
        for reporter, expected in (("KR", {"semiconductors": 40.0, "memory": 60.0}),
                                   ("DE", {"memory": 90.0})):
            store.reporter = reporter
            rows = cube_rows(store, None).to_pylist()
            assert {r["item"]: r["value_usd"] for r in rows} == expected


def test_cli_facts_of_another_reporter(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "s.duckdb"
    with open_store(path) as store:
        ingest_table(store, lines_table(_rows("KR", 1.0) + _rows("DE", 100.0)), origin="a")
    args = ["release", "2020-12", "--format", "json", "--store", str(path)]
    result = CliRunner().invoke(cli, [*args, "--reporter", "DE"])
    assert result.exit_code == 0, result.output
    facts = json.loads(result.stdout)
    assert facts["reporter"] == "DE"
    assert "for reporter DE" in result.stderr
    missing = CliRunner().invoke(cli, [*args, "--reporter", "FR"])
    assert missing.exit_code == 2 and "--reporter DE, KR" in missing.stderr
