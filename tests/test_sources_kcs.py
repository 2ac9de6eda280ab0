"""KCS nitemtrade client against a local fake server: paging, retries, quota stop and resume."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from pathlib import Path
from urllib.parse import parse_qs

import httpx
import pytest
from fake_servers import FakeKcs, envelope, gateway_error, serve
from hypothesis import given, settings
from hypothesis import strategies as st

from ictrade.errors import SourceError
from ictrade.months import Month, month_range
from ictrade.sources import _http
from ictrade.sources.kcs import KcsClient, chunks, fetch_kcs, request_codes, service_key
from ictrade.sources.kcs_parse import lines_from_items, parse_page, status_for
from ictrade.store.ingest import ingest_table
from ictrade.store.store import open_store

KEY = "s3cret/key+=="
PARTNERS = ["US", "CN", "VN", "JP"]
CODES = ["8542321010", "8542321030", "8517130000", "8471300000"]


def dataset(first: str = "2019-06", last: str = "2020-11") -> list[dict[str, str]]:
    rows = []
    for i, month in enumerate(month_range(Month.parse(first), Month.parse(last))):
        for j, code in enumerate(CODES):
            for k, partner in enumerate(PARTNERS):
                exp, imp = 1000 * (i + 1) + 10 * j + k, 7 * (i + j + k)
                rows.append({"year": f"{month.year}.{month.month:02d}", "statCd": partner,
                             "statCdCntnKor1": "국가", "hsCd": code, "statKor": "품목",
                             "expDlr": str(exp), "impDlr": str(imp), "expWgt": str(i + k),
                             "impWgt": str(j), "balPayments": str(exp - imp)})
    return rows


def make_client(url: str, sleeps: list[float], size: int = 7, key: str = KEY) -> KcsClient:
    retry = _http.Retry(attempts=4, base_delay=0.5, sleep=sleeps.append)
    return KcsClient(key=key, base_url=url, page_size=size, retry=retry,
                     http=httpx.Client(timeout=5.0))


def expected_totals(rows: list[dict[str, str]], prefixes: list[str]) -> dict[tuple, float]:
    totals: dict[tuple, float] = defaultdict(float)
    for r in rows:
        if any(r["hsCd"].startswith(p) for p in prefixes):
            month = dt.date(int(r["year"][:4]), int(r["year"][5:]), 1)
            totals[(month, "export", r["statCd"])] += float(r["expDlr"])
            totals[(month, "import", r["statCd"])] += float(r["impDlr"])
    return dict(totals)


def test_transient_failures_and_quota_then_resume_store_every_line_once(tmp_path):
    rows = dataset()
    fake = FakeKcs(rows, key=KEY)
    fake.script = {2: "500", 4: "reset", 5: "gateway05", 9: "empty", 12: "503"}
    fake.quota_after = 6
    checkpoint = tmp_path / "kcs-checkpoint.json"
    sleeps: list[float] = []
    messages: list[str] = []
    with open_store(tmp_path / "store.duckdb") as store, serve(fake) as url:

        def sink(table, raw, at, origin):
            ingest_table(store, table, origin=origin, raw=raw, retrieved_at=at)

        client = make_client(url, sleeps)
        args = dict(hs=["8542", "8517"], checkpoint=checkpoint, progress=messages.append)
        with pytest.raises(SourceError, match="quota exhausted.*resume") as err:
            fetch_kcs(client, Month(2019, 6), Month(2020, 11), sink, **args)
        assert KEY not in str(err.value)
        stored_after_first = store.con.execute("SELECT count(*) FROM lines").fetchone()[0]
        assert stored_after_first > 0
        assert json.loads(checkpoint.read_text())["jobs"]  # progress kept for the next run

        fake.quota_after = None  # the next day
        summary = fetch_kcs(client, Month(2019, 6), Month(2020, 11), sink, **args)
        assert summary.resumed

        got = store.con.execute(
            "SELECT month, flow, partner, sum(value_usd) FROM lines GROUP BY ALL").fetchall()
        keys = store.con.execute(
            "SELECT count(*), count(DISTINCT (month, flow, hs_code, partner)) FROM lines"
        ).fetchone()
        origins = store.con.execute("SELECT origin FROM ingests").fetchall()
    assert {(m, f, p): v for m, f, p, v in got} == expected_totals(rows, ["8542", "8517"])
    n_rows = sum(1 for r in rows if r["hsCd"][:4] in ("8542", "8517"))
    assert keys == (2 * n_rows, 2 * n_rows)  # every line exactly once
    # Backoff doubled within a request's retries, and each period chunk stayed <= 12 months.
    assert sleeps[:2] == [0.5, 0.5] and 1.0 in sleeps
    assert {(q["strtYymm"], q["endYymm"]) for q in fake.requests if "strtYymm" in q} == {
        ("201906", "202005"), ("202006", "202011")}
    assert all(KEY not in o[0] and "serviceKey=***" in o[0] for o in origins)
    assert json.loads(checkpoint.read_text())["jobs"] == {}  # finished jobs are forgotten
    assert any("page" in m for m in messages)


def test_bad_key_stops_with_a_clear_error_without_the_key(tmp_path):
    with serve(FakeKcs(dataset("2020-01", "2020-02"), key=KEY)) as url:
        client = make_client(url, [], key="wrong%2Fkey")
        with pytest.raises(SourceError, match="refused the service key.*ICTRADE_KCS_KEY") as err:
            fetch_kcs(client, Month(2020, 1), Month(2020, 2), lambda *a: None,
                      hs=["8542"], checkpoint=tmp_path / "c.json", progress=None)
    assert "wrong" not in str(err.value)


def test_persistent_server_errors_give_up_with_a_redacted_url(tmp_path):
    fake = FakeKcs(dataset("2020-01", "2020-01"), key=KEY)
    fake.script = {n: "502" for n in range(1, 10)}
    sleeps: list[float] = []
    with serve(fake) as url, pytest.raises(SourceError, match="failed 4 times") as err:
        fetch_kcs(make_client(url, sleeps), Month(2020, 1), Month(2020, 1), lambda *a: None,
                  hs=["8542"], checkpoint=tmp_path / "c.json", progress=None)
    assert KEY not in str(err.value) and "s3cret" not in str(err.value)
    assert "serviceKey=***" in str(err.value)
    assert sleeps == [0.5, 1.0, 2.0]


def test_timeout_and_429_retry_after_with_mock_transport(tmp_path):
    calls = {"n": 0}
    body = envelope("00", "OK", [
        {"year": "2020.11", "statCd": "US", "hsCd": "8542321010", "expDlr": "5", "impDlr": "3",
         "expWgt": "1", "impWgt": ""}], total=1)

    def handler(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        if calls["n"] == 1:
            raise httpx.ReadTimeout("slow", request=request)
        if calls["n"] == 2:
            return httpx.Response(429, headers={"Retry-After": "7"})
        return httpx.Response(200, content=body)

    sleeps: list[float] = []
    client = KcsClient(key=KEY, base_url="http://kcs.test/x", page_size=100,
                       retry=_http.Retry(attempts=5, base_delay=1, sleep=sleeps.append),
                       http=httpx.Client(transport=httpx.MockTransport(handler)))
    tables = []
    fetch_kcs(client, Month(2020, 11), Month(2020, 11), lambda t, *a: tables.append(t),
              hs=["8542"], checkpoint=tmp_path / "c.json", progress=None)
    assert sleeps == [1, 7.0]
    rows = tables[0].to_pylist()
    assert [(r["flow"], r["value_usd"], r["net_kg"]) for r in rows] == [
        ("export", 5.0, 1.0), ("import", 3.0, None)]


def test_parse_page_envelopes_and_summary_rows():
    page = parse_page(gateway_error("22", "LIMITED_NUMBER_OF_SERVICE_REQUESTS_EXCEEDS_ERROR"))
    assert (page.code, page.total) == ("22", 0)
    items = [{"year": "총계", "statCd": "-", "hsCd": "-", "expDlr": "9", "impDlr": "9"},
             {"year": "2016.01", "statCd": "US", "hsCd": "0202", "expDlr": "150822",
              "expWgt": "18003", "impDlr": "93754113", "impWgt": "14809834"},
             {"year": "2016.01", "statCd": "Q1", "hsCd": "0202", "expDlr": "1", "impDlr": "1"}]
    page = parse_page(envelope("00", "OK", items, total=3))
    parsed = lines_from_items(page.items, dt.date(2016, 6, 1))
    assert parsed.skipped_summary == 1 and parsed.unknown_partners == {"Q1"}
    rows = parsed.table.to_pylist()  # the documented sample row
    assert [(r["flow"], r["value_usd"], r["net_kg"]) for r in rows] == [
        ("export", 150822.0, 18003.0), ("import", 93754113.0, 14809834.0)]
    assert {(r["hs_code"], r["partner"], r["month"]) for r in rows} == {
        ("0202", "US", dt.date(2016, 1, 1))}
    with pytest.raises(_http.Transient):
        parse_page(b"")


def test_status_rule_and_request_planning():
    # Month M is revised around the 15th of M+2: before that it is preliminary.
    assert status_for(Month(2020, 11), dt.date(2021, 1, 14)) == "preliminary"
    assert status_for(Month(2020, 11), dt.date(2021, 1, 15)) == "confirmed"
    assert chunks(Month(2019, 6), Month(2020, 11)) == [
        (Month(2019, 6), Month(2020, 5)), (Month(2020, 6), Month(2020, 11))]
    assert request_codes(["8542321010", "854232", "85177", "851712", "9013801"]) == [
        "8517", "854232", "901380"]


def test_service_key_from_env(monkeypatch):
    monkeypatch.delenv("ICTRADE_KCS_KEY", raising=False)
    with pytest.raises(SourceError, match="ICTRADE_KCS_KEY"):
        service_key()
    monkeypatch.setenv("ICTRADE_KCS_KEY", "abc%2Bdef%3D%3D")
    assert service_key() == "abc+def=="


SPEC = json.loads(
    (Path(__file__).parent / "data" / "kcs" / "kcs_nitemtrade_spec.json").read_text("utf-8"))


def test_documented_sample_row_and_request_fields_match_the_spec():
    fields = {e["name"]: e["sample"] for e in SPEC["response_elements"]}
    item = {k: v for k, v in fields.items() if k not in ("resultCode", "resultMsg")}
    page = parse_page(envelope(fields["resultCode"], fields["resultMsg"], [item], total=1))
    rows = lines_from_items(page.items, dt.date(2016, 6, 1)).table.to_pylist()
    assert [(r["flow"], r["value_usd"], r["net_kg"]) for r in rows] == [
        ("export", float(fields["expDlr"]), float(fields["expWgt"])),
        ("import", float(fields["impDlr"]), float(fields["impWgt"]))]
    assert rows[0]["value_usd"] - rows[1]["value_usd"] == float(fields["balPayments"])
    documented = {p["name"] for p in SPEC["request_parameters"]} | {"numOfRows", "pageNo"}
    from ictrade.sources.kcs import Request

    sent = Request("0202", "US", Month(2016, 1), Month(2016, 1)).params(1, 10)
    assert set(sent) | {"serviceKey"} <= documented


def test_default_codes_cover_every_ict_rule_without_overlap():
    from ictrade.classify.rules import NON_ICT, scheme
    from ictrade.sources.kcs import default_hs

    codes = default_hs(Month(2020, 1), Month(2020, 12))
    assert all(len(c) in (2, 4, 6, 10) for c in codes)
    assert not any(a != b and b.startswith(a) for a in codes for b in codes)
    for rule in scheme("kr-ict").rules:
        if rule.item != NON_ICT and rule.valid_at(Month(2020, 6).index):
            assert any(rule.prefix.startswith(c) for c in codes), rule.prefix


def _mock_client(fake: FakeKcs, size: int, sleeps: list[float]) -> KcsClient:
    def handler(request: httpx.Request) -> httpx.Response:
        query = {k: v[-1] for k, v in parse_qs(request.url.query.decode()).items()}
        status, body = fake.respond(query)
        if status < 0:
            raise httpx.RemoteProtocolError("Server disconnected", request=request)
        return httpx.Response(status, content=body)

    return KcsClient(key=KEY, base_url="http://kcs.test/x", page_size=size,
                     retry=_http.Retry(attempts=3, base_delay=1, sleep=sleeps.append),
                     http=httpx.Client(transport=httpx.MockTransport(handler)))


@settings(max_examples=15, deadline=None)
@given(
    size=st.integers(4, 40),
    months=st.integers(1, 16),
    failures=st.dictionaries(st.integers(1, 30),
                             st.sampled_from(["500", "reset", "gateway05", "empty"]),
                             max_size=6),
    quota=st.lists(st.integers(1, 8), max_size=3),
)
def test_any_paging_failures_and_quota_stops_store_each_line_once(size, months, failures,
                                                                   quota, tmp_path_factory):
    rows = dataset("2019-01", str(Month(2019, 1) + (months - 1)))
    fake = FakeKcs(rows, key=KEY)
    fake.script = failures
    client = _mock_client(fake, size, [])
    checkpoint = tmp_path_factory.mktemp("kcs") / "c.json"
    last = Month(2019, 1) + (months - 1)
    with open_store(":memory:") as store:
        def sink(table, raw, at, origin):
            ingest_table(store, table, origin=origin, raw=raw, retrieved_at=at)

        # The quota resets between runs; the last runs have none (a run may also give up
        # after three failures in a row: the next one resumes).
        for limit in [*quota, None, None]:
            fake.served, fake.quota_after = 0, limit
            try:
                fetch_kcs(client, Month(2019, 1), last, sink, hs=["85"],
                          checkpoint=checkpoint, progress=None)
                break
            except SourceError as exc:
                assert "quota" in str(exc) or "failed 3 times" in str(exc)
        else:
            pytest.fail("the run without a quota did not finish")
        count, distinct, total = store.con.execute(
            "SELECT count(*), count(DISTINCT (month, flow, hs_code, partner)), sum(value_usd) "
            "FROM lines").fetchone()
    asked = [r for r in rows if r["hsCd"].startswith("85")]
    assert count == distinct == 2 * len(asked)
    assert total == sum(float(r["expDlr"]) + float(r["impDlr"]) for r in asked)


def test_a_base_url_that_is_not_http_fails_at_once(tmp_path):
    sleeps: list[float] = []
    client = make_client("ftp://kcs.test/x", sleeps)
    with pytest.raises(SourceError, match="not an http"):
        fetch_kcs(client, Month(2020, 1), Month(2020, 1), lambda *a: None, hs=["8542"],
                  checkpoint=tmp_path / "c.json", progress=None)
    assert sleeps == []
