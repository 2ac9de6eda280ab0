"""Comtrade monthly bulk files, and the Parquet lake: appended, never rewritten, and read to the
same facts as the store."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ictrade.cli import cli
from ictrade.errors import InputError
from ictrade.load import ingest_file
from ictrade.months import Month
from ictrade.stats.facts import build_facts
from ictrade.stats.lake import lake_facts
from ictrade.store.ingest import ingest_table
from ictrade.store.lake import append_lines
from ictrade.store.store import open_store

from conftest import lines_table, series_rows

HEADER = (
    "typeCode\tfreqCode\trefPeriodId\tperiod\treporterCode\treporterISO\tflowCode\tpartnerCode\t"
    "partner2Code\tclassificationCode\tcmdCode\tcustomsCode\tmosCode\tmotCode\tqtyUnitCode\tqty\t"
    "netWgt\tcifvalue\tfobvalue\tprimaryValue\tisReported\tisAggregate"
)


def _row(freq: str, period: str, reporter: int, flow: str, partner: int, cmd: str,
         value: float, partner2: int = 0) -> str:
    return "\t".join(
        ["C", freq, period + "01", period, str(reporter), "", flow, str(partner), str(partner2),
         "H6", cmd, "C00", "0", "0", "-1", "", "12.5", "", str(value), str(value), "True", "False"]
    )


def bulk_file(path: Path) -> Path:
    rows = [
        _row("M", "202311", 410, "X", 156, "854232", 1000.0),
        _row("M", "202311", 410, "X", 842, "851713", 500.0),
        _row("M", "202311", 276, "M", 842, "852411", 70.0),
        _row("M", "202311", 276, "X", 0, "852411", 90.0),
        _row("M", "202311", 410, "X", 156, "TOTAL", 9999.0),  # not a commodity line
        _row("M", "202311", 410, "X", 156, "854232", 400.0, partner2=156),  # a breakdown
        _row("A", "2023", 410, "X", 156, "854232", 12000.0),  # annual
        _row("M", "202311", 410, "RX", 156, "854232", 3.0),  # re-exports
    ]
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write("\n".join([HEADER, *rows]) + "\n")
    return path


def test_comtrade_bulk_file_loads_several_reporters(tmp_path: Path) -> None:
    file = bulk_file(tmp_path / "COMTRADE-FINAL-CM410-202311.txt.gz")
    with open_store(":memory:") as store:
        report = ingest_file(store, file, vintage=dt.date(2024, 1, 10))
        assert report.lines_added == 4
        got = store.con.execute(
            "SELECT reporter, flow, partner, hs_code, value_usd, source FROM lines ORDER BY ALL"
        ).fetchall()
    assert got == [
        ("DE", "export", "WORLD", "852411", 90.0, "comtrade:DE"),
        ("DE", "import", "US", "852411", 70.0, "comtrade:DE"),
        ("KR", "export", "CN", "854232", 1000.0, "comtrade"),
        ("KR", "export", "US", "851713", 500.0, "comtrade"),
    ]


V1, V2 = dt.date(2021, 1, 15), dt.date(2021, 3, 15)


def _lines(scale: float, vintage: dt.date) -> list[dict[str, object]]:
    rows = series_rows({"854232": [scale * (10 + k) for k in range(14)]}, "2019-11")
    rows += series_rows({"851713": [scale * 5] * 14}, "2019-11", partner="CN")
    return [{**r, "vintage": vintage, "reporter": rep} for rep in ("KR", "DE") for r in rows]


def _files(lake: Path) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in (lake / "lines").rglob("*.parquet")}


def test_lake_appends_and_never_rewrites(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    first = append_lines(lake, lines_table(_lines(1e6, V1)), origin="a")
    assert first.lines_added == 56
    assert (lake / "lines" / "reporter=DE" / "month=2020-12-01").is_dir()
    before = _files(lake)
    again = append_lines(lake, lines_table(_lines(1e6, V1)), origin="a2")
    assert again.lines_added == 0 and _files(lake) == before  # identical lines: skipped
    with pytest.raises(InputError, match="differs from the 1"):
        append_lines(lake, lines_table(_lines(2e6, V1)), origin="b")
    assert _files(lake) == before
    later = append_lines(lake, lines_table(_lines(2e6, V2)), origin="c")
    assert later.lines_added == 56
    after = _files(lake)
    assert {p: after[p] for p in before} == before and len(after) > len(before)


def test_lake_facts_equal_the_store_facts(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    append_lines(lake, lines_table(_lines(1e6, V1)), origin="a")
    append_lines(lake, lines_table(_lines(2e6, V2)), origin="b")
    with open_store(":memory:") as store:
        ingest_table(store, lines_table(_lines(1e6, V1) + _lines(2e6, V2)), origin="ab")
        for as_of in (None, V1):
            want = build_facts(store, Month(2020, 12), as_of=as_of)
            got = lake_facts(lake, Month(2020, 12), as_of=as_of)
            assert got["cells"] == want["cells"]
            assert got["streaks"] == want["streaks"] and got["records"] == want["records"]
            for key in ("sources", "as_of", "as_of_requested"):  # where the figures come from
                assert got["data"][key] == want["data"][key], key  # type: ignore[literal-required]
        assert got["data"]["sources"] == ["test"] and got["data"]["as_of"] == str(V1)


def test_lake_commands(tmp_path: Path) -> None:
    lake = str(tmp_path / "lake")
    file = bulk_file(tmp_path / "bulk.txt.gz")
    runner = CliRunner()
    result = runner.invoke(cli, ["lake", "ingest", str(file), "--lake", lake])
    assert result.exit_code == 0, result.output
    assert "4 lines added to the lake" in result.stdout
    args = ["lake", "facts", "2023-11", "--lake", lake, "--reporter", "DE", "--scheme", "oecd-ict"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    facts = json.loads(result.stdout)
    cells = {(c["flow"], c["item"], c["region"]): c["value_usd"] for c in facts["cells"]}
    assert cells[("export", "electronic_components", "world")] == 90.0
    missing = runner.invoke(cli, ["lake", "facts", "2023-11", "--lake", str(tmp_path / "no")])
    assert missing.exit_code == 2 and "no lines in the lake" in missing.stderr


def test_lake_ingest_reads_a_parquet_file_batch_by_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A big file is read, checked and staged a few lines at a time; the lake gets the same
    lines as from one batch, and a fault in a later batch (a bad value, or a key of an earlier
    batch) refuses the whole file, naming its line, with nothing written."""
    import duckdb
    import pyarrow as pa
    import pyarrow.parquet as pq

    from ictrade.load import ingest_lake_file
    from ictrade.sources import files

    monkeypatch.setattr(files, "BATCH_ROWS", 10)
    table = lines_table(_lines(1e6, V1))
    pq.write_table(table, tmp_path / "lines.parquet")
    whole, piecewise = tmp_path / "whole", tmp_path / "piecewise"
    append_lines(whole, table, origin="whole")
    report = ingest_lake_file(piecewise, tmp_path / "lines.parquet")
    assert report.lines_added == table.num_rows == 56
    read = "SELECT * FROM read_parquet('{}/lines/**/*.parquet', hive_partitioning = 1) ORDER BY ALL"
    rows = [duckdb.sql(read.format(lake)).fetchall() for lake in (whole, piecewise)]
    assert rows[0] == rows[1]
    assert ingest_lake_file(piecewise, tmp_path / "lines.parquet").already_loaded
    bad = table.to_pylist()
    bad[45]["value_usd"] = -1.0
    pq.write_table(pa.Table.from_pylist(bad, table.schema), tmp_path / "bad.parquet")
    with pytest.raises(InputError, match="value_usd") as caught:
        ingest_lake_file(tmp_path / "fresh", tmp_path / "bad.parquet")
    assert caught.value.line == 46  # rows count from 1, as when the file is read whole
    twice = table.to_pylist()
    twice[50] = twice[3]
    pq.write_table(pa.Table.from_pylist(twice, table.schema), tmp_path / "twice.parquet")
    with pytest.raises(InputError, match="duplicated line"):
        ingest_lake_file(tmp_path / "fresh", tmp_path / "twice.parquet")
    assert not list((tmp_path / "fresh").rglob("*.parquet"))


