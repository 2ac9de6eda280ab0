"""The web API through an in-process client: every endpoint, validation, API key, vintages."""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import math
import re
import warnings
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest

from ictrade.classify import regions, taxonomy
from ictrade.months import Month
from ictrade.stats.facts import build_facts
from ictrade.stats.series import series
from ictrade.store.ingest import ingest_table
from ictrade.store.store import available_datasets, open_store
from ictrade.web import create_app, releases

from conftest import lines_table, series_rows

with warnings.catch_warnings():  # Starlette would rather see httpx2; httpx works the same
    warnings.filterwarnings("ignore", message=".*httpx2", category=UserWarning)
    from starlette.testclient import TestClient

DRAM, PHONE = "8542321010", "851712"


@pytest.fixture(scope="module")
def default_client() -> Iterator[TestClient]:
    with TestClient(create_app(dataset="default", api_key="")) as client:
        yield client


@pytest.fixture(scope="module")
def default_store(default_dataset) -> Iterator[object]:
    yield default_dataset


def write_store(path: Path, rows: list[dict[str, object]], origin: str = "test") -> None:
    with open_store(path) as store:
        ingest_table(store, lines_table(rows), origin=origin)


@pytest.fixture
def file_store(tmp_path: Path) -> Path:
    """Two years of DRAM exports to the US, first published 2020-02-15; 2020-01 revised later."""
    path = tmp_path / "store.duckdb"
    rows = series_rows({DRAM: [100.0] * 12 + [130.0]}, "2019-01")
    for row in rows:
        row["vintage"] = "2020-02-15"
    write_store(path, rows + series_rows({PHONE: [10.0] * 13}, "2019-01", flow="import"))
    revised = series_rows({DRAM: [140.0]}, "2020-01")
    revised[0]["vintage"] = "2020-03-15"
    write_store(path, revised, origin="revision")
    return path


def ok(response) -> dict:  # type: ignore[no-untyped-def]
    body = response.json()
    assert response.status_code == 200, body
    assert body["ok"] is True and set(body) == {"ok", "data", "meta"}
    return body


def error(response, status: int) -> dict:  # type: ignore[no-untyped-def]
    body = response.json()
    assert response.status_code == status, body
    assert body["ok"] is False and body["error"]["code"] == status
    return body["error"]


def cell(facts: dict, flow: str, item: str, region: str = "world") -> dict:
    return next(
        c for c in facts["cells"] if (c["flow"], c["item"], c["region"]) == (flow, item, region)
    )


def test_facts_is_the_library_document(default_client, default_store):
    body = ok(default_client.get("/api/facts/2020-11"))
    assert body["data"] == build_facts(default_store, Month(2020, 11))
    assert body["meta"]["store"] == "default"


def test_facts_as_of_and_as_published(default_client, default_store):
    as_of = ok(default_client.get("/api/facts/2020-11?as_of=2021-01-01"))["data"]
    expected = build_facts(default_store, Month(2020, 11), as_of=dt.date(2021, 1, 1))
    assert as_of == expected
    published = ok(default_client.get("/api/facts/2020-11?as_published=true"))
    assert published["data"] == build_facts(default_store, Month(2020, 11), as_published=True)
    assert published["meta"]["as_published"] is True


def test_vintages_on_a_store_file(file_store):
    with TestClient(create_app(str(file_store), api_key="")) as client:
        latest = ok(client.get("/api/facts/2020-01"))["data"]
        first = ok(client.get("/api/facts/2020-01?as_of=2020-02-20"))["data"]
        published = ok(client.get("/api/facts/2020-01?as_published=1"))["data"]
        assert cell(latest, "export", "dram")["value_usd"] == 140.0
        assert cell(first, "export", "dram")["value_usd"] == 130.0
        assert cell(published, "export", "dram")["value_usd"] == 130.0
        points = ok(client.get("/api/series?item=dram&from=2020-01&as_of=2020-02-20"))["data"]
        assert points["points"] == [{"month": "2020-01", "value": 130.0}]
        error(client.get("/api/facts/2020-01?as_of=2020-02-20&as_published=true"), 400)
        error(client.get("/api/series?as_published=true"), 400)
        assert "not a date" in error(client.get("/api/facts/2020-01?as_of=someday"), 400)["message"]


