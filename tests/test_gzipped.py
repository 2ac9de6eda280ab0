"""Gzip forms assembled from parts compressed apart (web/gzipped.py) are one gzip member of
the raw body, as Python's gzip, zlib, httpx and browsers read it: for any parts, and for facts
documents asked at many dates."""

from __future__ import annotations

import datetime as dt
import gzip
import warnings
import zlib
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ictrade.months import Month
from ictrade.store.store import choose_store
from ictrade.web import create_app
from ictrade.web.envelope import Body, dumps
from ictrade.web.gzipped import Part, gzip_of, raw_of
from ictrade.web.service import Service

with warnings.catch_warnings():  # Starlette would rather see httpx2; httpx works the same
    warnings.filterwarnings("ignore", message=".*httpx2", category=UserWarning)
    from starlette.testclient import TestClient


def one_member(gz: bytes) -> bytes:
    """The body of ``gz``, which must be a single gzip member and nothing after it (a browser
    reads the first member only)."""
    reader = zlib.decompressobj(16 + zlib.MAX_WBITS)
    body = reader.decompress(gz) + reader.flush()
    assert reader.eof and reader.unused_data == b""
    assert gzip.decompress(gz) == body
    return body


chunk = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=3000).map(str.encode),
    st.builds(lambda b, n: b * n, st.binary(min_size=1, max_size=40), st.integers(1, 4000)),
)


@given(st.lists(st.tuples(chunk, st.booleans()), max_size=6))
def test_parts_make_one_member_of_their_bytes(pieces: list[tuple[bytes, bool]]) -> None:
    parts = [Part(raw) if kept else raw for raw, kept in pieces]
    assert one_member(gzip_of(parts)) == b"".join(raw for raw, _ in pieces) == raw_of(parts)
    assert one_member(gzip_of(parts)) == one_member(gzip_of(parts))  # kept streams reused


@pytest.fixture(scope="module")
def service() -> Iterator[Service]:
    service = Service(choose_store(None, "default"))
    yield service
    service.close()


def test_facts_answers_at_many_dates_decode_to_their_bytes(service: Service) -> None:
    handle = service.default
    for k in range(24):
        day = dt.date(2014, 3, 1) + dt.timedelta(days=43 * k)
        month = Month.from_date(day) - 2 - k % 3
        meta = {"store": "default", "as_of": str(day)}
        for asked in (day, day + dt.timedelta(days=1 + k), None):
            body = Body.ok(service.facts_json(handle, month, asked, False), meta)
            expected = {
                "ok": True,
                "data": service.facts(handle, month, asked, False),
                "meta": meta,
            }
            assert body.raw == dumps(expected)
            assert body.gz is not None and one_member(body.gz) == body.raw
            later = Body.ok(service.facts_json(handle, month, asked, False), meta, gzipped=False)
            assert later.gz is None and later.gzipped().gz == body.gz


def test_a_client_that_accepts_gzip_reads_the_answer() -> None:
    with TestClient(create_app(dataset="default", api_key="")) as client:
        for as_of in ("2020-12-20", "2020-12-21", "2021-01-05"):
            path = f"/api/facts/2020-11?as_of={as_of}"
            zipped = client.get(path, headers={"Accept-Encoding": "gzip"})
            plain = client.get(path, headers={"Accept-Encoding": "identity"})
            assert zipped.headers["content-encoding"] == "gzip"
            assert "content-encoding" not in plain.headers
            assert zipped.content == plain.content  # httpx decoded it
            assert zipped.json()["data"]["data"]["as_of_requested"] == as_of
