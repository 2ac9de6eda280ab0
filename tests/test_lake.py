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


def _nested_rows() -> list[dict[str, object]]:
    """Totals beside their detail, the totals the sum of the detail: an HS6 line and its
    HSK10 lines, a WORLD line and the partner lines of its code, 13 months each."""
    rows = series_rows({"854232": [100.0] * 13, "8542321010": [60.0] * 13}, "2020-01")
    rows += series_rows({"8542329000": [40.0] * 13}, "2020-01")
    rows += series_rows({"851712": [50.0] * 13}, "2020-01", partner="WORLD")
    rows += series_rows({"851712": [20.0] * 13}, "2020-01", partner="CN")
    rows += series_rows({"851712": [30.0] * 13}, "2020-01", partner="JP")
    return [{**r, "vintage": dt.date(2021, 9, 1)} for r in rows]


def test_lake_refuses_lines_that_nest(tmp_path: Path) -> None:
    """The lake counts every line in force as given (docs/scale.md, "What the lake counts"), so
    a total beside its detail would count twice: the file is refused, naming an example, the
    count and the fix, and nothing is written."""
    lake = tmp_path / "lake"
    with pytest.raises(InputError) as caught:
        append_lines(lake, lines_table(_nested_rows()), origin="nested.csv")
    message = str(caught.value)
    assert message.startswith("nested.csv: 26 lines nest in other lines"), message
    assert "13 coarser lines with finer lines under them" in message
    assert "13 WORLD lines beside partner lines of their codes" in message
    assert "KR 2020-01 export partner US: 854232 beside the finer 8542321010" in message
    assert "load it into a store (which counts totals and detail once)" in message
    assert "pass --finest to keep only the finest lines" in message
    assert not list(lake.rglob("*.parquet")) and not (lake / "ingests.csv").exists()


def test_lake_finest_counts_as_the_store_does(tmp_path: Path) -> None:
    """With --finest the lines with finer lines beneath them and the WORLD lines beside
    partner lines are set aside (and reported): where totals equal the sum of their detail,
    the lake's cube equals the store's, which counts each value once (150 a month); what is
    left nests no more."""
    import duckdb
    import numpy as np

    from ictrade.stats.cube import load_cube
    from ictrade.stats.lake import lake_cube
    from ictrade.store.lake import read_sql
    from ictrade.store.nesting import find_nested

    table = lines_table(_nested_rows())
    report = append_lines(tmp_path / "lake", table, origin="nested", finest=True)
    assert (report.lines_seen, report.lines_added, report.set_aside_lines) == (78, 52, 26)
    assert report.set_aside_usd == 13 * (100.0 + 50.0)
    assert "26 more lines (1,950.00 USD) set aside by --finest" in report.summary()
    got = lake_cube(tmp_path / "lake")
    with open_store(":memory:") as store:
        ingest_table(store, table, origin="nested")
        want = load_cube(store, None)
    world, t, total = got.regions.index("world"), got.t(Month(2021, 1)), got.items.index("total")
    assert want.value[0, total, world, t] == got.value[0, total, world, t] == 150.0
    assert got.months == want.months and got.regions == want.regions and got.items == want.items
    np.testing.assert_allclose(got.value, want.value, atol=0.005)
    np.testing.assert_allclose(got.prior, want.prior, atol=0.005)
    con = duckdb.connect()
    assert find_nested(con, read_sql(tmp_path / "lake"), "nested") is None


