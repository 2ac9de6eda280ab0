"""The Korean release: the same statements as the English one, phrased in Korean."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from release_data import MONTH, fill

from ictrade.errors import UsageError
from ictrade.numbers import matches
from ictrade.release import en, ko
from ictrade.release.claims import extract
from ictrade.release.compose import compose_short
from ictrade.release.facts_view import FactsView
from ictrade.release.lang import phrasebook, render
from ictrade.release.markdown import long_markdown, short_markdown
from ictrade.release.statement import KINDS
from ictrade.stats.facts import build_facts
from ictrade.store.store import open_store


@pytest.fixture(scope="module")
def facts():  # type: ignore[no-untyped-def]
    with open_store(":memory:") as s:
        yield build_facts(fill(s), MONTH)


def test_every_statement_kind_has_both_phrasings():
    for kind in KINDS:
        assert callable(en.PHRASES[kind]) and callable(ko.PHRASES[kind])


def test_same_statements_in_both_languages(facts):
    paragraphs = compose_short(facts)
    month = FactsView(facts).month
    for lang in ("en", "ko"):
        body = short_markdown(facts, lang).rstrip("\n").split("\n\n")[1:]
        assert body == [" ".join(render(s, month, lang) for s in p) for p in paragraphs]


def test_korean_lead_prints_the_facts(facts):
    view = FactsView(facts)
    value, yoy = view.usd("export", "total"), view.yoy("export", "total")
    lead = short_markdown(facts, "ko").split("\n\n")[1]
    assert lead.startswith(f"{MONTH.month}월 ICT 수출은 {ko.format_usd(value.value)}로")
    assert f"전년 동월 대비 {ko.format_pct(yoy.value)} " in lead
    assert "개월 연속" in lead


def test_korean_long_version_has_korean_tables(facts):
    text = long_markdown(facts, "ko")
    assert "## 품목별 수출(전체 지역)" in text and "| 품목 | 백만 달러 |" in text
    assert "누계" in text


@pytest.mark.parametrize(
    ("usd", "text"),
    [
        (16.6e9, "166.0억 달러"),
        (16.55e9, "165.5억 달러"),
        (328e6, "3.3억 달러"),
        (1e8, "1.0억 달러"),
        (99.4e6, "1.0억 달러"),
        (94.9e6, "95백만 달러"),
        (86e6, "86백만 달러"),
    ],
)
def test_korean_money(usd, text):
    assert ko.format_usd(usd) == text


@given(st.floats(min_value=1e6, max_value=5e11))
def test_korean_money_reads_back_within_its_precision(usd):
    claim = extract(f"ICT 수출은 {ko.format_usd(usd)}로 증가했다.")[0]
    assert matches(claim.printed, usd / claim.unit, claim.step)


def test_unknown_language():
    with pytest.raises(UsageError, match="languages are: en, ko"):
        phrasebook("fr")
