"""Which statements a release makes, chosen by the facts; the same for every language.

A release is a list of paragraphs, each a list of ``Statement``s. A statement names what it
says (its ``kind``) and carries the ``Figure``s it prints, taken from the facts document; the
language modules (``en``, ``ko``) only phrase them.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from ..classify import regions, taxonomy
from ..errors import NoDataError
from ..stats.facts_doc import Coverage, Facts
from .facts_view import FactsView, Figure
from .statement import Paragraph, Statement, direction


def outline() -> dict[str, Any]:
    text = resources.files("ictrade").joinpath("release", "outline.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _level(view: FactsView, item: str, region: str = "world") -> dict[str, Figure]:
    figures: dict[str, Figure] = {}
    value, yoy = view.usd("export", item, region), view.yoy("export", item, region)
    if value is not None:
        figures["value"] = value
    if yoy is not None:
        figures["yoy"] = yoy
    return figures


def lead(view: FactsView) -> Paragraph:
    figures = _level(view, "total")
    if not printable(figures.get("value")):  # imports only, or some items without the total
        items = [
            taxonomy().by_id[c["item"]].name_en
            for c in view.facts["cells"]
            if (c["flow"], c["region"]) == ("export", "world")
        ]
        held = f"exports of some items only ({', '.join(items)})" if items else "no ICT exports"
        raise NoDataError(
            f"the data hold {held} for {view.month}, and a release states ICT exports as a "
            "whole; see what there is with --format json"
        )
    out = [Statement("lead", "total", figures, {"reporter": view.facts.get("reporter", "KR")})]
    out += trend_statements(view, "export", "total", "world", long_streaks_only=False)
    out += record_statements(view, "export", "total", "world")
    missing = missing_data(view.facts["data"]["coverage"])
    if missing:
        out.append(Statement("coverage", "total", args=missing))
    estimated = estimated_items(view)
    if estimated:
        out.append(Statement("estimated", "total", args={"items": estimated}))
    return out


# A figure whose item rests this much on estimated shares says so (facts: estimated_pct).
ESTIMATED_MATERIAL_PCT = 5.0


def estimated_items(view: FactsView) -> list[str]:
    """The total and major items whose export value rests materially on estimated splits of
    coarsely reported codes."""
    out = []
    for item in ["total", *taxonomy().majors()]:
        cell = view.cell("export", item)
        pct = cell.get("estimated_pct") if cell else None
        if pct is not None and pct >= ESTIMATED_MATERIAL_PCT:
            out.append(item)
    return out


def missing_data(covered: Coverage) -> dict[str, Any]:
    """What the month's data lack, for the one sentence that says so (empty: nothing)."""
    if not covered["partial"]:
        return {}
    flows, shares = covered["flows"], covered["partner_share_pct"]
    share = shares.get("export")
    majors = taxonomy().majors()
    items = covered["major_items"]
    partial_imports = "import" in covered.get("partial_flows", [])
    missing = {
        "no_imports": "import" not in flows and not partial_imports,
        "partial_imports": partial_imports,
        "no_regions": share is not None and share <= 0,
        "partner_share": share if share is not None and 0 < share < 99.95 else None,
        "major_items": items if len(items) < len(majors) else None,
    }
    return missing if any(missing.values()) else {}


def printable(figure: Figure | None) -> bool:
    """A value the text can state: one that does not round to $0 million."""
    return figure is not None and abs(figure.value) >= 0.5e6


def trend_statements(
    view: FactsView, flow: str, item: str, region: str, *, long_streaks_only: bool
) -> list[Statement]:
    """A turn ('first growth in four months') or a streak ('6th consecutive month')."""
    turn = view.turn(flow, item, region)
    if turn is not None:
        return [
            Statement(
                "turn",
                item,
                args={
                    "kind": turn["kind"],
                    "region": region,
                    "months": turn["previous_months"] + 1,
                },
            )
        ]
    out = []
    minimum = 6 if long_streaks_only else 2
    for streak in view.streaks(flow, item, region):
        if streak["kind"] in ("yoy_growth", "yoy_decline") and streak["months"] >= minimum:
            out.append(Statement("streak", item, args={**streak}))
    double = [
        s
        for s in view.streaks(flow, item, region)
        if s["kind"] == "yoy_double_digit_growth" and s["months"] >= 3
    ]
    if double and not long_streaks_only:
        out.append(Statement("streak", item, args={**double[0]}))
    return out


