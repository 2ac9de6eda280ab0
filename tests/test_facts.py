"""Facts: cells, shares, contributions, streaks, turns, records and year-to-date."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ictrade.classify import scheme, taxonomy
from ictrade.errors import NoDataError
from ictrade.months import Month
from ictrade.stats.facts import build_facts
from ictrade.store.ingest import ingest_table
from ictrade.store.store import open_store

from conftest import lines_table, series_rows

DRAM, NAND, PHONE = "8542321010", "8542321030", "851712"


def cell(facts, flow, item, region="world"):
    return next(
        c for c in facts["cells"] if (c["flow"], c["item"], c["region"]) == (flow, item, region)
    )


def load(store, rows):
    ingest_table(store, lines_table(rows), origin="test")


def test_cells_values_growth_and_balance(store):
    load(
        store,
        series_rows({DRAM: [100.0] * 12 + [130.0]}, "2019-01")
        + series_rows({DRAM: [50.0] * 13}, "2019-01", flow="import"),
    )
    facts = build_facts(store, Month(2020, 1))
    dram = cell(facts, "export", "dram")
    assert dram["value_usd"] == 130.0 and dram["prev_year_value_usd"] == 100.0
    assert dram["yoy_pct"] == pytest.approx(30.0)
    assert cell(facts, "export", "total")["value_usd"] == 130.0
    assert cell(facts, "balance", "total")["value_usd"] == 80.0
    assert cell(facts, "export", "memory", "us")["share_of_world_pct"] == pytest.approx(100.0)
    assert facts["data"]["first_month"] == "2019-01"


def test_growth_streak_and_turn(store):
    # Declines for three months, then growth for the last two.
    values = [100.0] * 12 + [90, 90, 90, 110, 120]
    load(store, series_rows({DRAM: values}, "2019-01"))
    facts = build_facts(store, Month(2020, 5))
    streaks = {(s["kind"], s["item"]) for s in facts["streaks"] if s["region"] == "world"}
    assert ("yoy_growth", "total") in streaks and ("yoy_double_digit_growth", "total") in streaks
    growth = next(
        s
        for s in facts["streaks"]
        if s["kind"] == "yoy_growth" and s["item"] == "total" and s["region"] == "world"
    )
    assert (growth["months"], growth["since"]) == (2, "2020-04")
    turn_facts = build_facts(store, Month(2020, 4))
    turn = next(t for t in turn_facts["turns"] if t["item"] == "total" and t["region"] == "world")
    assert turn == {
        "flow": "export",
        "item": "total",
        "region": "world",
        "kind": "growth_after_decline",
        "previous_months": 3,
    }


def test_records_rank_against_every_earlier_month(store):
    values = [10.0, 30.0, 20.0, 25.0]
    load(store, series_rows({DRAM: values}, "2020-01"))
    facts = build_facts(store, Month(2020, 4))
    highs = [
        r
        for r in facts["records"]
        if r["item"] == "total" and r["region"] == "world" and r["kind"] == "all_time_high"
    ]
    assert highs and highs[0]["rank"] == 2 and highs[0]["previous_record_month"] == "2020-02"


def test_eu_growth_compares_the_same_members(store):
    rows = series_rows({DRAM: [100.0] * 13}, "2019-02", partner="DE")
    rows += series_rows({DRAM: [100.0] * 13}, "2019-02", partner="GB")
    load(store, rows)
    facts = build_facts(store, Month(2020, 2))
    eu = cell(facts, "export", "total", "eu")
    assert eu["value_usd"] == 100.0 and eu["prev_year_value_usd"] == 100.0  # GB left 2020-02
    assert (
        build_facts(store, Month(2020, 1))
        and cell(build_facts(store, Month(2020, 1)), "export", "total", "eu")["value_usd"] == 200.0
    )


def test_month_without_data_is_a_clear_error(store):
    load(store, series_rows({DRAM: [1.0] * 3}, "2020-01"))
    with pytest.raises(NoDataError, match="2021-05.*2020-01 to 2020-03"):
        build_facts(store, Month(2021, 5))


def test_ytd_sums_january_to_the_month(store):
    load(store, series_rows({DRAM: [1.0] * 12 + [2.0, 3.0, 4.0]}, "2019-01"))
    ytd = next(
        y
        for y in build_facts(store, Month(2020, 3))["ytd"]
        if y["item"] == "total" and y["region"] == "world"
    )
    assert (ytd["from"], ytd["to"], ytd["value_usd"]) == ("2020-01", "2020-03", 9.0)
    assert ytd["yoy_pct"] == pytest.approx(200.0)


def _leaf_codes(month: Month) -> dict[str, str]:
    """One code per leaf item that classifies exactly to it in ``month``."""
    rules, tax = scheme("kr-ict"), taxonomy()
    found: dict[str, str] = {}
    for rule in rules.rules:
        if (
            tax.children.get(rule.item) == []
            and rule.item not in found
            and rule.valid_at(month.index)
            and rules.classify(rule.prefix, month).item == rule.item
        ):
            found[rule.item] = rule.prefix
    return found


LEAVES = _leaf_codes(Month(2020, 1))
PARTNERS = ["CN", "HK", "VN", "US", "DE", "JP", "IN", "BR"]


@settings(max_examples=25)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(sorted(LEAVES)),
            st.sampled_from(PARTNERS),
            st.integers(0, 1),
            st.floats(1, 1e9),
            st.floats(1, 1e9),
        ),
        min_size=1,
        max_size=30,
        unique_by=lambda r: (r[0], r[1], r[2]),
    )
)
def test_parts_add_up_to_their_parent(entries):
    rows = []
    for item, partner, imports, now, before in entries:
        flow = "import" if imports else "export"
        rows += series_rows(
            {LEAVES[item]: [before] + [1.0] * 11 + [now]}, "2019-01", flow=flow, partner=partner
        )
    with open_store(":memory:") as store:
        load(store, rows)
        facts = build_facts(store, Month(2020, 1))
    cells = {(c["flow"], c["item"], c["region"]): c for c in facts["cells"]}
    tax = taxonomy()
    for (flow, item, region), c in cells.items():
        children = [cells.get((flow, k, region)) for k in tax.children[item]]
        children = [k for k in children if k]
        if not children or flow == "balance":
            continue
        assert math.isclose(sum(k["value_usd"] for k in children), c["value_usd"], rel_tol=1e-9)
        if c["share_pct"] is not None:
            assert math.isclose(sum(k["share_pct"] for k in children), c["share_pct"], rel_tol=1e-9)
        if c["yoy_pct"] is not None:
            total = sum(k["contribution_pp"] for k in children)
            assert math.isclose(total, c["yoy_pct"], rel_tol=1e-6, abs_tol=1e-6)
