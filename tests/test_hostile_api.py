"""The API under hostile requests and beside a writer: no 5xx, no path or process id shown,
keep-alive connections survive error answers, the server answers while an ingest holds the
store, and dates between two vintages share one cube."""

from __future__ import annotations

import datetime as dt
import http.client
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ictrade.cli import cli
from ictrade.store.ingest import ingest_table
from ictrade.store.store import open_store
from ictrade.web import create_app
from ictrade.web import handles as handles_module

from conftest import Running, lines_table, series_rows

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*httpx2", category=UserWarning)
    from starlette.testclient import TestClient

ENDPOINTS = ["/api/meta", "/api/facts/2020-11", "/api/series", "/api/cube", "/api/release/2020-11"]


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(dataset="default", api_key=""), raise_server_exceptions=False) as c:
        yield c


@pytest.mark.parametrize("param", ["item", "flow", "region", "month", "drilldowns", "measures"])
@pytest.mark.parametrize("value", [",", ", ,", " "])
def test_empty_lists_in_cube_cuts_are_a_400_or_ignored(client, param, value):
    answer = client.get("/api/cube", params={param: value})
    assert answer.status_code in (200, 400), answer.text
    if value == ",":
        assert answer.status_code == 400 and "names no" in answer.json()["error"]["message"]


@pytest.mark.parametrize("path", ENDPOINTS)
def test_as_of_at_the_ends_of_the_calendar(client, path):
    far = client.get(path, params={"as_of": "9999-12"})
    assert far.status_code == 200, far.text
    for bad in ("0000-01", "0000-01-01", "10000-01", "2020-02-30"):
        answer = client.get(path, params={"as_of": bad})
        assert answer.status_code == 400, (bad, answer.text)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    path=st.sampled_from(ENDPOINTS + ["/api/facts/{x}", "/api/release/{x}"]),
    params=st.dictionaries(
        st.sampled_from(
            [
                "as_of",
                "item",
                "flow",
                "region",
                "month",
                "from",
                "to",
                "measure",
                "measures",
                "drilldowns",
                "format",
                "lang",
                "as_published",
                "download",
                "variant",
                "dataset",
            ]
        ),
        st.one_of(
            st.text(max_size=12),
            st.sampled_from(
                [
                    "9999-12",
                    "0000-01",
                    "2020-11",
                    "1988-01",
                    ",",
                    "total",
                    "world",
                    "export",
                    "csv",
                    "xlsx",
                    "true",
                    "2020-11..2020-01",
                    "-1",
                    "nan",
                    "２０２０-11",
                    "\u202e2020-11",
                    "2020-11\u200b",
                    "x" * 5000,
                    "kcs-sample",
                    "oecd-ict",
                ]
            ),
        ),
        max_size=4,
    ),
    word=st.text(max_size=10),
)
def test_fuzzed_parameters_never_give_a_5xx(client, path, params, word):
    answer = client.get(path.replace("{x}", quote(word, safe="") or "x"), params=params)
    assert answer.status_code < 500, (path, params, answer.text)
    if answer.status_code >= 400:  # the bad value echoed escaped and cut
        shown = answer.json()["error"]["message"]
        assert len(shown) < 1000 and shown.isprintable(), shown


# ---- a real server: keep-alive after errors, a store file beside a writer ------------------


@pytest.fixture
def store_file(tmp_path: Path) -> Path:
    path = tmp_path / "store.duckdb"
    with open_store(path) as store:
        old = series_rows({"8542321010": [100.0] * 13}, "2019-01")
        for row in old:
            row["vintage"] = "2020-02-15"
        ingest_table(store, lines_table(old), origin="first")
        new = series_rows({"8542321010": [150.0]}, "2020-01")
        for row in new:
            row["vintage"] = "2020-06-15"
        ingest_table(store, lines_table(new), origin="revision")
    return path


def test_keep_alive_survives_an_internal_error(store_file, monkeypatch):
    app = create_app(str(store_file), api_key="")
    service = app.state.api.service

    def broken(*args: object) -> object:
        raise RuntimeError("/secret/path of the server")

    monkeypatch.setattr(service, "cube", broken)
    with Running(app) as port:
        con = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        con.request("GET", "/api/cube")
        answer = con.getresponse()
        body = answer.read().decode()
        assert answer.status == 500 and "RuntimeError" in body and "/secret" not in body
        statuses = []
        for path in ("/api/ping", "/api/cube", "/api/meta", "/api/ping"):
            con.request("GET", path)  # the same connection
            again = con.getresponse()
            again.read()
            statuses.append(again.status)
        assert statuses == [200, 500, 200, 200]
        con.close()