def test_lake_finds_nesting_across_batches_and_with_the_lake(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file read a few lines at a time is checked whole (the total and its detail in other
    batches); lines that nest with the lake's lines of the same reporter and months are
    refused, even with --finest, and a later vintage of the same lines is not nesting."""
    import pyarrow.parquet as pq

    from ictrade.load import ingest_lake_file
    from ictrade.sources import files

    monkeypatch.setattr(files, "BATCH_ROWS", 10)
    rows = _nested_rows()
    pq.write_table(lines_table(rows), tmp_path / "nested.parquet")
    lake = tmp_path / "lake"
    with pytest.raises(InputError, match="26 lines nest"):
        ingest_lake_file(lake, tmp_path / "nested.parquet")
    assert not list(lake.rglob("*.parquet"))
    detail = [r for r in rows if r["hs_code"] != "854232" and r["partner"] != "WORLD"]
    append_lines(lake, lines_table(detail), origin="detail")
    before = _files(lake)
    totals = [r for r in rows if r["hs_code"] == "854232" or r["partner"] == "WORLD"]
    for finest in (False, True):
        with pytest.raises(InputError, match="lines of the lake nest with one another") as caught:
            append_lines(lake, lines_table(totals[:3]), origin="totals", finest=finest)
        pair = "KR 2020-01 export partner US: 854232 (new) beside the finer 8542321010"
        assert f"{pair} (in the lake)" in str(caught.value)
    assert _files(lake) == before
    revised = [{**r, "vintage": V2} for r in detail]
    assert append_lines(lake, lines_table(revised), origin="revised").lines_added == 52


def _bulk_nested(path: Path) -> Path:
    """Korea's exports of 2023-11 as a Comtrade bulk file gives them: HS6 lines by partner,
    the HS4 and HS2 aggregates beside them, and World rows (partner 0) of each code."""
    rows = []
    for partner, detail in ((156, {"854231": 600.0, "854232": 400.0}), (842, {"854232": 300.0})):
        rows += [_row("M", "202311", 410, "X", partner, c, v) for c, v in detail.items()]
    rows += [_row("M", "202311", 410, "X", 156, code, 1000.0) for code in ("8542", "85")]
    world = {"854231": 600.0, "854232": 700.0, "8542": 1300.0, "85": 1300.0}
    rows += [_row("M", "202311", 410, "X", 0, code, v) for code, v in world.items()]
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write("\n".join([HEADER, *rows]) + "\n")
    return path


def test_comtrade_bulk_file_with_world_and_hs4_rows(tmp_path: Path) -> None:
    """A bulk file's World rows and HS4/HS2 aggregates would count the trade three times in
    the lake: refused, and with --finest only its HS6 partner lines are kept, which count what
    the store counts."""
    from ictrade.stats.cube import load_cube
    from ictrade.stats.lake import lake_cube

    file = _bulk_nested(tmp_path / "COMTRADE-FINAL-CM410-202311.txt.gz")
    lake = tmp_path / "lake"
    args = ["lake", "ingest", str(file), "--lake", str(lake), "--vintage", "2024-01-10"]
    refused = CliRunner().invoke(cli, args)
    assert refused.exit_code == 2, refused.output
    assert "6 lines nest in other lines" in refused.stderr
    assert "the WORLD line" in refused.stderr or "beside the finer" in refused.stderr
    assert "--finest" in refused.stderr and not list(lake.rglob("*.parquet"))
    loaded = CliRunner().invoke(cli, [*args, "--finest", "--format", "json"])
    assert loaded.exit_code == 0, loaded.output
    report = json.loads(loaded.stdout)[0]
    assert (report["lines_added"], report["set_aside_lines"]) == (3, 6)
    assert report["set_aside_usd"] == 5900.0
    assert report["set_aside_why"] == (
        "2 coarser lines with finer lines under them, 4 WORLD lines beside partner lines of "
        "their codes"
    )
    got = lake_cube(lake)
    with open_store(":memory:") as store:
        ingest_file(store, file, vintage=dt.date(2024, 1, 10))
        want = load_cube(store, None)
    world, t, total = got.regions.index("world"), got.t(Month(2023, 11)), got.items.index("total")
    assert got.value[0, total, world, t] == want.value[0, total, world, t] == 1300.0


def test_lake_export_of_a_store_whose_lines_nest(tmp_path: Path) -> None:
    """A store may hold totals beside their detail (it counts them once); exported to the lake
    they are refused, or with --finest set aside."""
    with open_store(tmp_path / "s.duckdb") as store:
        ingest_table(store, lines_table(_nested_rows()), origin="a")
    args = ["lake", "export", "--store", str(tmp_path / "s.duckdb"), "--lake", str(tmp_path / "l")]
    refused = CliRunner().invoke(cli, args)
    assert refused.exit_code == 2 and "26 lines nest" in refused.stderr, refused.output
    assert "the store counts totals and detail once" in refused.stderr
    kept = CliRunner().invoke(cli, [*args, "--finest"])
    assert kept.exit_code == 0, kept.output
    assert "52 lines added to the lake" in kept.stdout and "26 more lines" in kept.stdout


def test_lake_export_of_a_store_once(tmp_path: Path) -> None:
    """``lake export`` appends a store's lines batch by batch; exported again, nothing changes."""
    with open_store(tmp_path / "s.duckdb") as store:
        ingest_table(store, lines_table(_lines(1e6, V1)), origin="a")
    args = ["lake", "export", "--store", str(tmp_path / "s.duckdb"), "--lake", str(tmp_path / "l")]
    first = CliRunner().invoke(cli, args)
    assert first.exit_code == 0 and "56 lines added to the lake of 56" in first.stdout, first.output
    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 0 and "already in the lake" in again.stdout, again.output
