"""The OECD/UNCTAD ICT goods scheme: dated rules over HS editions, its own items, and
facts, series, XLSX and a written release for any reporter under it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from ictrade.classify import scheme, taxonomy
from ictrade.cli import cli
from ictrade.months import Month
from ictrade.stats.facts import build_facts
from ictrade.store.ingest import ingest_table
from ictrade.store.store import open_store

from conftest import lines_table, series_rows

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("code", "month", "item"),
    [
        ("852411", "2023-01", "electronic_components"),  # HS2022 display modules
        ("854232", "2020-11", "electronic_components"),
        ("8542321010", "2020-11", "electronic_components"),  # finer codes follow their HS6
        ("847130", "2010-05", "computers_peripherals"),  # HS2007 edition
        ("851712", "2019-06", "communication_equipment"),  # HS2017 mobile phones
        ("851713", "2023-06", "communication_equipment"),  # HS2022 smartphones
        ("852351", "2023-06", "ict_miscellaneous"),  # SSDs are 'Miscellaneous'
        ("841311", "2019-01", "non_ict"),  # a pump stays out though 8524 drew on it
        ("870321", "2023-01", "non_ict"),
    ],
)
def test_codes_classify_by_the_edition_of_their_month(code: str, month: str, item: str) -> None:
    assert scheme("oecd-ict").classify(code, Month.parse(month)).item == item


def test_the_scheme_has_its_own_items() -> None:
    assert taxonomy("oecd-ict").majors() == [
        "computers_peripherals",
        "communication_equipment",
        "consumer_electronics",
        "electronic_components",
        "ict_miscellaneous",
    ]
    assert "semiconductors" in taxonomy().ids  # kr-ict stays the default


def test_rules_file_is_the_build_of_its_inputs() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "build_oecd_rules.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _store(path: Path) -> None:
    values = {"852411": [1e9 + 1e7 * k for k in range(14)], "851713": [5e8] * 13 + [8e8]}
    rows = [{**r, "reporter": "DE"} for r in series_rows(values, "2022-01")]
    rows += [{**r, "reporter": "KR"} for r in series_rows({"870321": [9.0] * 14}, "2022-01")]
    with open_store(path) as store:
        ingest_table(store, lines_table(rows), origin="lines")


def test_facts_of_a_reporter_under_the_scheme(tmp_path: Path) -> None:
    _store(tmp_path / "s.duckdb")
    with open_store(tmp_path / "s.duckdb", scheme_name="oecd-ict", reporter="DE") as store:
        facts = build_facts(store, Month(2023, 2))
    cells = {(c["item"], c["region"]): c for c in facts["cells"] if c["flow"] == "export"}
    assert (facts["scheme"], facts["reporter"]) == ("oecd-ict", "DE")
    assert cells[("total", "world")]["value_usd"] == 1.13e9 + 8e8
    assert cells[("communication_equipment", "world")]["yoy_pct"] == pytest.approx(60.0)


def test_release_xlsx_and_series_from_the_cli(tmp_path: Path) -> None:
    _store(tmp_path / "s.duckdb")
    view = ["--store", str(tmp_path / "s.duckdb"), "--reporter", "DE", "--scheme", "oecd-ict"]
    runner = CliRunner()
    out = tmp_path / "out"
    md = runner.invoke(cli, ["release", "2023-02", *view, "--out", str(out)])
    assert md.exit_code == 0, md.output
    assert "Germany's ICT exports" in md.stdout and "Korea" not in md.stdout
    long = (out / "release-long.en.md").read_text(encoding="utf-8")
    assert "communication equipment" in long.lower() and "semiconductor" not in long.lower()
    xlsx = runner.invoke(cli, ["release", "2023-02", *view, "--format", "xlsx", "--out", str(out)])
    assert xlsx.exit_code == 0, xlsx.output
    assert (out / "release-tables.en.xlsx").stat().st_size > 0
    series = runner.invoke(cli, ["series", *view, "--item", "electronic_components"])
    assert series.exit_code == 0, series.output
    assert series.stdout.splitlines()[-1].endswith(",1130000000.0")
    wrong = runner.invoke(cli, ["series", *view, "--item", "semiconductors"])
    assert wrong.exit_code == 2 and "electronic_components" in wrong.stderr


def test_api_of_a_reporter_under_the_scheme(tmp_path: Path) -> None:
    import warnings

    from ictrade.web import create_app

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*httpx2", category=UserWarning)
        from starlette.testclient import TestClient

    _store(tmp_path / "s.duckdb")
    app = create_app(str(tmp_path / "s.duckdb"), api_key="", scheme_name="oecd-ict", reporter="DE")
    with TestClient(app) as client:
        facts = client.get("/api/facts/2023-02")
        assert facts.status_code == 200, facts.text
        assert '"reporter":"DE"' in facts.text.replace(" ", "")
        series = client.get("/api/series?item=communication_equipment&from=2023-02&to=2023-02")
        assert series.status_code == 200, series.text
        assert "800000000" in series.text
        assert client.get("/api/series?item=semiconductors").status_code == 400


def test_api_reporter_and_scheme_per_request(tmp_path: Path) -> None:
    """``reporter=`` and ``scheme=`` choose, request by request, whose lines and which items
    an answer reads (default: the server's); an unknown one is a 400 naming those available."""
    import warnings

    from ictrade.web import create_app

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*httpx2", category=UserWarning)
        from starlette.testclient import TestClient

    _store(tmp_path / "s.duckdb")
    app = create_app(str(tmp_path / "s.duckdb"), api_key="")  # KR under kr-ict by default
    view = "reporter=DE&scheme=oecd-ict"
    with TestClient(app) as client:
        facts = client.get(f"/api/facts/2023-02?{view}")
        assert facts.status_code == 200, facts.text
        body = facts.json()
        assert (body["data"]["reporter"], body["data"]["scheme"]) == ("DE", "oecd-ict")
        assert (body["meta"]["reporter"], body["meta"]["scheme"]) == ("DE", "oecd-ict")
        series = client.get(f"/api/series?{view}&item=communication_equipment&from=2023-02")
        assert series.status_code == 200, series.text
        assert [p["value"] for p in series.json()["data"]["points"]] == [8e8]
        cube = client.get(f"/api/cube?{view}&item=electronic_components&month=2023-02")
        assert cube.status_code == 200, cube.text
        assert cube.json()["data"]["rows"] == [{"value_usd": 1.13e9}]
        # the server's own reporter and scheme stay the default, in the same server: KR's
        # lines are cars, outside both baskets
        default = client.get("/api/facts/2023-02")
        assert default.status_code == 404 and "reporter KR" in default.text, default.text
        kr = client.get("/api/series?reporter=kr&scheme=oecd-ict")
        assert kr.status_code == 404 and "reporter KR" in kr.text, kr.text
        de = client.get("/api/series?reporter=DE&item=total&from=2023-02")
        assert de.status_code == 200 and de.json()["data"]["points"][0]["value"] == 1.93e9
        for bad, words in (
            ("reporter=FR", "reporters: DE, KR"),
            ("reporter=Germany", "alpha-2"),
            ("scheme=hs-ict", "oecd-ict"),
            ("reporter=DE&scheme=oecd-ict&item=semiconductors", "electronic_components"),
        ):
            answer = client.get(f"/api/series?{bad}")
            assert answer.status_code == 400, (bad, answer.text)
            assert words in answer.json()["error"]["message"] + str(answer.json()["error"])
