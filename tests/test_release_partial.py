"""Releases of stores that hold part of the picture: exports only, the world only, a few items,
one year. The text states what the data hold and says once what they lack; tables the data
cannot fill say "no data" in every format."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from release_data import CODES, PARTNERS, rows

from ictrade.classify.partners import WORLD
from ictrade.errors import NoDataError
from ictrade.months import Month
from ictrade.release.markdown import long_markdown, short_markdown
from ictrade.release.page import render_html
from ictrade.release.xlsx import write_workbook
from ictrade.stats.facts import build_facts
from ictrade.store.ingest import ingest_table
from ictrade.store.store import open_store

from conftest import lines_table

LANGS = ("en", "ko")


def world_exports(codes: set[str] | None = None, since: str = "2017-01") -> list[dict[str, object]]:
    """The synthetic exports summed over partners into WORLD lines (as an HS6 world file)."""
    sums: dict[tuple[str, str], float] = defaultdict(float)
    for r in rows():
        wanted = codes is None or r["hs_code"] in codes
        if r["flow"] == "export" and wanted and str(r["month"]) >= since:
            sums[(str(r["month"]), str(r["hs_code"]))] += float(str(r["value_usd"]))
    return [
        {"month": m, "flow": "export", "hs_code": c, "partner": WORLD, "value_usd": round(v, 2)}
        for (m, c), v in sums.items()
    ]


def facts_of(lines: list[dict[str, object]], month: str) -> dict[str, object]:
    with open_store(":memory:") as store:
        ingest_table(store, lines_table(lines), origin="world.csv")
        return build_facts(store, Month.parse(month))


@pytest.fixture(scope="module")
def exports_only():  # type: ignore[no-untyped-def]
    return facts_of(world_exports(), "2020-11")


@pytest.fixture(scope="module")
def partial():  # type: ignore[no-untyped-def]
    return facts_of(world_exports({"8542321010", "8529906022", "8529906023"}), "2020-11")


@pytest.fixture(scope="module")
def one_year():  # type: ignore[no-untyped-def]
    return facts_of(world_exports(since="2020-01"), "2020-11")


@pytest.fixture(scope="module")
def january():  # type: ignore[no-untyped-def]
    return facts_of(world_exports(), "2020-01")


IMPORT_OR_REGION = {
    "en": re.compile(r"[Ii]mports? |trade (surplus|deficit)|exports to |By region"),
    "ko": re.compile(
        r"수입은|무역수지는|흑자|적자|지역별로는|(중국|베트남|미국|일본|EU)[^ ]* 수출은"
    ),
}
MISSING = {
    "en": "These data hold no ICT imports (so no trade balance) and no partner countries "
    "(so no figures by region).",
    "ko": "이 자료에는 ICT 수입 및 상대국별 수출 실적이 없어 수입·무역수지 및 지역별 수치는 "
    "싣지 않았다.",
}


def body(text: str) -> str:
    """The release's sentences: no headings, tables or lists."""
    keep = [b for b in text.split("\n\n") if not b.startswith(("#", "|", "- ", "*"))]
    return "\n\n".join(keep)


def well_formed(text: str, lang: str) -> None:
    """Sentence forms seen wrong on real data, in any release."""
    assert "$0 million" not in text and "(0백만" not in text and " 0백만" not in text
    assert not re.search(r"Of these, [^.]*\)\.", text)  # a list with no verb
    assert not re.search(r"From (\w+ \d{4}) to \1\b", text)
    assert "compare 2 periods" not in text and ")(" not in text and ") (" not in text
    if lang == "ko":
        sentences = body(text).replace(":memory:", "")  # the store's name
        assert not re.search(r"[:;]", sentences), sentences


@pytest.mark.parametrize("lang", LANGS)
def test_exports_only_world_only_states_only_what_it_holds(exports_only, lang):
    for text in (short_markdown(exports_only, lang), long_markdown(exports_only, lang)):
        sentences = body(text)
        assert sentences.count(MISSING[lang]) == 1
        others = sentences.replace(MISSING[lang], "")
        assert not IMPORT_OR_REGION[lang].search(others), others
        well_formed(text, lang)


def test_exports_only_facts_hold_no_import_balance_or_region_cells(exports_only):
    kinds = {(c["flow"], c["region"]) for c in exports_only["cells"]}
    assert kinds == {("export", "world")}
    assert {y["flow"] for y in exports_only["ytd"]} == {"export"}


