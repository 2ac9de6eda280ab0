"""Read every figure of a text: sentences, amounts and events, their period and subject."""

from __future__ import annotations

import re

from ...months import Month
from .events import Event, events
from .lexicon import mentions, words
from .measures import event, money, own_clause, percent
from .model import Claim
from .numbers import Amount, amounts, starting_with
from .periods import MONTH, PREV_YEAR, clause_end, lead_period, period_of
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
FLAT = re.compile(r"\bwas flat\b|\bflat (?:at|compared)|보합")
PERIOD_WORDS = ("ytd", "half", "quarter")  # 'the first 11 months': no figure
# No figure is longer than this; longer runs without a space are set aside before reading, which
# keeps every pattern's work per position bounded (hostile text: a run of 40,000 digits).
LONG_RUN = re.compile(r"\S{100,}")


def _not_ict(sentence: str, start: int, end: int, lo: int, hi: int, look_after: bool) -> bool:
    """All-industry totals, forecasts, SMEs, daily averages, exchange rates."""
    other = words("other_flow")
    if other.search(sentence, own_clause(sentence, start), start):
        return True
    stop = min(hi, clause_end(sentence, end), end + 40)
    return look_after and other.search(sentence, end, stop) is not None


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
# 'grew 15-16%', '160~170억 달러', '$16.6bn-$17bn': what stands before an amount that ends a range
RANGE_START = re.compile(
    r"(?:US\s?\$|\$|€)?(?<![\d.,])\d[\d,]*(?:\.\d+)?\s?(?:%|percent|per cent|trillion|billion|"
    r"million|bn|mn|조|억|천만|백만|만)?\s?[-–—~〜∼]\s?\Z"
)
RANGE_WHY = "a range of figures, which verify does not read (neither end is the figure)"


def _ranges(sentence: str, figures: list[Figure]) -> list[Figure]:
    """``figures`` with each amount that ends a range taken together with its start, as one
    figure of kind 'span' (its ends were read as figures: '15-16%' as a fall of 16%)."""
    out: list[Figure] = []
    for f in figures:
        if isinstance(f[3], Amount):
            dash = f[0] + (sentence[f[0]] in "-−")  # '-16%': the sign is the range's dash
            m = RANGE_START.search(sentence, max(0, f[0] - 40), dash)
            if m:
                while out and out[-1][1] > m.start():
                    out.pop()
                out.append((m.start(), f[1], "span", m))
                continue
        out.append(f)
    return out


def _why_number(text: str) -> str:
    if not text.isascii():
        return "digits that are not 0-9, which verify does not read"
    if re.search(r"\d,(?!\d{3}(?!\d))", text):
        return (
            "a comma that does not group thousands (a decimal comma?), which verify does not read"
        )
    return "a number without a unit or phrase verify reads"


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
    out = _ranges(sentence, out)
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
            if kind in ("number", "span"):
                claim.measure = "number"
                claim.why = RANGE_WHY if kind == "span" else _why_number(claim.text)
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
                money(claim, obj, sentence)
            elif isinstance(obj, Amount):
                percent(claim, obj, sentence, lo, hi)
            elif isinstance(obj, Event):
                event(claim, obj, sentence, lo, hi)
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
