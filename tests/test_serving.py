"""How the server spends its time: answers to bad requests kept like good ones, caches
bounded by bytes, snapshots taken off the event loop."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

import pytest

from ictrade.errors import StoreBusyError
from ictrade.web import create_app
from ictrade.web.lru import LRU

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*httpx2", category=UserWarning)
    from starlette.testclient import TestClient


@pytest.fixture(scope="module")
def app() -> Any:
    return create_app(dataset="default", api_key="")


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def counting(app: Any, monkeypatch: pytest.MonkeyPatch, name: str) -> list[int]:
    calls: list[int] = []
    service = app.state.api.service
    real = getattr(service, name)

    def counted(*args: object) -> object:
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(service, name, counted)
    return calls


@pytest.mark.parametrize(
    ("params", "status"),
    [({"item": "nothing-such"}, 400), ({"from": "1990-01"}, 404)],
)
def test_an_answer_to_a_bad_request_is_kept(app, client, monkeypatch, params, status):
    calls = counting(app, monkeypatch, "series")
    first = client.get("/api/series", params=params)
    second = client.get("/api/series", params=params)
    assert first.status_code == second.status_code == status
    assert first.json() == second.json()
    assert first.json()["ok"] is False
    assert len(calls) == 1


def test_a_busy_store_is_asked_again(app, client, monkeypatch):
    def busy(*args: object) -> object:
        raise StoreBusyError("the store x.duckdb is being written; try again")

    monkeypatch.setattr(app.state.api.service, "meta", busy)
    for _ in range(2):
        answer = client.get("/api/meta", params={"as_of": "2019-03-03"})
        assert answer.status_code == 503
        assert answer.headers["retry-after"] == "2"
    monkeypatch.undo()
    assert client.get("/api/meta", params={"as_of": "2019-03-03"}).status_code == 200


def test_the_lru_keeps_to_its_byte_budget():
    cache: LRU[bytes] = LRU(100, budget=10, weigh=len)
    for n in range(5):
        cache.put((n,), b"xxxx")
    assert cache.weight <= 10
    assert cache.get((4,)) == b"xxxx"
    assert cache.get((0,)) is None
    cache.put(("big",), b"x" * 50)  # bigger than the budget: kept alone, the newest
    assert cache.get(("big",)) is not None
    assert cache.weight == 50


@pytest.mark.parametrize("path", ["/api/cube", "/api/series", "/api/meta", "/api/facts/2013-01"])
def test_a_date_before_the_first_figures_says_so(client, path):
    answer = client.get(path, params={"as_of": "2013-01-31"})
    assert answer.status_code == 404
    message = answer.json()["error"]["message"]
    assert "nothing was published by 2013-01-31" in message
    assert "earliest vintage is 2013-02-15" in message


def test_answers_go_out_without_waiting_for_acknowledgements(monkeypatch):
    """ictrade serve listens on a socket of socket.create_server, whose connections asyncio
    leaves with Nagle's algorithm on: a small answer's body waited 40 ms for the client's
    delayed acknowledgement of its headers. The protocol turns it off on each connection."""
    import asyncio
    import socket

    import uvicorn
    from uvicorn.protocols.http.h11_impl import H11Protocol
    from uvicorn.server import ServerState

    from ictrade.web.server import Protocol

    monkeypatch.setattr(H11Protocol, "connection_made", lambda self, transport: None)
    listener = socket.create_server(("127.0.0.1", 0))
    client = socket.create_connection(listener.getsockname())
    accepted, _ = listener.accept()
    assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0

    class Transport:
        def get_extra_info(self, name: str, default: object = None) -> object:
            return accepted if name == "socket" else default

    async def connect() -> None:
        config = uvicorn.Config(app=lambda scope, receive, send: None)
        config.load()
        Protocol(config, ServerState(), {}).connection_made(Transport())  # type: ignore[arg-type]

    try:
        asyncio.run(connect())
        assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
    finally:
        for sock in (accepted, client, listener):
            sock.close()
