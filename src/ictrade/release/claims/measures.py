"""What a figure of a sentence measures: the sign, hedge and kind of an amount or an event,
once its subject and period are known (read.py finds the figures)."""

from __future__ import annotations

import functools
import re

from .events import Event, is_calendar_record
from .lexicon import words
from .model import Claim
from .numbers import Amount, is_range, range_width
from .periods import MONTH_ON_MONTH, clause_end

SHARE = re.compile(r"share|accounting for|accounted for|account(?:s)? for|take up|took up|"
                   r"비중", re.I)  # fmt: skip
SHARE_AFTER = re.compile(f"{SHARE.pattern}|차지", re.I)  # '40%를 차지': the verb follows
COVERAGE = re.compile(r"\bcover|포괄")
DEFICIT = re.compile(r"deficit|적자")
DOUBLE = re.compile(r"double[- ]digit|두\s?자릿수|두\s?자리")


def _sign(
    sentence: str, start: int, end: int, lo: int, hi: int, *, fallback: bool = True
) -> int | None:
    """+1 or -1 from the direction word nearest the figure, None when there is none."""
    best: tuple[int, int] | None = None
    for kind, sign in (("up", 1), ("down", -1)):
        pattern = words(kind)
        for m in pattern.finditer(sentence, lo, start):
            distance = start - m.end()
            best = min(best or (distance, sign), (distance, sign))
        m2 = pattern.search(sentence, end, hi)
        if m2:
            best = min(best or (m2.start() - end + 2, sign), (m2.start() - end + 2, sign))
    if (
        best is None and lo > 0 and fallback
    ):  # '... fell 17.3 percent and 6.2 percent': the list's verb
        return _sign(sentence, start, end, 0, len(sentence))
    return None if best is None else best[1]


def _clause_start(sentence: str, start: int, lo: int) -> int:
    comma = max(sentence.rfind(", ", lo, start), sentence.rfind("; ", lo, start))
    return max(lo, comma + 1)


def own_clause(sentence: str, start: int) -> int:
    comma = max(sentence.rfind(", ", 0, start), sentence.rfind("; ", 0, start))
    return comma + 1


def money(claim: Claim, a: Amount, sentence: str) -> None:
    claim.printed, claim.unit, claim.step = a.value, a.unit, a.step
    before, after = sentence[max(0, a.start - 30) : a.start], sentence[a.end : a.end + 14]
    if claim.flow == "balance" and DEFICIT.search(sentence[max(0, a.start - 25) : a.end + 12]):
        claim.printed = -a.value
    if is_range(sentence, a.end):
        claim.measure, claim.step = "range", range_width(a.value)
        return
    hedge_above = words("approx_above").search(before + "\0")
    round_level = (a.value * a.unit) % 1e9 == 0 and a.step * a.unit >= 1e8
    near_before = _ending("threshold", r"\s*(?:the\s+)?(?:a\s+)?$").search(before)
    near_after = re.match(r"\s*(?:를|을)?\s*(?:돌파|넘|상회|웃돌)", after) or (
        round_level and re.match(r"\s*(?:을|를)?\s*이상", after)
    )
    if (near_before or near_after) and (round_level or not hedge_above):
        claim.measure = "threshold"
        return
    claim.hedge = _hedge(sentence, a.start) or _hedge_after(after)


def _hedge_after(after: str) -> str:
    """Korean hedges follow the amount: '150억 달러 가량', '100억 달러 이상', '10억 달러 미만'."""
    for hedge, pattern in (("around", "정도|가량|안팎|내외|남짓"), ("above", "이상|넘게|넘는|넘은"),
                           ("under", "미만|이하")):  # fmt: skip
        if re.match(rf"\s*(?:을|를|이|가)?\s*(?:{pattern})", after):
            return hedge
    return ""


def percent(claim: Claim, a: Amount, sentence: str, lo: int, hi: int) -> None:
    claim.printed, claim.step = a.value, a.step
    clause = sentence[_clause_start(sentence, a.start, lo) : a.start]
    if a.contribution:
        claim.measure = "contribution"
    elif is_range(sentence, a.end):
        claim.measure, claim.step = "range", range_width(a.value)
    elif SHARE.search(clause) or SHARE_AFTER.search(sentence[a.end : min(hi, a.end + 12)]):
        claim.measure = "share"
        _share_base(claim, sentence, a.end, hi)
        _general(claim, clause, sentence[a.end : min(hi, a.end + 16)])
    elif COVERAGE.search(clause):
        claim.measure = "coverage"
    sign = a.sign
    if sign is None and claim.measure in ("yoy", "range", "contribution"):
        sign = _sign(sentence, a.start, a.end, lo, hi)
    claim.printed = a.value * (sign or 1)
    claim.args["signed"] = sign is not None or claim.measure != "yoy"
    around = sentence[own_clause(sentence, a.start) : clause_end(sentence, a.end)]
    if claim.measure == "yoy" and MONTH_ON_MONTH.search(around):
        claim.args["base"] = "previous month"  # '3.2 percent from the previous month', '전월 대비'
    claim.hedge = _hedge(sentence, a.start)


