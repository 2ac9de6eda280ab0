"""Read every figure of a text: sentences, amounts and events, their period and subject."""

from __future__ import annotations

import functools
import re

from ...months import Month
from .events import Event, events, is_calendar_record
from .lexicon import mentions, words
from .model import Claim
from .numbers import Amount, amounts, is_range, range_width, starting_with
from .periods import MONTH, MONTH_ON_MONTH, PREV_YEAR, clause_end, lead_period, period_of
from .sentences import sentences
from .spans import overlaps, union
from .subjects import Subject, subjects
from .whole import broken_numbers, loosely_named

MONTHS_EN = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)"
)
NOT_A_FIGURE = re.compile(  # dates, years, ordinals and labels: numbers that are no claim
    starting_with(
        "\\dJFMASONDHQch'‘’",
        rf"\d{{4}}[-.]\d{{1,2}}(?:[-.]\d{{1,2}})?|\b(?:19|20)\d{{2}}\b|\d{{4}}년|\d{{1,2}}\s?(?:월|일)|"
        rf"{MONTHS_EN}\.? \d{{1,2}}\b|\b\d+(?:st|nd|rd|th)\b|\b[HQ][1-4]\b|\d+[A-Z]\b|"
        r"compare \d+ periods|\d+개 기간|\d+ (?:years|half-years) in the data|\d+개 (?:연도|반기)|"
        r"\b1~(?=\d{1,2}월)|\d\s?분기|['‘’]\d\d\.|\d{1,2}:\d\d|\d+\s?(?:번째|times)|"
        r"\d+\s?년\s?(?:사이|전|새)|https?://\S+",
    )
)
NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?(?![A-Za-z0-9])")
SHARE = re.compile(r"share|accounting for|accounted for|account(?:s)? for|take up|took up|"
                   r"비중", re.I)  # fmt: skip
SHARE_AFTER = re.compile(f"{SHARE.pattern}|차지", re.I)  # '40%를 차지': the verb follows
COVERAGE = re.compile(r"\bcover|포괄")
FLAT = re.compile(r"\bwas flat\b|\bflat (?:at|compared)|보합")
DEFICIT = re.compile(r"deficit|적자")
PERIOD_WORDS = ("ytd", "half", "quarter")  # 'the first 11 months': no figure
# No figure is longer than this; longer runs without a space are set aside before reading, which
# keeps every pattern's work per position bounded (hostile text: a run of 40,000 digits).
LONG_RUN = re.compile(r"\S{100,}")
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


def _own_clause(sentence: str, start: int) -> int:
    comma = max(sentence.rfind(", ", 0, start), sentence.rfind("; ", 0, start))
    return comma + 1


def _not_ict(sentence: str, start: int, end: int, lo: int, hi: int, look_after: bool) -> bool:
    """All-industry totals, forecasts, SMEs, daily averages, exchange rates."""
    other = words("other_flow")
    if other.search(sentence, _own_clause(sentence, start), start):
        return True
    stop = min(hi, clause_end(sentence, end), end + 40)
    return look_after and other.search(sentence, end, stop) is not None


def _money(claim: Claim, a: Amount, sentence: str) -> None:
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


def _percent(claim: Claim, a: Amount, sentence: str, lo: int, hi: int) -> None:
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
    around = sentence[_own_clause(sentence, a.start) : clause_end(sentence, a.end)]
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
    lo = max(lo, _own_clause(sentence, start))
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


