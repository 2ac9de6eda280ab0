"""UN Comtrade client: recorded and synthetic responses, row-cap splits, 429, daily limit."""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections import defaultdict
from pathlib import Path
from urllib.parse import parse_qs

import httpx
import pytest

from ictrade.errors import SourceError
from ictrade.months import Month, month_range
from ictrade.sources import _http
from ictrade.sources.comtrade import CallCounter, ComtradeClient, fetch_comtrade, plan
from ictrade.sources.comtrade_parse import lines_from_records, partner_iso2
from ictrade.store.ingest import ingest_table
from ictrade.store.store import open_store

DATA = Path(__file__).parent / "data" / "comtrade"
KEY = "comtrade-secret-key"
RECORDED = json.loads((DATA / "data_v1_get_C_A_HS_r156_p32-280-276_2010_TOTAL.json").read_text())
TODAY = dt.date(2026, 1, 10)


def test_recorded_annual_response_is_not_taken_as_months():
    parsed = lines_from_records(RECORDED["data"], TODAY)
    assert parsed.table.num_rows == 0
    assert parsed.skipped == {"not monthly": 4}


def test_recorded_records_in_monthly_form_map_partners_flows_and_values():
    records = []
    for record in copy.deepcopy(RECORDED["data"]):
        record.update(freqCode="M", period="201003", refMonth=3, refPeriodId=20100301,
                      cmdCode="8542")
        records.append(record)
    rows = lines_from_records(records, TODAY).table.to_pylist()
    got = {(r["flow"], r["partner"]): r["value_usd"] for r in rows}
    expected = {({"X": "export", "M": "import"}[r["flowCode"]],
                 {32: "AR", 276: "DE"}[r["partnerCode"]]): r["primaryValue"]
                for r in RECORDED["data"]}
    assert got == expected  # partner 280 (former FRG) has no row and gives no line
    assert {r["source"] for r in rows} == {"comtrade:CN"}  # reporter 156 is not Korea
    assert {r["month"] for r in rows} == {dt.date(2010, 3, 1)}


def test_synthetic_monthly_response():
    body = json.loads((DATA / "synthetic_data_v1_get_C_M_HS_r410_202011_854232.json").read_text())
    parsed = lines_from_records(body["data"], TODAY)
    rows = parsed.table.to_pylist()
    assert {(r["flow"], r["partner"]) for r in rows} == {
        ("export", "WORLD"), ("import", "WORLD"), ("export", "CN"), ("import", "CN"),
        ("export", "US")}
    assert parsed.unknown_partners == {899}
    assert parsed.skipped == {"flow RX": 1, "partner without an ISO code": 1}
    world = next(r for r in rows if r["partner"] == "WORLD" and r["flow"] == "export")
    assert (world["value_usd"], world["net_kg"], world["quantity"], world["source"]) == (
        5423000000.0, 812345.0, 812345.0, "comtrade")


def test_empty_recorded_response():
    body = json.loads((DATA / "data_v1_get_S_A_EB_services.json").read_text())
    assert lines_from_records(body["data"], TODAY).table.num_rows == 0


def test_partner_table():
    codes = partner_iso2()
    assert (codes[0], codes[410], codes[842], codes[699], codes[490]) == (
        "WORLD", "KR", "US", "IN", "TW")
    assert 899 not in codes


class FakeComtrade:
    """Monthly records for reporter 410; truncates at ``cap`` rows like the real API."""

    def __init__(self, codes: list[str], months: list[Month], cap: int) -> None:
        template = RECORDED["data"][0]
        self.records = []
        for i, month in enumerate(months):
            for j, code in enumerate(codes):
                for k, (partner, iso) in enumerate([(0, "W00"), (156, "CHN"), (842, "USA")]):
                    for flow in ("X", "M"):
                        r = copy.deepcopy(template)
                        r.update(freqCode="M", period=f"{month.year}{month.month:02d}",
                                 refMonth=month.month, reporterCode=410, flowCode=flow,
                                 partnerCode=partner, partnerISO=iso, cmdCode=code,
                                 primaryValue=float(1000 * i + 100 * j + 10 * k + (flow == "M")))
                        self.records.append(r)
        self.cap = cap
        self.calls = 0
        self.throttle: set[int] = set()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        if request.headers.get("Ocp-Apim-Subscription-Key") != KEY:
            return httpx.Response(401, json={"statusCode": 401, "message": "Access denied"})
        if self.calls in self.throttle:
            return httpx.Response(429, headers={"Retry-After": "3"}, json={"message": "busy"})
        q = {k: v[0] for k, v in parse_qs(request.url.query.decode()).items()}
        assert (q["partner2Code"], q["motCode"], q["customsCode"]) == ("0", "0", "C00")
        periods, codes = q["period"].split(","), q["cmdCode"].split(",")
        assert len(periods) <= 12
        hits = [r for r in self.records if r["period"] in periods and r["cmdCode"] in codes]
        data = hits[: self.cap]
        return httpx.Response(200, json={"elapsedTime": "0.1 secs", "count": len(data),
                                         "data": data, "error": ""})


