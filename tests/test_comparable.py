"""A store of files of different reach (a few HSK10 series for years, every code for the last
months; partner or import lines for part of them): growth, streaks, records and year-to-date
sums compare only months made of the same goods, and a month holding part of the goods is not
released as ICT exports as a whole, in English and Korean."""

from __future__ import annotations

from collections import defaultdict

import pytest
from release_data import rows

from ictrade.classify.partners import WORLD
from ictrade.errors import NoDataError
from ictrade.months import Month
from ictrade.release.markdown import long_markdown
from ictrade.stats.facts import build_facts
from ictrade.stats.facts_doc import Facts
from ictrade.store.ingest import ingest_table
from ictrade.store.store import open_store

from conftest import lines_table

SERIES = {"8542321010", "8542321030"}  # DRAM and NAND: the few items of the long series
WIDE_FROM = "2019-07"  # every code from here on


def world(flow: str = "export", codes: set[str] | None = None) -> dict[tuple[str, str], float]:
    sums: dict[tuple[str, str], float] = defaultdict(float)
    for r in rows():
        if r["flow"] == flow and (codes is None or r["hs_code"] in codes):
            sums[(str(r["month"]), str(r["hs_code"]))] += float(str(r["value_usd"]))
    return sums


def lines(sums: dict[tuple[str, str], float], flow: str, keep) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    return [
        {"month": m, "flow": flow, "hs_code": c, "partner": WORLD, "value_usd": round(v, 2)}
        for (m, c), v in sums.items()
        if keep(m, c)
    ]


def store_facts(table: list[dict[str, object]], month: str) -> Facts:
    with open_store(":memory:") as store:
        ingest_table(store, lines_table(table), origin="files.csv")
        return build_facts(store, Month.parse(month))


@pytest.fixture(scope="module")
def mixed() -> list[dict[str, object]]:
    """The long series of two HSK10 items, and every code from WIDE_FROM on."""
    return lines(world(), "export", lambda m, c: c in SERIES or m >= WIDE_FROM)


def cell(facts: Facts, flow: str = "export", item: str = "total", region: str = "world"):  # type: ignore[no-untyped-def]
    found = [
        c for c in facts["cells"] if (c["flow"], c["item"], c["region"]) == (flow, item, region)
    ]
    return found[0] if found else None


def test_a_month_with_part_of_the_goods_is_not_released_as_a_whole(mixed):
    with pytest.raises(NoDataError, match=r"2018-06 holds only part of the ICT goods"):
        store_facts(mixed, "2018-06")


def test_growth_only_against_a_year_made_of_the_same_goods(mixed):
    before = store_facts(mixed, "2020-06")  # a year earlier: the two series only
    assert cell(before)["yoy_pct"] is None and cell(before)["prev_year_value_usd"] is None
    assert not [s for s in before["streaks"] if s["kind"].startswith("yoy")]
    after = store_facts(mixed, "2020-09")  # a year earlier: every code
    assert cell(after)["yoy_pct"] is not None


def test_records_and_year_to_date_over_comparable_months_only(mixed):
    facts = store_facts(mixed, "2020-11")
    for record in facts["records"]:
        if record["scope"] == "month" and record["kind"] == "all_time_high":
            assert record["periods_compared"] <= 16  # 2019-07..2020-10
            assert record.get("compared_from", WIDE_FROM) >= WIDE_FROM
    (total,) = [y for y in facts["ytd"] if (y["item"], y["region"]) == ("total", "world")]
    # January..November 2019 holds six months of the series only
    assert total["prev_year_value_usd"] is None and total["yoy_pct"] is None


def test_a_streak_after_months_that_do_not_compare_runs_as_far_back_as_the_data_go(mixed):
    facts = store_facts(mixed, "2020-11")
    for streak in facts["streaks"]:
        if (streak["item"], streak["region"]) == ("total", "world"):
            first = "2020-07" if streak["kind"].startswith("yoy") else WIDE_FROM
            assert streak["since"] >= first
            assert streak["from_data_start"] == (streak["since"] == first)


def test_imports_of_a_few_codes_beside_every_export_code_are_not_stated(mixed):
    imports = lines(world("import"), "import", lambda m, c: c in SERIES)
    facts = store_facts(mixed + imports, "2020-09")
    assert cell(facts, "import") is None and cell(facts, "balance") is None
    assert facts["data"]["coverage"]["partial_flows"] == ["import"]
    said = {"en": "import lines cover only some ICT goods", "ko": "수입 자료는 일부 ICT 품목만"}
    for lang in ("en", "ko"):
        text = long_markdown(facts, lang=lang)
        assert "Imports of ICT" not in text and "trade surplus" not in text
        assert "수입은" not in text and "흑자" not in text
        assert said[lang] in text and "hold no ICT imports" not in text


def test_regions_grow_only_against_a_year_with_the_same_partner_lines(mixed):
    partner = [
        {**r, "value_usd": float(str(r["value_usd"]))}
        for r in rows()
        if r["flow"] == "export" and r["partner"] == "CN" and str(r["month"]) >= "2020-01"
    ]
    facts = store_facts(mixed + partner, "2020-11")
    assert cell(facts)["yoy_pct"] is not None
    china = cell(facts, region="china")
    assert china is not None and china["yoy_pct"] is None


def test_no_year_to_date_across_a_month_without_lines():
    every = lines(world(), "export", lambda m, c: m >= "2020-01" and m != "2020-03")
    facts = store_facts(every, "2020-06")
    assert not [y for y in facts["ytd"] if (y["item"], y["region"]) == ("total", "world")]
    assert cell(facts)["value_usd"] > 0