def _event(claim: Claim, e: Event, sentence: str, lo: int, hi: int) -> None:
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
        if DOUBLE.search(sentence[_own_clause(sentence, e.start) : hi]) or re.search(
            r"less than|below|under|미만|이하", sentence[_own_clause(sentence, e.start) : hi]
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


def _thresholds_to_streaks(claims: list[Claim], text: str) -> None:
    """'above $10 billion for the 11th straight month', '7개월 연속 80억 달러 이상': the streak
    is the threshold's when both are in one clause."""
    levels = [c for c in claims if c.measure in ("threshold", "range")]
    for claim in (c for c in claims if c.measure == "streak"):
        for level in levels:
            between = text[min(claim.end, level.end) : max(claim.start, level.start)]
            if not re.search(r"[,;.]\s", between):
                claim.args["kind"] = "above_threshold"
                claim.args["threshold_usd"] = level.printed * level.unit


Figure = tuple[int, int, str, "Amount | Event | re.Match[str]"]


def _figures(sentence: str) -> list[Figure]:
    found: list[Figure] = [(a.start, a.end, a.kind, a) for a in amounts(sentence)]
    taken = union([(f[0], f[1]) for f in found])
    for e in events(sentence):
        if not overlaps(taken, e.start, e.end):
            found.append((e.start, e.end, e.measure, e))
    found += [(m.start(), m.end(), "flat", m) for m in FLAT.finditer(sentence)]
    found.sort(key=lambda f: (f[0], -f[1]))
    out: list[Figure] = []
    for f in found:
        if not out or f[0] >= out[-1][1]:
            out.append(f)
    spans = [(f[0], f[1]) for f in out] + [(m.start, m.end) for m in mentions(sentence)]
    spans += [(m.start(), m.end()) for m in NOT_A_FIGURE.finditer(sentence)]
    spans += [(m.start(), m.end()) for k in PERIOD_WORDS for m in words(k).finditer(sentence)]
    covered = union(spans)
    stray: list[Figure] = [
        (m.start(), m.end(), "number", m)
        for m in NUMBER.finditer(sentence)
        if not overlaps(covered, m.start(), m.start() + 1)
    ]
    return sorted(out + stray, key=lambda f: f[0])


def extract(text: str, month: Month | None = None) -> list[Claim]:
    """Every figure of ``text`` with its subject and period (``month``: the data month)."""
    text, claims = broken_numbers(text)
    context, carried, paragraph = Subject(), None, -1
    for s in sentences(text):
        if s.paragraph != paragraph:
            carried, paragraph, same_paragraph = None, s.paragraph, False
        else:
            same_paragraph = True
        sentence = s.text
        for m in LONG_RUN.finditer(sentence):
            if any(c.isdigit() for c in m.group()):
                claims.append(Claim(m.group(), sentence, "number", "other", "other", "world",
                                    start=s.start + m.start(), end=s.start + m.end(),
                                    why=f"a run of {len(m.group())} characters without a space"
                                    " is no figure verify reads"))  # fmt: skip
        sentence = LONG_RUN.sub(lambda m: " " * len(m.group()), sentence)
        figures = _figures(sentence)
        subs = subjects(sentence, [(f[0], f[1], f[2]) for f in figures], context,
                        carry_region=same_paragraph)  # fmt: skip
        done: list[Claim] = []
        first_at = next((f[0] for f in figures if f[2] != "number"), len(sentence))
        lead = lead_period(sentence[:first_at], month)
        lead = None if lead == MONTH else lead
        for n, ((start, end, kind, obj), sub) in enumerate(zip(figures, subs, strict=True)):
            lo = figures[n - 1][1] if n else 0
            hi = figures[n + 1][0] if n + 1 < len(figures) else len(sentence)
            measure = {"money": "value", "won": "value", "percent": "yoy"}.get(kind, kind)
            claim = Claim(sentence[start:end], sentence, measure, sub.flow, sub.item, sub.region,
                          start=s.start + start, end=s.start + end)  # fmt: skip
            if kind == "number":
                claim.why = "a number without a unit or phrase verify reads"
                claims.append(claim)
                continue
            period = period_of(sentence, start, end, kind, month, lead or carried)
            claim.period = period
            if isinstance(obj, Amount) and obj.kind == "won":
                claim.measure, claim.printed, claim.unit, claim.step = (
                    "value",
                    obj.value,
                    obj.unit,
                    obj.step,
                )
                claim.flow, claim.item, claim.args["currency"] = "other", "other", "KRW"
            elif isinstance(obj, Amount) and obj.kind == "money":
                _money(claim, obj, sentence)
            elif isinstance(obj, Amount):
                _percent(claim, obj, sentence, lo, hi)
            elif isinstance(obj, Event):
                _event(claim, obj, sentence, lo, hi)
            if claim.measure != "rank" and _not_ict(
                sentence, start, end, lo, hi, claim.measure in ("value", "yoy")
            ):
                claim.flow, claim.item, claim.region = "other", "other", "world"
            if claim.period == PREV_YEAR and done and done[-1].measure == "share":
                claim.measure, claim.printed = "share", abs(claim.printed)  # 'down from 58.1%'
            done.append(claim)
        _thresholds_to_streaks(done, text)
        claims += done
        first = next((c for c in done if c.flow != "other"), None)
        if first is not None:
            context = Subject(first.flow, first.item, first.region)
        if figures:
            opening = lead_period(sentence[:first_at], month)
            carried = None if opening == MONTH else (opening or carried)
    loosely_named(claims, text)
    return sorted(claims, key=lambda c: c.start)
