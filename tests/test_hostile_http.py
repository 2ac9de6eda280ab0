"""The API under hostile requests, at the HTTP level: what an error answer echoes, repeated
parameters, methods, content codings, and what the server answers to bytes that are not HTTP."""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import time
import unicodedata
import warnings
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ictrade.web import create_app
from ictrade.web import server as server_module
from ictrade.web.envelope import accepts_gzip, dumps

from conftest import Running

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*httpx2", category=UserWarning)
    from starlette.testclient import TestClient


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(dataset="default", api_key=""), raise_server_exceptions=False) as c:
        yield c


def message(answer: object) -> str:
    return str(answer.json()["error"]["message"])  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("path", "param"),
    [
        ("/api/cube", "as_of"),
        ("/api/cube", "item"),
        ("/api/series", "from"),
        ("/api/meta", "reporter"),
        ("/api/release/2020-11", "lang"),
        ("/api/cube", None),  # the value as a parameter's name
    ],
)
@pytest.mark.parametrize("value", ["x" * 30_000, "\u202e11-0202", "a\u200bb\x00c"])
def test_an_error_echoes_the_bad_value_escaped_and_cut(client, path, param, value):
    answer = client.get(path, params={param: value} if param else {value: "1"})
    assert answer.status_code == 400
    text = message(answer)
    assert (param or "parameter") in text
    assert len(text) < 1000
    assert not any(unicodedata.category(c) in ("Cc", "Cf") for c in text), text
    if len(value) > 1000:
        assert "(30,000 characters)" in text
    else:
        assert "\\u202e" in text or "\\u200b" in text


@pytest.mark.parametrize("param", ["item", "as_of", "month", "api_key"])
def test_a_parameter_given_twice_is_refused_by_name(client, param):
    answer = client.get(f"/api/cube?{param}=2020-11&{param}=2020-10")
    assert answer.status_code == 400
    assert f"'{param}' is given 2 times" in message(answer)


@pytest.mark.parametrize("month", ["２０２０-11", "٢٠٢٠-11", "2020-１１", "202０11", "2020-11\n11"])
def test_months_are_written_in_ascii_digits(client, month):
    answer = client.get("/api/cube", params={"month": month})
    assert answer.status_code == 400, answer.text
    assert client.get(f"/api/facts/{quote(month)}").status_code == 400


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
def test_a_wrong_method_names_itself_and_the_allowed_ones(client, method):
    answer = client.request(method, "/api/cube")
    assert answer.status_code == 405
    assert set(answer.headers["allow"].split(", ")) == {"GET", "HEAD"}
    assert method in message(answer) and "use GET" in message(answer)


def test_an_unknown_path_points_to_the_api_description(client):
    answer = client.get("/api/cubes")
    assert answer.status_code == 404
    assert "'/api/cubes'" in message(answer) and "/api/openapi.json" in message(answer)


@pytest.mark.parametrize(
    ("header", "gzip"),
    [
        ("gzip", True),
        ("gzip, deflate, br", True),
        ("br;q=1.0, gzip;q=0.8", True),
        ("x-gzip", True),
        ("*", True),
        ("gzip;q=0", False),
        ("gzip;q=0.0, identity", False),
        ("*;q=0", False),
        ("identity", False),
        ("br", False),
        ("gzip;q=nan", False),
        ("gzip;q=oops", False),
        ("*, gzip;q=0", False),
    ],
)
def test_gzip_only_for_clients_that_accept_it(client, header, gzip):
    assert accepts_gzip(header) is gzip
    answer = client.get("/api/facts/2020-11", headers={"Accept-Encoding": header})
    assert answer.status_code == 200
    assert (answer.headers.get("content-encoding") == "gzip") is gzip


def test_answers_carry_no_nan():
    assert dumps({"a": [1.0, float("nan"), float("inf")]}) == b'{"a":[1.0,null,null]}'


@pytest.mark.parametrize(
    "path",
    [
        "/api/facts/2025-06?dataset=kcs-sample",  # records compared with nothing before
        "/api/meta?dataset=kcs-sample&scheme=oecd-ict",  # coverage naming kr-ict items
        "/api/cube?dataset=kcs-sample&scheme=oecd-ict&drilldowns=item",
    ],
)
def test_a_partial_dataset_under_any_scheme(client, path):
    answer = client.get(path)
    assert answer.status_code == 200, answer.text
    assert "NaN" not in answer.text


# ---- a real server: bytes that are not HTTP -------------------------------------------------


