"""Ingest: validation with located errors, atomicity, idempotency, vintages."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner

from ictrade.cli import cli
from ictrade.errors import InputError
from ictrade.load import ingest_file
from ictrade.store.ingest import ingest_table

from conftest import HEADER, lines_table, snapshot

GOOD = HEADER + (
    "2020-11,export,8542321010,US,1000,kcs,2020-12-15,preliminary\n"
    "2020-11,export,8542321010,CN,2000,kcs,2020-12-15,preliminary\n"
)


def test_ingest_file_loads_lines(store, csv_file):
    report = ingest_file(store, csv_file(GOOD))
    assert (report.lines_seen, report.lines_added) == (2, 2)
    total = store.con.execute("SELECT sum(value_usd) FROM lines").fetchone()
    assert total == (3000.0,)


def test_loading_the_same_file_twice_changes_nothing(store, csv_file):
    path = csv_file(GOOD)
    ingest_file(store, path)
    before = snapshot(store)
    report = ingest_file(store, path)
    assert report.already_loaded and report.lines_added == 0
    assert snapshot(store) == before


def test_same_lines_from_another_file_are_skipped(store, csv_file):
    ingest_file(store, csv_file(GOOD, "a.csv"))
    report = ingest_file(store, csv_file(GOOD + "\n", "b.csv"))
    assert report.lines_added == 0 and report.lines_seen == 2


BAD_INPUTS = [
    # (body, line, field, words the message must contain)
    (
        HEADER.replace("hs_code,", "") + "2020-11,export,US,1,kcs,2020-12-15,confirmed\n",
        1,
        None,
        ["missing column", "hs_code"],
    ),
    (
        HEADER + "2020-11,export,8542321010,US,12x4,kcs,2020-12-15,confirmed\n",
        2,
        "value_usd",
        ["'12x4'", "number"],
    ),
    (
        GOOD + "2020-11,exports,8542321010,JP,5,kcs,2020-12-15,confirmed\n",
        4,
        "flow",
        ["'exports'", "export, import"],
    ),
    (
        GOOD + "2020-11,export,85423X,JP,5,kcs,2020-12-15,confirmed\n",
        4,
        "hs_code",
        ["'85423X'", "2 to 10 digits"],
    ),
    (
        GOOD + "2020-11,export,8542321010,ZZ,5,kcs,2020-12-15,confirmed\n",
        4,
        "partner",
        ["'ZZ'", "ISO 3166-1"],
    ),
    (
        GOOD + "2020-13,export,8542321010,JP,5,kcs,2020-12-15,confirmed\n",
        4,
        "month",
        ["'2020-13'", "YYYY-MM"],
    ),
    (
        GOOD + "2020-11,export,8542321010,CN,7,kcs,2020-12-15,preliminary\n",
        4,
        None,
        ["duplicated line", "line 3"],
    ),
    (
        GOOD + "2020-11,export,8542321010,JP,-5,kcs,2020-12-15,confirmed\n",
        4,
        "value_usd",
        ["-5", "non-negative"],
    ),
]


@pytest.mark.parametrize(("body", "line", "field", "words"), BAD_INPUTS)
def test_bad_input_is_located_and_leaves_the_store_unchanged(
    store, csv_file, body, line, field, words
):
    ingest_file(store, csv_file(GOOD, "first.csv"))
    before = snapshot(store)
    path = csv_file(body, "bad.csv")
    with pytest.raises(InputError) as caught:
        ingest_file(store, path)
    error = caught.value
    assert error.file == str(path) and error.line == line and error.field == field
    for word in words:
        assert word in str(error)
    assert snapshot(store) == before


def test_cp949_file_read_as_utf8_names_the_line_and_the_fix(store, csv_file):
    body = HEADER + "2020-11,export,8542321010,US,1000,관세청,2020-12-15,confirmed\n"
    path = csv_file(body, encoding="cp949")
    with pytest.raises(InputError) as caught:
        ingest_file(store, path, encoding="utf-8")
    assert caught.value.line == 2 and "--encoding cp949" in str(caught.value)
    report = ingest_file(store, path)  # auto-detected
    assert report.lines_added == 1
    assert store.con.execute("SELECT source FROM lines").fetchone() == ("관세청",)


def test_conflicting_value_for_the_same_vintage_is_refused(store, csv_file):
    ingest_file(store, csv_file(GOOD))
    before = snapshot(store)
    changed = GOOD.replace("1000", "1001")
    with pytest.raises(InputError, match="differs from the stored 1000"):
        ingest_file(store, csv_file(changed, "changed.csv"))
    assert snapshot(store) == before


def test_every_vintage_is_kept_and_as_of_picks_one(store):
    first = lines_table(
        [
            {
                "month": "2020-11",
                "flow": "export",
                "hs_code": "8542321010",
                "partner": "US",
                "value_usd": 100.0,
                "vintage": "2020-12-15",
            }
        ]
    )
    second = lines_table(
        [
            {
                "month": "2020-11",
                "flow": "export",
                "hs_code": "8542321010",
                "partner": "US",
                "value_usd": 120.0,
                "vintage": "2021-12-15",
            }
        ]
    )
    ingest_table(store, second, origin="later")
    ingest_table(store, first, origin="earlier")  # out of order on purpose
    from ictrade.store.query import vintage_filter

    def value(as_of):
        cond, params = vintage_filter(as_of)
        return store.con.execute(
            f"SELECT sum(value_usd) FROM lines l WHERE {cond}", params
        ).fetchone()[0]

    assert value(None) == 120.0
    assert value(dt.date(2021, 1, 1)) == 100.0
    assert value(dt.date(2021, 12, 15)) == 120.0
    assert value(dt.date(2020, 1, 1)) is None
    assert store.con.execute("SELECT count(*) FROM lines").fetchone() == (2,)


def test_cli_ingest_exit_status_and_message(tmp_path, csv_file):
    store_path = tmp_path / "s.duckdb"
    runner = CliRunner()
    ok = runner.invoke(cli, ["ingest", str(csv_file(GOOD)), "--store", str(store_path)])
    assert ok.exit_code == 0, ok.output
    assert "2 lines added" in ok.output
    bad = csv_file(GOOD + "2020-11,export,8542321010,ZZ,5,kcs,2020-12-15,confirmed\n", "bad.csv")
    result = runner.invoke(cli, ["ingest", str(bad), "--store", str(store_path)])
    assert result.exit_code == 2
    assert f"error: {bad}, line 4, field 'partner'" in result.output


def test_codes_mixing_ict_and_non_ict_are_reported(tmp_path, csv_file):
    body = HEADER + "2025-01,export,854390,US,1000,kcs,2025-02-15,confirmed\n"
    result = CliRunner().invoke(cli, ["ingest", str(csv_file(body)), "--store",
                                      str(tmp_path / "s.duckdb")])
    assert result.exit_code == 0, result.output
    assert "1 code(s) in the store mix ICT and non-ICT items (854390)" in result.stderr


def test_codes_split_among_items_are_named(tmp_path, csv_file):
    body = (HEADER + "2025-01,export,847330,US,1000,kcs,2025-02-15,confirmed\n"
            "2025-01,export,853890,US,1000,kcs,2025-02-15,confirmed\n"
            "2025-01,export,854390,US,1000,kcs,2025-02-15,confirmed\n")
    result = CliRunner().invoke(cli, ["ingest", str(csv_file(body)), "--store",
                                      str(tmp_path / "s.duckdb")])
    assert result.exit_code == 0, result.output
    assert "2 code(s) in the store are coarser than the rules and split" in result.stderr
    assert "under them: 847330, 853890;" in result.stderr
    # 853890 is split by the table, so it is not said to be counted as its covering rule says
    assert "1 code(s) in the store mix ICT and non-ICT items (854390)" in result.stderr
