"""Files a hostile or careless user gives ``ictrade ingest``: impossible values are refused
with a message naming file, line and field; nothing reaches the store; no traceback."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from ictrade.cli import cli
from ictrade.errors import SourceError
from ictrade.sources.kcs_parse import lines_from_items, parse_page
from ictrade.store.store import open_store
from ictrade.store.validate import plausible_span

HEADER = "month,flow,hs_code,partner,value_usd,source,vintage,status"


def line(
    month: str = "2020-11", value: str = "100", vintage: str = "2020-12-15", partner: str = "CN"
) -> str:
    return f"{month},export,854232,{partner},{value},kcs,{vintage},confirmed"


def ingest(tmp_path: Path, body: str | bytes, *args: str, name: str = "lines.csv"):
    path = tmp_path / name
    if isinstance(body, str):
        path.write_text(body, encoding="utf-8")
    else:
        path.write_bytes(body)
    store = tmp_path / "s.duckdb"
    result = CliRunner().invoke(cli, ["ingest", str(path), "--store", str(store), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result


def stored_lines(tmp_path: Path) -> int:
    with open_store(tmp_path / "s.duckdb") as store:
        return int(store.con.execute("SELECT count(*) FROM lines").fetchall()[0][0])


@pytest.mark.parametrize("vintage", ["2024-02-30", "2023-02-29", "2021-04-31", "0000-01-01"])
def test_impossible_calendar_dates_are_refused(tmp_path, vintage):
    result = ingest(tmp_path, f"{HEADER}\n{line(vintage=vintage)}\n")
    assert result.exit_code == 2
    assert "line 2, field 'vintage'" in result.output and vintage in result.output


@pytest.mark.parametrize("month", ["0000-01", "0001-01", "1987-12", "2099-01", "9999-12"])
def test_months_outside_the_plausible_span_are_refused(tmp_path, month):
    result = ingest(tmp_path, f"{HEADER}\n{line(month=month, vintage='2020-12-15')}\n")
    assert result.exit_code == 2
    assert "line 2, field 'month'" in result.output
    assert "plausible" in result.output or "before the month" in result.output


def test_the_plausible_span_runs_from_1988_to_the_end_of_next_month():
    assert plausible_span(dt.date(2026, 12, 3)) == (dt.date(1988, 1, 1), dt.date(2027, 1, 31))
    assert plausible_span(dt.date(2024, 1, 31)) == (dt.date(1988, 1, 1), dt.date(2024, 2, 29))


def test_a_vintage_far_ahead_or_before_its_month_is_refused(tmp_path):
    early = ingest(tmp_path, f"{HEADER}\n{line(vintage='2020-10-31')}\n")
    assert early.exit_code == 2 and "before the month" in early.output
    assert "line 2, field 'vintage'" in early.output
    late = ingest(tmp_path, f"{HEADER}\n{line(vintage='2999-12-01')}\n", name="late.csv")
    assert late.exit_code == 2 and "plausible" in late.output


@pytest.mark.parametrize("value", ["1e308", "1e23", "100000000000000000000000", "2e12"])
def test_values_above_the_ceiling_are_refused(tmp_path, value):
    result = ingest(tmp_path, f"{HEADER}\n{line()}\n{line(value=value, partner='US')}\n")
    assert result.exit_code == 2
    assert "line 3, field 'value_usd'" in result.output and "ceiling" in result.output


def test_a_header_only_file_is_refused_and_records_nothing(tmp_path):
    result = ingest(tmp_path, f"{HEADER}\n")
    assert result.exit_code == 2 and "no data lines" in result.output
    with open_store(tmp_path / "s.duckdb") as store:
        assert store.con.execute("SELECT count(*) FROM ingests").fetchall() == [(0,)]


def test_nan_is_named_nan_and_na_is_namibia(tmp_path):
    nan = ingest(tmp_path, f"{HEADER}\n{line(value='NaN')}\n")
    assert nan.exit_code == 2 and "NaN" in nan.output and "empty" not in nan.output
    namibia = ingest(tmp_path, f"{HEADER}\n{line(partner='NA')}\n", name="na.csv")
    assert namibia.exit_code == 0, namibia.output
    with open_store(tmp_path / "s.duckdb") as store:
        assert store.con.execute("SELECT partner FROM lines").fetchall() == [("NA",)]


def test_utf16_binary_and_cr_only_files_get_their_fix(tmp_path):
    utf16 = ingest(tmp_path, f"{HEADER}\n{line()}\n".encode("utf-16"), name="u.csv")
    assert utf16.exit_code == 2 and "UTF-16" in utf16.output and "--encoding" not in utf16.output
    binary = ingest(tmp_path, bytes(range(256)) * 8, name="b.csv")
    assert binary.exit_code == 2 and "binary" in binary.output
    cr = ingest(tmp_path, f"{HEADER}\r{line()}\r", name="cr.csv")
    assert cr.exit_code == 2 and "CR only" in cr.output


def test_a_field_over_the_csv_limit_is_an_input_error(tmp_path):
    result = ingest(tmp_path, f"{HEADER}\n{line().replace('kcs', 'k' * 200_000)}\n")
    assert result.exit_code == 2 and "line 2" in result.output


def test_semicolon_separated_files_are_recognised(tmp_path):
    body = f"{HEADER}\n{line()}\n".replace(",", ";")
    result = ingest(tmp_path, body)
    assert result.exit_code == 0, result.output
    assert stored_lines(tmp_path) == 1


def test_up_to_twenty_bad_lines_are_named_at_once(tmp_path):
    rows = [line(value=str(-n), partner=p) for n, p in enumerate(["CN", "US", "JP"] * 10, 1)]
    result = ingest(tmp_path, HEADER + "\n" + "\n".join(rows) + "\n")
    assert result.exit_code == 2
    message = result.output
    assert "line 2, field 'value_usd'" in message
    assert "line 21 (-20.0)" in message and "line 22" not in message
    assert "30 bad lines in all" in message


def test_a_conflict_names_the_file_line_not_a_row(tmp_path):
    assert ingest(tmp_path, f"{HEADER}\n{line()}\n", name="a.csv").exit_code == 0
    result = ingest(tmp_path, f"{HEADER}\n\n{line(value='7')}\n", name="b.csv")
    assert result.exit_code == 2
    assert "b.csv, line 3, field 'value_usd'" in result.output and "row" not in result.output


def test_an_empty_store_path_is_refused(tmp_path):
    path = tmp_path / "lines.csv"
    path.write_text(f"{HEADER}\n{line()}\n")
    for args in (["ingest", str(path), "--store", ""], ["vintages", "2020-11", "--store", " "]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 2 and "--store is empty" in result.output


def test_reingesting_with_new_options_stores_a_new_vintage(tmp_path):
    body = "month,flow,hs_code,partner,value_usd\n2020-11,export,854232,CN,5\n"
    first = ingest(tmp_path, body, "--vintage", "2020-12-15")
    assert first.exit_code == 0
    again = ingest(tmp_path, body, "--vintage", "2020-12-15")
    assert "already loaded" in again.output
    newer = ingest(tmp_path, body, "--vintage", "2021-01-15")
    assert newer.exit_code == 0 and "1 lines added" in newer.output
    other = ingest(tmp_path, body, "--vintage", "2021-01-15", "--source", "trass")
    assert other.exit_code == 0 and "1 lines added" in other.output
    status = ingest(tmp_path, body, "--vintage", "2021-01-15", "--status", "preliminary")
    assert status.exit_code == 2 and "field 'status'" in status.output
    assert "--vintage" in status.output
    assert stored_lines(tmp_path) == 3


# ---- KCS answers ----------------------------------------------------------------------------

ITEM = {
    "year": "2020.11",
    "hsCd": "854232",
    "statCd": "CN",
    "expDlr": "10",
    "impDlr": "5",
    "expWgt": "1",
    "impWgt": "1",
}


@pytest.mark.parametrize("bad", ["abc", "", "-5", "nan"])
def test_kcs_amounts_that_are_not_numbers_are_refused(bad):
    with pytest.raises(SourceError, match="expDlr"):
        lines_from_items([{**ITEM, "expDlr": bad}], dt.date(2021, 1, 20))


@pytest.mark.parametrize(
    "body",
    [
        b"<!DOCTYPE html><html><body><form>Login</form></body></html>",
        b"<html><head><title>data.go.kr</title></head></html>",
        b"<?xml version='1.0'?><page><title>Maintenance</title></page>",
    ],
)
def test_a_kcs_answer_that_is_not_the_api_is_not_an_empty_page(body):
    with pytest.raises(SourceError, match="not the API"):
        parse_page(body)
