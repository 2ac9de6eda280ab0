"""Lines that refine one another are counted once."""

from __future__ import annotations

from ictrade.store.refine import refine_overlaps

from conftest import lines_table


def row(code, partner, value):
    return {"month": "2025-01", "flow": "export", "hs_code": code, "partner": partner,
            "value_usd": float(value)}


def values(table):
    return {(r["hs_code"], r["partner"]): r["value_usd"] for r in table.to_pylist()}


def test_hsk10_inside_hs6_and_partners_inside_world():
    table = lines_table([
        row("8542", "WORLD", 1000), row("854232", "WORLD", 700),
        row("8542321010", "WORLD", 400), row("8542", "CN", 600),
        row("8542321010", "CN", 300),
    ])
    refined = refine_overlaps(table)
    got = values(refined.table)
    assert got == {("8542", "WORLD"): 1000 - 700 - (600 - 300),
                   ("854232", "WORLD"): 700 - 400,
                   ("8542321010", "WORLD"): 400 - 300,
                   ("8542", "CN"): 300, ("8542321010", "CN"): 300}
    assert sum(got.values()) == 1000  # the world total is counted once
    assert refined.clamped == 0


def test_disagreeing_sources_are_clamped_and_reported():
    refined = refine_overlaps(lines_table([row("8542", "WORLD", 100),
                                           row("8542321010", "WORLD", 150)]))
    assert values(refined.table)[("8542", "WORLD")] == 0.0
    assert refined.clamped == 1 and refined.clamped_usd == 50.0


def test_partners_at_a_coarser_code_than_the_world_detail():
    # The world is given by HS6; partners only at HS4: the world's HS6 lines give way in
    # proportion, so totals stay right.
    table = lines_table([
        row("8542", "WORLD", 1000), row("854231", "WORLD", 400), row("854232", "WORLD", 600),
        row("8542", "CN", 500),
    ])
    got = values(refine_overlaps(table).table)
    assert sum(got.values()) == 1000
    assert got[("8542", "CN")] == 500
    assert got[("854231", "WORLD")] == 200 and got[("854232", "WORLD")] == 300
