"""More files and options a hostile or careless user gives the command line: each is refused
with a message naming file, line or field and the fix (exit 2), or read right; nothing is
stored when refused; no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_hostile_files import HEADER, ingest, line, stored_lines

from ictrade.cli import cli


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("header", [HEADER, "월,품목,금액"])
def test_utf16_csv_without_a_byte_order_mark_is_named_utf16(tmp_path, codec, header):
    result = ingest(tmp_path, f"{header}\n{line()}\n".encode(codec), name="u.csv")
    assert result.exit_code == 2 and "UTF-16" in result.output, result.output
    assert not (tmp_path / "s.duckdb").exists() or stored_lines(tmp_path) == 0


@pytest.mark.parametrize(
    ("merge", "field", "cell"), [("A2:A4", "month", "A3"), ("D3:E3", "value_usd", "E3")]
)
def test_merged_workbook_cells_are_named_with_their_fix(tmp_path, merge, field, cell):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(HEADER.split(","))
    for value in ("1", "2", "3"):
        book.active.append(line(value=value).split(","))
    book.active.merge_cells(merge)
    book.save(tmp_path / "m.xlsx")
    result = ingest(tmp_path, (tmp_path / "m.xlsx").read_bytes(), name="m.xlsx")
    assert result.exit_code == 2 and f"line 3, field '{field}'" in result.output, result.output
    assert f"the cell {cell} is part of the merged cells {merge}" in result.output
    assert "unmerge" in result.output and not (tmp_path / "s.duckdb").exists()


def _mixed_endings(bad: bytes) -> bytes:
    """A header, lines ended by CR alone, CRLF and LF, then ``bad`` on line 6."""
    good = [line(partner=p).encode() for p in ("CN", "JP", "DE", "FR")]
    return (
        HEADER.encode()
        + b"\n"
        + good[0]
        + b"\r"
        + good[1]
        + b"\r\n"
        + good[2]
        + b"\r"
        + (good[3] + b"\n" + bad + b"\n")
    )


@pytest.mark.parametrize(
    ("bad", "args", "said"),
    [
        (line(value="-5").encode(), (), "line 6, field 'value_usd'"),
        (line().replace("kcs", "k\xff").encode("latin-1"), ("--encoding", "utf-8"), "line 6: "),
        (line().replace("kcs", "k" * 200_000).encode(), (), "line 6: "),
        (line().encode() + b",extra", (), "line 6: 9 fields"),
        (line().replace("kcs", '"k\rcs"').encode() + b"\n" + line(value="-5").encode(), (),
         "line 8, field 'value_usd'"),
    ],
)  # fmt: skip
def test_lines_are_counted_exactly_past_cr_crlf_and_lf_endings(tmp_path, bad, args, said):
    result = ingest(tmp_path, _mixed_endings(bad), *args)
    assert result.exit_code == 2 and said in result.output, result.output


def test_a_late_byte_that_is_not_utf8_is_named_on_its_line_past_cr_endings(tmp_path):
    body = HEADER.encode() + b"\n" + (line().encode() + b"\r") * 3000 + b"k\xff\n"
    result = ingest(tmp_path, body, "--encoding", "utf-8")
    assert result.exit_code == 2 and "line 3002: the file is not UTF-8" in result.output


def test_a_column_named_twice_in_other_cases_is_refused(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    body = f"Month,{HEADER}\n2020-12,{line()}\n"
    result = ingest(tmp_path, body)
    assert result.exit_code == 2 and "'Month' (as 'Month', 'month') appears more" in result.output
    names = ["month", "flow", "hs_code", "partner", "value_usd", " MONTH "]
    arrays = [pa.array([v]) for v in ["2020-11", "export", "854232", "CN", 1.0, "2020-12"]]
    pq.write_table(pa.Table.from_arrays(arrays, names=names), tmp_path / "d.parquet")
    result = ingest(tmp_path, (tmp_path / "d.parquet").read_bytes(), name="d.parquet")
    assert result.exit_code == 2 and "appears more than once" in result.output
    assert not (tmp_path / "s.duckdb").exists()


@pytest.mark.parametrize("body", [b"", b" \n\t\r\n  \n"])
def test_an_empty_file_is_called_empty(tmp_path, body):
    result = ingest(tmp_path, body)
    assert result.exit_code == 2 and "lines.csv: the file is empty;" in result.output


def test_workbooks_empty_or_with_lines_on_several_sheets_are_refused(tmp_path):
    import openpyxl

    openpyxl.Workbook().save(tmp_path / "e.xlsx")
    result = ingest(tmp_path, (tmp_path / "e.xlsx").read_bytes(), name="e.xlsx")
    assert result.exit_code == 2 and "the workbook's sheets are empty" in result.output
    book = openpyxl.Workbook()
    book.active.append(["notes"])
    for name, partner in (("2020-11 a", "CN"), ("2020-11 b", "US")):
        sheet = book.create_sheet(name)
        sheet.append(HEADER.split(","))
        sheet.append(line(partner=partner).split(","))
    book.save(tmp_path / "two.xlsx")
    result = ingest(tmp_path, (tmp_path / "two.xlsx").read_bytes(), name="two.xlsx")
    assert result.exit_code == 2 and "lines on 2 sheets ('2020-11 a', '2020-11 b')" in result.output
    assert not (tmp_path / "s.duckdb").exists()


def _damage(store: Path, how: str) -> None:
    data = bytearray(store.read_bytes())
    if how == "cut":
        data = data[: len(data) // 2]
    elif how == "header":
        data[5000:9000] = bytes(4000)
    else:  # blocks past the header overwritten
        for at in range(len(data) // 2, len(data) - 200, 4096):
            data[at + 100] ^= 0xFF
    store.write_bytes(bytes(data))


@pytest.mark.parametrize("how", ["cut", "header", "blocks"])
def test_a_damaged_store_is_named_damaged_by_every_command(tmp_path, how):
    assert ingest(tmp_path, f"{HEADER}\n{line()}\n").exit_code == 0
    store = tmp_path / "s.duckdb"
    _damage(store, how)
    other = tmp_path / "other.csv"
    other.write_text(f"{HEADER}\n{line(partner='US')}\n", encoding="utf-8")
    refused = 0
    for args in (["ingest", str(other)], ["vintages", "2020-11"], ["release", "2020-11"]):
        result = subprocess.run(
            [sys.executable, "-c", "from ictrade.cli import cli; cli()", *args, "--store",
             str(store)], capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        said = result.stderr
        assert result.returncode in (0, 2) and "Traceback" not in said, (args, said)
        if result.returncode:  # a read that misses the damaged blocks goes through
            refused += 1
            assert "damaged" in said and "in use" not in said, (args, said)
    assert refused >= (1 if how == "blocks" else 3)


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["ingest", "{file}", "--store", "{store}", "--vintage", ""], "--vintage"),
        (["ingest", "{file}", "--store", "{store}", "--source", " "], "--source"),
        (["ingest", "{file}", "--store", "{store}", "--map", ""], "--map"),
        (["ingest", "", "--store", "{store}"], "FILE"),
        (["release", "2020-11", "--store", "{store}", "--as-of", ""], "--as-of"),
        (["series", "--store", "{store}", "--from", " "], "--from"),
        (["classify", "854232", "--month", ""], "--month"),
        (["verify", "{file}", "--month", ""], "--month"),
        (["lake", "export", "--lake", "", "--store", "{store}"], "--lake"),
        (["nowcast", "--backtest", "--from", ""], "--from"),
    ],
)
def test_an_option_given_empty_is_refused_not_read_as_left_out(tmp_path, args, named):
    path, store = tmp_path / "lines.csv", tmp_path / "s.duckdb"
    path.write_text(f"{HEADER}\n{line()}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, [a.format(file=path, store=store) for a in args])
    assert result.exit_code == 2 and f"{named} is empty" in result.output, result.output
    assert not store.exists()


@pytest.mark.parametrize("vintage", ["9999-12-31", "1987-12-31", "2999-01-01"])
def test_an_implausible_vintage_option_is_named_as_the_option(tmp_path, vintage):
    result = ingest(tmp_path, f"{HEADER}\n{line()}\n", "--vintage", vintage)
    assert result.exit_code == 2 and f"--vintage {vintage} is outside" in result.output
    assert "line 2" not in result.output and not (tmp_path / "s.duckdb").exists()


KCS_ROW = {"year": "2020.11", "hsCd": "8542321010", "statCd": "CN", "statCdCntnKor1": "중국",
           "statKor": "x", "expDlr": "1000", "impDlr": "500", "expWgt": "1", "impWgt": "2",
           "balPayments": "500"}  # fmt: skip


@pytest.mark.parametrize(
    ("field", "value"),
    [("expDlr", "1_000"), ("expDlr", "１２３"), ("impDlr", "1 000"), ("expWgt", "-5"),
     ("impWgt", "abc"), ("expWgt", "1e999")],
)  # fmt: skip
def test_kcs_numbers_python_would_take_but_the_api_never_writes_are_refused(field, value):
    import datetime as dt

    from ictrade.errors import SourceError
    from ictrade.sources.kcs_parse import lines_from_items

    with pytest.raises(SourceError, match=f"{field} '{value}' is not an amount"):
        lines_from_items([{**KCS_ROW, field: value}], dt.date(2021, 1, 20))
    read = lines_from_items([{**KCS_ROW, "expDlr": "1,234", "expWgt": ""}], dt.date(2021, 1, 20))
    assert read.table.column("value_usd").to_pylist() == [1234.0, 500.0]
    assert read.table.column("net_kg").to_pylist() == [None, 2.0]


def _kcs_client(url: str):  # type: ignore[no-untyped-def]
    import httpx

    from ictrade.sources import _http
    from ictrade.sources.kcs import KcsClient

    retry = _http.Retry(attempts=2, base_delay=0.01, sleep=lambda _: None)
    return KcsClient(key="k", base_url=url, page_size=2, retry=retry, http=httpx.Client())


def test_kcs_pages_empty_before_the_count_stop_the_fetch(tmp_path):
    from fake_servers import envelope, raw_answer, serve_script

    from ictrade.errors import SourceError
    from ictrade.months import Month
    from ictrade.sources.kcs import fetch_kcs

    lying = raw_answer(200, envelope("00", "OK", [], 1_000_000), content_type="application/xml")
    with serve_script([lying], "/nitemtrade") as server:
        with pytest.raises(SourceError, match="holds no rows though the answer counts 1,000,000"):
            fetch_kcs(_kcs_client(server.url), Month(2020, 11), Month(2020, 11),
                      lambda *a: None, checkpoint=tmp_path / "c.json", hs=["8542"],
                      progress=None)  # fmt: skip
        assert server.calls == 1  # not the half million pages the count asks for


def test_a_resumed_kcs_fetch_asks_again_when_the_count_changed(tmp_path):
    from fake_servers import FakeKcs, serve

    from ictrade.errors import SourceError
    from ictrade.months import Month
    from ictrade.sources.kcs import fetch_kcs

    rows = [{**KCS_ROW, "statCd": p} for p in ("CN", "US", "JP", "VN")]
    fake = FakeKcs(rows, key="k")
    fake.quota_after = 1
    got: list[str] = []

    def sink(table, *rest):  # type: ignore[no-untyped-def]
        import pyarrow.compute as pc

        got.extend(table.filter(pc.equal(table["flow"], "export")).column("partner").to_pylist())

    args = dict(checkpoint=tmp_path / "c.json", hs=["8542"], progress=None)
    with serve(fake) as url:
        with pytest.raises(SourceError, match="quota"):
            fetch_kcs(_kcs_client(url), Month(2020, 11), Month(2020, 11), sink, **args)
        fake.rows = sorted([*rows, {**KCS_ROW, "statCd": "AU"}],
                           key=lambda r: (r["year"], r["hsCd"], r["statCd"]))  # fmt: skip
        fake.quota_after = None  # the next day, with one row more: the pages shifted
        before = len(got)
        fetch_kcs(_kcs_client(url), Month(2020, 11), Month(2020, 11), sink, **args)
    assert set(got[before:]) == {"AU", "CN", "JP", "US", "VN"}  # every row of the new count
    pages = [q.get("pageNo") for q in fake.requests]
    assert pages.count("1") >= 2  # the first page asked for again


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ("semiconductors,total,2025-06,10,1_000", "cum_value"),
        ("semiconductors,total,2025-06,10,１２３", "cum_value"),
        ("semiconductors,total,2025-06,10,1 000", "cum_value"),
        ("semiconductors,total,2025-06,1_0,5", "cut_day"),
        ("semiconductors,total,2025-06,１０,5", "cut_day"),
    ],
)
def test_flash_numbers_python_would_take_but_no_file_writes_are_refused(tmp_path, row, field):
    from test_hostile_files import FLASH_HEADER

    result = ingest(tmp_path, f"{FLASH_HEADER}\n{row}\n", name="flash.csv")
    assert result.exit_code == 2 and f"line 2, field '{field}'" in result.output, result.output
    nowcast = CliRunner().invoke(cli, ["nowcast", str(tmp_path / "flash.csv")])
    assert nowcast.exit_code == 2 and f"field '{field}'" in nowcast.output