def _hedge(sentence: str, start: int) -> str:
    """'around', 'below' or 'above' from a hedging word just before a figure ('nearly 40
    percent', 'more than half')."""
    before = sentence[max(0, start - 30) : start]
    for hedge, kind in (("around", "approx_around"), ("below", "approx_below"),
                        ("above", "approx_above"), ("under", "at_most")):  # fmt: skip
        if _ending(kind, r"\s*$").search(before):
            return hedge
    return ""


@functools.cache  # compiled once: these run for every figure
def _ending(kind: str, tail: str) -> re.Pattern[str]:
    return re.compile(rf"(?:{words(kind).pattern}){tail}", re.I)


def _direction(sentence: str, start: int, end: int, lo: int, hi: int) -> str | None:
    """'growth' or 'decline' from the verb nearest an event: before it in its clause first."""
    lo = max(lo, own_clause(sentence, start))
    sign = _sign(sentence, start, end, lo, start, fallback=False) or _sign(
        sentence, start, end, end, hi, fallback=False
    )
    return None if sign is None else ("growth" if sign > 0 else "decline")


def _general(claim: Claim, before: str, after: str) -> None:
    """A share in the present tense ('chips, which account for 40 percent of ICT exports',
    '40%를 차지하는 반도체') is a general statement, not the month's figure."""
    general = words("general_share")
    if general.search(before) or general.search(after):
        claim.args["general"] = True


def _share_base(claim: Claim, sentence: str, end: int, hi: int) -> None:
    """'... 96 percent of total surplus in all industries': a share of all trade."""
    if words("other_flow").search(sentence, end, min(hi, end + 50)):
        claim.args["of"] = "all industries"


def event(claim: Claim, e: Event, sentence: str, lo: int, hi: int) -> None:
    claim.args.update(e.args)
    claim.printed, claim.step = e.value, e.step
    korean = re.search(r"[가-힣]", sentence) is not None  # verb-final: the kind comes after
    own = sentence[lo : e.end] + (sentence[e.end : hi] if korean else "")
    if e.measure == "streak":
        kind = _direction(sentence, e.start, e.end, lo, hi) or "growth"
        double = DOUBLE.search(own)
        claim.args["kind"] = f"yoy_double_digit_{kind}" if double else f"yoy_{kind}"
    elif e.measure == "turn":
        turned = _direction(sentence, e.start, e.end, lo, hi)
        claim.args["kind"] = (
            "decline_after_growth" if turned == "decline" else "growth_after_decline"
        )
        if DOUBLE.search(sentence[own_clause(sentence, e.start) : hi]) or re.search(
            r"less than|below|under|미만|이하", sentence[own_clause(sentence, e.start) : hi]
        ):
            claim.args["qualified"] = True  # 'the first double-digit increase in 22 months'
    elif e.measure == "record":
        if re.match(r"previous|former|earlier|이전|종전", claim.text, re.I):
            claim.period = "earlier"  # 'broke the previous record of $85.3 billion'
        calendar = is_calendar_record(sentence)
        claim.args["kind"] = "calendar_month_high" if calendar else "all_time_high"
        if re.match(
            r"\s*(?:[\w-]+\s+){0,4}?since\b(?!\s+(?:the\s+)?(?:data|statistics|records?)\b)",
            sentence[e.end : hi],
        ):
            claim.args["since"] = True  # 'the highest level since the beginning of this year'
    elif e.measure == "share":
        _share_base(claim, sentence, e.end, hi)
        _general(claim, sentence[_clause_start(sentence, e.start, lo) : e.start],
                 sentence[e.end : min(hi, e.end + 16)])  # fmt: skip
        claim.hedge = _hedge(sentence, e.start)
    elif e.measure == "rank" and re.search(r"trading partner", claim.text, re.I):
        claim.flow, claim.item = "other", "other"
