"""The latest month of the default data, 2025-06, rebuilt as published states the figures that
its release published (published_figures_2024_2025h1.csv)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from ictrade import Month, short_markdown
from ictrade.numbers import matches
from ictrade.stats.facts import build_facts

FIGURES = (Path(__file__).resolve().parents[1] / "data-raw" / "reconstruct"
           / "published_figures_2024_2025h1.csv")


@pytest.fixture(scope="module")
def facts(default_dataset) -> dict:
    return build_facts(default_dataset, Month(2025, 6), as_published=True)


def own_release_figures() -> list[dict[str, str]]:
    """Primary figures of 2025-06 stated by its own release (2025-07-15)."""
    with open(FIGURES, encoding="utf-8") as fh:
        return [r for r in csv.DictReader(fh) if r["month"] == "2025-06"
                and r["vintage"] == "2025-07-15" and r["is_primary_source"] == "1"]


def test_as_of_the_release_date(facts):
    assert facts["data"]["as_of"] == str(dt.date(2025, 7, 15))


def test_cells_round_to_the_published_figures(facts):
    figures = own_release_figures()
    assert len(figures) >= 10
    cells = {(c["flow"], c["item"], c["region"]): c for c in facts["cells"]}
    for f in figures:
        cell = cells[(f["flow"], f["series"], f["region"])]
        if f["value_usd_millions"]:
            assert matches(float(f["value_usd_millions"]), cell["value_usd"] / 1e6,
                           float(f["stated_precision_usd_millions"])), (f, cell)
        if f["yoy_pct"]:
            assert matches(float(f["yoy_pct"]), cell["yoy_pct"],
                           float(f["yoy_precision_pct"])), (f, cell)


def test_the_release_states_the_published_figures(facts):
    """Headline, imports and balance, major items and regions: each published rate and level
    appears together in one sentence of the short release (whatever its wording)."""
    text = short_markdown(facts)
    headline = text.splitlines()[0]
    assert "4.7%" in headline and "$22.0 billion" in headline
    sentences = [s for para in text.split("\n") for s in para.split(". ")]
    for numbers in (("4.7 percent", "22.0 billion"), ("$12.4 billion", "$9.6 billion"),
                    ("11.5 percent", "$15.0 billion"), ("33.7 percent", "$1.3 billion"),
                    ("6.2 percent", "$790 million"), ("12.7 percent", "$1.5 billion"),
                    ("17.7 percent", "$1.1 billion"), ("22.6 percent", "$3.1 billion")):
        assert any(all(n in s for n in numbers) for s in sentences), numbers


@pytest.mark.slow
def test_every_month_2024_2025_as_published_states_its_headline(default_dataset):
    """Each month of the extension, rebuilt as of its own release, has the published export
    total and growth rate in its headline facts."""
    with open(FIGURES, encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["is_primary_source"] == "1"
                and (r["flow"], r["series"], r["region"]) == ("export", "total", "world")]
    store = default_dataset
    for month in sorted({r["month"] for r in rows}):
        facts = build_facts(store, Month.parse(month), as_published=True)
        cell = next(c for c in facts["cells"]
                    if (c["flow"], c["item"], c["region"]) == ("export", "total", "world"))
        as_of = facts["data"]["as_of"]
        own = [r for r in rows if r["month"] == month and r["vintage"] == as_of]
        assert own, month
        for r in own:
            if r["value_usd_millions"]:
                assert matches(float(r["value_usd_millions"]), cell["value_usd"] / 1e6,
                               float(r["stated_precision_usd_millions"])), (month, r)
            if r["yoy_pct"]:
                assert matches(float(r["yoy_pct"]), cell["yoy_pct"],
                               float(r["yoy_precision_pct"])), (month, r)
        assert short_markdown(facts).startswith("# Korea's ICT exports")
