"""Sentence and table forms seen wrong on releases of the real customs files."""

from __future__ import annotations

from ictrade.months import Month
from ictrade.release.facts_view import FactsView
from ictrade.release.lang import label, render
from ictrade.release.markdown import item_region_table
from ictrade.release.statement import Statement


def test_korean_thresholds_are_round_numbers_of_eok():
    args = {"months": 2, "threshold_usd": 25e9, "region": "world", "since": "2025-12"}
    text = render(Statement("threshold", "total", args=args), Month(2026, 1), "ko")
    assert "250억 달러를 넘어섰다" in text and "250.0억" not in text
    args["threshold_usd"] = 1e9
    text = render(Statement("threshold", "semiconductors", args=args), Month(2026, 1), "ko")
    assert "10억 달러를 넘어섰다" in text


def _cell(region: str, value: float, yoy: float | None) -> dict[str, object]:
    return {
        "flow": "export", "item": "total", "region": region, "value_usd": value,
        "prev_year_value_usd": None, "yoy_pct": yoy, "share_pct": None,
        "share_of_world_pct": None, "contribution_pp": None, "estimated_pct": None,
    }


def test_a_cell_without_growth_shows_its_value_alone_in_the_item_region_table():
    facts = {
        "month": "2026-01",
        "cells": [_cell("world", 27.642e9, 83.6), _cell("china_incl_hk", 8.287e9, None)],
        "ytd": [],
    }
    for lang in ("en", "ko"):
        table = item_region_table(FactsView(facts), "export", lang)  # type: ignore[arg-type]
        assert "27,642 (+83.6)" in table
        assert "8,287 |" in table and "()" not in table


def test_tables_without_figures_do_not_say_the_store_holds_no_lines():
    assert "store holds no lines" not in label("en", "no_data")


def test_an_item_region_table_without_cells_has_no_rows_of_blanks():
    from ictrade.release.tables import item_region

    facts = {"month": "2026-01", "cells": [_cell("world", 27.642e9, 83.6)], "ytd": []}
    for flow in ("export", "import"):  # exports of the world only; no imports at all
        table = item_region(FactsView(facts), flow, "value_usd", "en")  # type: ignore[arg-type]
        assert table.rows == [] and table.empty
