"""Files a hostile or careless user gives ``ictrade ingest``: impossible values are refused
with a message naming file, line and field; nothing reaches the store; no traceback."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from ictrade.cli import cli
from ictrade.errors import InputError, SourceError
from ictrade.sources.comtrade_bulk import COLUMNS as BULK_COLUMNS
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


@pytest.mark.parametrize("year", ["2020.13", "2020.00"])
def test_a_kcs_row_of_a_month_that_cannot_be_is_refused_naming_the_row(year):
    with pytest.raises(SourceError, match="row 1: year"):
        lines_from_items([{**ITEM, "year": year}], dt.date(2021, 1, 20))


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


# ---- files we had not tried: each refused with its fix, or read as meant ----------------------


def test_a_decimal_comma_is_refused_and_thousands_separators_kept(tmp_path):
    semicolons = f"{HEADER}\n{line(value='100,5')}\n".replace(",", ";").replace("100;5", "100,5")
    comma = ingest(tmp_path, semicolons, name="eu.csv")
    assert comma.exit_code == 2 and "'100,5' is not valid" in comma.output
    assert "line 2, field 'value_usd'" in comma.output
    grouped = ingest(tmp_path, f'{HEADER}\n{line(value=chr(34) + "1,234,567.5" + chr(34))}\n')
    assert grouped.exit_code == 0, grouped.output
    with open_store(tmp_path / "s.duckdb") as store:
        assert store.con.execute("SELECT value_usd FROM lines").fetchall() == [(1234567.5,)]


def test_minus_zero_is_stored_as_zero_and_spaces_around_values_are_dropped(tmp_path):
    body = f"{HEADER}\n 2020-11 , export ,854232,CN,-0,kcs, 2020-12-15 ,confirmed\n"
    assert ingest(tmp_path, body).exit_code == 0
    with open_store(tmp_path / "s.duckdb") as store:
        query = "SELECT value_usd::VARCHAR, month FROM lines"
        value, month = store.con.execute(query).fetchall()[0]
    assert value == "0.0" and month == dt.date(2020, 11, 1)


def test_a_column_named_twice_is_refused(tmp_path):
    import openpyxl
    import pyarrow as pa
    import pyarrow.parquet as pq

    csv_file = ingest(tmp_path, f"{HEADER},value_usd\n{line()},7\n")
    assert csv_file.exit_code == 2 and "'value_usd' appears more than once" in csv_file.output
    names = ["month", "flow", "hs_code", "partner", "value_usd", "value_usd"]
    arrays = [pa.array([v]) for v in ["2020-11", "export", "854232", "CN", 1.0, 2.0]]
    pq.write_table(pa.Table.from_arrays(arrays, names=names), tmp_path / "d.parquet")
    book = openpyxl.Workbook()
    book.active.append([*HEADER.split(","), "month"])
    book.active.append([*line().split(","), "2020-12"])
    book.save(tmp_path / "d.xlsx")
    for name in ("d.parquet", "d.xlsx"):
        result = ingest(tmp_path, (tmp_path / name).read_bytes(), name=name)
        assert result.exit_code == 2 and "appears more than once" in result.output, name


@pytest.mark.parametrize("source", ["kc\ns", "k" * 101, "a\x1bb"])
def test_a_source_name_on_several_lines_or_too_long_is_refused(tmp_path, source):
    quoted = '"' + source + '"'
    result = ingest(tmp_path, f"{HEADER}\n{line().replace(',kcs,', ',' + quoted + ',')}\n")
    assert result.exit_code == 2 and "field 'source'" in result.output
    given = ingest(tmp_path, f"{HEADER}\n{line()}\n".replace(",source", ",src"), "--source",
                   source, name="other.csv")  # fmt: skip
    assert given.exit_code == 2 and "--source" in given.output


@pytest.mark.parametrize(
    ("values", "said"),
    [
        ({"value_usd": [True]}, "type bool"),
        ({"value_usd": [2**62]}, "ceiling"),
        ({"month": [["2020-11"]]}, "type list"),
        ({"partner": [{"iso": "CN"}]}, "type struct"),
    ],
)
def test_parquet_columns_of_the_wrong_type_are_refused(tmp_path, values, said):
    import pyarrow as pa
    import pyarrow.parquet as pq

    row = {"month": ["2020-11"], "flow": ["export"], "hs_code": ["854232"], "partner": ["CN"],
           "value_usd": [1.0], "source": ["kcs"], "vintage": ["2020-12-15"]}  # fmt: skip
    pq.write_table(pa.table({**row, **values}), tmp_path / "t.parquet")
    result = ingest(tmp_path, (tmp_path / "t.parquet").read_bytes(), name="t.parquet")
    assert result.exit_code == 2 and said in result.output
    assert f"field '{next(iter(values))}'" in result.output


def test_a_workbook_whose_lines_are_on_a_later_sheet_is_read(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["About this export"])
    sheet = book.create_sheet("data")
    sheet.append(HEADER.split(","))
    sheet.append(line().split(","))
    book.save(tmp_path / "w.xlsx")
    result = ingest(tmp_path, (tmp_path / "w.xlsx").read_bytes(), name="w.xlsx")
    assert result.exit_code == 0, result.output
    assert stored_lines(tmp_path) == 1


@pytest.mark.parametrize(
    ("body", "said"),
    [
        (HEADER.encode(), "no data lines"),  # no newline after the header
        (b"\xef\xbb\xbf" + HEADER.encode(), "no data lines"),
        ((HEADER + "\n" + line() + "\n").encode("utf-32"), "UTF-32"),
        (__import__("gzip").compress(HEADER.encode()), "gzip-compressed"),
        ("년월,수출입구분,HS코드,국가코드,금액(달러)\n".encode("cp949") + b"\xff\xfe,1\n",
         "line 2: the file is neither UTF-8 nor cp949"),
        (b"month,flow\n2020-11,export\n", "missing column"),
    ],
)
def test_text_files_get_the_fix_that_applies(tmp_path, body, said):
    result = ingest(tmp_path, body)
    assert result.exit_code == 2 and said in result.output


def test_a_text_named_xlsx_and_an_old_workbook_named_xlsx_are_named(tmp_path):
    text = ingest(tmp_path, f"{HEADER}\n{line()}\n", name="t.xlsx")
    assert text.exit_code == 2 and "name it .csv" in text.output
    old = ingest(tmp_path, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), name="o.xlsx")
    assert old.exit_code == 2 and "old .xls" in old.output


FLASH_HEADER = "item_key,partner_ko,month,cut_day,cum_value"


@pytest.mark.parametrize(
    ("row", "said"),
    [
        ("semiconductors,total,2025-06", "field 'cut_day'"),  # a short row
        ("semiconductors,total,2025-06,10,-1", "field 'cum_value'"),
        ("semiconductors,total,2025-06,10,1e308", "field 'cum_value'"),
        ("semiconductors,total,2999-06,10,5", "plausible month"),
    ],
)
def test_impossible_flash_figures_are_refused(tmp_path, row, said):
    result = ingest(tmp_path, f"{FLASH_HEADER}\n{row}\n", name="flash.csv")
    assert result.exit_code == 2 and said in result.output and "line 2" in result.output
    nowcast = CliRunner().invoke(cli, ["nowcast", str(tmp_path / "flash.csv")])
    assert nowcast.exit_code == 2 and said in nowcast.output


def test_paths_that_are_not_regular_files_are_refused_at_once(tmp_path):
    import os

    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)  # reading it would wait for a writer for ever
    store = str(tmp_path / "s.duckdb")
    for path in (str(fifo), "/dev/null"):
        for args in (["ingest", path, "--store", store], ["nowcast", path],
                     ["verify", path, "--month", "2020-11"], ["check-published", path],
                     ["lake", "ingest", path, "--lake", str(tmp_path / "lake")]):  # fmt: skip
            result = CliRunner().invoke(cli, args)
            assert result.exit_code == 2, (args, result.output)
            assert "not a regular file" in result.output, (args, result.output)


def test_a_file_that_changes_while_it_is_read_is_refused(tmp_path, monkeypatch):
    import ictrade.load as load

    path = tmp_path / "lines.csv"
    path.write_text(f"{HEADER}\n{line()}\n")
    reading = load.read_file

    def read_then_grow(*args, **kwargs):  # type: ignore[no-untyped-def]
        read = reading(*args, **kwargs)
        with path.open("a") as fh:  # another program still writing it
            fh.write(line(partner="US") + "\n")
        return read

    monkeypatch.setattr(load, "read_file", read_then_grow)
    result = CliRunner().invoke(cli, ["ingest", str(path), "--store", str(tmp_path / "s.duckdb")])
    assert result.exit_code == 2 and "changed while it was read" in result.output
    assert stored_lines(tmp_path) == 0


def _sqlite(path: Path) -> None:
    import sqlite3

    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE t (x)")


def _foreign_duckdb(path: Path) -> None:
    import duckdb

    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE orders (id INTEGER)")


def _other_lines(path: Path) -> None:
    import duckdb

    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE lines (month DATE, amount INTEGER)")


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (lambda p: p.mkdir(), "is a folder"),
        (lambda p: p.write_bytes(b""), "an empty file"),
        (_sqlite, "an SQLite database"),
        (_foreign_duckdb, "another program's DuckDB database"),
        (_other_lines, "lacks the columns"),
    ],
)
def test_a_store_path_that_is_not_a_store_is_refused_and_left_as_it_was(tmp_path, make, said):
    import hashlib

    store = tmp_path / "store.duckdb"
    make(store)
    before = hashlib.sha256(store.read_bytes()).hexdigest() if store.is_file() else None
    data = tmp_path / "lines.csv"
    data.write_text(f"{HEADER}\n{line()}\n")
    for args in (["ingest", str(data)], ["vintages", "2020-11"], ["series"]):
        result = CliRunner().invoke(cli, [*args, "--store", str(store)])
        assert result.exit_code == 2 and said in result.output, (args, result.output)
    after = hashlib.sha256(store.read_bytes()).hexdigest() if store.is_file() else None
    assert after == before


def test_output_paths_that_cannot_be_written_are_named(tmp_path):
    folder = tmp_path / "folder"
    folder.mkdir()
    taken = tmp_path / "taken"
    taken.write_text("x")
    for args in (["series", "--out", str(folder)], ["release", "2020-11", "--out", str(taken)]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 2, (args, result.output)
        assert "error: " in result.output and "internal error" not in result.output


def test_odd_ranges_and_counts_are_usage_errors():
    backwards = CliRunner().invoke(cli, ["series", "--from", "2021-01", "--to", "2020-01"])
    assert backwards.exit_code == 2 and "after the last" in backwards.output
    negative = CliRunner().invoke(
        cli, ["revisions", "2020-11", "--from", "2020-12-01", "--to", "2021-01-01", "--lines", "-5"]
    )
    assert negative.exit_code == 2
    swapped = CliRunner().invoke(
        cli, ["revisions", "2020-11", "--from", "2021-01-01", "--to", "2020-12-01"]
    )
    assert swapped.exit_code == 2 and "swap them" in swapped.output
    port = CliRunner().invoke(cli, ["serve", "--port", "99999"])
    assert port.exit_code == 2 and "internal error" not in port.output


@pytest.mark.parametrize("wait", ["nan", "-5", "1e400", "abc"])
def test_a_lock_wait_that_is_no_plausible_number_of_seconds_is_refused(tmp_path, wait):
    path = tmp_path / "lines.csv"
    path.write_text(f"{HEADER}\n{line()}\n")
    result = CliRunner(env={"ICTRADE_LOCK_WAIT": wait}).invoke(
        cli, ["ingest", str(path), "--store", str(tmp_path / "s.duckdb")]
    )
    assert result.exit_code == 2 and "ICTRADE_LOCK_WAIT" in result.output




def bulk_row(**changed: str) -> str:
    row = {"freqCode": "M", "period": "202011", "reporterCode": "410", "flowCode": "X",
           "partnerCode": "156", "partner2Code": "0", "customsCode": "C00", "motCode": "0",
           "cmdCode": "854232", "primaryValue": "100", "netWgt": "1", "qty": "1",
           "qtyUnitCode": "-1", **changed}  # fmt: skip
    return "\t".join(row[c] for c in BULK_COLUMNS)


@pytest.mark.parametrize(
    ("rows", "said"),
    [
        ([], "no data lines"),
        ([bulk_row(period="202013")], "period not YYYYMM: 1"),
        ([bulk_row(primaryValue="")], "no value: 1"),
    ],
)
def test_a_comtrade_bulk_file_without_usable_lines_is_refused(tmp_path, rows, said):
    body = "\t".join(BULK_COLUMNS) + "\n" + "".join(r + "\n" for r in rows)
    for args in (["ingest", "--store", str(tmp_path / "s.duckdb")],
                 ["lake", "ingest", "--lake", str(tmp_path / "lake")]):  # fmt: skip
        path = tmp_path / "bulk.txt"
        path.write_text(body)
        result = CliRunner().invoke(cli, [*args, str(path)])
        assert result.exit_code == 2 and said in result.output, result.output


KCS_LONG = "년월,수출입구분,HS코드,국가코드,금액(달러)"


@pytest.mark.parametrize("month", ["2020-11-31", "20201100", "2020-11-01 25:61", "2021-02-29"])
def test_a_customs_export_month_given_as_a_date_that_cannot_be_is_refused(tmp_path, month):
    result = ingest(tmp_path, f"{KCS_LONG}\n{month},수출,854232,CN,5\n")
    assert result.exit_code == 2 and "line 2, field '년월'" in result.output


@pytest.mark.parametrize("month", ["2020년 11월", "2020-11-30 23:59", "2020.11", "2020/11/5"])
def test_customs_export_months_in_their_usual_forms_load(tmp_path, month):
    result = ingest(tmp_path, f"{KCS_LONG}\n{month},수출,854232,CN,5\n")
    assert result.exit_code == 0, result.output


def test_a_file_whose_rows_hold_no_amount_is_refused(tmp_path):
    wide = "년월,HS코드,국가코드,수출금액(달러),수입금액(달러)\n2020-11,854232,CN,,\n"
    result = ingest(tmp_path, wide)
    assert result.exit_code == 2 and "none of the file's 1 data lines holds a line" in result.output


def test_a_workbook_whose_months_a_spreadsheet_turned_into_dates_loads(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()  # typing 2020-11 in a cell makes it the date 2020-11-01
    book.active.append(HEADER.split(","))
    book.active.append([dt.datetime(2020, 11, 1), "export", "854232", "CN", 100, "kcs",
                        dt.datetime(2020, 12, 15), "confirmed"])  # fmt: skip
    book.save(tmp_path / "dates.xlsx")
    result = ingest(tmp_path, (tmp_path / "dates.xlsx").read_bytes(), name="dates.xlsx")
    assert result.exit_code == 0, result.output
    with open_store(tmp_path / "s.duckdb") as store:
        rows = store.con.execute("SELECT month, vintage FROM lines").fetchall()
    assert rows == [(dt.date(2020, 11, 1), dt.date(2020, 12, 15))]


def test_flash_files_name_the_file_line_past_quoted_breaks_and_refuse_doubled_columns(tmp_path):
    row = "semiconductors,total,2025-06,10,1\n"
    quoted = f'{FLASH_HEADER}\n"semi\nconductors",total,2025-06,10,1\n{row[:-2]}-1\n'
    result = ingest(tmp_path, quoted, name="quoted.csv")
    assert result.exit_code == 2 and "line 4, field 'cum_value'" in result.output
    big = f"{FLASH_HEADER}\n{row * 25}semiconductors,{'x' * 200_000},2025-06,10,1\n"
    result = ingest(tmp_path, big, name="big.csv")
    assert result.exit_code == 2 and "line 27" in result.output
    doubled = f"{FLASH_HEADER},cum_value\n{row.strip()},2\n"
    result = ingest(tmp_path, doubled, name="doubled.csv")
    assert result.exit_code == 2 and "cum_value appears more than once" in result.output


@pytest.mark.parametrize("lake", ["", "a-file"])
def test_a_lake_that_is_empty_or_a_file_is_refused(tmp_path, lake):
    data = tmp_path / "lines.csv"
    data.write_text(f"{HEADER}\n{line()}\n")
    if lake:
        lake = str(tmp_path / lake)
        Path(lake).write_text("x")
    result = CliRunner().invoke(cli, ["lake", "ingest", str(data), "--lake", lake])
    assert result.exit_code == 2 and "--lake" in result.output


def test_a_refused_first_ingest_leaves_no_empty_store_behind(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(f"{HEADER}\n{line(value='-1')}\n")
    store = tmp_path / "new.duckdb"
    refused = CliRunner().invoke(cli, ["ingest", str(bad), "--store", str(store)])
    assert refused.exit_code == 2 and not store.exists()
    # the user's own store: reading commands would prefer an empty one to the shipped data
    home = tmp_path / "home"
    env = {"HOME": str(home), "XDG_DATA_HOME": str(home / "data"), "ICTRADE_STORE": ""}
    CliRunner(env=env).invoke(cli, ["ingest", str(bad)])
    after = CliRunner(env=env).invoke(cli, ["vintages", "2020-11"])
    assert after.exit_code == 0 and "shipped 'default' dataset" in after.output
    good = tmp_path / "good.csv"
    good.write_text(f"{HEADER}\n{line()}\n")
    assert CliRunner().invoke(cli, ["ingest", str(good), "--store", str(store)]).exit_code == 0
    again = CliRunner().invoke(cli, ["ingest", str(bad), "--store", str(store)])
    assert again.exit_code == 2 and store.exists()
    with open_store(store) as opened:
        assert opened.con.execute("SELECT count(*) FROM lines").fetchall() == [(1,)]


@pytest.mark.parametrize(
    ("name", "body", "said"),
    [
        ("deep.json", "[" * 100_000 + "]" * 100_000, "nested too deep"),
        ("long.csv", "subject,text\ntotal," + "x" * 200_000 + "\n", "line 2: the CSV cannot"),
        ("binary.csv", "\x00\xff", "not UTF-8"),
    ],
)
def test_notes_files_that_cannot_be_read_are_input_errors(tmp_path, name, body, said):
    notes = tmp_path / name
    notes.write_text(body, encoding="latin-1")
    args = ["release", "2020-11", "--notes", str(notes), "--out", str(tmp_path / "out")]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2 and said in result.output, result.output


def test_file_names_that_cannot_name_a_source_or_be_opened_are_refused(tmp_path):
    import os

    body = f"{HEADER}\n{line()}\n".replace(",source", ",src")
    store = str(tmp_path / "s.duckdb")
    for name in ("two\nlines.csv", "x" * 120 + ".csv"):
        path = tmp_path / name
        path.write_text(body)
        result = CliRunner().invoke(cli, ["ingest", str(path), "--store", store])
        assert result.exit_code == 2 and "pass --source NAME" in result.output
        named = CliRunner().invoke(cli, ["ingest", str(path), "--store", store, "--source", "a"])
        assert named.exit_code == 0, named.output
    undecodable = os.fsdecode(bytes(tmp_path) + b"/bad\xffname.csv")
    Path(undecodable).write_text(body)
    for args in (["ingest", undecodable, "--store", store], ["nowcast", undecodable],
                 ["ingest", str(tmp_path / "two\nlines.csv"), "--store", undecodable + ".db"]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 2 and "is not UTF-8 text" in result.output, result.output


def test_digits_other_than_ascii_never_give_a_wrong_answer():
    from ictrade.classify.rules import scheme
    from ictrade.errors import UsageError
    from ictrade.months import Month

    typed = CliRunner().invoke(cli, ["classify", "８５４２３２", "--month", "2020-11"])
    assert typed.exit_code == 0 and typed.output.startswith("854232 in 2020-11: memory")
    for code in ("８５４２", "٨٥٤٢"):  # fullwidth, Arabic-Indic: not read as some other code
        with pytest.raises(UsageError):
            scheme("kr-ict").classify(code, Month(2020, 11))


def test_a_file_that_may_not_be_read_is_named(tmp_path, monkeypatch):
    import ictrade.sources._read as read

    path = tmp_path / "lines.csv"
    path.write_text(f"{HEADER}\n{line()}\n")
    monkeypatch.setattr(read.os, "access", lambda *_: False)  # as for another user's file
    with pytest.raises(InputError, match="permission denied; make the file readable"):
        read.regular_file(path)
    result = CliRunner().invoke(cli, ["ingest", str(path), "--store", str(tmp_path / "s.duckdb")])
    assert result.exit_code == 2 and "readable" in result.output


def test_a_formula_without_a_saved_value_is_named_as_such(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()  # openpyxl writes formulas without computing them
    book.active.append(HEADER.split(","))
    book.active.append([*line().split(",")[:4], "=2*50", *line().split(",")[5:]])
    book.save(tmp_path / "f.xlsx")
    result = ingest(tmp_path, (tmp_path / "f.xlsx").read_bytes(), name="f.xlsx")
    assert result.exit_code == 2 and "line 2, field 'value_usd'" in result.output
    assert "the formula '=2*50' but no saved value" in result.output


def test_errors_name_the_line_a_row_starts_on_past_quoted_line_breaks(tmp_path):
    body = (
        "month,flow,hs_code,partner,value_usd,note\n"
        '2020-11,export,854232,CN,1,"two\nlines"\n'
        "\n"
        "2020-11,export,854231,CN,-1,x\n"
    )
    result = ingest(tmp_path, body, "--vintage", "2020-12-15")
    assert result.exit_code == 2 and "line 5, field 'value_usd'" in result.output
