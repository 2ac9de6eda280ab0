"""Fetching from servers that misbehave: no network, refused connections, dripped, truncated
or foreign answers. Each fails fast with a message, is retried, or is refused; the Comtrade
call counter counts answered calls only; summaries count lines stored."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from fake_servers import raw_answer, serve_script

from ictrade.cli import cli
from ictrade.errors import SourceError
from ictrade.months import Month
from ictrade.sources import _http
from ictrade.sources.comtrade import CallCounter, ComtradeClient
from ictrade.sources.kcs import KcsClient, Request

RECORD = {"freqCode": "M", "period": "202011", "reporterCode": 410, "flowCode": "X",
          "partnerCode": 156, "partner2Code": 0, "motCode": 0, "customsCode": "C00",
          "cmdCode": "854232", "primaryValue": 1000.0, "netWgt": 1.0, "qtyUnitCode": -1}
GOOD = json.dumps({"data": [RECORD], "error": ""}).encode()


def client(url: str, tmp_path: Path, deadline: float = 5.0) -> ComtradeClient:
    return ComtradeClient(
        key="comtrade-test-key",
        counter=CallCounter(tmp_path / "calls.json", 100),
        base_url=url,
        retry=_http.Retry(attempts=3, base_delay=0.01, sleep=lambda _: None),
        http=httpx.Client(timeout=5.0),
        deadline=deadline,
    )


def used(tmp_path: Path) -> int:
    path = tmp_path / "calls.json"
    return sum(json.loads(path.read_text()).values()) if path.exists() else 0


def test_no_dns_fails_at_once_and_uses_no_quota(tmp_path):
    started = time.monotonic()
    with pytest.raises(SourceError, match="cannot find the host"):
        client("http://ictrade-no-such-host.invalid/data", tmp_path).get({})
    assert time.monotonic() - started < 5 and used(tmp_path) == 0


def test_a_refused_connection_fails_at_once_and_uses_no_quota(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    started = time.monotonic()
    with pytest.raises(SourceError, match="refused the connection"):
        client(f"http://127.0.0.1:{port}/data", tmp_path).get({})
    assert time.monotonic() - started < 5 and used(tmp_path) == 0


def test_a_dripping_server_meets_the_deadline(tmp_path):
    drip = raw_answer(200, b" " * 400 + GOOD, drip=0.01)
    with serve_script([drip, drip, drip]) as server:
        started = time.monotonic()
        with pytest.raises(SourceError, match="took over"):
            client(server.url, tmp_path, deadline=0.5).get({})
    assert time.monotonic() - started < 10


@pytest.mark.parametrize("cut", ["short of its length", "cut json"])
def test_a_truncated_answer_is_retried(tmp_path, cut):
    if cut == "short of its length":
        first = raw_answer(200, GOOD[:20], length=len(GOOD))
    else:
        first = raw_answer(200, GOOD[:20])
    with serve_script([first, raw_answer(200, GOOD)]) as server:
        records, *_ = client(server.url, tmp_path).get({})
        assert server.calls == 2
    assert records == [RECORD]


@pytest.mark.parametrize(
    "payload", [[], None, "oops", {"data": {"a": 1}}, {"data": "x"}, {"data": [1, 2]}]
)
def test_answers_that_are_not_the_api_s_shape_are_refused(tmp_path, payload):
    from ictrade.sources.comtrade_parse import lines_from_records

    answer = raw_answer(200, json.dumps(payload).encode())
    refused = pytest.raises(SourceError, match="not the API|not a list|not an object")
    with serve_script([answer]) as server, refused:
        records, *_ = client(server.url, tmp_path).get({})
        lines_from_records(records, Month(2020, 12).first_day())


@pytest.mark.parametrize(
    "record",
    [{**RECORD, "period": "202413"}, {**RECORD, "partnerCode": "China"},
     {**RECORD, "reporterCode": "KR"}, {**RECORD, "partnerCode": "156"}],
)
def test_odd_records_are_skipped_by_reason_or_read(record):
    from ictrade.sources.comtrade_parse import lines_from_records

    parsed = lines_from_records([record], Month(2020, 12).first_day())
    assert parsed.table.num_rows + sum(parsed.skipped.values()) == 1


def test_a_kcs_login_page_stops_the_fetch(tmp_path):
    page = raw_answer(200, b"<!DOCTYPE html><html><body>Login</body></html>",
                      content_type="text/html")
    with serve_script([page], "/nitemtrade") as server:
        kcs = KcsClient(key="k", base_url=server.url,
                        retry=_http.Retry(attempts=2, sleep=lambda _: None))
        with pytest.raises(SourceError, match="HTML page"):
            kcs.page(Request("8542", None, Month(2020, 11), Month(2020, 11)), 1)


def test_the_cli_says_lines_stored_and_never_shows_a_traceback(tmp_path, monkeypatch):
    store = str(tmp_path / "s.duckdb")
    args = ["fetch", "comtrade", "--reporter", "410", "--start", "2020-11", "--end", "2020-11",
            "--hs", "854232", "--store", store]
    monkeypatch.setenv("ICTRADE_COMTRADE_KEY", "k")
    with serve_script([raw_answer(200, GOOD)]) as server:
        monkeypatch.setenv("ICTRADE_COMTRADE_BASE_URL", server.url)
        first = CliRunner().invoke(cli, args)
        assert first.exit_code == 0, first.output
        assert "1 lines stored" in first.output
    for payload in (b"[]", b"null", b'"x"'):
        with serve_script([raw_answer(200, payload)]) as server:
            monkeypatch.setenv("ICTRADE_COMTRADE_BASE_URL", server.url)
            bad = CliRunner().invoke(cli, [*args[:-1], str(tmp_path / "t.duckdb")])
        assert bad.exit_code == 2 and "Traceback" not in bad.output, bad.output


def answer_with(status: int, body: bytes, **headers: str):  # type: ignore[no-untyped-def]
    """An answer with extra headers (Location, Retry-After, Content-Encoding)."""

    def answer(handler) -> None:  # type: ignore[no-untyped-def]
        handler.send_response(status)
        for name, value in {"Content-Length": str(len(body)), **headers}.items():
            handler.send_header(name.replace("_", "-"), value)
        handler.end_headers()
        handler.wfile.write(body)

    return answer


@pytest.mark.parametrize(
    ("answer", "said"),
    [
        (answer_with(302, b"", Location="/elsewhere"), "redirect to /elsewhere"),
        (answer_with(404, b"no such page", Content_Type="text/plain"), "404 Not Found"),
        (answer_with(429, b"slow down", Retry_After="86400"), "asks to wait 86,400 s"),
        (answer_with(200, b"<html><body>Maintenance</body></html>", Content_Type="text/html"),
         "no JSON"),
        (answer_with(200, b"[" * 100_000 + b"]" * 100_000), "no JSON"),
    ],
)
def test_answers_that_asking_again_will_not_mend_stop_at_once(tmp_path, answer, said):
    with serve_script([answer] * 3) as server:
        with pytest.raises(SourceError, match=said):
            client(server.url, tmp_path).get({})
        assert server.calls == 1


def test_an_answer_over_the_size_bound_is_refused_also_compressed(tmp_path):
    import gzip

    bomb = gzip.compress(b" " * 5_000_000)
    zipped = answer_with(200, bomb, Content_Encoding="gzip", Content_Type="application/json")
    refused = pytest.raises(SourceError, match="over 1 MB")
    with serve_script([zipped]) as server, httpx.Client() as http, refused:
        _http.get(http, server.url, max_body=1 << 20)


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["kcs", "--start", "2999-01", "--end", "2999-01"], "outside the months"),
        (["comtrade", "--reporter", "-5", "--start", "2020-11", "--end", "2020-11"],
         "unknown reporter code -5"),
        (["comtrade", "--reporter", "410", "--start", "2020-11", "--end", "2020-11",
          "--daily-limit", "-1"], "--daily-limit"),
        (["kcs", "--start", "2020-11", "--end", "2020-11", "--page-size", "0"], "--page-size"),
    ],
)
def test_fetch_options_that_cannot_be_are_refused_before_any_request(tmp_path, args, said):
    store = tmp_path / "s.duckdb"
    env = {"ICTRADE_KCS_KEY": "k", "ICTRADE_COMTRADE_KEY": "k",
           "ICTRADE_KCS_BASE_URL": "http://127.0.0.1:9/x",
           "ICTRADE_COMTRADE_BASE_URL": "http://127.0.0.1:9/x"}  # fmt: skip
    result = CliRunner(env=env).invoke(cli, ["fetch", *args, "--store", str(store)])
    assert result.exit_code == 2 and said in result.output, result.output
    assert "refused the connection" not in result.output and not store.exists()
