"""The standard tables of a release, as unrounded numbers from the facts document.

HTML prints them rounded as the text rounds; the workbook stores them unrounded with number
formats, so a user's sums are exact.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..classify import regions, taxonomy
from ..stats.facts_doc import Facts
from .facts_view import FactsView, number
from .lang import label, phrasebook

# Column kinds: 'usd_m' (USD million), 'pct' (growth, percent), 'share' (percent of a
# total), 'pp' (percentage points).


@dataclass(frozen=True)
class Column:
    label: str
    kind: str


@dataclass(frozen=True)
class Row:
    label: str
    depth: int
    values: list[float | None]
    key: str = ""  # the item or region id


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[Row] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """No figure to show: every renderer prints 'no data' instead of a table of blanks."""
        return not any(v is not None for row in self.rows for v in row.values)


def _m(value: float | None) -> float | None:
    return None if value is None else value / 1e6


def _name(lang: str, item: str) -> str:
    return label(lang, "total") if item == "total" else str(phrasebook(lang).item_name(item))


def by_item(view: FactsView, flow: str, lang: str) -> Table:
    key = "exports_by_item" if flow == "export" else "imports_by_item"
    cols = [
        Column(label(lang, k), kind)
        for k, kind in (
            ("usd_million", "usd_m"),
            ("yoy", "pct"),
            ("share", "share"),
            ("contribution", "pp"),
        )
    ]
    table = Table(key, label(lang, key), cols)
    for item in taxonomy().items:
        cell = view.cell(flow, item.id, "world")
        if cell is None:
            continue
        depth = len(taxonomy().ancestors(item.id)) - 1
        values = [
            _m(cell["value_usd"]),
            cell["yoy_pct"],
            cell["share_pct"],
            cell["contribution_pp"],
        ]
        table.rows.append(Row(_name(lang, item.id), depth, values, item.id))
    return table


def by_region(view: FactsView, flow: str, lang: str) -> Table:
    key = "exports_by_region" if flow == "export" else "imports_by_region"
    cols = [
        Column(label(lang, "usd_million"), "usd_m"),
        Column(label(lang, "yoy"), "pct"),
        Column(label(lang, "share"), "share"),
    ]
    table = Table(key, label(lang, key), cols)
    for region in regions().regions:
        cell = view.cell(flow, "total", region.id)
        if cell is None:
            continue
        values = [_m(cell["value_usd"]), cell["yoy_pct"], cell["share_of_world_pct"]]
        depth = 0 if region.id == "world" else 1
        table.rows.append(Row(phrasebook(lang).region_name(region.id), depth, values, region.id))
    if all(row.key == "world" for row in table.rows):  # no partner lines: no regions to show
        table.rows = []
    return table


def item_region(view: FactsView, flow: str, measure: str, lang: str) -> Table:
    """Major items (and the total) by world and major regions: values or growth."""
    region_ids = [r for r in ["world", *regions().majors()] if view.cell(flow, "total", r)]
    if region_ids == ["world"]:  # no partner lines: the world column repeats by_item
        region_ids = []
    kind = "usd_m" if measure == "value_usd" else "pct"
    flow_word = label(lang, "exports" if flow == "export" else "imports")
    unit = label(lang, "usd_million" if kind == "usd_m" else "yoy")
    key = f"{flow}_item_region_{'value' if kind == 'usd_m' else 'yoy'}"
    cols = [Column(str(phrasebook(lang).region_name(r)), kind) for r in region_ids]
    table = Table(
        key, f"{flow_word}: {label(lang, 'item')} x {label(lang, 'region')} ({unit})", cols
    )
    for item in ["total", *taxonomy().majors()] if region_ids else []:  # else: "no data"
        values: list[float | None] = []
        for region in region_ids:
            raw = number(view.cell(flow, item, region), measure)
            values.append(_m(raw) if kind == "usd_m" else raw)
        table.rows.append(Row(_name(lang, item), 0 if item == "total" else 1, values, item))
    return table


def balance(view: FactsView, lang: str) -> Table:
    cols = [Column(label(lang, k), "usd_m") for k in ("exports", "imports", "balance")]
    table = Table("balance", f"{label(lang, 'balance')} ({label(lang, 'usd_million')})", cols)
    both = view.cell("balance", "total") is not None  # a balance needs both flows
    for item in ["total", *taxonomy().majors()] if both else []:
        values = [
            _m(number(view.cell(f, item), "value_usd")) for f in ("export", "import", "balance")
        ]
        if any(v is not None for v in values):
            table.rows.append(Row(_name(lang, item), 0 if item == "total" else 1, values, item))
    return table


def year_to_date(view: FactsView, lang: str) -> Table:
    # the flows the data hold (a store of exports only has no import columns)
    flows = [f for f in ("export", "import") if view.ytd(f, "total")] or ["export", "import"]
    cols = [
        Column(f"{label(lang, f + 's')} {label(lang, k)}", kind)
        for f in flows
        for k, kind in (("usd_million", "usd_m"), ("yoy", "pct"))
    ]
    first = next(iter(view.facts["ytd"]), None)
    span = ""
    if first:
        span = f" ({phrasebook(lang).span_name(first['from'], first['to'])})"
    table = Table("ytd", label(lang, "ytd") + span, cols)
    for item in ["total", *taxonomy().majors()]:
        values: list[float | None] = []
        for flow in flows:
            ytd = view.ytd(flow, item)
            values += [_m(number(ytd, "value_usd")), number(ytd, "yoy_pct")]
        if any(v is not None for v in values):
            table.rows.append(Row(_name(lang, item), 0 if item == "total" else 1, values, item))
    return table


def standard_tables(facts: Facts, lang: str = "en") -> list[Table]:
    """Every table a release publishes, in order."""
    view = FactsView(facts)
    return [
        by_item(view, "export", lang),
        by_item(view, "import", lang),
        by_region(view, "export", lang),
        by_region(view, "import", lang),
        item_region(view, "export", "value_usd", lang),
        item_region(view, "export", "yoy_pct", lang),
        item_region(view, "import", "value_usd", lang),
        item_region(view, "import", "yoy_pct", lang),
        balance(view, lang),
        year_to_date(view, lang),
    ]
