"""Vintages: a release rebuilt as of an earlier date is the release of that date, and the
revisions report names what changed. Real files load through the same path."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from ictrade.cli import cli

ROOT = Path(__file__).resolve().parent.parent
HEADER = "month,flow,hs_code,partner,value_usd,source,vintage,status\n"


def lines(vintage: str, dram_cn_2020_11: int) -> str:
    rows = []
    for month, base in (("2019-11", 100), ("2020-11", 130)):
        rows.append(f"{month},export,8542321010,US,{base * 10**6},kcs,{vintage},confirmed")
        value = dram_cn_2020_11 if month == "2020-11" else base * 2 * 10**6
        rows.append(f"{month},export,8542321010,CN,{value},kcs,{vintage},confirmed")
    return HEADER + "\n".join(rows) + "\n"


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_as_of_rebuilds_the_earlier_release_exactly(tmp_path):
    store = str(tmp_path / "s.duckdb")
    first, second = tmp_path / "v1.csv", tmp_path / "v2.csv"
    first.write_text(lines("2020-12-15", 250 * 10**6))
    second.write_text(lines("2021-02-15", 280 * 10**6))
    run("ingest", str(first), "--store", store)
    before = json.loads(run("release", "2020-11", "--store", store, "--format", "json"))
    run("ingest", str(second), "--store", store)
    latest = json.loads(run("release", "2020-11", "--store", store, "--format", "json"))
    again = json.loads(run("release", "2020-11", "--store", store, "--format", "json",
                           "--as-of", "2021-01-31"))
    assert again["cells"] == before["cells"] and again["streaks"] == before["streaks"]
    assert latest["cells"] != before["cells"]
    vintages = run("vintages", "2020-11", "--store", store)
    assert "2020-12-15" in vintages and "2021-02-15" in vintages
    report = run("revisions", "2020-11", "--store", store, "--from", "2020-12-31",
                 "--to", "2021-02-28")
    assert "8542321010 CN" in report and "250,000,000 -> 280,000,000" in report
    assert "export dram" in report


def test_real_hs6_file_gives_world_export_cells(tmp_path):
    store = str(tmp_path / "s.duckdb")
    run("ingest", str(ROOT / "data-raw" / "kcs" / "hs6_exports_world_monthly.csv"),
        "--store", store)
    facts = json.loads(run("release", "2026-01", "--store", store, "--format", "json"))
    cells = {(c["flow"], c["item"], c["region"]): c for c in facts["cells"]}
    for item in ("total", "semiconductors", "displays", "mobile_phones",
                 "computers_peripherals"):
        cell = cells[("export", item, "world")]
        assert cell["value_usd"] > 0 and cell["yoy_pct"] is not None
    assert facts["data"]["coverage"]["partner_share_pct"]["export"] == 0.0
