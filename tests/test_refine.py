"""Lines that refine one another are counted once, and partner detail never moves value
between items; coarse codes are apportioned among the items under them."""

from __future__ import annotations

from collections import defaultdict

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ictrade.months import Month
from ictrade.release.markdown import short_markdown
from ictrade.stats.facts import build_facts
from ictrade.store.ingest import ingest_table
from ictrade.store.query import cube_rows
from ictrade.store.refine import refine_lines
from ictrade.store.store import Store, open_store

from conftest import lines_table


def row(code, partner, value, month="2025-01"):
    return {"month": month, "flow": "export", "hs_code": code, "partner": partner,
            "value_usd": float(value)}


def parts(rows):
    table = lines_table(rows).to_pydict()
    return refine_lines(table["month"], table["flow"], table["hs_code"], table["partner"],
                        table["value_usd"])


def values(refined):
    got: dict[tuple[str, str], float] = defaultdict(float)
    for p in refined.parts:
        got[(p.code, p.partner)] += p.value
    return dict(got)


def items(store: Store, month: str = "2025-01") -> dict[str, float]:
    """Each item's value over all partners (the world figure), and its estimated part."""
    got: dict[str, float] = defaultdict(float)
    for r in cube_rows(store, None).to_pylist():
        if str(r["month"])[:7] == month:
            got[r["item"]] += r["value_usd"]
            got["estimated"] += r["estimated_usd"]
    return {k: round(v, 6) for k, v in got.items()}


def store_of(*batches) -> Store:
    store = open_store(":memory:")
    for n, rows in enumerate(batches):
        ingest_table(store, lines_table(rows), origin=f"file {n}")
    return store


def test_hsk10_inside_hs6_and_partners_inside_world():
    refined = parts([
        row("8542", "WORLD", 1000), row("854232", "WORLD", 700),
        row("8542321010", "WORLD", 400), row("8542", "CN", 600),
        row("8542321010", "CN", 300),
    ])
    got = values(refined)
    # CN's DRAM comes out of the world's DRAM; the rest of CN's 8542 (300) is split over the
    # world's remainders under 8542 that CN does not detail (8542 itself: 300, 854232: 300).
    assert got == {("8542", "WORLD"): 150, ("854232", "WORLD"): 150,
                   ("8542321010", "WORLD"): 100, ("8542", "CN"): 150,
                   ("854232", "CN"): 150, ("8542321010", "CN"): 300}
    assert sum(got.values()) == 1000  # the world total is counted once
    assert refined.clamped == 0
    estimated = sum(p.estimated for p in refined.parts)
    assert estimated == 300  # the split of CN's 8542 remainder


def test_disagreeing_sources_are_clamped_and_reported():
    refined = parts([row("8542", "WORLD", 100), row("8542321010", "WORLD", 150)])
    assert values(refined)[("8542", "WORLD")] == 0.0
    assert refined.clamped == 1 and refined.clamped_usd == 50.0


def test_partners_at_a_coarser_code_are_split_in_the_world_mix_and_keep_items():
    world = [row("854231", "WORLD", 400), row("854232", "WORLD", 600)]
    partners = [row("8542", "CN", 500)]
    got = values(parts(world + partners))
    assert got == {("854231", "WORLD"): 200, ("854231", "CN"): 200,
                   ("854232", "WORLD"): 300, ("854232", "CN"): 300}
    with store_of(world) as alone, store_of(world, partners) as both:
        before, after = items(alone), items(both)
        assert after.pop("estimated") == before.pop("estimated") == 0  # items did not move
        assert after == before == {"system_semiconductors": 400, "memory": 600}


def test_partner_lines_finer_than_the_world_come_out_of_its_line():
    # SSDs to the US (HSK10) beside the world's HS6 SSD line: counted once
    with store_of([row("852351", "WORLD", 900)], [row("8523511000", "US", 400)]) as store:
        assert items(store) == {"ssd": 900, "estimated": 0}


world_lines = [row("854231", "WORLD", 4000), row("854232", "WORLD", 6000),
               row("8542321010", "WORLD", 3000), row("851713", "WORLD", 2000),
               row("851779", "WORLD", 500), row("847330", "WORLD", 1000),
               row("8473304060", "WORLD", 900), row("852351", "WORLD", 100),
               row("847130", "WORLD", 200)]
