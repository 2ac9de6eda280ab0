"""The release as Markdown: the short text, and the long version with tables."""

from __future__ import annotations

from typing import Any

from ..classify import regions, taxonomy
from ..numbers import round_half_up
from . import en
from .compose import compose_short, highlights
from .facts_view import FactsView

SOURCE_NOTE = (
    "Figures from {store}, as of {as_of}; ICT goods under the '{scheme}' "
    "classification; values in US dollars (exports FOB, imports CIF)."
)


def short_markdown(facts: dict[str, Any]) -> str:
    view = FactsView(facts)
    paragraphs = compose_short(facts)
    title = en.headline(paragraphs[0][0].figures)
    body = [" ".join(en.render(s, view.month) for s in p) for p in paragraphs]
    return "\n\n".join([f"# {title}", *body]) + "\n"


def _millions(value: float | None) -> str:
    return "" if value is None else f"{round_half_up(value / 1e6, 1.0):,.0f}"


def _pct(value: float | None) -> str:
    return "" if value is None else f"{round_half_up(value, 0.1):+.1f}"


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def items_table(view: FactsView, flow: str, region: str = "world") -> str:
    rows = []
    for item in taxonomy().items:
        cell = view.cell(flow, item.id, region)
        if cell is None:
            continue
        depth = len(taxonomy().ancestors(item.id)) - 1
        rows.append(
            [
                "&nbsp;" * 2 * depth + en.item_name(item.id) if depth else "ICT total",
                _millions(cell["value_usd"]),
                _pct(cell["yoy_pct"]),
                _pct(cell["share_pct"]).lstrip("+"),
                _pct(cell["contribution_pp"]),
            ]
        )
    return _table(["Item", "USD million", "YoY %", "Share %", "Contribution pp"], rows)


def regions_table(view: FactsView, flow: str) -> str:
    rows = []
    for region in regions().regions:
        cell = view.cell(flow, "total", region.id)
        if cell is None:
            continue
        rows.append(
            [
                en.region_name(region.id),
                _millions(cell["value_usd"]),
                _pct(cell["yoy_pct"]),
                _pct(cell["share_pct"] and cell["share_of_world_pct"]).lstrip("+"),
            ]
        )
    return _table(["Region", "USD million", "YoY %", "Share of ICT exports %"], rows)


def item_region_table(view: FactsView, flow: str) -> str:
    region_ids = [r for r in ["world", *regions().majors()] if view.cell(flow, "total", r)]
    rows = []
    for item in ["total", *taxonomy().majors()]:
        row = [en.item_name(item) if item != "total" else "ICT total"]
        for region in region_ids:
            cell = view.cell(flow, item, region)
            row.append(f"{_millions(cell['value_usd'])} ({_pct(cell['yoy_pct'])})" if cell else "")
        rows.append(row)
    return _table(["Item \\ region", *[en.region_name(r) for r in region_ids]], rows)


def ytd_lines(view: FactsView) -> list[str]:
    out = []
    for flow, label in (("export", "Exports"), ("import", "Imports")):
        ytd = view.ytd(flow, "total")
        if ytd is None:
            continue
        change = "" if ytd["yoy_pct"] is None else f", {_pct(ytd['yoy_pct'])}% year on year"
        out.append(
            f"- {label}, {en.month_name(ytd['from'])} to {en.month_name(ytd['to'])}: "
            f"USD {_millions(ytd['value_usd'])} million{change}."
        )
    return out


def long_markdown(facts: dict[str, Any]) -> str:
    view = FactsView(facts)
    data = facts["data"]
    notes = " ".join(en.render(s, view.month) for s in highlights(facts))
    parts = [
        short_markdown(facts).rstrip(),
        "## Highlights",
        notes,
        "## Year to date",
        "\n".join(ytd_lines(view)),
    ]
    parts += [
        "## Exports by item (world)",
        items_table(view, "export"),
        "## Imports by item (world)",
        items_table(view, "import"),
        "## Exports by region",
        regions_table(view, "export"),
        "## Exports by item and region (USD million, YoY %)",
        item_region_table(view, "export"),
        "## Imports by item and region (USD million, YoY %)",
        item_region_table(view, "import"),
        "## About these figures",
        SOURCE_NOTE.format(
            store=data["store"], as_of=data["as_of"] or "the latest vintage", scheme=facts["scheme"]
        )
        + f" The data run from {en.month_name(data['first_month'])}; records and streaks "
        "reach no further back.",
    ]
    return "\n\n".join(p for p in parts if p) + "\n"