def test_lake_regions_by_date_equal_the_store(tmp_path: Path) -> None:
    """Partners to regions by date run in the engine's SQL: the EU without the UK from 2020-02
    (a year-earlier value compared with the current members), WORLD lines counted in the world
    but in no region; the lake's cube equals the store's, region by region, month by month."""
    import numpy as np

    from ictrade.stats.cube import load_cube
    from ictrade.stats.lake import lake_cube

    rows = []
    for partner in ("GB", "DE", "CN", "JP"):
        rows += series_rows({"854232": [100.0 + k for k in range(30)]}, "2019-01", partner=partner)
    rows += series_rows({"851713": [7.0] * 30}, "2019-01", partner="WORLD")
    rows += series_rows({"847130": [3.0] * 30}, "2019-01", flow="import", partner="GB")
    table = lines_table([{**r, "vintage": dt.date(2021, 9, 1)} for r in rows])
    lake = tmp_path / "lake"
    append_lines(lake, table, origin="a")
    got = lake_cube(lake)
    with open_store(":memory:") as store:
        ingest_table(store, table, origin="a")
        want = load_cube(store, None)
    assert got.months == want.months and got.regions == want.regions
    assert got.items == want.items and got.flows_present == want.flows_present
    np.testing.assert_allclose(got.value, want.value, atol=0.005)
    np.testing.assert_allclose(got.prior, want.prior, atol=0.005)
    assert got.unattributed is not None and want.unattributed is not None
    np.testing.assert_allclose(got.unattributed, want.unattributed, atol=0.005)
    eu, t = got.regions.index("eu"), got.t(Month(2020, 3))
    total = got.items.index("total")  # DE alone, now and a year earlier: the UK left in 2020-02
    assert got.value[0, total, eu, t] == 100.0 + 14
    assert got.prior[0, total, eu, t] == 100.0 + 2


