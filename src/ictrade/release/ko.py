"""Korean phrasing of the statements (``compose``), in the register of the ministry's releases:
the words only, never the choice of statements (that is ``compose``'s). The words for figures,
items and months are ko_words.py's; the phrasebook names below are the ones the tables and
headings use (``lang.phrasebook``).
"""

from __future__ import annotations

from ..months import Month
from ..numbers import round_half_up
from .ko_words import (
    EOK,
    change,
    format_pct,
    format_usd,
    headline,
    item_name,
    join,
    month_name,
    region_name,
    since,
    span_name,
    tagged,
)
from .statement import Phrase, Statement, direction, pair_moves

__all__ = [
    "PHRASES",
    "format_pct",
    "format_usd",
    "headline",
    "item_name",
    "month_name",
    "region_name",
    "span_name",
]


def _who(item: str, region: str = "world") -> str:
    where = "" if region == "world" else f"{region_name(region)} "
    what = "ICT" if item == "total" else item_name(item)
    return f"{where}{what} 수출은"


def _lead(s: Statement, month: Month) -> str:
    return f"{month.month}월 ICT 수출은 {change(s.figures)}."


def _streak(s: Statement, month: Month) -> str:
    a = s.args
    who = _who(s.subject, a.get("region", "world"))
    origin = "(통계 시작 이후)" if a.get("from_data_start") else ""
    if a["kind"] == "yoy_double_digit_growth":
        return f"{who} {a['months']}개월 연속 두 자릿수 증가했다{since(a)}."
    word = "증가" if a["kind"] == "yoy_growth" else "감소"
    return f"{who} {a['months']}개월 연속 {word}했다{origin}."


def _turn(s: Statement, month: Month) -> str:
    a = s.args
    word = "증가" if a["kind"] == "growth_after_decline" else "감소"
    return f"{_who(s.subject, a['region'])} {a['months']}개월 만에 {word}로 전환했다."


def _record(s: Statement, month: Month) -> str:
    a = s.args
    begin = month_name(a["first_month"])
    region = a.get("region", "world")
    if a["kind"] == "calendar_month_high":
        rank = f"{month.month}월 기준 역대 최대"
    else:
        rank = {1: "역대 최대", 2: "역대 두 번째로 높은", 3: "역대 세 번째로 높은"}[a["rank"]]
    held = "비교 가능한 통계가 있는" if a.get("comparable") else "통계가 있는"
    if s.subject != "total" or region != "world":
        return f"{_who(s.subject, region)} {held} {begin} 이후 {rank} 실적을 기록했다."
    if a["kind"] == "calendar_month_high":
        return f"이는 {held} {begin} 이후 {rank} 실적이다."
    return f"이는 {held} {begin} 이후 {rank} 월간 실적이다."


def _threshold(s: Statement, month: Month) -> str:
    a = s.args
    return (
        f"{_who(s.subject, a.get('region', 'world'))} {a['months']}개월 연속 "
        f"{a['threshold_usd'] / EOK:,.0f}억 달러를 넘어섰다{since(a)}."
    )


def _ytd(s: Statement, month: Month) -> str:
    a = s.args
    text = f"{span_name(a['from'], a['to'])} ICT 수출 누계는 "
    if a.get("yoy_pct") is None:
        return f"{text}{format_usd(a['value_usd'])}를 기록했다."
    if round_half_up(a["yoy_pct"], 0.1) == 0:
        return f"{text}{format_usd(a['value_usd'])}로 전년 동기와 같은 수준이었다."
    word = "증가" if a["yoy_pct"] > 0 else "감소"
    return (
        f"{text}{format_usd(a['value_usd'])}로 전년 동기 대비 "
        f"{format_pct(a['yoy_pct'])} {word}했다."
    )


def _period_record(s: Statement, month: Month) -> str:
    a = s.args
    rank = {1: "가장 많은", 2: "두 번째로 많은", 3: "세 번째로 많은"}[a["rank"]]
    periods = a["periods_compared"] + 1
    held = "비교 가능한 자료가 있는" if a.get("comparable") else "자료가 있는"
    if a["scope"] == "ytd":
        return f"이는 {held} {periods}개 연도의 1~{month.month}월 누계 중 {rank} 실적이다."
    return f"이는 {held} {periods}개 반기 중 {rank} 반기 실적이다."


def _estimated(s: Statement, month: Month) -> str:
    names = join([item_name(i) for i in s.args["items"]])
    return (
        f"{names} 수치에는 품목을 구분할 수 없게 신고된 HS 코드를 추정 비율로 나눈 값이 "
        "포함돼 있다."
    )