@pytest.mark.parametrize("lang", LANGS)
def test_tables_without_lines_say_no_data(exports_only, tmp_path, lang):
    page = render_html(exports_only, None, lang)
    no_data = "no data" if lang == "en" else "자료 없음"
    for key in ("imports_by_item", "exports_by_region", "import_item_region_value", "balance"):
        section = re.search(rf'data-table="{key}">(.*?)</section>', page, re.S)
        assert section and no_data in section.group(1), key
    assert 'data-table="exports_by_item"' in page and "<table" in page
    book = load_workbook(write_workbook(exports_only, tmp_path / "t.xlsx", lang))
    assert no_data in str(book["imports by item"]["A5"].value)
    assert book["exports by item"]["B5"].value == pytest.approx(
        exports_only["cells"][0]["value_usd"] / 1e6
    )
    markdown = long_markdown(exports_only, lang)
    assert markdown.count(no_data) == 4 and "| 0 |" not in markdown


@pytest.mark.parametrize("lang", LANGS)
def test_partial_items_say_which_majors_they_hold(partial, lang):
    text = short_markdown(partial, lang)
    well_formed(text, lang)
    if lang == "en":
        assert "of the major items the data cover only semiconductors and displays" in text
        assert "mobile phones" not in text
    else:
        assert "주요 품목 중 반도체·디스플레이만 포함한다" in text


@pytest.mark.parametrize("lang", LANGS)
def test_one_year_of_data_states_levels_with_verbs(one_year, lang):
    text = long_markdown(one_year, lang)
    well_formed(text, lang)
    if lang == "en":
        assert "Memory chips accounted for $" in text and "percent" not in body(text)
    else:
        assert "세부 품목별로는 메모리반도체 " in text and "%" not in body(text)


@pytest.mark.parametrize("lang", LANGS)
def test_january_has_no_one_month_year_to_date_sentence(january, lang):
    text = long_markdown(january, lang)
    well_formed(text, lang)
    assert "From January 2020" not in text and "2020년 1월~2020년 1월" not in text
    assert ("Exports, January 2020: USD" if lang == "en" else "수출 누계(2020년 1월)") in text


def test_a_store_without_exports_gets_a_clear_error_not_an_empty_release():
    lines = [r for r in rows() if r["flow"] == "import" and str(r["month"]) >= "2020-01"]
    facts = facts_of(lines, "2020-11")
    with pytest.raises(NoDataError, match="hold no ICT exports"):
        short_markdown(facts)


@settings(max_examples=12)
@given(
    codes=st.sets(st.sampled_from(sorted(CODES)), min_size=1),
    partners=st.sets(st.sampled_from([*PARTNERS, WORLD]), min_size=1),
    imports=st.booleans(),
    since=st.sampled_from(["2017-01", "2019-06", "2020-01", "2020-11"]),
    month=st.sampled_from(["2020-01", "2020-06", "2020-11"]),
)
def test_any_part_of_the_data_reads_well(codes, partners, imports, since, month):
    """Whatever part of the data a store holds, each language states it in well-formed
    sentences, and never an import, balance or region it does not hold."""
    lines = [
        {**r, "partner": WORLD if r["partner"] not in partners else r["partner"]}
        for r in rows()
        if r["hs_code"] in codes and (imports or r["flow"] == "export") and r["month"] >= since
    ]
    if month < since:
        return
    totals: dict[tuple[object, ...], float] = defaultdict(float)
    for r in lines:  # partners folded into WORLD sum to one line
        totals[(r["month"], r["flow"], r["hs_code"], r["partner"])] += float(str(r["value_usd"]))
    keys = ("month", "flow", "hs_code", "partner")
    merged = [{**dict(zip(keys, k, strict=True)), "value_usd": v} for k, v in totals.items()]
    facts = facts_of(merged, month)
    for lang in LANGS:
        text = long_markdown(facts, lang)
        well_formed(text, lang)
        # what is left out, said once, is not a statement of it
        sentences = re.sub(
            r"(These data hold|이 자료에는)[^.]*\.", "", body(short_markdown(facts, lang))
        )
        if not imports:
            trade = r"[Ii]mports? of|trade (surplus|deficit)|수입은|무역수지는"
            assert not re.search(trade, sentences)
        if partners == {WORLD}:
            assert not re.search(r"exports to |지역별로는", sentences)


def test_some_items_without_their_total_are_facts_but_no_release():
    """kcs-sample holds DRAM, NAND and MCP series past the months it holds every code: the facts
    give those items (no zero total above them), the release says why it cannot be written."""
    with open_store(dataset="kcs-sample") as store:
        facts = build_facts(store, Month(2026, 3))
    world = {c["item"] for c in facts["cells"] if c["region"] == "world"}
    assert world == {"dram", "nand", "mcp"}
    with pytest.raises(NoDataError, match=r"some items only \(DRAM, NAND flash"):
        short_markdown(facts, "ko")
