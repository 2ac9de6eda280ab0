"""Korean words for figures, items, regions and months, used by the phrases (``ko``) and
by the tables and headings (through ``lang.phrasebook``), in the register of the ministry's
releases.

Money: from 1억 달러 ($100 million, as rounded) up, 억 달러 with one decimal ("166.0억 달러" for
$16.60 billion, "3.3억 달러" for $328 million); below that, whole 백만 달러 ("86백만 달러"),
the unit of the ministry's tables. Percentages: one decimal with the direction word after them
("15.8% 증가"), or signed inside parentheses ("+7.3%").
"""

from __future__ import annotations

from ..classify import regions, taxonomy
from ..months import Month
from ..numbers import round_half_up
from .facts_view import Figure
from .statement import direction

EOK = 1e8  # 억: a hundred million


def format_usd(value_usd: float) -> str:
    """'166.0억 달러' from 1억 달러 up (precision 0.1억), else '86백만 달러'."""
    eok = round_half_up(value_usd / EOK, 0.1)
    if abs(eok) >= 1.0:
        return f"{eok:,.1f}억 달러"
    return f"{round_half_up(value_usd / 1e6, 1.0):,.0f}백만 달러"


def format_pct(value: float) -> str:
    """'15.8%' (sign dropped: the word after it says the direction)."""
    return f"{abs(round_half_up(value, 0.1)):.1f}%"


def signed_pct(value: float) -> str:
    """'+7.3%' / '-13.8%' for parentheses."""
    return f"{round_half_up(value, 0.1):+.1f}%"


def item_name(item: str) -> str:
    return taxonomy().by_id[item].name_ko


def region_name(region: str) -> str:
    return regions().by_id[region].name_ko


def month_name(month: str | Month) -> str:
    m = month if isinstance(month, Month) else Month.parse(month)
    return f"{m.year}년 {m.month}월"


def join(words: list[str]) -> str:
    return "·".join(words)


def _move(yoy: Figure | None) -> str:
    return {"up": "증가", "down": "감소"}.get(direction(yoy), "보합")


def _said(figures: dict[str, Figure], forms: tuple[str, str, str]) -> str:
    """The figures in the form for no prior year, for flat, or for up or down (fields
    ``value``, ``pct``, ``signed``, ``move``)."""
    yoy, value = figures.get("yoy"), format_usd(figures["value"].value)
    if yoy is None:
        return forms[0].format(value=value)
    form = forms[1] if direction(yoy) == "flat" else forms[2]
    pct, signed = format_pct(yoy.value), signed_pct(yoy.value)
    return form.format(value=value, pct=pct, signed=signed, move=_move(yoy))


def change(figures: dict[str, Figure]) -> str:
    """'166.0억 달러로 15.8% 증가했다' / '10.0억 달러로 전년 동월 수준이었다'."""
    return _said(
        figures,
        (
            "{value}를 기록했다",
            "{value}로 전년 동월과 같은 수준이었다",
            "{value}로 전년 동월 대비 {pct} {move}했다",
        ),
    )


def brief(figures: dict[str, Figure]) -> str:
    """'(52.1억 달러, +7.3%)' for parentheses."""
    return _said(figures, ("({value})", "({value}, 보합)", "({value}, {signed})"))


def tagged(name: str, figures: dict[str, Figure]) -> str:
    """'반도체(87.0억 달러, +16.1%)'; a name that ends in brackets takes the figures inside
    them: '보조기억장치(SSD, 13.7억 달러, +113.3%)', never '(SSD)(13.7억 달러'."""
    inner = brief(figures)[1:-1]
    return f"{name[:-1]}, {inner})" if name.endswith(")") else f"{name}({inner})"


def headline(figures: dict[str, Figure], reporter: str = "KR") -> str:
    level = "ICT 수출 {value}"
    return _said(figures, (level, level, level + ", 전년 동월 대비 {pct} {move}"))


def since(a: dict[str, object]) -> str:
    """'(2019년 9월부터)', '(통계가 시작된 2020년 1월부터)': one bracket, never two."""
    start = "통계가 시작된 " if a.get("from_data_start") else ""
    return f"({start}{month_name(str(a['since']))}부터)"


def span_name(start: str, end: str) -> str:
    """'2025년 1~9월', '2024년 11월~2025년 2월', or '2026년 1월' for a one-month span."""
    if start == end:
        return month_name(start)
    if start[:4] == end[:4]:
        return f"{month_name(start)[:-1]}~{int(end[5:7])}월"
    return f"{month_name(start)}~{month_name(end)}"
