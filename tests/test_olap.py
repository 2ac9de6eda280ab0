"""Cube queries (web/olap.py): invariants over the shipped dataset's cube."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ictrade.classify import regions, taxonomy
from ictrade.months import Month, month_range
from ictrade.stats.cube import Cube, load_cube
from ictrade.web.olap import CubeQuery, run
from ictrade.web.params import ApiError

MEASURES = ("value", "prev_year_value", "yoy", "share")


@pytest.fixture(scope="module")
def cube(default_dataset) -> Cube:
    return load_cube(default_dataset, None)


def query(drilldowns, cuts, first, last) -> CubeQuery:  # type: ignore[no-untyped-def]
    months = tuple(month_range(first, last))
    return CubeQuery(tuple(drilldowns), cuts, months, MEASURES)


spans = st.tuples(st.integers(0, 131), st.integers(0, 11)).map(
    lambda p: (Month(2013, 1) + p[0], Month(2013, 1) + min(131, p[0] + p[1]))
)


@settings(max_examples=40)
@given(
    flow=st.sampled_from(["export", "import", "balance"]),
    item=st.sampled_from(taxonomy().ids),
    region=st.sampled_from(regions().ids),
    span=spans,
)
def test_months_drilled_down_add_up_to_the_summed_answer(cube, flow, item, region, span):
    cuts = {"flow": (flow,), "item": (item,), "region": (region,)}
    by_month = run(cube, query(["month"], cuts, *span))["rows"]
    (summed,) = run(cube, query([], cuts, *span))["rows"]
    assert len(by_month) == span[1].index - span[0].index + 1
    assert summed["value_usd"] == pytest.approx(sum(r["value_usd"] for r in by_month))
    priors = [r["prev_year_value_usd"] for r in by_month]
    if None in priors:
        assert summed["prev_year_value_usd"] is None
    else:
        assert summed["prev_year_value_usd"] == pytest.approx(sum(priors))
        if summed["prev_year_value_usd"] > 0:
            growth = (summed["value_usd"] / summed["prev_year_value_usd"] - 1) * 100
            assert summed["yoy_pct"] == pytest.approx(growth)


@settings(max_examples=20)
@given(region=st.sampled_from(regions().ids), span=spans)
def test_children_stay_within_their_parent_and_shares_within_a_hundred(cube, region, span):
    # Lines classified at an item itself (not at a child) make the parent exceed its children.
    tax = taxonomy()
    rows = run(cube, query(["item"], {"region": (region,)}, *span))["rows"]
    by_item = {r["item"]: r for r in rows}
    for parent, children in tax.children.items():
        if not children:
            continue
        parts = sum(by_item[c]["value_usd"] for c in children)
        assert parts <= by_item[parent]["value_usd"] * (1 + 1e-9) + 1e-6
    if by_item["total"]["value_usd"] > 0:
        assert by_item["total"]["share_pct"] == pytest.approx(100.0)
        top = sum(by_item[c]["share_pct"] for c in tax.children["total"])
        parts = sum(by_item[c]["value_usd"] for c in tax.children["total"])
        assert top == pytest.approx(parts / by_item["total"]["value_usd"] * 100)
        assert top <= 100 + 1e-9


def test_drilldown_order_sorts_the_rows(cube):
    m = Month(2020, 11)
    cuts = {"item": ("dram", "nand"), "region": ("us", "eu")}
    rows = run(cube, CubeQuery(("region", "item"), cuts, (m,), ("value",)))["rows"]
    assert [(r["region"], r["item"]) for r in rows] == [
        ("us", "dram"), ("us", "nand"), ("eu", "dram"), ("eu", "nand"),
    ]  # fmt: skip


def test_several_members_of_an_undrilled_dimension_are_refused(cube):
    m = Month(2020, 11)
    with pytest.raises(ApiError, match="region is cut to 2 members"):
        run(cube, CubeQuery(("item",), {"region": ("china", "china_incl_hk")}, (m,), ("value",)))