def _coverage(s: Statement, month: Month) -> str:
    """One sentence on what the data lack, so that the release's silence is not read as zero."""
    a, lacking, left_out = s.args, [], []
    if a.get("no_imports"):
        lacking.append("ICT 수입")
        left_out.append("수입·무역수지")
    if a.get("no_regions"):
        lacking.append("상대국별 수출")
        left_out.append("지역별 수치")
    clauses = []  # (joined to the next, ending the sentence)
    if lacking:
        stem = f"이 자료에는 {' 및 '.join(lacking)} 실적이 없어 {' 및 '.join(left_out)}는 싣지 않았"
        clauses.append((stem + "으며", stem + "다"))
    if a.get("partial_imports"):
        stem = "수입 자료는 일부 ICT 품목만 포괄해 수입·무역수지는 싣지 않았"
        clauses.append((stem + "으며", stem + "다"))
    if a.get("partner_share") is not None:
        stem = f"지역별 수치는 상대국이 기재된 수출(전체의 {a['partner_share']:.1f}%)만 포괄"
        clauses.append((stem + "하며", stem + "한다"))
    if a.get("major_items") is not None:
        covered = join([item_name(i) for i in a["major_items"]])
        stem = f"주요 품목 중 {covered}만 포함" if covered else "주요 품목은 포함하지 않"
        clauses.append(
            (stem + "하며", stem + "한다") if covered else (stem + "으며", stem + "는다")
        )
    if not clauses:
        return ""
    return ", ".join([c for c, _ in clauses[:-1]] + [clauses[-1][1]]) + "."


def _imports_balance(s: Statement, month: Month) -> str:
    balance = s.figures["balance"].value
    kind = "흑자" if balance >= 0 else "적자"
    return (
        f"ICT 수입은 {format_usd(s.figures['imports'].value)}, 무역수지는 "
        f"{format_usd(abs(balance))} {kind}를 기록했다."
    )


def _summary(s: Statement, month: Month) -> str:
    word = "증가" if s.args["direction"] == "up" else "감소"
    others = s.args["except"]
    if s.kind == "items_summary":
        excluded = f"({join([item_name(i) for i in others])} 제외)" if others else ""
        return f"주요 품목 수출이 모두 {word}했다{excluded}."
    excluded = f"({join([region_name(r) for r in others])} 제외)" if others else ""
    return f"지역별로는 주요 지역 수출이 모두 {word}했다{excluded}."


def _item(s: Statement, month: Month) -> str:
    return f"{item_name(s.subject)} 수출은 {change(s.figures)}."


def _pair(s: Statement, month: Month) -> str:
    (a, b), moves = s.args["children"], pair_moves(s)
    first, second = (tagged(item_name(c["item"]), c["figures"]) for c in (a, b))
    if moves == {"up"}:
        return f"{first} 및 {second} 모두 증가했다."
    if moves == {"down"}:
        return f"{first} 및 {second} 모두 감소했다."
    if moves != {"none"} and "none" in moves:  # one part without a prior year
        said = [f"{item_name(c['item'])} 수출은 {change(c['figures'])}" for c in (a, b)]
        return f"{said[0][:-1]}고, {said[1]}."  # '…했다' joined as '…했고'
    if "none" in moves:  # no prior year for either: levels only
        values = [
            f"{item_name(c['item'])} {format_usd(c['figures']['value'].value)}" for c in (a, b)
        ]
        return f"세부 품목별로는 {', '.join(values)}를 기록했다."
    return f"{first}, {second} 등 품목별로 엇갈렸다."


def _driver(s: Statement, month: Month) -> str:
    text = tagged(item_name(s.subject), s.figures)
    if direction(s.figures.get("yoy")) == "up":
        return f"{text} 수출이 증가를 견인했다."
    return f"{text} 수출이 감소를 주도했다."


def _region(s: Statement, month: Month) -> str:
    text = f"{region_name(s.subject)} 수출은 {change(s.figures)}"
    drivers = s.args["drivers"]
    if drivers:
        up = direction(s.figures.get("yoy")) == "up"
        text += f"({join([item_name(i) for i in drivers])} {'호조' if up else '부진'})"
    return ("반면, " if s.args["contrast"] else "") + text + "."


# What says each kind of statement (statement.KINDS); tests check every kind has a phrase.
PHRASES: dict[str, Phrase] = {
    "lead": _lead,
    "streak": _streak,
    "turn": _turn,
    "record": _record,
    "coverage": _coverage,
    "estimated": _estimated,
    "imports_balance": _imports_balance,
    "items_summary": _summary,
    "regions_summary": _summary,
    "item": _item,
    "pair": _pair,
    "driver": _driver,
    "region": _region,
    "threshold": _threshold,
    "ytd": _ytd,
    "period_record": _period_record,
}