def test_an_ingest_while_serving_is_seen(file_store):
    with TestClient(create_app(str(file_store), api_key="")) as client:
        before = ok(client.get("/api/facts/2020-01"))["data"]
        assert cell(before, "export", "dram")["value_usd"] == 140.0
        revised = series_rows({DRAM: [150.0]}, "2020-01")
        revised[0]["vintage"] = "2020-04-15"
        write_store(file_store, revised, origin="second revision")
        after = ok(client.get("/api/facts/2020-01"))["data"]
        assert cell(after, "export", "dram")["value_usd"] == 150.0


def test_series_matches_the_library(default_client, default_store):
    query = "flow=import&item=displays&region=china&measure=yoy&from=2019-06&to=2020-05"
    data = ok(default_client.get("/api/series?" + query))["data"]
    expected = series(
        default_store, "import", "displays", "china", measure="yoy",
        start=Month(2019, 6), end=Month(2020, 5),
    )  # fmt: skip
    assert [p["month"] for p in data["points"]] == [str(p.month) for p in expected]
    assert [p["value"] for p in data["points"]] == [p.value for p in expected]
    assert data["unit"] == "percent" and len(data["points"]) == 12


@pytest.mark.parametrize(
    ("query", "name", "allowed"),
    [
        ("item=chips", "item", taxonomy().ids),
        ("region=mars", "region", regions().ids),
        ("flow=transit", "flow", ["export", "import", "balance"]),
        ("measure=median", "measure", ["value", "yoy", "share"]),
        ("dataset=nope", "dataset", available_datasets()),
    ],
)
def test_series_unknown_values_name_the_allowed_ones(default_client, query, name, allowed):
    err = error(default_client.get("/api/series?" + query), 400)
    assert err["allowed"] == allowed
    assert query.split("=")[1] in err["message"] and name in err["message"]


def test_unknown_parameters_name_the_allowed_ones(default_client):
    err = error(default_client.get("/api/series?regoin=us"), 400)
    assert "regoin" in err["message"]
    assert set(err["allowed"]) == {
        "flow", "item", "region", "measure", "from", "to", "as_of", "dataset", "reporter",
        "scheme", "api_key",
    }  # fmt: skip
    assert "as_published" in error(default_client.get("/api/facts/2020-11?asof=x"), 400)["allowed"]
    error(default_client.get("/api/cube?drilldown=item"), 400)
    error(default_client.get("/api/release/2020-11?fmt=md"), 400)


def test_months_outside_the_data_or_malformed(default_client):
    err = error(default_client.get("/api/facts/1999-01"), 404)
    assert err["allowed"] == ["2013-01..2025-06"]
    assert error(default_client.get("/api/facts/2020-13"), 400)["allowed"] == ["YYYY-MM"]
    assert "2030-01" in error(default_client.get("/api/series?to=2030-01"), 404)["message"]
    error(default_client.get("/api/series?from=2021-01&to=2020-01"), 400)
    error(default_client.get("/api/release/1999-01"), 404)


def test_cube_drilldown_matches_the_facts(default_client):
    facts = ok(default_client.get("/api/facts/2020-11"))["data"]
    query = (
        "drilldowns=item,region&flow=export&month=2020-11&measures=value,yoy,share"
        "&item=semiconductors,displays&region=us,china_incl_hk,world"
    )
    data = ok(default_client.get("/api/cube?" + query))["data"]
    assert len(data["rows"]) == 6 and data["measures"] == ["value_usd", "yoy_pct", "share_pct"]
    for row in data["rows"]:
        expected = cell(facts, "export", row["item"], row["region"])
        assert row["value_usd"] == pytest.approx(expected["value_usd"])
        assert row["yoy_pct"] == pytest.approx(expected["yoy_pct"])
        assert row["share_pct"] == pytest.approx(expected["share_pct"])
    assert [r["item"] for r in data["rows"][:3]] == ["semiconductors"] * 3


def test_cube_sums_months_that_are_not_drilled(default_client):
    facts = ok(default_client.get("/api/facts/2020-11"))["data"]
    ytd = next(
        y for y in facts["ytd"] if (y["flow"], y["item"], y["region"]) == ("export", "dram", "eu")
    )
    query = "item=dram&region=eu&from=2020-01&to=2020-11&measures=value,prev_year_value,yoy"
    (row,) = ok(default_client.get("/api/cube?" + query))["data"]["rows"]
    assert row["value_usd"] == pytest.approx(ytd["value_usd"])
    assert row["prev_year_value_usd"] == pytest.approx(ytd["prev_year_value_usd"])
    assert row["yoy_pct"] == pytest.approx(ytd["yoy_pct"])