def exchange(port: int, raw: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(raw)
        out = b""
        while chunk := sock.recv(65536):
            out += chunk
        return out


GET = b"GET /api/cube HTTP/1.1\r\nHost: x\r\n"


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    with Running(create_app(dataset="default", api_key=""), log_level="warning") as p:
        yield p


@pytest.mark.parametrize(
    "raw",
    [
        b"GET /api/ping HTTP/1.1\r\n\r\n",  # no Host
        b"GET /api/ping HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n",
        b"GET /api/ping HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
        b"GET /api/ping HTTP/1.1\r\nHost: x\r\nAccept: \x00\r\n\r\n",
        b"\x16\x03\x01\x00\xa5\x01\x00\r\n\r\n",  # a TLS hello
    ],
)
def test_a_request_that_is_not_http_gets_the_envelope(port, raw):
    answer = exchange(port, raw)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400") and b"connection: close" in head.lower()
    assert json.loads(body)["error"]["code"] == 400


@pytest.mark.parametrize(
    "raw",
    [
        GET + b"Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
        GET + b"Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nxx\r\n",
        GET + b"Content-Length: 3\r\n\r\nabcGARBAGE\r\n\r\n",
        GET + b"\r\nGET /api/ping HTTP/1.1\r\nBad Header\r\n\r\n",  # pipelined: second is bad
    ],
)
def test_bad_bytes_behind_a_request_leave_no_traceback(port, raw, caplog):
    with caplog.at_level(logging.WARNING):
        exchange(port, raw)
        time.sleep(0.3)
        assert exchange(port, b"GET /api/ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


def test_an_upgrade_header_is_ignored_quietly(port, caplog):
    raw = GET + b"Connection: Upgrade\r\nUpgrade: websocket\r\nConnection: close\r\n\r\n"
    with caplog.at_level(logging.WARNING):
        answer = exchange(port, raw)
    assert answer.startswith(b"HTTP/1.1 200")
    assert not caplog.records


def test_a_bad_variant_is_refused_with_or_without_download(client):
    for query in ("variant=bogus", "variant=bogus&download=1", "variant=%00"):
        answer = client.get(f"/api/release/2020-11?{query}")
        assert answer.status_code == 400, answer.text
        assert "unknown variant" in message(answer)
        assert answer.json()["error"]["allowed"] == ["short", "long", "flash"]
    page = client.get("/api/release/2020-11?variant=page")
    assert "variant 'page' for format md" in message(page) and "format=html" in message(page)
    assert client.get("/api/release/2020-11?variant=short").status_code == 200
    assert client.get("/api/release/2020-11?variant=").status_code == 200  # as not given
    spec = client.get("/api/openapi.json").json()["paths"]["/api/release/{month}"]
    variant = next(p for p in spec["get"]["parameters"] if p["name"] == "variant")
    assert "flash" in variant["schema"]["enum"]


@pytest.mark.parametrize("range_", ["bytes=abc", "items=0-1", "bytes=100-1", "bytes=9" * 30 + "-"])
def test_vendor_files_are_sent_whole_whatever_the_range(client, range_):
    whole = client.get("/static/vendor/README.md")
    answer = client.get("/static/vendor/README.md", headers={"Range": range_})
    assert answer.status_code == 200 and answer.content == whole.content


@pytest.mark.parametrize(
    ("as_of", "said"),
    [
        ("2020-W46", "is not a date"),  # a week date: fromisoformat reads it as a Monday
        ("2020-W46-1", "is not a date"),
        ("2020-1115", "is not a date"),
        ("2021-02-29", "is not a day of the calendar"),
        ("2020-11-15T10:00", "has a time or time zone"),
        ("2020-11-15+09:00", "has a time or time zone"),
        ("2020-11-15Z", "has a time or time zone"),
    ],
)
def test_as_of_is_a_day_written_one_way(client, as_of, said):
    answer = client.get("/api/cube", params={"as_of": as_of})
    assert answer.status_code == 400 and said in message(answer), answer.text
    assert "YYYY-MM-DD" in message(answer)
    assert client.get("/api/cube?as_of=20201215").json()["meta"]["as_of"] == "2020-12-15"


def test_a_client_that_half_closes_gets_its_answers(monkeypatch):
    app = create_app(dataset="default", api_key="")
    service = app.state.api.service
    cube = service.cube

    def slow(*args: object) -> object:
        time.sleep(0.5)  # still computing when the client's end of file arrives
        return cube(*args)

    monkeypatch.setattr(service, "cube", slow)
    with Running(app) as p:
        for asked in (b"GET /api/cube?as_of=2020-12-01 HTTP/1.1\r\nHost: x\r\n\r\n",
                      GET + b"\r\n" + GET + b"\r\n"):  # fmt: skip
            with socket.create_connection(("127.0.0.1", p), timeout=10) as sock:
                sock.sendall(asked)
                sock.shutdown(socket.SHUT_WR)  # as `nc -N` does
                out = b""
                while chunk := sock.recv(65536):
                    out += chunk
            assert out.count(b"HTTP/1.1 200") == asked.count(b"GET"), out[:200]


def _responses(sock: socket.socket, count: int) -> list[tuple[int, dict[str, str], bytes]]:
    """Up to ``count`` responses read off ``sock`` (fewer when the server closes it)."""
    reader = sock.makefile("rb")
    out = []
    for _ in range(count):
        line = reader.readline()
        if not line:
            break
        headers = {}
        while (header := reader.readline()) not in (b"\r\n", b""):
            name, _, value = header.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        out.append((int(line.split()[1]), headers, reader.read(int(headers["content-length"]))))
        if headers.get("connection") == "close":
            break
    return out


PATHS = ["/api/meta", "/api/facts/", "/api/series", "/api/cube", "/api/release/", "/", "/static/"]
NAMES = ["as_of", "item", "month", "from", "drilldowns", "format", "variant", "reporter", "x"]


@settings(max_examples=120, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    path=st.sampled_from(PATHS),
    segment=st.binary(max_size=12),
    query=st.lists(st.tuples(st.sampled_from(NAMES), st.binary(max_size=12)), max_size=3),
    header=st.binary(max_size=20).filter(lambda b: b"\r" not in b and b"\n" not in b),
)
def test_fuzzed_bytes_in_path_query_and_headers_over_keep_alive(port, path, segment, query,
                                                                 header):  # fmt: skip
    """Any bytes, percent-encoded in the path and the query or raw in a header: no 5xx, an
    envelope for every error, and the connection either kept (the next request answered) or
    closed with 'Connection: close'."""
    target = path + quote(segment, safe="")
    if query:
        target += "?" + "&".join(f"{k}={quote(v, safe='')}" for k, v in query)
    asked = (f"GET {target} HTTP/1.1\r\nHost: x\r\n".encode() + b"X-Fuzz: " + header
             + b"\r\n\r\nGET /api/ping HTTP/1.1\r\nHost: x\r\n\r\n")  # fmt: skip
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(asked)
        got = _responses(sock, 2)
    assert got, asked
    for status, _headers, body in got:
        assert status < 500, (asked, body)
        if status >= 400:
            assert json.loads(body)["ok"] is False, (asked, body)
    if len(got) == 1:
        assert got[0][1].get("connection") == "close", (asked, got)
    else:
        assert got[1][0] == 200 and got[1][2] == b'{"ok":true,"data":"pong","meta":{}}'


def test_an_api_key_outside_ascii_and_the_401s_it_gets():
    with TestClient(create_app(dataset="default", api_key="clé-키")) as keyed:
        raw = "clé-키".encode()
        assert keyed.get("/api/ping", headers={"X-API-Key": raw}).status_code == 200
        assert keyed.get("/api/ping", params={"api_key": "clé-키"}).status_code == 200
        missing = keyed.get("/api/ping")
        wrong = keyed.get("/api/ping", headers={"X-API-Key": b"cl\xe9-\xed"})
        wrong_query = keyed.get("/api/ping", params={"api_key": "clé-키x"})
    assert missing.status_code == wrong.status_code == wrong_query.status_code == 401
    assert "no API key was sent" in message(missing)
    assert "the API key sent is wrong" in message(wrong) and "cl" not in message(wrong)
    assert missing.headers["www-authenticate"] == 'ApiKey header="X-API-Key"'


def test_headers_that_do_not_arrive_in_time_close_the_connection(monkeypatch):
    monkeypatch.setattr(server_module, "HEADERS_WITHIN", 0.5)
    app = create_app(dataset="default", api_key="")
    service = app.state.api.service
    cube = service.cube

    def slow(*args: object) -> object:
        time.sleep(1.0)  # longer than the wait for headers: an answer is never cut
        return cube(*args)

    monkeypatch.setattr(service, "cube", slow)
    with Running(app) as p:
        with socket.create_connection(("127.0.0.1", p), timeout=10) as dripping:
            dripping.sendall(b"GET /api/ping HTTP/1.1\r\n")
            for _ in range(4):  # a header every 0.2 s: never complete
                time.sleep(0.2)
                with contextlib.suppress(OSError):
                    dripping.sendall(b"X-Slow: 1\r\n")
            got = _responses(dripping, 1)
        assert got and got[0][0] == 408 and got[0][1]["connection"] == "close"
        assert "did not all arrive within 0.5 s" in json.loads(got[0][2])["error"]["message"]
        with socket.create_connection(("127.0.0.1", p), timeout=10) as idle:
            started = time.monotonic()
            assert idle.recv(100) == b""  # closed, nothing said: nothing was asked
            assert time.monotonic() - started < 5
        with socket.create_connection(("127.0.0.1", p), timeout=10) as patient:
            patient.sendall(b"GET /api/cube?as_of=2021-01-01 HTTP/1.1\r\nHost: x\r\n\r\n")
            assert _responses(patient, 1)[0][0] == 200
            time.sleep(0.2)  # the next request's wait starts after the answer
            patient.sendall(b"GET /api/ping HTTP/1.1\r\nHost: x\r\n\r\n")
            assert _responses(patient, 1)[0][0] == 200
