"""Every command on a corpus of hostile inputs: no traceback, no internal error, an exit
status of 0, 1 or 2 only (the API's endpoints are fuzzed in test_hostile_api.py)."""

from __future__ import annotations

import codecs
import gzip
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from ictrade.cli import cli

# Every command over the whole corpus: about half a minute, so CI runs it and --fast skips it.
pytestmark = pytest.mark.slow

HEADER = "month,flow,hs_code,partner,value_usd,source,vintage,status\n"
GOOD = "2020-11,export,854232,CN,100,kcs,2020-12-15,confirmed\n"

# name -> file content: each hostile in its own way
CORPUS: dict[str, bytes] = {
    "empty.csv": b"",
    "header-only.csv": HEADER.encode(),
    "blank-lines.csv": b"\n\n\n",
    "binary.csv": bytes(range(256)) * 16,
    "utf16.csv": (HEADER + GOOD).encode("utf-16"),
    "utf16-no-bom.csv": (HEADER + GOOD).encode("utf-16-le"),
    "cp949.csv": "년월,수출입구분,HS코드,국가코드,금액(달러)\n2020-11,수출,854232,CN,1\n".encode(
        "cp949"
    ),
    "bom.csv": codecs.BOM_UTF8 + (HEADER + GOOD).encode(),
    "cr-only.csv": (HEADER + GOOD).replace("\n", "\r").encode(),
    "crlf.csv": (HEADER + GOOD).replace("\n", "\r\n").encode(),
    "semicolon.csv": (HEADER + GOOD).replace(",", ";").encode(),
    "ragged.csv": (HEADER + "2020-11,export,854232\n").encode(),
    "big-field.csv": (HEADER + GOOD.replace("kcs", "k" * 200_000)).encode(),
    "quote.csv": (HEADER + '2020-11,"export,854232,CN,1,kcs,2020-12-15,confirmed\n').encode(),
    "month-0000.csv": (HEADER + GOOD.replace("2020-11,", "0000-01,")).encode(),
    "month-9999.csv": (HEADER + GOOD.replace("2020-11,", "9999-12,")).encode(),
    "month-13.csv": (HEADER + GOOD.replace("2020-11,", "2020-13,")).encode(),
    "vintage-feb30.csv": (HEADER + GOOD.replace("2020-12-15", "2024-02-30")).encode(),
    "value-huge.csv": (HEADER + GOOD.replace(",100,", ",1e308,")).encode(),
    "value-inf.csv": (HEADER + GOOD.replace(",100,", ",inf,")).encode(),
    "value-nan.csv": (HEADER + GOOD.replace(",100,", ",NaN,")).encode(),
    "value-text.csv": (HEADER + GOOD.replace(",100,", ",abc,")).encode(),
    "value-negative.csv": (HEADER + GOOD.replace(",100,", ",-5,")).encode(),
    "hs-letters.csv": (HEADER + GOOD.replace("854232", "85A232")).encode(),
    "partner-zz.csv": (HEADER + GOOD.replace(",CN,", ",ZZ,")).encode(),
    "dup.csv": (HEADER + GOOD + GOOD).encode(),
    "flash-bad.csv": b"item_key,partner_ko,month,cut_day,cum_value\nsemis,total,2025-13,10,abc\n",
    "fake.parquet": b"PAR1 not really parquet",
    "fake.xlsx": b"PK\x03\x04 not a workbook",
    "old.xls": b"\xd0\xcf\x11\xe0 old workbook",
    "text.txt": b"ICT exports rose 15.8% to $16.6 billion in November 2020.",
    "digits.txt": ("9" * 5000).encode(),
    "flash-short-row.csv": b"item_key,partner_ko,month,cut_day,cum_value\nsemis,total,2025-06\n",
    "decimal-comma.csv": (HEADER + GOOD).replace(",", ";").replace(";100;", ";100,5;").encode(),
    "dup-header.csv": (HEADER.strip() + ",value_usd\n" + GOOD.strip() + ",7\n").encode(),
    "utf32.csv": (HEADER + GOOD).encode("utf-32"),
    "gzip.csv.gz": gzip.compress((HEADER + GOOD).encode()),
    "text-named.xlsx": (HEADER + GOOD).encode(),
    "header-no-newline.csv": HEADER.strip().encode(),
    "mixed-eol.csv": (HEADER + GOOD.replace("\n", "\r") + GOOD.replace(",CN,", ",US,")).encode(),
    "source-newline.csv": (HEADER + GOOD.replace(",kcs,", ',"k\ncs",')).encode(),
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    for name, content in CORPUS.items():
        (folder / name).write_bytes(content)
    return folder


def run(*args: str) -> None:
    result = CliRunner().invoke(cli, list(args))
    shown = f"{args}: exit {result.exit_code}\n{result.output}"
    assert result.exit_code in (0, 1, 2), shown
    assert result.exception is None or isinstance(result.exception, SystemExit), shown
    assert "Traceback" not in result.output and "internal error" not in result.output, shown


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_ingest_any_file(corpus, tmp_path, name):
    run("ingest", str(corpus / name), "--store", str(tmp_path / "s.duckdb"))


@pytest.mark.parametrize("name", ["empty.csv", "binary.csv", "utf16.csv", "cp949.csv",
                                  "text.txt", "digits.txt", "cr-only.csv"])
def test_verify_and_nowcast_and_check_published_on_any_file(corpus, name):
    path = str(corpus / name)
    run("verify", path, "--month", "2020-11")
    run("nowcast", path)
    run("check-published", path, "--quiet")


MONTHS = ["0000-01", "9999-12", "2020-13", "", "abc", "2020-11..2019-01", "1987-12", "2099-01"]
DATES = ["9999-12", "0000-01", "2024-02-30", "9999-12-31", "0001-01-01", "x"]


@pytest.mark.parametrize("month", MONTHS)
def test_month_arguments(month):
    run("vintages", month)
    run("classify", "8542321010", "--month", month)
    run("release", month, "--format", "json")
    run("series", "--from", month)
    run("revisions", month, "--from", "2020-01-01", "--to", "2021-01-01")


@pytest.mark.parametrize("date", DATES)
def test_as_of_and_vintage_dates(date, tmp_path):
    run("release", "2020-11", "--as-of", date, "--out", str(tmp_path))
    run("series", "--as-of", date)
    run("revisions", "2020-11", "--from", date, "--to", "2021-01-01")
    path = tmp_path / "ok.csv"
    path.write_text("month,flow,hs_code,partner,value_usd\n2020-11,export,854232,CN,1\n")
    run("ingest", str(path), "--vintage", date, "--store", str(tmp_path / "s.duckdb"))


@pytest.mark.parametrize(
    "store", ["", " ", "/nonexistent/dir/s.duckdb", "corrupt", "folder", "fifo", "/dev/null"]
)
def test_store_paths(store, tmp_path):
    if store == "corrupt":
        store = str(tmp_path / "corrupt.duckdb")
        Path(store).write_bytes(b"not a database")
    elif store == "folder":
        store = str(tmp_path)
    elif store == "fifo":
        store = str(tmp_path / "pipe.duckdb")
        os.mkfifo(store)
    run("vintages", "2020-11", "--store", store)
    run("release", "2020-11", "--store", store, "--out", str(tmp_path))
    run("serve", "--store", store, "--port", "0")  # refused before serving


@pytest.mark.parametrize("code", ["", "x", "8542.32-10", "9" * 40, "85423210101"])
def test_classify_codes(code):
    run("classify", code)


def test_fetch_without_network(tmp_path, monkeypatch):
    monkeypatch.setenv("ICTRADE_KCS_KEY", "k")
    monkeypatch.setenv("ICTRADE_COMTRADE_KEY", "k")
    monkeypatch.setenv("ICTRADE_KCS_BASE_URL", "http://ictrade-no-such-host.invalid/x")
    monkeypatch.setenv("ICTRADE_COMTRADE_BASE_URL", "http://ictrade-no-such-host.invalid/x")
    store = str(tmp_path / "s.duckdb")
    run("fetch", "kcs", "--start", "2020-11", "--end", "2020-11", "--hs", "8542", "--store", store)
    run("fetch", "comtrade", "--start", "2020-11", "--end", "2020-11", "--store", store)
    run("fetch", "kcs", "--start", "0000-01", "--end", "9999-12", "--store", store)
