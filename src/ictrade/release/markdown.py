"""The release as Markdown: the short text, and the long version with tables."""

from __future__ import annotations

from dataclasses import dataclass

from ..classify import regions, taxonomy
from ..numbers import round_half_up
from ..stats.facts_doc import Cell, Facts
from .compose import compose_short
from .facts_view import FactsView
from .highlights import highlights
from .lang import label, phrasebook, render
from .notes import GENERAL, Notes
from .statement import Paragraph

SOURCE_NOTE = {
    "en": "Figures from {store}, as of {as_of}; ICT goods under the '{scheme}' classification; "
    "values in US dollars ({valuation}).",
    "ko": "자료는 {store}({as_of} 기준)이며, ICT 품목은 '{scheme}' 분류를 따르고 금액은 미 달러"
    "({valuation})이다.",
}
DATA_RUN = {
    "en": "The data run from {first}; records and streaks reach no further back.",
    "ko": "자료는 {first}부터 있어 기록과 연속 기록도 그 이후만 따진다.",
}
# where earlier months hold other goods (a narrower file) than this one
COMPARED = {
    "en": "The data run from {first}, but only months from {compared} hold the same goods as "
    "this one; growth rates, records and streaks reach no further back.",
    "ko": "자료는 {first}부터 있으나 이 달과 같은 품목 구성의 자료는 {compared}부터여서 증감률, "
    "기록과 연속 기록도 그 이후만 따진다.",
}
VALUATION = {"export": "exports FOB", "import": "imports CIF"}
VALUATION_KO = {"export": "수출 FOB", "import": "수입 CIF"}


@dataclass(frozen=True)
class Block:
    kind: str  # 'p' (a paragraph of statements) or 'note' (the user's words)
    text: str


@dataclass(frozen=True)
class ReleaseText:
    title: str
    blocks: list[Block]


def _subjects(paragraph: Paragraph) -> list[str]:
    heads = ("lead", "item", "region")
    return [s.subject for s in paragraph if s.kind in heads and s.subject]


def release_text(facts: Facts, lang: str = "en", notes: Notes | None = None) -> ReleaseText:
    """The short text in ``lang``: title and paragraphs, with the user's notes after the
    paragraph on their subject (notes on subjects the text does not discuss come last)."""
    view, notes = FactsView(facts), notes or {}
    paragraphs = compose_short(facts)
    first = paragraphs[0][0]
    title = phrasebook(lang).headline(first.figures, first.args.get("reporter", "KR"))
    note_word, used = label(lang, "note"), set()
    blocks = []
    for p in paragraphs:
        blocks.append(Block("p", " ".join(render(s, view.month, lang) for s in p)))
        for subject in _subjects(p):
            used.add(subject)
            blocks += [Block("note", f"{note_word}: {t}") for t in notes.get(subject, [])]
    for subject in [*[s for s in notes if s not in used and s != GENERAL], GENERAL]:
        name = "" if subject in (GENERAL, "total") else f" ({_name(subject, lang)})"
        blocks += [Block("note", f"{note_word}{name}: {t}") for t in notes.get(subject, [])]
    return ReleaseText(title, blocks)


def _name(subject: str, lang: str) -> str:
    book = phrasebook(lang)
    name: str = (
        book.item_name(subject) if subject in taxonomy().by_id else book.region_name(subject)
    )
    return name


def short_markdown(facts: Facts, lang: str = "en", notes: Notes | None = None) -> str:
    text = release_text(facts, lang, notes)
    body = [b.text if b.kind == "p" else f"> {b.text}" for b in text.blocks]
    return "\n\n".join([f"# {text.title}", *body]) + "\n"


def _millions(value: float | None) -> str:
    return "" if value is None else f"{round_half_up(value / 1e6, 1.0):,.0f}"


def _pct(value: float | None) -> str:
    return "" if value is None else f"{round_half_up(value, 0.1):+.1f}"


def _table(header: list[str], rows: list[list[str]], lang: str) -> str:
    if not rows:
        return f"*{label(lang, 'no_data')}*"
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def items_table(view: FactsView, flow: str, region: str = "world", lang: str = "en") -> str:
    book, rows = phrasebook(lang), []
    for item in taxonomy().items:
        cell = view.cell(flow, item.id, region)
        if cell is None:
            continue
        depth = len(taxonomy().ancestors(item.id)) - 1
        rows.append(
            [
                "&nbsp;" * 2 * depth + book.item_name(item.id) if depth else label(lang, "total"),
                _millions(cell["value_usd"]),
                _pct(cell["yoy_pct"]),
                _pct(cell["share_pct"]).lstrip("+"),
                _pct(cell["contribution_pp"]),
            ]
        )
    keys = ("item", "usd_million", "yoy", "share", "contribution")
    return _table([label(lang, k) for k in keys], rows, lang)


