"""Releases for every month of the default data's history, and pinned expected outputs."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from ictrade import Month, short_markdown
from ictrade.months import month_range
from ictrade.release.markdown import long_markdown
from ictrade.stats.facts import build_facts

EXPECTED = Path(__file__).parent / "expected"
# Months in several regimes: growth streak, decline streak, turns, records.
PINNED = ["2014-03", "2016-06", "2017-12", "2018-09", "2019-06", "2020-06", "2020-11",
          "2021-09", "2023-03", "2023-12"]


@pytest.fixture(scope="module")
def store(default_dataset):
    return default_dataset


@pytest.mark.slow
def test_every_month_2014_2023_has_a_release(store):
    for month in month_range(Month(2014, 1), Month(2023, 12)):
        facts = build_facts(store, month, as_published=True)
        assert facts["month"] == str(month)
        text = short_markdown(facts)
        assert text.startswith("# Korea's ICT exports")
        assert "since records began" not in text
        assert long_markdown(facts)
        json.dumps(facts)


@pytest.mark.parametrize("month", PINNED)
def test_pinned_months_match_expected_output(store, month):
    text = short_markdown(build_facts(store, Month.parse(month), as_published=True))
    path = EXPECTED / f"release-{month}.en.md"
    if os.environ.get("ICTRADE_UPDATE_EXPECTED"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), (
        f"{month} changed; if intended, rerun with ICTRADE_UPDATE_EXPECTED=1")
