"""The main job: the November 2020 release as published, from the embedded default data.

Figures are those of the published release (tests/data/reference-2020-11.txt); each is checked
in the facts document at its printed precision, and in the text as printed from the facts.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from ictrade import Month, build_facts, short_markdown
from ictrade.cli import cli
from ictrade.numbers import format_pct, format_usd, matches

REFERENCE = (Path(__file__).parent / "data" / "reference-2020-11.txt").read_text("utf-8")

# (flow, item, region, USD millions, precision, YoY %): the figures the reference prints.
FIGURES = [
    ("export", "total", "world", 16600, 100, 15.8),
    ("import", "total", "world", 10400, 100, None),
    ("balance", "total", "world", 6200, 100, None),
    ("export", "semiconductors", "world", 8700, 100, 16.1),
    ("export", "memory", "world", 5200, 100, 7.3),
    ("export", "system_semiconductors", "world", 3000, 100, 39.2),
    ("export", "displays", "world", 2200, 100, 27.7),
    ("export", "mobile_phones", "world", 1300, 100, 24.9),
    ("export", "mobile_finished", "world", 420, 10, 20.9),
    ("export", "mobile_parts", "world", 860, 10, 26.9),
    ("export", "computers_peripherals", "world", 1000, 100, 4.7),
    ("export", "ssd", "world", 690, 10, 7.3),
    ("export", "total", "china_incl_hk", 7700, 100, 8.1),
    ("export", "total", "vietnam", 2800, 100, 35.2),
    ("export", "total", "us", 1900, 100, 19.4),
    ("export", "total", "eu", 1100, 100, 24.9),
    ("export", "total", "japan", 328, 1, -13.8),
]


@pytest.fixture(scope="module")
def facts(default_dataset):
    return build_facts(default_dataset, Month(2020, 11), as_published=True)


@pytest.fixture(scope="module")
def text(facts):
    return short_markdown(facts)


def cell(facts, flow, item, region):
    return next(c for c in facts["cells"]
                if (c["flow"], c["item"], c["region"]) == (flow, item, region))


def test_reference_states_these_figures():
    for _, _, _, millions, precision, yoy in FIGURES:
        shown = f"{millions / 1000:.1f} billion" if precision == 100 else f"{millions} million"
        assert shown in REFERENCE
        if yoy is not None:
            assert f"{abs(yoy)} percent" in REFERENCE


@pytest.mark.parametrize(("flow", "item", "region", "millions", "precision", "yoy"), FIGURES)
def test_facts_match_the_published_figures(facts, flow, item, region, millions, precision, yoy):
    c = cell(facts, flow, item, region)
    assert matches(millions, c["value_usd"] / 1e6, precision), c
    if yoy is not None:
        assert matches(yoy, c["yoy_pct"], 0.1), c


@pytest.mark.parametrize(("flow", "item", "region", "millions", "precision", "yoy"), FIGURES)
def test_text_prints_each_figure_from_the_facts(facts, text, flow, item, region, millions,
                                                precision, yoy):
    c = cell(facts, flow, item, region)
    value = format_usd(abs(c["value_usd"]))
    assert value in text
    if yoy is not None:
        sentence = next(s for s in re.split(r"(?<=\.)\s", text) if value in s
                        and format_pct(c["yoy_pct"]) in s)
        assert sentence


def test_streak_and_turn(facts, text):
    streak = next(s for s in facts["streaks"] if s["kind"] == "yoy_growth"
                  and (s["flow"], s["item"], s["region"]) == ("export", "total", "world"))
    assert streak["months"] == 6 and streak["since"] == "2020-06"
    assert "This is the 6th consecutive month of year-on-year growth." in text
    turn = next(t for t in facts["turns"]
                if (t["flow"], t["item"], t["region"]) == ("export", "mobile_phones", "world"))
    assert turn["kind"] == "growth_after_decline" and turn["previous_months"] == 3
    assert "for the first time in four months" in text


def test_summaries(text):
    assert "Outbound shipments of all major items expanded." in text
    assert ("By region, ICT exports to all major regions increased except for those to Japan."
            in text)
    assert "USD 16.6 billion, up 15.8 percent" in text
    assert "trade surplus of $6.2 billion" in text


def test_main_job_command(tmp_path):
    result = CliRunner().invoke(cli, ["release", "2020-11", "--as-published", "--dataset",
                                      "default", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "USD 16.6 billion, up 15.8 percent" in result.output
    assert {p.name for p in tmp_path.iterdir()} == {"release-short.en.md",
                                                    "release-long.en.md", "facts.json"}


def test_month_without_data_is_refused():
    result = CliRunner().invoke(cli, ["release", "2031-01", "--dataset", "default"])
    assert result.exit_code == 2
    assert "no data for 2031-01" in result.output