def regions_table(view: FactsView, flow: str, lang: str = "en") -> str:
    rows = []
    for region in regions().regions:
        cell = view.cell(flow, "total", region.id)
        if cell is None:
            continue
        rows.append(
            [
                phrasebook(lang).region_name(region.id),
                _millions(cell["value_usd"]),
                _pct(cell["yoy_pct"]),
                _pct(cell["share_pct"] and cell["share_of_world_pct"]).lstrip("+"),
            ]
        )
    if all(row[0] == phrasebook(lang).region_name("world") for row in rows):
        rows = []  # no partner lines: no regions to show
    keys = ("region", "usd_million", "yoy", "share_world")
    return _table([label(lang, k) for k in keys], rows, lang)


def _value_and_growth(cell: Cell) -> str:
    """'8,287 (+12.3)', or the value alone where the year before does not compare."""
    value = _millions(cell["value_usd"])
    return value if cell["yoy_pct"] is None else f"{value} ({_pct(cell['yoy_pct'])})"


def item_region_table(view: FactsView, flow: str, lang: str = "en") -> str:
    book = phrasebook(lang)
    region_ids = [r for r in ["world", *regions().majors()] if view.cell(flow, "total", r)]
    rows = []
    for item in ["total", *taxonomy().majors()] if region_ids[1:] else []:
        row = [book.item_name(item) if item != "total" else label(lang, "total")]
        for region in region_ids:
            cell = view.cell(flow, item, region)
            row.append(_value_and_growth(cell) if cell else "")
        rows.append(row)
    header = f"{label(lang, 'item')} \\ {label(lang, 'region')}"
    return _table([header, *[book.region_name(r) for r in region_ids]], rows, lang)


def ytd_lines(view: FactsView, lang: str = "en") -> list[str]:
    book, out = phrasebook(lang), []
    for flow, key in (("export", "exports"), ("import", "imports")):
        ytd = view.ytd(flow, "total")
        if ytd is None:
            continue
        span = book.span_name(ytd["from"], ytd["to"])
        if lang == "ko":
            change = "" if ytd["yoy_pct"] is None else f", 전년 동기 대비 {_pct(ytd['yoy_pct'])}%"
            out.append(
                f"- {label(lang, key)} 누계({span}) {_millions(ytd['value_usd'])}백만 달러{change}."
            )
            continue
        change = "" if ytd["yoy_pct"] is None else f", {_pct(ytd['yoy_pct'])}% year on year"
        out.append(
            f"- {label(lang, key)}, {span}: USD {_millions(ytd['value_usd'])} million{change}."
        )
    return out


def source_note(facts: Facts, lang: str = "en") -> str:
    data = facts["data"]
    flows = data["coverage"].get("flows") or list(VALUATION)
    valuation = (VALUATION_KO if lang == "ko" else VALUATION).values()
    latest = "최신 자료" if lang == "ko" else "the latest vintage"
    note = SOURCE_NOTE[lang].format(
        store=data["store"],
        as_of=data["as_of"] or latest,
        scheme=facts["scheme"],
        valuation=", ".join(v for f, v in zip(VALUATION, valuation, strict=True) if f in flows),
    )
    first, compared = data["first_month"], data["coverage"].get("compared_from")
    run = DATA_RUN if not compared or compared == first else COMPARED
    note += " " + run[lang].format(
        first=phrasebook(lang).month_name(first),
        compared=phrasebook(lang).month_name(compared or first),
    )
    return note + (f" {data['description']}" if data.get("description") else "")


def long_markdown(facts: Facts, lang: str = "en", notes: Notes | None = None) -> str:
    view = FactsView(facts)
    parts = [
        short_markdown(facts, lang, notes).rstrip(),
        f"## {label(lang, 'highlights')}",
        " ".join(render(s, view.month, lang) for s in highlights(facts)),
        f"## {label(lang, 'ytd')}",
        "\n".join(ytd_lines(view, lang)),
    ]
    for key, table in (
        ("exports_by_item", items_table(view, "export", lang=lang)),
        ("imports_by_item", items_table(view, "import", lang=lang)),
        ("exports_by_region", regions_table(view, "export", lang)),
        ("exports_item_region", item_region_table(view, "export", lang)),
        ("imports_item_region", item_region_table(view, "import", lang)),
    ):
        parts += [f"## {label(lang, key)}", table]
    parts += [f"## {label(lang, 'about')}", source_note(facts, lang)]
    return "\n\n".join(p for p in parts if p) + "\n"
