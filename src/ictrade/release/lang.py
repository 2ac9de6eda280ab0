"""The languages a release is written in: one phrasing module per language, one set of labels.

``compose`` chooses the statements once; ``render(statement, month, lang)`` phrases them.
"""

from __future__ import annotations

from types import ModuleType

from ..errors import UsageError
from ..months import Month
from . import en, ko
from .statement import Phrase, Statement

LANGS: dict[str, ModuleType] = {"en": en, "ko": ko}
PHRASES: dict[str, dict[str, Phrase]] = {"en": en.PHRASES, "ko": ko.PHRASES}

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "total": "ICT total",
        "item": "Item",
        "region": "Region",
        "usd_million": "USD million",
        "yoy": "YoY %",
        "share": "Share %",
        "share_world": "Share of ICT exports %",
        "contribution": "Contribution to the growth of the item above, pp",
        "no_data": "no data: the figures hold nothing for this table",
        "ytd": "Year to date",
        "highlights": "Highlights",
        "as_of": "data as of",
        "exports": "Exports",
        "imports": "Imports",
        "balance": "Trade balance",
        "exports_by_item": "Exports by item (world)",
        "imports_by_item": "Imports by item (world)",
        "exports_by_region": "Exports by region",
        "imports_by_region": "Imports by region",
        "tables": "Tables",
        "month": "Month",
        "exports_item_region": "Exports by item and region (USD million, YoY %)",
        "imports_item_region": "Imports by item and region (USD million, YoY %)",
        "about": "About these figures",
        "notes": "Notes from the editor",
        "note": "Note from the editor",
        "charts": "Charts",
        "chart_trend": "ICT exports (USD billion) and year-on-year growth (%), last 25 months",
        "chart_contrib": "Contributions of items to export growth (percentage points)",
        "chart_regions": "ICT exports by region (USD billion)",
        "usd_chart": "USD billion",
        "pp": " pp",
        "contrib_axis": "Percentage points of ICT export growth",
    },
    "ko": {
        "total": "ICT 전체",
        "item": "품목",
        "region": "지역",
        "usd_million": "백만 달러",
        "yoy": "증감률(%)",
        "share": "비중(%)",
        "share_world": "ICT 수출 비중(%)",
        "contribution": "상위 품목 증가율 기여도(%p)",
        "no_data": "자료 없음(이 표에 해당하는 자료가 없다)",
        "ytd": "연간 누계",
        "highlights": "주요 내용",
        "as_of": "자료 기준일",
        "exports": "수출",
        "imports": "수입",
        "balance": "무역수지",
        "exports_by_item": "품목별 수출(전체 지역)",
        "imports_by_item": "품목별 수입(전체 지역)",
        "exports_by_region": "지역별 수출",
        "imports_by_region": "지역별 수입",
        "tables": "통계표",
        "month": "월",
        "exports_item_region": "품목·지역별 수출(백만 달러, 증감률 %)",
        "imports_item_region": "품목·지역별 수입(백만 달러, 증감률 %)",
        "about": "자료 설명",
        "notes": "편집자 주",
        "note": "편집자 주",
        "charts": "차트",
        "chart_trend": "ICT 수출(억 달러)과 전년 동월 대비 증감률(%), 최근 25개월",
        "chart_contrib": "품목별 수출 증가 기여도(%p)",
        "chart_regions": "지역별 ICT 수출(억 달러)",
        "usd_chart": "억 달러",
        "pp": "%p",
        "contrib_axis": "ICT 수출 증가율 기여도(%p)",
    },
}


def phrasebook(lang: str) -> ModuleType:
    if lang not in LANGS:
        raise UsageError(f"unknown language '{lang}'; languages are: {', '.join(LANGS)}")
    return LANGS[lang]


def phrase(lang: str, kind: str) -> Phrase:
    """The function of language ``lang`` that says a statement of ``kind``."""
    phrasebook(lang)  # an unknown language is a usage error
    return PHRASES[lang][kind]


def render(statement: Statement, month: Month, lang: str = "en") -> str:
    """One statement phrased in ``lang``."""
    return phrase(lang, statement.kind)(statement, month)


def label(lang: str, key: str) -> str:
    return LABELS[lang][key]