def test_facts_name_the_store_file_not_its_path(store_file):
    with TestClient(create_app(str(store_file), api_key="")) as c:
        facts = c.get("/api/facts/2020-01").json()
        meta = c.get("/api/meta").json()
    assert facts["data"]["data"]["store"] == "store.duckdb"
    assert str(store_file.parent) not in str(facts) + str(meta)


HOLD = (
    "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); "
    "time.sleep(60)"
)


def hold_lock(path: Path) -> subprocess.Popen[str]:
    writer = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path)], stdout=subprocess.PIPE, text=True
    )
    assert writer.stdout is not None and writer.stdout.readline().strip() == "held"
    return writer


def test_the_server_answers_from_its_snapshot_while_a_writer_holds_the_store(
    store_file, monkeypatch
):
    monkeypatch.setattr(handles_module, "FIRST_SNAPSHOT_WAIT", 0.3)
    with TestClient(create_app(str(store_file), api_key="")) as c:
        assert c.get("/api/series", params={"item": "semiconductors"}).status_code == 200
        writer = hold_lock(store_file)
        try:
            store_file.touch()  # the file changed: the server must not wait for the writer
            started = time.monotonic()
            for as_of in ("2020-03-01", "2020-07-01", "2020-02-20"):  # not cached yet
                answer = c.get("/api/cube", params={"as_of": as_of, "drilldowns": "month"})
                assert answer.status_code == 200, answer.text
            assert time.monotonic() - started < 5
        finally:
            writer.kill()
            writer.wait()
    # A server started while the writer holds the file says so, without DuckDB's words.
    writer = hold_lock(store_file)
    try:
        with TestClient(create_app(str(store_file), api_key="")) as c:
            busy = c.get("/api/meta")
    finally:
        writer.kill()
        writer.wait()
    assert busy.status_code == 503 and busy.headers["Retry-After"]
    text = busy.text
    assert (
        "PID" not in text and sys.executable not in text and "in use" in text or "written" in text
    )


def test_a_second_writer_queues_then_gets_a_clear_message(store_file, tmp_path, monkeypatch):
    csv = tmp_path / "more.csv"
    csv.write_text(
        "month,flow,hs_code,partner,value_usd,vintage\n2020-02,export,8542321010,US,5,2020-03-15\n"
    )
    monkeypatch.setenv("ICTRADE_LOCK_WAIT", "0.5")
    writer = hold_lock(store_file)
    try:
        result = CliRunner().invoke(cli, ["ingest", str(csv), "--store", str(store_file)])
    finally:
        writer.kill()
        writer.wait()
    assert result.exit_code == 2 and "in use by another program" in result.output
    assert "PID" not in result.output and "Traceback" not in result.output
    monkeypatch.setenv("ICTRADE_LOCK_WAIT", "30")
    writer = hold_lock(store_file)
    threading.Timer(1.0, writer.kill).start()  # the writer finishes while the ingest waits
    try:
        queued = CliRunner().invoke(cli, ["ingest", str(csv), "--store", str(store_file)])
    finally:
        writer.wait()
    assert queued.exit_code == 0 and "1 lines added" in queued.output


def test_dates_between_two_vintages_share_one_cube(store_file):
    app = create_app(str(store_file), api_key="")
    handle = app.state.api.service.default
    with TestClient(app) as c:
        for as_of in ("2020-03-01", "2020-04-11", "2020-06-14"):
            assert c.get("/api/cube", params={"as_of": as_of}).status_code == 200
        assert c.get("/api/cube", params={"as_of": "2020-06-20"}).status_code == 200
        assert c.get("/api/cube", params={"as_of": "9999-12-31"}).status_code == 200
    keys = {key[1] for key in handle.cubes._data}
    assert dt.date(2020, 6, 15) not in keys
    assert handle.resolve(dt.date(2020, 4, 11)) == handle.resolve(dt.date(2020, 3, 1))
    assert handle.resolve(dt.date(2020, 6, 20)) is None
    assert len([k for k in keys if k is not None]) == 1