def record_statements(view: FactsView, flow: str, item: str, region: str) -> list[Statement]:
    """Highs worth saying: rank 1-3 ever, or a record for the calendar month."""
    need = outline()["min_history_months_for_records"]
    out = []
    for record in view.records(flow, item, region):
        if record["scope"] != "month" or not record["kind"].endswith("_high"):
            continue
        enough = record["periods_compared"] >= (
            need if record["kind"] == "all_time_high" else need // 12
        )
        if enough and (record["kind"] == "all_time_high" or record["rank"] == 1):
            first = record.get("compared_from", str(view.first_month))
            args = {**record, "first_month": first, "comparable": "compared_from" in record}
            out.append(Statement("record", item, args=args))
    return out[:1]


def trade(view: FactsView) -> Paragraph:
    imports, balance = view.usd("import", "total"), view.usd("balance", "total")
    if imports is None or balance is None:
        return []
    return [Statement("imports_balance", "total", {"imports": imports, "balance": balance})]


def summary(view: FactsView, ids: list[str], *, by_region: bool) -> Statement | None:
    """'All major items grew' / '... except for X' when at most two differ from the rest."""
    moves = {}
    for i in ids:
        yoy = view.yoy("export", "total", i) if by_region else view.yoy("export", i)
        moves[i] = direction(yoy)
    if "none" in moves.values() or len(moves) < 3:
        return None
    ups = [i for i, d in moves.items() if d == "up"]
    downs = [i for i, d in moves.items() if d == "down"]
    majority, others = ("up", downs) if len(ups) >= len(downs) else ("down", ups)
    others = [i for i in ids if moves[i] != majority]
    if len(others) > 2:
        return None
    return Statement(
        "regions_summary" if by_region else "items_summary",
        args={"direction": majority, "except": others},
    )


def item_paragraph(view: FactsView, item: str, position: int) -> Paragraph:
    figures = _level(view, item)
    if not printable(figures.get("value")):
        return []
    out = [Statement("item", item, figures, {"position": position})]
    spec = outline()["items"].get(item, {})
    pair = [c for c in spec.get("pair", []) if printable(view.usd("export", c, "world"))]
    if len(pair) == 2:
        out.append(
            Statement(
                "pair",
                item,
                args={"children": [{"item": c, "figures": _level(view, c)} for c in pair]},
            )
        )
    for child in spec.get("driver", []):
        child_figures = _level(view, child)
        if (
            printable(child_figures.get("value"))
            and "yoy" in child_figures
            and direction(child_figures["yoy"]) == direction(figures.get("yoy"))
        ):
            out.append(Statement("driver", child, child_figures, {"parent": item}))
    turn = view.turn("export", item, "world")
    if turn is not None:
        out.append(
            Statement(
                "turn",
                item,
                args={
                    "kind": turn["kind"],
                    "region": "world",
                    "months": turn["previous_months"] + 1,
                },
            )
        )
    return out


def drivers(view: FactsView, region: str, sign: str) -> list[str]:
    """Major items whose change moved the region's exports most in its direction."""
    majors = taxonomy().majors()
    contributions = []
    for item in majors:
        cell = view.cell("export", item, region)
        prior = cell["prev_year_value_usd"] if cell else None
        if cell and cell["yoy_pct"] is not None and prior:
            change = cell["value_usd"] - prior
            if (change > 0) == (sign == "up") and change != 0:
                contributions.append((abs(change), item))
    contributions.sort(reverse=True)
    total = sum(c for c, _ in contributions)
    chosen = [i for c, i in contributions if total and c / total >= 0.15]
    return chosen[: outline()["max_drivers"]]


def region_paragraph(
    view: FactsView, region: str, position: int, majority: str | None
) -> Paragraph:
    figures = _level(view, "total", region)
    if not printable(figures.get("value")):
        return []
    move = direction(figures.get("yoy"))
    return [
        Statement(
            "region",
            region,
            figures,
            {
                "position": position,
                "drivers": drivers(view, region, move) if move in ("up", "down") else [],
                "contrast": majority is not None and move not in (majority, "flat", "none"),
            },
        )
    ]


def compose_short(facts: Facts) -> list[Paragraph]:
    """The short release: lead, trade balance, items, regions (RELEASE.md)."""
    view = FactsView(facts)
    paragraphs = [lead(view), trade(view)]
    majors = [i for i in taxonomy().majors() if view.cell("export", i, "world")]
    item_summary = summary(view, majors, by_region=False)
    if item_summary:
        paragraphs.append([item_summary])
    paragraphs += [item_paragraph(view, item, n) for n, item in enumerate(majors)]
    region_ids = [r for r in regions().majors() if view.cell("export", "total", r)]
    region_summary = summary(view, region_ids, by_region=True)
    if region_summary:
        paragraphs.append([region_summary])
    majority = region_summary.args["direction"] if region_summary else None
    paragraphs += [region_paragraph(view, r, n, majority) for n, r in enumerate(region_ids)]
    return [p for p in paragraphs if p]