def test_cube_by_month_and_flow_balance(default_client):
    query = "drilldowns=month,flow&from=2020-01&to=2020-03&measures=value,share"
    rows = ok(default_client.get("/api/cube?" + query))["data"]["rows"]
    assert [(r["month"], r["flow"]) for r in rows[:3]] == [
        ("2020-01", "export"), ("2020-01", "import"), ("2020-01", "balance"),
    ]  # fmt: skip
    for month in ("2020-01", "2020-02", "2020-03"):
        by_flow = {r["flow"]: r for r in rows if r["month"] == month}
        balance = by_flow["export"]["value_usd"] - by_flow["import"]["value_usd"]
        assert by_flow["balance"]["value_usd"] == pytest.approx(balance)
        assert by_flow["balance"]["share_pct"] is None
        assert by_flow["export"]["share_pct"] == pytest.approx(100.0)


def test_cube_csv(default_client):
    response = default_client.get("/api/cube?drilldowns=region&month=2020-11&format=csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    lines = response.text.splitlines()
    assert lines[0] == "region,value_usd" and len(lines) == 1 + len(regions().ids)


@pytest.mark.parametrize(
    ("query", "allowed"),
    [
        ("drilldowns=partner", ["month", "flow", "item", "region"]),
        ("measures=value,growth", ["value", "prev_year_value", "yoy", "share"]),
        ("item=semiconductors,chips", taxonomy().ids),
        ("format=parquet", ["json", "csv"]),
    ],
)
def test_cube_validation(default_client, query, allowed):
    assert error(default_client.get("/api/cube?" + query), 400)["allowed"] == allowed


def test_cube_refuses_to_add_up_overlapping_members(default_client):
    err = error(default_client.get("/api/cube?item=semiconductors,memory"), 400)
    assert "drilldowns" in err["message"]
    error(default_client.get("/api/cube?month=2020-01&from=2019-01"), 400)
    error(default_client.get("/api/cube?drilldowns=month,flow,item,region"), 400)  # too many rows


def test_release_markdown(default_client, default_store):
    from ictrade.release.markdown import long_markdown, short_markdown

    body = ok(default_client.get("/api/release/2020-11?format=md&lang=en"))
    files = {f["variant"]: f for f in body["data"]["files"]}
    facts = build_facts(default_store, Month(2020, 11))
    assert files["short"]["text"] == short_markdown(facts)
    assert files["long"]["text"] == long_markdown(facts)
    download = default_client.get("/api/release/2020-11?download=true&variant=short")
    assert download.headers["content-type"].startswith("text/markdown")
    assert "2020-11-release-short.en.md" in download.headers["content-disposition"]
    assert download.text == short_markdown(facts)


def test_release_html_xlsx_and_korean_are_the_library_files(default_client, default_store):
    from openpyxl import load_workbook

    from ictrade.release.markdown import short_markdown
    from ictrade.release.page import render_html, trend_from_cube
    from ictrade.release.xlsx import write_workbook
    from ictrade.stats.cube import load_cube

    month = Month(2020, 11)
    facts = build_facts(default_store, month)
    page = ok(default_client.get("/api/release/2020-11?format=html&lang=ko"))["data"]["files"]
    trend = trend_from_cube(load_cube(default_store, None), month)
    assert [f["name"] for f in page] == ["release.ko.html"]
    assert page[0]["text"] == render_html(facts, trend, "ko")
    short_ko = default_client.get("/api/release/2020-11?lang=ko&download=1&variant=short")
    assert short_ko.text == short_markdown(facts, "ko")
    workbook = default_client.get("/api/release/2020-11?format=xlsx&download=true")
    assert workbook.headers["content-type"] == releases.MEDIA_TYPES["xlsx"]
    assert "2020-11-release-tables.en.xlsx" in workbook.headers["content-disposition"]
    expected = load_workbook(write_workbook(facts, tmp_path_factory_xlsx(), "en"))
    got = load_workbook(io.BytesIO(workbook.content))
    assert got.sheetnames == expected.sheetnames
    for name in got.sheetnames:
        assert [list(r) for r in got[name].values] == [list(r) for r in expected[name].values]
    envelope = ok(default_client.get("/api/release/2020-11?format=xlsx"))["data"]["files"][0]
    assert base64.b64decode(envelope["base64"])[:2] == b"PK" and envelope["text"] is None
    err = error(default_client.get("/api/release/2020-11?format=html&download=1&variant=x"), 400)
    assert err["allowed"] == ["page"]


def tmp_path_factory_xlsx() -> Path:
    import tempfile

    return Path(tempfile.mkdtemp(prefix="ictrade-test-")) / "expected.xlsx"


def test_a_format_without_a_renderer_answers_not_available_yet(default_client, monkeypatch):
    monkeypatch.delitem(releases.RENDERERS, "xlsx")
    err = error(default_client.get("/api/release/2021-02?format=xlsx"), 400)
    assert "not available yet" in err["message"]
    assert err["allowed"] == releases.available() and "xlsx/en" not in err["allowed"]
    assert error(default_client.get("/api/release/2020-11?format=pdf"), 400)["allowed"] == [
        "md", "html", "xlsx",
    ]  # fmt: skip
    assert error(default_client.get("/api/release/2020-11?lang=fr"), 400)["allowed"] == [
        "en", "ko",
    ]  # fmt: skip


def test_meta_ping_openapi_and_unknown_paths(default_client):
    meta = ok(default_client.get("/api/meta"))["data"]
    assert meta["months"] == {"first": "2013-01", "last": "2025-06", "last_whole": "2025-06"}
    assert [i["id"] for i in meta["items"]] == taxonomy().ids
    assert ok(default_client.get("/api/ping"))["data"] == "pong"
    spec = default_client.get("/api/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    for path in ("/api/facts/{month}", "/api/series", "/api/cube", "/api/release/{month}"):
        names = {p["name"] for p in spec["paths"][path]["get"]["parameters"]}
        assert {"as_of", "dataset"} <= names
    series_params = {p["name"]: p for p in spec["paths"]["/api/series"]["get"]["parameters"]}
    assert series_params["item"]["schema"]["enum"] == taxonomy().ids
    error(default_client.get("/api/nothing"), 404)
    error(default_client.post("/api/facts/2020-11"), 405)


def test_dataset_parameter_on_a_file_server(file_store):
    with TestClient(create_app(str(file_store), api_key="")) as client:
        own = ok(client.get("/api/meta"))["data"]["months"]
        shipped = ok(client.get("/api/meta?dataset=default"))["data"]["months"]
        assert own == {"first": "2019-01", "last": "2020-01", "last_whole": "2020-01"}
        assert shipped == {"first": "2013-01", "last": "2025-06", "last_whole": "2025-06"}


def test_api_key_on_every_request(monkeypatch):
    monkeypatch.setenv("ICTRADE_API_KEY", "s3cret")
    with TestClient(create_app(dataset="default")) as client:
        for url in ("/api/ping", "/api/facts/2020-11", "/", "/api/openapi.json"):
            err = error(client.get(url), 401)
            assert "API key" in err["message"]
        error(client.get("/api/ping", headers={"X-API-Key": "wrong"}), 401)
        ok(client.get("/api/ping", headers={"X-API-Key": "s3cret"}))
        ok(client.get("/api/ping?api_key=s3cret"))
        assert client.get("/?api_key=s3cret").status_code == 200
        # the dashboard's charting library is public code, served without the key; nothing else
        script = client.get("/static/vendor/chart.umd.min.js")
        assert script.status_code == 200 and "Chart.js v4" in script.text[:200]
        error(client.get("/static/vendor/missing.js"), 404)


def test_vendored_library_ships_with_its_license():
    vendor = resources.files("ictrade").joinpath("web", "static", "vendor")
    assert "MIT License" in vendor.joinpath("chart.js-LICENSE.md").read_text()
    version = re.search(r"Chart\.js v([\d.]+)", vendor.joinpath("chart.umd.min.js").read_text())
    assert version and f"| {version.group(1)} |" in vendor.joinpath("README.md").read_text()


def test_repeated_requests_are_served_from_the_cache(default_client):
    api = default_client.app.state.api
    url = "/api/facts/2019-03?as_of=2020-01-01"
    first = default_client.get(url).content
    hits = api.responses.hits
    assert default_client.get(url).content == first
    assert api.responses.hits == hits + 1
    assert json.loads(first)["data"]["month"] == "2019-03"


def test_answers_are_strict_json(default_client):
    text = default_client.get("/api/series?item=oled&measure=yoy").text
    data = json.loads(text, parse_constant=lambda c: pytest.fail(f"non-JSON constant {c}"))
    values = [p["value"] for p in data["data"]["points"]]
    assert values[0] is None and all(v is None or math.isfinite(v) for v in values)