def test_lake_counts_every_line_in_force_where_the_store_refines(tmp_path: Path) -> None:
    """Where the lake differs from the store, on purpose (docs/scale.md, "What the lake counts"):
    the store counts a total and its detail once (store/refine.py: an HS6 line keeps what its
    HSK10 lines leave, the WORLD line what the partner lines leave); the lake's one SQL
    aggregation counts every line in force as given, so a lake must hold one level of detail
    per reporter, month and flow (as Comtrade's HS6 lines by partner, World rows left out)."""
    from ictrade.stats.cube import load_cube
    from ictrade.stats.lake import lake_cube

    rows = series_rows({"854232": [100.0] * 13, "8542321010": [60.0] * 13}, "2020-01")
    rows += series_rows({"851712": [50.0] * 13}, "2020-01", partner="WORLD")
    rows += series_rows({"851712": [20.0] * 13}, "2020-01", partner="CN")
    table = lines_table([{**r, "vintage": dt.date(2021, 9, 1)} for r in rows])
    append_lines(tmp_path / "lake", table, origin="nested")
    lake = lake_cube(tmp_path / "lake")
    with open_store(":memory:") as store:
        ingest_table(store, table, origin="nested")
        refined = load_cube(store, None)
    world, t = lake.regions.index("world"), lake.t(Month(2021, 1))
    total = lake.items.index("total")
    assert refined.value[0, total, world, t] == 100.0 + 50.0  # each value once
    assert lake.value[0, total, world, t] == 100.0 + 60.0 + 50.0 + 20.0  # every line


def test_lake_export_of_a_store_once(tmp_path: Path) -> None:
    """``lake export`` appends a store's lines batch by batch; exported again, nothing changes."""
    with open_store(tmp_path / "s.duckdb") as store:
        ingest_table(store, lines_table(_lines(1e6, V1)), origin="a")
    args = ["lake", "export", "--store", str(tmp_path / "s.duckdb"), "--lake", str(tmp_path / "l")]
    first = CliRunner().invoke(cli, args)
    assert first.exit_code == 0 and "56 lines added to the lake of 56" in first.stdout, first.output
    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 0 and "already in the lake" in again.stdout, again.output
