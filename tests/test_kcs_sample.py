"""The real-data dataset: world export cells from real KCS figures, and what they cover."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from ictrade import Month, build_facts, open_store, short_markdown
from ictrade.cli import cli

RAW = Path(__file__).resolve().parent.parent / "data-raw" / "kcs"


@pytest.fixture(scope="module")
def facts():
    with open_store(dataset="kcs-sample") as store:
        return build_facts(store, Month(2026, 1))


def cell(facts, flow, item, region="world"):
    return next((c for c in facts["cells"]
                 if (c["flow"], c["item"], c["region"]) == (flow, item, region)), None)


def raw_value(code: str, month: str) -> float:
    with open(RAW / "kcs_items_monthly.csv", encoding="utf-8") as handle:
        return sum(float(r["value_usd"]) for r in csv.DictReader(handle)
                   if r["hs_code"] == code and r["month"] == month and not r["partner_iso2"])


def test_world_exports_come_from_the_real_files(facts):
    with open(RAW / "hs6_exports_world_monthly.csv", encoding="utf-8") as handle:
        ict_codes = [r for r in csv.DictReader(handle) if r["month"] == "202601"]
    total = cell(facts, "export", "total")
    assert 0 < total["value_usd"] < sum(float(r["exp_usd"]) for r in ict_codes)
    nand = cell(facts, "export", "nand")
    assert nand["value_usd"] == pytest.approx(raw_value("8542321030", "2026-01"), rel=0.02)
    assert nand["yoy_pct"] == pytest.approx(
        (raw_value("8542321030", "2026-01") / raw_value("8542321030", "2025-01") - 1) * 100,
        abs=2.0)


def test_partial_coverage_is_stated(facts):
    coverage = facts["data"]["coverage"]
    assert coverage["partial"] and "import" not in coverage["flows"]
    assert cell(facts, "import", "total") is None
    region = cell(facts, "export", "total", "china_incl_hk")
    assert region["value_usd"] > 0 and region["yoy_pct"] is None
    text = short_markdown(facts)
    assert "These data hold no ICT imports (so no trade balance)" in text


def test_series_streaks_run_back_to_2016(facts):
    above = [s for s in facts["streaks"] if s["item"] == "dram" and s["region"] == "world"
             and s["kind"] == "above_threshold" and s["threshold_usd"] == 1e9]
    assert above and above[0]["since"] == "2016-01" and above[0]["from_data_start"]


def test_release_command_on_the_real_data(tmp_path):
    result = CliRunner().invoke(cli, ["release", "2026-01", "--dataset", "kcs-sample",
                                      "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "Korea's January exports" in result.output
    assert "These data hold no ICT imports" in result.output
