"""Figures that are events of a series: streaks, turns, records, ranks and fractions.

'the sixth consecutive month', 'for 9th month', 'five months in a row', '15개월 연속', '1년 연속'
are streaks; 'the first rebound in 14 months', '3개월 만에' are turns; 'the fastest pace in 44
months' is a record over a span; 'record high', '역대 최대', 'second-highest', 'fourth-biggest'
are records (with a rank); 'largest trading partner', '최대 흑자' rank a subject among others;
'for the second time', '두 번째로' count the times a level was reached ('for the first time
since 2013', 'for the first time in four months' are no count but a turn).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .numbers import KO_COUNTS, WORD, WORD_STARTS, leftmost_longest, number_word, starting_with

N = rf"(?:\d+|{WORD})"
STREAK = re.compile(
    starting_with(
        rf"\d{WORD_STARTS}fa한두세석네넉다여",
        rf"(?P<a>{N})(?:st|nd|rd|th)?[- ](?:straight|consecutive|successive)[- ]months?"
        rf"|(?P<b>{N})(?:st|nd|rd|th)?(?:-month| months?) "
        r"(?:consecutive|straight|successive|in a row|running)"
        rf"|for (?:the )?(?P<c>{N})(?:st|nd|rd|th)? (?:straight |consecutive )?months?\b"
        rf"(?=[^.]*(?:since|in a row|straight|consecutive|continu|kept|running|through|during))"
        rf"|(?<=continuing )an? [\w-]+ (?:trend|streak) for (?P<d>{N}) months"
        rf"|for (?:the )?(?P<e>\d+)(?:st|nd|rd|th) month"
        r"|(?P<ko>\d+)\s?개월\s?(?:연속|째|동안 연속)|(?P<koy>\d+)\s?년\s?연속"
        r"|(?P<kw>한|두|세|석|네|넉|다섯|여섯|\d+)\s?달\s?(?:연속|째)",
    ),
    re.IGNORECASE,
)
SPAN = re.compile(
    rf"(?P<what>(?:[\w-]+ ){{0,3}}?)in (?P<n>{N}) (?P<u>months|years)"
    r"|(?P<ko>\d+)\s?(?P<ku>개월|년)\s?만(?:에|의|이다|)",
    re.IGNORECASE,
)
SUPERLATIVE = re.compile(r"fastest|highest|biggest|largest|strongest|steepest|sharpest|최대|최고")
RECORD = re.compile(
    starting_with(
        rf"\d{WORD_STARTS}rahnmpf역사월",
        rf"(?P<rank>{WORD}|\d+(?:st|nd|rd|th))[- ](?:highest|biggest|largest|best)"
        r"|역대\s?(?P<ko>두|세|네|다섯)\s?번째|역대\s?(?P<kn>\d)\s?위"
        r"|record[- ]high|all-time high|highest[- ]ever|(?:new|monthly|previous|a) record"
        r"|record (?:performance|level|monthly|for)|highest (?:monthly )?(?:level|record)|new high"
        r"|highest(?= since| on record| ever)|highest(?=(?: [\w-]+){1,2} on record)"
        r"|fastest (?:growth|pace)|record(?= \$| US\$| USD)"
        r"|역대\s?(?:\d+월\s?(?:중\s?|기준\s?)?)?(?:최대|최고)|사상\s?(?:최대|최고)|월간\s?최대",
    ),
    re.IGNORECASE,
)
RANK = re.compile(
    r"(?:largest|biggest|top) (?:trading partner|overseas market|export market|market|"
    r"destination)|contributed the most|best-selling|최대 (?:흑자|수출국|교역국|시장)",
    re.IGNORECASE,
)
FRACTION = re.compile(
    r"(?<!first )(?<!second )\b(?P<w>a third|one third|a quarter|one quarter|half)\b(?= of)", re.I
)
FRACTIONS = {"a third": 33.3, "one third": 33.3, "a quarter": 25.0, "one quarter": 25.0,
             "half": 50.0}  # fmt: skip
TIMES = re.compile(  # 'topping $10 billion for the second time', '두 번째로 100억 달러를 넘었다'
    rf"for (?:only )?the (?P<t>{WORD}|\d+(?:st|nd|rd|th)) time(?:\s+ever)?(?!\s+(?:since|in)\b)"
    r"|(?<!역대)(?<!역대 )(?P<kt>두|세|네|다섯|\d+)\s?번째(?:로)?(?=\s)",
    re.IGNORECASE,
)
CALENDAR = re.compile(
    r"for the month|record for (?:the month of )?[A-Z][a-z]+"
    r"|highest [A-Z][a-z]+(?: [a-z]+)? on record"
    r"|\d+월\s?(?:기준|중)?\s?역대|역대\s?\d+월",
)


# Streaks and spans count months or years: a sentence without these words has none, and its
# scan (number words at every place) is skipped.
COUNTED = ("month", "year", "개월", "년", "달")


@dataclass
class Event:
    start: int
    end: int
    measure: str  # 'streak', 'turn', 'record', 'rank', 'share', 'times'
    args: dict[str, Any] = field(default_factory=dict)
    value: float = 0.0
    step: float = 1.0


def _count(text: str | None) -> int | None:
    if not text:
        return None
    if text in KO_COUNTS:
        return KO_COUNTS[text]
    value = number_word(text.lower())
    if value is None:
        value = number_word(re.sub(r"(st|nd|rd|th)$", "", text.lower()))
    return None if value is None else int(value)


def events(sentence: str) -> list[Event]:
    """Streaks, turns, records, ranks and fractions of a sentence, in order."""
    out: list[Event] = []
    folded = sentence.lower()
    counted = any(word in folded for word in COUNTED)
    for m in STREAK.finditer(sentence) if counted else ():
        years = _count(m.group("koy"))
        n = _count(next((g for g in m.groups() if g), None)) if years is None else years * 12
        if n:
            out.append(Event(m.start(), m.end(), "streak", {"months": n},
                             n, 12.0 if years else 1.0))  # fmt: skip
    for m in SPAN.finditer(sentence) if counted else ():
        n = _count(m.group("n") or m.group("ko"))
        if not n:
            continue
        if (m.group("u") or m.group("ku") or "").startswith(("year", "년")):
            n *= 12
        lead = m.group("what") or ""
        if m.group("ko") is None and not re.search(
            r"first|fastest|highest|biggest|largest|\w+est\b|time|increase|rebound|growth|"
            r"decline|fall|drop|rise|gain|upturn|turnaround|reversal|\d",
            lead,
            re.I,
        ):
            continue
        start = m.start("n") if m.group("n") else m.start()
        if SUPERLATIVE.search(lead):
            out.append(Event(m.start(), m.end(), "record", {"rank": 1, "span_months": n}, n))
        else:
            out.append(Event(start, m.end(), "turn", {"months": n}, n))
    for m in RECORD.finditer(sentence):
        rank = _count(m.group("rank")) or _count(m.group("ko")) or _count(m.group("kn")) or 1
        out.append(Event(m.start(), m.end(), "record", {"rank": rank}, rank))
    for m in RANK.finditer(sentence):
        out.append(Event(m.start(), m.end(), "rank", {"rank": 1}, 1))
    for m in TIMES.finditer(sentence):
        n = _count(m.group("t")) or _count(m.group("kt"))
        if n:
            out.append(Event(m.start(), m.end(), "times", {"times": n}, n))
    for m in FRACTION.finditer(sentence):
        value = FRACTIONS[m.group("w").lower()]
        out.append(Event(m.start(), m.end(), "share", {}, value, 0.1 if value % 1 else 1.0))
    return leftmost_longest(out)


def is_calendar_record(sentence: str) -> bool:
    return CALENDAR.search(sentence) is not None