partner_files = [
    [row("8542", "CN", 3000), row("8517", "CN", 800)],
    [row("8542", "US", 2000), row("8542321010", "US", 1000)],
    [row("8523511000", "US", 10), row("8473304060", "VN", 300), row("8471", "VN", 50)],
    [row("8542", "WORLD", 10000), row("8517", "WORLD", 2500)],
]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.permutations(range(len(partner_files) + 1)),
       st.lists(st.booleans(), min_size=len(partner_files), max_size=len(partner_files)))
def test_world_items_do_not_change_with_partner_files_in_any_order(order, keep):
    files = [world_lines, *partner_files]
    chosen = [files[i] for i in order if i == 0 or keep[i - 1]]
    with store_of(world_lines) as alone, store_of(*chosen) as store:
        expected, got = items(alone), items(store)
        expected.pop("estimated"), got.pop("estimated")
        assert got == expected


def test_coarse_line_split_by_the_finer_lines_of_the_same_month():
    # 847330 less its DRAM-module line is computer parts: the rules say so, nothing estimated
    with store_of([row("847330", "WORLD", 1000), row("8473304060", "WORLD", 900)]) as store:
        assert items(store) == {"dram": 900, "computers": 100, "estimated": 0}


def test_coarse_line_split_by_the_finer_lines_of_the_nearest_month():
    detail = [row("847330", "WORLD", 1000, "2024-06"), row("8473304060", "WORLD", 600, "2024-06")]
    later = [row("847330", "WORLD", 2000, "2024-08")]
    with store_of(detail, later) as store:
        assert items(store, "2024-08") == {"dram": 1200, "computers": 800, "estimated": 2000}


def test_coarse_line_split_by_the_table():
    # no finer lines in the store: the shipped shares of 847330 (classify/splits/kr-ict.csv)
    with store_of([row("847330", "WORLD", 1000)]) as store:
        got = items(store)
        assert got["dram"] == 978 and got["computers"] == 22 and got["estimated"] == 1000
    # before the table's period the code stays where the rules put it
    with store_of([row("847330", "WORLD", 1000, "2020-01")]) as store:
        assert items(store, "2020-01") == {"total": 1000, "estimated": 0}


def test_the_facts_say_how_much_of_a_cell_comes_from_estimated_splits():
    rows = [row("847330", "WORLD", 1000), row("8473304060", "WORLD", 100, "2025-02"),
            row("854231", "WORLD", 3000)]
    with store_of(rows) as store:
        cells = {(c["flow"], c["item"], c["region"]): c
                 for c in build_facts(store, Month(2025, 1))["cells"]}
    assert cells[("export", "dram", "world")]["estimated_pct"] == 100
    assert cells[("export", "system_semiconductors", "world")]["estimated_pct"] == 0
    total = cells[("export", "total", "world")]
    assert total["estimated_pct"] == pytest.approx(1000 / 4000 * 100)


def test_the_release_says_once_where_figures_rest_on_estimated_splits():
    with store_of([row("847330", "WORLD", 1e9), row("854231", "WORLD", 3e9)]) as store:
        facts = build_facts(store, Month(2025, 1))
    english = short_markdown(facts, "en")
    assert english.count("estimated splits") == 1
    assert "computers and peripheral devices" in english.split("estimated splits")[0]
    assert short_markdown(facts, "ko").count("추정 비율") == 1


def test_a_finer_line_measures_its_item_and_the_rest_goes_to_the_others():
    # 852990 with its camera-module line: phone parts are the line however far it is from the
    # table's share; the rest is the other item of the table (display parts)
    for camera in (880, 700):
        with store_of([row("852990", "WORLD", 1000), row("8529903020", "WORLD", camera)]) as s:
            got = items(s)
        assert got["mobile_parts"] == camera and got["display_parts"] == 1000 - camera
        assert got["estimated"] == 1000 - camera
    # without it, the table's period-wide share
    with store_of([row("852990", "WORLD", 1000)]) as store:
        got = items(store)
    assert got["mobile_parts"] == 818 and got["display_parts"] == 182