def _client(fake: FakeComtrade, tmp: Path, cap: int, limit: int, sleeps: list[float],
            key: str = KEY) -> ComtradeClient:
    return ComtradeClient(key=key, counter=CallCounter(tmp / "calls.json", limit),
                          base_url="http://comtrade.test/data/v1/get/C/M/HS", row_limit=cap,
                          retry=_http.Retry(attempts=3, base_delay=1, sleep=sleeps.append),
                          http=httpx.Client(transport=httpx.MockTransport(fake)))


def test_fetch_splits_at_the_row_cap_waits_on_429_and_resumes_after_the_daily_limit(tmp_path):
    codes = ["847130", "851713", "852872", "854232"]
    months = list(month_range(Month(2019, 8), Month(2020, 11)))  # 16 months: two period chunks
    fake = FakeComtrade(codes, months, cap=40)
    fake.throttle = {2}
    sleeps: list[float] = []
    client = _client(fake, tmp_path, cap=40, limit=6, sleeps=sleeps)
    with open_store(tmp_path / "store.duckdb") as store:

        def sink(table, raw, at, origin):
            ingest_table(store, table, origin=origin, raw=raw, retrieved_at=at)

        args = dict(codes=codes, checkpoint=tmp_path / "ct.json", progress=None)
        with pytest.raises(SourceError, match="daily call limit"):
            fetch_comtrade(client, 410, months[0], months[-1], sink, **args)
        assert store.con.execute("SELECT count(*) FROM lines").fetchone()[0] > 0
        (tmp_path / "calls.json").write_text("{}")  # a new day
        client.counter.limit = 500
        summary = fetch_comtrade(client, 410, months[0], months[-1], sink, **args)
        assert summary.resumed
        got = store.con.execute(
            "SELECT month, flow, partner, hs_code, value_usd FROM lines").fetchall()
    assert sleeps == [3.0]
    expected = {}
    for r in fake.records:
        m = dt.date(int(r["period"][:4]), int(r["period"][4:]), 1)
        flow = "export" if r["flowCode"] == "X" else "import"
        partner = {0: "WORLD", 156: "CN", 842: "US"}[r["partnerCode"]]
        expected[(m, flow, partner, r["cmdCode"])] = r["primaryValue"]
    assert len(got) == len(expected)  # once each
    assert {(m, f, p, c): v for m, f, p, c, v in got} == expected
    totals: dict[str, float] = defaultdict(float)
    for _m, _f, p, _c, v in got:
        totals[p] += v
    assert totals["WORLD"] == sum(v for k, v in expected.items() if k[2] == "WORLD")


def test_bad_key_is_a_clear_error(tmp_path):
    fake = FakeComtrade(["854232"], [Month(2020, 1)], cap=100)
    client = _client(fake, tmp_path, cap=100, limit=10, sleeps=[], key="wrong-key")
    with pytest.raises(SourceError, match="refused the subscription key") as err:
        fetch_comtrade(client, 410, Month(2020, 1), Month(2020, 1), lambda *a: None,
                       codes=["854232"], checkpoint=tmp_path / "c.json", progress=None)
    assert "wrong-key" not in str(err.value)


def test_plan_respects_twelve_periods_and_row_cap():
    parts = plan(Month(2019, 1), Month(2020, 6), [f"85{i:04d}" for i in range(40)], 100_000)
    assert all(len(periods) <= 12 for periods, _ in parts)
    assert {len(codes) for periods, codes in parts if len(periods) == 12} == {16, 8}
    assert sum(len(c) for p, c in parts) == 80  # every code in both period chunks
